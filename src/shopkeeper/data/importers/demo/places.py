"""French regions, their cities and climate, and the names and streets of fake customers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Region:
    """A French region with its cities, share of customers and a coarse climate.

    Examples
    --------
    >>> REGIONS[0].name, REGIONS[0].cities[0]
    ('Île-de-France', ('Paris', '75011'))
    """

    name: str
    population: float  # share of the shop's customers
    cities: tuple[tuple[str, str], ...]  # (city, postcode)
    mean_temp_c: float
    temp_amplitude_c: float  # half the summer-winter swing
    wet_day_share: float  # share of days with rain, on average
    dry_summer: float  # 0..1, how much rarer rain is in July than in November


# Aligned data tables read better than one value a line.
# fmt: off
REGIONS: tuple[Region, ...] = (
    Region("Île-de-France", 0.24, (("Paris", "75011"), ("Paris", "75015"), ("Paris", "75018"),
           ("Boulogne-Billancourt", "92100"), ("Versailles", "78000"), ("Montreuil", "93100"),
           ("Saint-Denis", "93200")), 12.5, 8.0, 0.34, 0.25),
    Region("Auvergne-Rhône-Alpes", 0.13, (("Lyon", "69003"), ("Lyon", "69007"), ("Grenoble", "38000"),
           ("Saint-Étienne", "42000"), ("Annecy", "74000"), ("Clermont-Ferrand", "63000")),
           12.0, 9.5, 0.33, 0.2),
    Region("Provence-Alpes-Côte d'Azur", 0.11, (("Marseille", "13006"), ("Marseille", "13008"),
           ("Nice", "06000"), ("Toulon", "83000"), ("Aix-en-Provence", "13100"),
           ("Avignon", "84000")), 15.5, 8.5, 0.19, 0.75),
    Region("Occitanie", 0.09, (("Toulouse", "31000"), ("Montpellier", "34000"), ("Nîmes", "30000"),
           ("Perpignan", "66000")), 14.5, 8.5, 0.25, 0.55),
    Region("Nouvelle-Aquitaine", 0.09, (("Bordeaux", "33000"), ("La Rochelle", "17000"),
           ("Limoges", "87000"), ("Poitiers", "86000"), ("Pau", "64000")), 13.5, 7.5, 0.38, 0.35),
    Region("Hauts-de-France", 0.09, (("Lille", "59000"), ("Roubaix", "59100"), ("Amiens", "80000"),
           ("Dunkerque", "59140")), 11.0, 7.0, 0.42, 0.15),
    Region("Grand Est", 0.08, (("Strasbourg", "67000"), ("Reims", "51100"), ("Metz", "57000"),
           ("Nancy", "54000"), ("Mulhouse", "68100")), 11.0, 9.5, 0.38, 0.1),
    Region("Bretagne", 0.08, (("Rennes", "35000"), ("Brest", "29200"), ("Quimper", "29000"),
           ("Vannes", "56000"), ("Saint-Malo", "35400")), 12.0, 5.5, 0.48, 0.3),
    Region("Pays de la Loire", 0.09, (("Nantes", "44000"), ("Angers", "49000"), ("Le Mans", "72000"),
           ("Saint-Nazaire", "44600")), 12.5, 6.5, 0.40, 0.3),
)

FIRST_NAMES: tuple[str, ...] = (
    "Camille", "Léa", "Manon", "Chloé", "Emma", "Inès", "Sarah", "Julie", "Claire", "Élodie",
    "Anaïs", "Lucie", "Marie", "Nathalie", "Sophie", "Isabelle", "Amandine", "Océane", "Zoé",
    "Louise", "Jade", "Alice", "Margaux", "Pauline", "Céline", "Hélène", "Yasmine", "Fatima",
    "Lucas", "Hugo", "Louis", "Gabriel", "Arthur", "Jules", "Nathan", "Thomas", "Antoine",
    "Nicolas", "Julien", "Maxime", "Alexandre", "Romain", "Mathieu", "Théo", "Quentin",
    "Sébastien", "Pierre", "François", "Olivier", "Karim", "Mehdi", "Yanis", "Raphaël", "Léo",
    "Adam", "Paul", "Victor", "Benoît", "Jérôme", "Matthias",
)

LAST_NAMES: tuple[str, ...] = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Lefebvre", "Mercier", "Dupont",
    "Lambert", "Bonnet", "François", "Martinez", "Legrand", "Garnier", "Faure", "Rousseau",
    "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu",
    "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson",
    "Sanchez", "Gérard", "Nguyen", "Boyer", "Denis", "Lemaire", "Duval", "Joly", "Benali",
    "Le Gall", "Kerbrat", "Haddad", "Schmitt", "Meyer",
)

STREETS: tuple[str, ...] = (
    "rue de la République", "avenue Jean Jaurès", "rue Victor Hugo", "boulevard Gambetta",
    "rue Pasteur", "place de la Mairie", "rue des Lilas", "allée des Tilleuls", "rue du Moulin",
    "avenue de la Gare", "rue Nationale", "chemin des Vignes", "rue Émile Zola", "quai des Bateliers",
    "rue de la Paix", "impasse des Roses", "boulevard Voltaire", "rue du Château", "rue Jeanne d'Arc",
    "avenue Foch", "rue des Écoles", "rue Saint-Michel", "cours Mirabeau", "rue de Verdun",
)

EMAIL_DOMAINS: tuple[str, ...] = (
    "gmail.com", "orange.fr", "free.fr", "laposte.net", "outlook.fr", "sfr.fr", "hotmail.fr",
    "yahoo.fr", "icloud.com", "proton.me",
)
EMAIL_DOMAIN_WEIGHTS: tuple[float, ...] = (0.34, 0.16, 0.1, 0.07, 0.08, 0.05, 0.08, 0.05, 0.05, 0.02)
# fmt: on

REGION_NAMES: tuple[str, ...] = tuple(r.name for r in REGIONS)
