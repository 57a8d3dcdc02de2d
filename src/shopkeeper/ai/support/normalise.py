"""One canonical form for a shopper's message, before any model reads it.

Shoppers write "Slt, ou est ma CMD 12345 stp 😡", "wher is ur parcel pls!!!", "J'AI ÉTÉ
DÉBITÉ DEUX FOIS". Every support model (intents, FAQ retrieval) reads the same
:func:`normalise` output, so a spelling variant learnt in one place is understood in all:

- lowercase, accents stripped ("débité" -> "debite", "œ" -> "oe");
- emojis become their English names ("😡" -> " enraged face "), skin tones dropped, and a few
  text emoticons (":)", ":(") become words;
- apostrophes become spaces, so "j'ai", "j ai", "jai" and "j’ai" read alike;
- French and English SMS spellings and abbreviations are expanded ("slt" -> "salut", "cmd" ->
  "commande", "jsp" -> "je sais pas", "u" -> "you", "thx" -> "thanks");
- runs of three or more of the same letter or sign are squeezed to two ("heeeelp" ->
  "heelp", "!!!!" -> "!!"); digits are left alone, order numbers keep their zeros;
- whitespace collapsed.

Pure and deterministic; a plain-ASCII message skips the emoji pass and takes a few µs.
"""

from __future__ import annotations

import re
import unicodedata

import emoji

# Expansions of whole words, written in the normalised form (lowercase, no accents, no
# apostrophes). Only tokens that are almost never anything else in a shop's inbox: "c" is
# "c'est" in French chat, "vs" is "vous" (nobody writes "versus" to customer service).
_FRENCH = {
    "slt": "salut",
    "bjr": "bonjour",
    "bjour": "bonjour",
    "bsr": "bonsoir",
    "cc": "coucou",
    "stp": "s il te plait",
    "svp": "s il vous plait",
    "svpl": "s il vous plait",
    "cmd": "commande",
    "cmde": "commande",
    "cde": "commande",
    "pk": "pourquoi",
    "pq": "pourquoi",
    "pcq": "parce que",
    "pck": "parce que",
    "psk": "parce que",
    "jsp": "je sais pas",
    "jsais": "je sais",
    "chui": "je suis",
    "chuis": "je suis",
    "jsuis": "je suis",
    "jveux": "je veux",
    "jvx": "je veux",
    "jvoudrais": "je voudrais",
    "jvoudrai": "je voudrais",
    "jpeux": "je peux",
    "jpx": "je peux",
    "jvais": "je vais",
    "jai": "j ai",
    "jaimerais": "j aimerais",
    "c": "c est",
    "cad": "c est a dire",
    "cest": "c est",
    "dsl": "desole",
    "mrc": "merci",
    "mci": "merci",
    "bcp": "beaucoup",
    "tjrs": "toujours",
    "tjr": "toujours",
    "tjs": "toujours",
    "qd": "quand",
    "kan": "quand",
    "koi": "quoi",
    "ki": "qui",
    "ke": "que",
    "pr": "pour",
    "ds": "dans",
    "dc": "donc",
    "tt": "tout",
    "ts": "tous",
    "ns": "nous",
    "vs": "vous",
    "qqn": "quelqu un",
    "qqun": "quelqu un",
    "qqch": "quelque chose",
    "qlq": "quelque",
    "mtn": "maintenant",
    "mnt": "maintenant",
    "auj": "aujourd hui",
    "ajd": "aujourd hui",
    "cmb": "combien",
    "pb": "probleme",
    "pbm": "probleme",
    "pblm": "probleme",
    "mdp": "mot de passe",
    "rdv": "rendez vous",
    "num": "numero",
    "nn": "non",
    "ya": "il y a",
    "tkt": "t inquiete",
    "bne": "bonne",
    "jrs": "jours",
    "jr": "jour",
    "sem": "semaine",
    "rbt": "remboursement",
    "rmbt": "remboursement",
    "liv": "livraison",
    "adr": "adresse",
}
_ENGLISH = {
    "u": "you",
    "ur": "your",
    "r": "are",
    "pls": "please",
    "plz": "please",
    "plse": "please",
    "pliz": "please",
    "thx": "thanks",
    "thks": "thanks",
    "thnx": "thanks",
    "thanx": "thanks",
    "tnx": "thanks",
    "ty": "thank you",
    "tysm": "thank you so much",
    "idk": "i do not know",
    "dunno": "do not know",
    "wanna": "want to",
    "gonna": "going to",
    "gotta": "have to",
    "cuz": "because",
    "coz": "because",
    "bc": "because",
    "b4": "before",
    "msg": "message",
    "pkg": "package",
    "acct": "account",
    "acc": "account",
    "pwd": "password",
    "pw": "password",
    "addr": "address",
    "hv": "have",
    "wat": "what",
    "wot": "what",
    "k": "ok",
    "kk": "ok",
    "okk": "ok",
    "im": "i am",
    "ive": "i have",
    "cant": "can not",
    "wont": "will not",
    "didnt": "did not",
    "doesnt": "does not",
    "isnt": "is not",
    "havent": "have not",
    "hasnt": "has not",
    "2day": "today",
    "2moro": "tomorrow",
    "tmrw": "tomorrow",
    "asap": "as soon as possible",
    "bday": "birthday",
    "info": "information",
    "nr": "number",
    "nbr": "number",
    "ppl": "people",
    "smth": "something",
    "sth": "something",
    "sb": "somebody",
    "sm1": "someone",
    "some1": "someone",
    "any1": "anyone",
    "cya": "see you",
    "brb": "be right back",
    "hru": "how are you",
}
EXPANSIONS: dict[str, str] = {**_ENGLISH, **_FRENCH}

# Text emoticons a shopper types when no emoji keyboard is at hand.
_EMOTICONS = {
    ":)": " smiling face ",
    ":-)": " smiling face ",
    ":d": " grinning face ",
    ":(": " frowning face ",
    ":-(": " frowning face ",
    ":'(": " crying face ",
    "<3": " red heart ",
}
_EMOTICON = re.compile("|".join(re.escape(e) for e in sorted(_EMOTICONS, key=len, reverse=True)))
_SKIN_TONE = re.compile(r"_(?:medium-light|medium-dark|light|medium|dark)_skin_tone")
# Letters that NFKD does not split into a base letter and a mark.
_NAME_SEPARATOR = re.compile(r"[^0-9A-Za-z]+")  # "t-shirt", "Mrs._Claus", ":ok_hand:"
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ł": "l"})
_APOSTROPHES = re.compile(r"[`´‘’ʼ']")
_TOKEN = re.compile(r"[a-z0-9]+")
_RUN = re.compile(r"([^\d\s])\1{2,}")
_SPACES = re.compile(r"\s+")
# "n°12345", "N° 12345": the sign is "numero" before a number.
_NUMERO = re.compile(r"\bn\s*°")


def _name(match: re.Match[str]) -> str:
    return _EMOTICONS[match.group()]


def name_emojis(text: str, *, prefix: str = "", joiner: str = " ") -> str:
    """Each emoji replaced by its English name (skin tone dropped), spaced from its neighbours.

    Examples
    --------
    >>> name_emojis("ok 👍🏽!")
    'ok  thumbs up !'
    >>> name_emojis("😡", prefix="emoji_", joiner="_")
    ' emoji_enraged_face '
    """

    def name(_: str, data: dict[str, str]) -> str:
        words = _NAME_SEPARATOR.sub(joiner, _SKIN_TONE.sub("", data["en"])).strip(joiner)
        return f" {prefix}{words} "

    return str(emoji.replace_emoji(text, replace=name))


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _expand(match: re.Match[str]) -> str:
    word = match.group()
    expansion = EXPANSIONS.get(word)
    if expansion is None:
        return word
    # "c est" must stay "c est", not become "c est est": normalising twice changes nothing.
    rest = expansion[len(word) :] if expansion.startswith(word + " ") else ""
    if rest and match.string.startswith(rest, match.end()):
        return word
    return expansion


def normalise(text: str) -> str:
    """The canonical form of ``text`` that every support model reads.

    Examples
    --------
    >>> normalise("Slt, où est ma CMD n°12345 stp 😡")
    'salut, ou est ma commande numero 12345 s il te plait enraged face'
    >>> normalise("wher is ur parcel pls!!!!  heeeelp :(")
    'wher is your parcel please!! heelp frowning face'
    >>> normalise("J'ai été débité deux fois")
    'j ai ete debite deux fois'
    """
    lowered = _EMOTICON.sub(_name, text.lower())
    if not lowered.isascii():
        # NFKD can give capitals back ("ᴬ" -> "A"): lowercase once more.
        lowered = _strip_accents(_NUMERO.sub(" numero ", name_emojis(lowered))).lower()
    # Squeezed before expanding, so "ccc" (squeezed to "cc") is expanded the same way as "cc".
    squeezed = _RUN.sub(r"\1\1", _APOSTROPHES.sub(" ", lowered))
    return _SPACES.sub(" ", _TOKEN.sub(_expand, squeezed)).strip()
