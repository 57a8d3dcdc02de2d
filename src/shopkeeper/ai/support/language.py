"""French or English? Counted from function words, SMS spellings and accents.

Shoppers' messages are short and misspelt ("wher is my ordr", "ou est ma cmd"), too short
for character statistics, but nearly every one holds a few words that only one of the two
languages uses: articles, pronouns, prepositions, auxiliaries, politeness and chat
abbreviations. Each such word counts one point for its language, an accented letter half a
point for French; the higher score wins and a tie (an order number alone, an emoji) keeps
``default``, which the caller sets to the language of the conversation so far.
"""

from __future__ import annotations

import re

from shopkeeper.ai.support.folding import fold, word_set

LANGUAGES = ("fr", "en")

# Words written the same in both languages ("a", "on", "me", "ok", "plus", "service") are
# in neither list. Forms are folded: lowercase, no accents.
FRENCH_WORDS: frozenset[str] = word_set(
    """
    le la les un une des du de au aux et est sont suis es etes sommes ete etait avait ai as
    avez avons ont je j tu il elle nous vous ils elles mon ma mes ton ta tes son sa ses notre
    nos votre vos leur leurs ce cet cette ces ca cela ceci qui que qu quoi quand comment
    pourquoi ou avec pour dans sur sous chez sans pas ne n plus tres bien merci bonjour
    bonsoir salut coucou svp stp slt bjr bsr cmd jai jveux jsuis jpeux jvoudrais jsp tjr tjrs
    pk pq qd ds dc mtn auj koi ke vs c cest l d n y ya oui non mais donc car aussi encore
    toujours deja rien tout tous toute toutes faire fait peux veux voudrais aimerais
    souhaite besoin quel quelle quels quelles combien depuis commande colis livraison recu
    remboursement facture adresse produit article envoye arrive bonne journee madame monsieur
    cordialement alors parce quelqu quelque chose etre avoir aujourd hui hier demain semaine
    moi toi lui eux mais ici voila comme peut puis dois doit faut
    annuler annulez modifier changer suivre suivi paiement payer compte mot passe oublie mdp
    retour retourner rembourser rembourse envoyer client conseiller humain parler probleme
    abime casse cassee taille frais gratuit gratuite reponse aide veuillez pouvez voulez
    bon salutations rebonjour allo wesh parfait mrc mci cumul
    """
)
ENGLISH_WORDS: frozenset[str] = word_set(
    """
    the an and is are was were be been being am i you he she it we they my your his her its
    our their this that these those what when where why how who which whose with for from
    of in at by not no yes please pls plz thanks thank thx ty hi hey can could would should
    will shall do does did don dont doesn didn im ive its have has had want need get got
    order ordered parcel package delivery delivered refund invoice address account help there
    here u ur wanna gonna lol wtf any some still yet just about if or but so than then
    received sent send arrive arrived wheres whats isn haven hasn wasn cancel return item
    items buy bought way back money tomorrow yesterday today
    week days morning hello goodbye bye cheers sorry
    purchase change update edit modify correct assistance track shipping shipment ship payment
    pay password customer agent human person talk speak subscribe newsletter review options
    fee cancellation recover create delete register registration issue wrong damaged broken
    good afternoon evening night kind regards appreciated much awesome great hiya howdy
    greetings tell joke happy birthday new year explain
    """
)
_ENGLISH_SUFFIX = "ing"  # "cancelling", "shipping": no French word ends so, bar loanwords
# Apostrophes split words: "j'ai" gives the French "j", "don't" the English "don".
_WORD = re.compile(r"[a-z]+")
_FRENCH_LETTERS = re.compile(r"[éèêëàâîïôûùçœÉÈÊÀÂÎÔÛÙÇŒ]")
# English messages from French keyboards have no accents; French messages often have none
# either, so an accent is weaker evidence than a word.
_ACCENT_WEIGHT = 0.5
_MAX_ACCENT_POINTS = 2.0


_RUN = re.compile(r"(.)\1+")


def _marker(word: str, words: frozenset[str]) -> bool:
    """ "helllo", "mercii", "heyy": a word with a letter held down still counts."""
    return word in words or _RUN.sub(r"\1\1", word) in words or _RUN.sub(r"\1", word) in words


def language_scores(text: str) -> dict[str, float]:
    """Points for each language: one per marker word, half a point per accented letter.

    Examples
    --------
    >>> language_scores("wher is my ordr #12345")
    {'fr': 0.0, 'en': 2.0}
    """
    words = _WORD.findall(fold(text))
    french = sum(1.0 for w in words if _marker(w, FRENCH_WORDS))
    english = sum(
        1.0
        for w in words
        if _marker(w, ENGLISH_WORDS) or (len(w) > 4 and w.endswith(_ENGLISH_SUFFIX))
    )
    accents = len(_FRENCH_LETTERS.findall(text))
    french += min(_MAX_ACCENT_POINTS, _ACCENT_WEIGHT * accents)
    return {"fr": french, "en": english}


def detect_language(text: str, default: str = "fr") -> str:
    """ "fr" or "en": the language with more marker words, ``default`` on a tie.

    Examples
    --------
    >>> detect_language("slt ou est ma cmd 12345 stp 😡")
    'fr'
    >>> detect_language("wher is my ordr?? 😡")
    'en'
    >>> detect_language("12345"), detect_language("12345", default="en")
    ('fr', 'en')
    """
    scores = language_scores(text[:2000])
    if scores["fr"] > scores["en"]:
        return "fr"
    if scores["en"] > scores["fr"]:
        return "en"
    return default if default in LANGUAGES else "fr"
