"""The categories of the demo shop: brands, words for titles and searches, physical ranges."""

from __future__ import annotations

from dataclasses import dataclass

Range = tuple[float, float]
Attribute = tuple[str, tuple[str, ...]]

COLOURS = ("noir", "blanc", "bleu marine", "rouge", "vert sauge", "beige", "gris", "rose poudré")


@dataclass(frozen=True)
class CategorySpec:
    """One catalogue category: brands from premium to budget and the words used for it.

    Examples
    --------
    >>> spec = category_by_name("coffee & tea")
    >>> spec.consumable, spec.brands[0], spec.brands[-1]
    (True, 'Maison Arabica', 'CaféMalin')
    """

    name: str
    code: str
    weight: float  # share of demand at baseline
    cost: Range
    consumable: bool
    bulky: bool
    brands: tuple[str, str, str, str]  # premium, two mid-range, budget
    nouns: tuple[str, ...]
    qualifiers: tuple[str, ...]
    sizes: tuple[str, ...]
    weight_kg: Range
    volume_l: Range
    search: tuple[str, ...]
    attributes: tuple[Attribute, ...]
    interval_days: Range = (0.0, 0.0)  # true repurchase interval range for consumables


def _c(
    name: str,
    code: str,
    weight: float,
    cost: Range,
    brands: tuple[str, str, str, str],
    nouns: tuple[str, ...],
    qualifiers: tuple[str, ...],
    search: tuple[str, ...],
    attributes: tuple[Attribute, ...],
    *,
    sizes: tuple[str, ...] = (),
    weight_kg: Range = (0.2, 1.0),
    volume_l: Range = (0.3, 2.0),
    bulky: bool = False,
    interval: Range = (0.0, 0.0),
) -> CategorySpec:
    return CategorySpec(
        name,
        code,
        weight,
        cost,
        interval != (0.0, 0.0),
        bulky,
        brands,
        nouns,
        qualifiers,
        sizes,
        weight_kg,
        volume_l,
        search,
        attributes,
        interval,
    )


# One entry per category; kept as an aligned table, easier to read than one value a line.
# fmt: off
CATEGORIES: tuple[CategorySpec, ...] = (
    _c("cosmetics", "COS", 6.0, (3, 28), ("Lumière de Provence", "Belle Peau", "Nuance", "DouxPrix"),
       ("Face Cream", "Crème mains", "Shampooing", "Gel douche", "Serum", "Lip Balm"),
       ("Hydrating", "Bio", "Nourrissant", "Sensitive", "Au karité"),
       ("crème visage", "shampoing bio", "gel douche", "lip balm", "serum"),
       (("skin_type", ("normale", "sèche", "mixte", "sensible")), ("pack", ("1", "2", "3"))),
       sizes=("50 ml", "100 ml", "250 ml"), weight_kg=(0.05, 0.5), volume_l=(0.05, 0.4),
       interval=(30, 60)),
    _c("food", "FOO", 6.5, (1.5, 14), ("Épicerie Fine Durand", "Terroir & Co", "Goûts du Sud", "EcoPanier"),
       ("Huile d'olive", "Pâtes artisanales", "Granola", "Confiture", "Miel", "Olive Tapenade"),
       ("Bio", "Artisanal", "Extra", "Organic", "Du terroir"),
       ("huile d'olive", "pâtes", "miel bio", "confiture", "granola"),
       (("origin", ("France", "Italie", "Espagne", "Grèce")), ("organic", ("oui", "non"))),
       sizes=("250 g", "500 g", "1 kg"), weight_kg=(0.25, 1.2), volume_l=(0.3, 1.5),
       interval=(14, 30)),
    _c("pet supplies", "PET", 5.0, (2.5, 40), ("Royal Museau", "Compagnon", "PattesHeureuses", "Croq'Éco"),
       ("Croquettes chien", "Cat Food", "Litière", "Friandises", "Dog Shampoo"),
       ("Premium", "Sans céréales", "Senior", "Junior", "Grain-free"),
       ("croquettes chien", "litière chat", "friandises", "cat food"),
       (("animal", ("chien", "chat")), ("flavour", ("poulet", "saumon", "boeuf"))),
       sizes=("1 kg", "3 kg", "10 kg"), weight_kg=(1.0, 10.0), volume_l=(1.5, 18.0),
       interval=(25, 45)),
    _c("coffee & tea", "COF", 5.0, (3, 22), ("Maison Arabica", "Théière d'Or", "Torréfacteur Lyonnais", "CaféMalin"),
       ("Café en grains", "Ground Coffee", "Thé vert", "Earl Grey", "Capsules espresso", "Infusion"),
       ("Pur arabica", "Intense", "Bio", "Single Origin", "Décaféiné"),
       ("café en grains", "capsules", "thé vert", "earl grey", "infusion"),
       (("origin", ("Éthiopie", "Colombie", "Brésil", "Chine", "Inde")), ("intensity", ("3", "5", "8", "10"))),
       sizes=("250 g", "500 g", "1 kg"), weight_kg=(0.25, 1.0), volume_l=(0.4, 1.5),
       interval=(21, 35)),
    _c("beverages", "BEV", 4.0, (1.2, 15), ("Source des Alpes", "Limonade Lorina", "Jus de Normandie", "BoissonPlus"),
       ("Eau pétillante", "Limonade", "Jus de pomme", "Iced Tea", "Sirop"),
       ("Artisanal", "Sans sucre", "Bio", "Sparkling", "Pressé"),
       ("limonade", "eau pétillante", "jus de pomme", "sirop"),
       (("pack", ("1", "6", "12")), ("sugar_free", ("oui", "non"))),
       sizes=("33 cl", "75 cl", "1 l", "1,5 l"), weight_kg=(0.4, 9.0), volume_l=(0.4, 10.0),
       interval=(14, 28)),
    _c("cleaning", "CLE", 3.0, (1.5, 12), ("Maison Verte", "Brillance", "Net & Sain", "PropreEco"),
       ("Liquide vaisselle", "Lessive", "All-Purpose Cleaner", "Éponges", "Savon noir"),
       ("Écologique", "Concentré", "Fresh", "Hypoallergénique"),
       ("lessive", "liquide vaisselle", "savon noir", "nettoyant"),
       (("scent", ("citron", "lavande", "sans parfum")), ("pack", ("1", "2", "4"))),
       sizes=("500 ml", "1 l", "3 l"), weight_kg=(0.3, 3.5), volume_l=(0.5, 4.0),
       interval=(30, 60)),
    _c("baby", "BAB", 3.5, (3, 45), ("Petit Prince Bébé", "Doudou & Co", "Câlin", "BébéMalin"),
       ("Couches", "Lingettes", "Baby Bottle", "Body", "Gigoteuse"),
       ("Douce", "Bio", "Ultra-absorbante", "Soft"),
       ("couches", "lingettes bébé", "biberon", "gigoteuse"),
       (("age", ("0-3 mois", "3-6 mois", "6-12 mois")), ("material", ("coton bio", "bambou"))),
       sizes=("T1", "T2", "T3", "T4"), weight_kg=(0.2, 3.0), volume_l=(0.5, 12.0),
       interval=(14, 30)),
    _c("clothing", "CLO", 7.0, (6, 60), ("Atelier Marais", "Saint-Tropez Mode", "Basique", "PrixDoux"),
       ("T-shirt", "Pull marin", "Jean", "Robe", "Chemise", "Hoodie"),
       ("Coton bio", "Slim", "Oversize", "Classic", "En lin"),
       ("pull marin", "t-shirt coton", "jean slim", "robe été", "chemise lin"),
       (("colour", COLOURS), ("material", ("coton", "lin", "laine", "polyester recyclé"))),
       sizes=("XS", "S", "M", "L", "XL"), weight_kg=(0.15, 0.9), volume_l=(0.5, 3.0)),
    _c("shoes", "SHO", 4.5, (12, 70), ("Cordonnerie Royale", "Pas Léger", "Urbain", "ChaussPrix"),
       ("Baskets", "Sneakers", "Bottines", "Sandales", "Espadrilles"),
       ("Cuir", "Running", "Vegan", "Classic", "Montantes"),
       ("baskets", "bottines cuir", "sandales", "espadrilles"),
       (("colour", COLOURS), ("material", ("cuir", "toile", "synthétique"))),
       sizes=("37", "38", "39", "40", "41", "42", "43", "44"), weight_kg=(0.4, 1.4), volume_l=(4.0, 9.0)),
    _c("outdoor", "OUT", 3.5, (8, 120), ("Cimes & Vallées", "Trek Alpin", "Randonneur", "PleinAirEco"),
       ("Sac à dos", "Tent", "Gourde", "Lampe frontale", "Sleeping Bag"),
       ("Ultralight", "Imperméable", "Trail", "2 places", "Compact"),
       ("sac à dos rando", "tente", "gourde", "lampe frontale"),
       (("capacity", ("10 l", "20 l", "30 l", "45 l")), ("colour", COLOURS)),
       weight_kg=(0.2, 4.0), volume_l=(1.0, 40.0), bulky=True),
    _c("garden", "GAR", 3.5, (4, 90), ("Jardins de Versailles", "Main Verte", "Potager", "JardiPrix"),
       ("Terreau", "Arrosoir", "Sécateur", "Plant Pot", "Graines potagères"),
       ("Bio", "Ergonomique", "Large", "Terracotta", "Résistant"),
       ("terreau", "arrosoir", "sécateur", "graines", "pot de fleurs"),
       (("material", ("terre cuite", "plastique recyclé", "acier")), ("colour", COLOURS)),
       weight_kg=(0.2, 20.0), volume_l=(0.5, 50.0), bulky=True),
    _c("toys", "TOY", 4.5, (4, 55), ("Jouets d'Antan", "Petit Génie", "Ludo", "JouéPrix"),
       ("Puzzle", "Wooden Train", "Peluche", "Jeu de société", "Building Blocks"),
       ("En bois", "Éducatif", "Classic", "1000 pièces", "Montessori"),
       ("puzzle", "jeu de société", "peluche", "train en bois", "lego"),
       (("age", ("2+", "4+", "8+", "12+")), ("material", ("bois", "carton", "plastique recyclé"))),
       weight_kg=(0.2, 3.0), volume_l=(0.8, 15.0)),
    _c("electronics", "ELE", 5.0, (10, 180), ("Sonora", "Voltaire Tech", "Connecté", "TechPrix"),
       ("Écouteurs sans fil", "Bluetooth Speaker", "Chargeur USB-C", "Power Bank", "Smartwatch"),
       ("Pro", "Compact", "Noise Cancelling", "Rapide", "Waterproof"),
       ("écouteurs bluetooth", "chargeur usb-c", "enceinte", "power bank", "montre connectée"),
       (("colour", ("noir", "blanc", "gris")), ("warranty_years", ("1", "2", "3"))),
       weight_kg=(0.05, 1.5), volume_l=(0.2, 4.0)),
    _c("home decor", "DEC", 4.5, (5, 80), ("Maison du Lin", "Intérieur Bohème", "Déco Nordique", "DécoPrix"),
       ("Coussin", "Bougie parfumée", "Vase", "Plaid", "Photo Frame", "Miroir"),
       ("En lin", "Scandinave", "Vintage", "Handmade", "Céramique"),
       ("bougie parfumée", "coussin lin", "vase", "plaid", "miroir"),
       (("colour", COLOURS), ("material", ("lin", "céramique", "verre", "bois"))),
       weight_kg=(0.2, 6.0), volume_l=(0.5, 25.0)),
    _c("kitchen", "KIT", 4.5, (4, 95), ("Cuisine de Chef", "Le Creuset Doré", "Casserolerie", "CuisiPrix"),
       ("Poêle", "Cocotte", "Chef's Knife", "Planche à découper", "French Press", "Moule à gâteau"),
       ("Fonte", "Inox", "Anti-adhésive", "Professional", "Induction"),
       ("poêle induction", "cocotte fonte", "couteau", "cafetière piston"),
       (("material", ("fonte", "inox", "céramique", "bois")), ("diameter_cm", ("20", "24", "28"))),
       weight_kg=(0.3, 6.0), volume_l=(0.5, 12.0)),
    _c("books", "BOO", 4.0, (4, 22), ("Éditions du Phare", "Gallimard Jeunesse", "Livre de Poche", "LirePrix"),
       ("Roman", "Cookbook", "Bande dessinée", "Guide de voyage", "Cahier d'activités"),
       ("Poche", "Illustré", "Best-seller", "Nouvelle édition"),
       ("roman", "bande dessinée", "livre de cuisine", "guide voyage"),
       (("language", ("français", "anglais")), ("format", ("poche", "broché", "relié"))),
       weight_kg=(0.15, 1.2), volume_l=(0.3, 2.0)),
    _c("sports", "SPO", 4.0, (6, 110), ("Élan Sport", "Tricolore Athletic", "Vélo Club", "SportPrix"),
       ("Tapis de yoga", "Running Shorts", "Haltères", "Ballon de football", "Raquette"),
       ("Pro", "Antidérapant", "Training", "Léger", "Compétition"),
       ("tapis yoga", "haltères", "ballon foot", "raquette tennis", "short running"),
       (("colour", COLOURS), ("level", ("débutant", "confirmé", "expert"))),
       weight_kg=(0.2, 15.0), volume_l=(0.5, 30.0), bulky=True),
    _c("beauty", "BEA", 4.0, (4, 45), ("Parfums de Grasse", "Éclat", "Rouge Baiser", "BeautéPrix"),
       ("Eau de parfum", "Mascara", "Rouge à lèvres", "Nail Polish", "Palette"),
       ("Longue tenue", "Matte", "Floral", "Waterproof", "Édition limitée"),
       ("parfum femme", "mascara", "rouge à lèvres", "vernis"),
       (("shade", ("nude", "rouge", "rose", "prune")), ("finish", ("mat", "satiné", "brillant"))),
       sizes=("30 ml", "50 ml", "100 ml"), weight_kg=(0.03, 0.4), volume_l=(0.05, 0.5)),
    _c("stationery", "STA", 3.0, (1, 18), ("Papeterie Clairefontaine", "Plume d'Or", "Cahier Bleu", "ÉcoBureau"),
       ("Cahier", "Stylo plume", "Notebook", "Agenda", "Trousse", "Crayons de couleur"),
       ("A5", "Recyclé", "Dotted", "Ligné", "Premium"),
       ("cahier a4", "stylo plume", "agenda 2026", "trousse", "crayons couleur"),
       (("format", ("A4", "A5", "A6")), ("colour", COLOURS)),
       weight_kg=(0.05, 0.8), volume_l=(0.1, 1.5)),
    _c("jewellery", "JEW", 3.0, (8, 120), ("Joaillerie Vendôme", "Bijoux de Lune", "Perle", "BijouPrix"),
       ("Collier", "Bracelet", "Boucles d'oreilles", "Ring", "Pendentif"),
       ("Argent 925", "Plaqué or", "Minimalist", "Perles", "Gravé"),
       ("collier argent", "bracelet", "boucles d'oreilles", "bague"),
       (("material", ("argent 925", "plaqué or", "acier", "perle")),),
       weight_kg=(0.01, 0.2), volume_l=(0.05, 0.3)),
    _c("umbrellas & rainwear", "UMB", 2.5, (5, 60), ("Parapluie de Cherbourg", "Averse", "Ciré Breton", "PluiePrix"),
       ("Parapluie", "Rain Jacket", "Ciré", "Bottes de pluie", "Pocket Umbrella"),
       ("Tempête", "Pliable", "Waterproof", "Classique", "Compact"),
       ("parapluie", "ciré", "bottes de pluie", "veste imperméable"),
       (("colour", COLOURS), ("wind_resistant", ("oui", "non"))),
       sizes=("S", "M", "L"), weight_kg=(0.2, 1.5), volume_l=(0.4, 4.0)),
    _c("sunscreen", "SUN", 2.5, (4, 20), ("Soleil d'Azur", "Riviera Sun", "ÉcranPlus", "SolaireMalin"),
       ("Crème solaire", "Sun Spray", "Après-soleil", "Stick solaire"),
       ("SPF 50+", "SPF 30", "Kids", "Waterproof", "Minérale"),
       ("crème solaire", "spf 50", "après soleil", "spray solaire"),
       (("spf", ("15", "30", "50", "50+")), ("water_resistant", ("oui", "non"))),
       sizes=("50 ml", "150 ml", "200 ml"), weight_kg=(0.06, 0.3), volume_l=(0.06, 0.3)),
)
# fmt: on


def category_by_name(name: str) -> CategorySpec:
    """The category spec called ``name``."""
    for spec in CATEGORIES:
        if spec.name == name:
            return spec
    raise KeyError(name)
