"""Built-in product words, French and English, for shops that give no catalogue words.

The demo shop's categories (cosmetics, food, pets, coffee & tea, clothing, shoes, outdoor,
electronics, home, kitchen, books, toys, baby...) and the words shoppers use for them. A
product mention is a head noun ("chaussures", "headphones", "sac à dos"), optionally with
qualifiers around it ("crème mains bio", "senior dog food", "chaussures de rando").
Everything is written as shoppers write it; the matcher folds case and accents itself.
"""

from __future__ import annotations

from shopkeeper.ai.support.folding import word_set

# Head nouns and fixed compounds. Plurals are matched by the matcher (a final "s" or "x").
HEADS_FR: tuple[str, ...] = (
    # shoes and clothing
    "chaussure", "basket", "sneaker", "bottine", "sandale", "espadrille", "botte",
    "bottes de pluie", "tong", "escarpin", "mocassin", "chausson", "t-shirt", "tee-shirt",
    "tshirt", "pull", "pull marin", "jean", "robe", "chemise", "hoodie", "sweat", "veste",
    "manteau", "blouson", "doudoune", "pantalon", "short", "jupe", "chaussette",
    "maillot de bain", "pyjama", "ciré", "gilet", "écharpe", "bonnet", "casquette", "gant",
    "legging", "brassière", "parapluie",
    # bags and outdoor
    "sac", "sac à dos", "sac de couchage", "sac à main", "valise", "tente", "gourde",
    "lampe frontale", "lunettes de soleil", "lunettes",
    # cosmetics, beauty, sunscreen
    "crème", "crème mains", "crème solaire", "crème visage", "shampoing", "shampooing",
    "après-shampoing", "gel douche", "sérum", "baume", "baume à lèvres", "lait corporel",
    "lait de toilette", "déodorant", "savon", "parfum", "eau de parfum", "eau de toilette",
    "mascara", "rouge à lèvres", "vernis", "palette", "fond de teint", "maquillage",
    "cosmétique", "après-soleil", "spray solaire", "stick solaire", "huile solaire",
    "trousse de toilette", "dentifrice", "brosse à dents",
    # food and drink
    "huile d'olive", "huile", "pâtes", "granola", "confiture", "miel", "tapenade", "biscuit",
    "chocolat", "café", "café en grains", "café moulu", "capsule", "dosette", "thé",
    "thé vert", "thé noir", "infusion", "tisane", "limonade", "eau pétillante", "jus",
    "jus de pomme", "sirop", "soda", "panier garni", "épice", "farine", "céréale",
    # pets
    "croquette", "pâtée", "litière", "friandise", "laisse", "gamelle", "arbre à chat",
    "griffoir", "shampoing pour chien",
    # cleaning
    "lessive", "liquide vaisselle", "éponge", "savon noir", "nettoyant", "produit ménager",
    "produits ménagers", "adoucissant",
    # baby
    "couche", "lingette", "biberon", "body", "gigoteuse", "bavoir", "tétine", "poussette",
    "siège auto", "doudou", "chaise haute", "porte-bébé",
    # toys and sports
    "jouet", "puzzle", "peluche", "jeu de société", "jeu", "train en bois", "lego",
    "trottinette", "vélo", "vélo d'appartement", "ballon", "tapis de yoga", "haltère",
    "raquette", "tapis", "corde à sauter",
    # electronics
    "écouteurs", "casque", "casque audio", "enceinte", "chargeur", "câble", "batterie externe",
    "power bank", "montre", "montre connectée", "smartwatch", "téléphone", "coque",
    "coque de téléphone", "tablette", "ordinateur", "souris", "clavier", "pile", "ampoule",
    # home, kitchen
    "coussin", "bougie", "bougie parfumée", "vase", "plaid", "cadre", "cadre photo", "miroir",
    "rideau", "parfum d'ambiance", "lampe", "lampe de chevet", "poêle", "cocotte", "couteau",
    "planche à découper", "moule", "moule à gâteau", "casserole", "mixeur", "mixer",
    "blender", "grille-pain", "bouilloire", "cafetière", "théière", "aspirateur", "verre",
    "tasse", "mug", "assiette", "bol", "carafe",
    # books and stationery
    "livre", "roman", "bande dessinée", "bd", "guide de voyage", "cahier", "stylo",
    "stylo plume", "agenda", "trousse", "crayon", "carnet", "fournitures de bureau",
    "fourniture scolaire", "classeur",
    # jewellery
    "bijou", "bracelet", "boucles d'oreilles", "bague", "pendentif", "collier",
    # garden
    "terreau", "arrosoir", "sécateur", "graine", "pot de fleurs", "kit de jardinage",
    "tuyau d'arrosage", "plante",
)  # fmt: skip

HEADS_EN: tuple[str, ...] = (
    "shoe", "sneaker", "trainer", "boot", "hiking boots", "rain boots", "wellies", "sandal",
    "slipper", "flip-flops", "t-shirt", "tee", "shirt", "jumper", "sweater", "sweatshirt",
    "hoodie", "jeans", "dress", "dresses", "jacket", "rain jacket", "coat", "trousers",
    "shorts", "skirt", "sock", "swimsuit", "scarf", "hat", "gloves", "umbrella", "raincoat",
    "backpack", "rucksack", "bag", "sleeping bag", "handbag", "suitcase", "tent",
    "water bottle", "headlamp", "torch", "sunglasses",
    "cream", "hand cream", "face cream", "sunscreen", "sun cream", "suncream", "shampoo",
    "conditioner", "shower gel", "serum", "lip balm", "body lotion", "lotion", "soap",
    "perfume", "mascara", "lipstick", "nail polish", "makeup", "cosmetics", "deodorant",
    "toothpaste", "toothbrush",
    "olive oil", "pasta", "granola", "jam", "honey", "biscuit", "cookie", "chocolate",
    "coffee", "coffee beans", "ground coffee", "coffee pods", "tea", "green tea", "black tea",
    "herbal tea", "lemonade", "juice", "apple juice", "syrup", "sparkling water",
    "dog food", "cat food", "kibble", "cat litter", "dog treats", "cat treats", "leash",
    "dog collar", "pet bed",
    "detergent", "laundry detergent", "washing-up liquid", "dish soap", "sponge", "cleaner",
    "nappies", "diapers", "wipes", "baby bottle", "baby bottles", "bib", "stroller", "pram",
    "pushchair", "car seat", "pacifier", "high chair",
    "toy", "puzzle", "plush", "teddy", "teddy bear", "board game", "lego", "scooter", "bike",
    "football", "yoga mat", "dumbbells", "racket", "skipping rope",
    "headphones", "earphones", "earbuds", "speaker", "charger", "cable", "power bank",
    "smartwatch", "phone case", "tablet", "laptop", "keyboard", "batteries", "light bulb",
    "cushion", "pillow", "candle", "scented candle", "vase", "blanket", "throw",
    "photo frame", "picture frame", "mirror", "rug", "curtain", "lamp", "bedside lamp",
    "frying pan", "saucepan", "casserole dish", "knife", "chopping board", "cutting board",
    "french press", "cake tin", "blender", "toaster", "kettle", "coffee maker", "teapot",
    "vacuum cleaner", "hoover", "mug", "plate", "bowl", "glasses",
    "book", "novel", "comic", "cookbook", "travel guide", "notebook", "pen", "fountain pen",
    "pencil", "diary", "planner", "pencil case", "stationery",
    "jewellery", "jewelry", "bracelet", "earrings", "pendant", "necklace",
    "compost", "potting soil", "watering can", "pruning shears", "secateurs", "seeds",
    "tomato seeds", "plant pot", "garden hose",
)  # fmt: skip

# Words that extend a product mention: after the head in French ("crème mains *bio*",
# "croquettes chien *senior*"), before it in English ("*senior* dog food", "*spf 50*
# sunscreen"). Colours and materials are left out: "pull en laine", "white sneakers" are
# a "pull" and "sneakers" for the shopper's purpose.
QUALIFIERS_AFTER: tuple[str, ...] = (
    "bio", "senior", "junior", "extra", "artisanal", "artisanale", "pur", "arabica",
    "intense", "solaire", "spf", "imperméable", "audio", "bluetooth", "solide", "parfumé",
    "parfumée", "garni", "corporel", "moulu", "chien", "chat", "mains", "visage",
    "multi-surfaces", "ménager", "connectée", "connecté", "frontale", "premium", "grain-free",
)  # fmt: skip
QUALIFIERS_BEFORE: tuple[str, ...] = (
    "organic", "bio", "senior", "junior", "artisanal", "pur", "arabica", "spf", "waterproof",
    "wireless", "bluetooth", "solid", "scented", "ground", "dog", "cat", "hand", "face",
    "body", "hiking", "running", "trail", "rain", "herbal", "shower", "sparkling", "apple",
    "olive", "yoga", "sleeping", "water", "frying", "pruning", "tomato", "board", "phone",
    "photo", "fountain", "garden", "potting", "laundry", "washing-up", "dish", "pet",
    "coffee", "baby", "travel", "bedside", "premium",
)  # fmt: skip

# Nouns that follow "de", "d'", "en", "à" inside a product name: "chaussures *de rando*",
# "jouets *en bois*", "café *en grains*", "kit *de jardinage*". Colours and materials are
# left out: "pull en laine" is a "pull" for the shopper's purpose.
COMPLEMENTS: tuple[str, ...] = (
    "rando", "randonnée", "running", "sport", "marche", "ville", "pluie", "bain", "soleil",
    "société", "yoga", "couchage", "chevet", "bureau", "jardinage", "jardin", "tomate",
    "toilette", "téléphone", "teint", "basket", "foot", "football", "tennis", "rugby",
    "appartement", "olive", "ambiance", "lèvres", "découper", "gâteau", "bois", "grains",
    "grain", "chat", "chien", "bébé", "noël", "cuisine", "plage", "voyage", "fleurs", "mains",
    "douche", "dents", "pomme", "orange", "citron", "fruits", "nuit", "montagne", "camping",
    "table", "thé", "café", "réveil", "arrosage", "piston",
)  # fmt: skip

# Heads that are also ordinary words ("livre" is "livré" without its accent, "montre" a
# verb, "jean" a first name, "body" a body, "tee" a golf tee): they count only after a
# determiner or a number ("le livre", "2 montres", "my book").
AMBIGUOUS: tuple[str, ...] = (
    "livre", "montre", "jean", "body", "pile", "cadre", "verre", "jeu", "guide", "coque",
    "tapis", "gant", "tong", "short", "pull", "moule", "bol", "plante", "téléphone",
    "enceinte", "eau", "mixer", "bd", "tee", "book", "watch", "glasses", "pen", "plate",
    "throw", "comic", "tablet", "jam", "cleaner", "speaker", "planner", "boot", "trainer",
    "football", "tea", "cable", "laisse", "pendant", "wipes",
)  # fmt: skip

# Determiners and numbers that announce a noun; an ambiguous head needs one before it.
# Not "de" or "of": "numéro de téléphone", "fan de jeux vidéo" are no products.
DETERMINERS: frozenset[str] = word_set(
    "le la les l' un une des du mon ma mes ton ta tes son sa ses notre nos votre vos "
    "leur leurs ce cet cette ces quel quelle quels quelles the a an my your his her our "
    "their this that these those some any two three deux trois"
)

# A few French and English words that look like the start of a product name but are not
# products themselves ("carte cadeau" is a payment means, "panier" the shopping basket).
NOT_PRODUCTS: frozenset[str] = word_set(
    "panier carte cadeau colis commande article produit produits articles order parcel "
    "package item items product products"
)
