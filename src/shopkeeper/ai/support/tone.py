"""How angry is the shopper, do they threaten escalation, are they abusive?

Anger adds up from angry words ("inadmissible", "ridiculous", "ras le bol"), profanity,
shouting (most letters in capitals), runs of "!" and angry emojis (:mod:`emoji` names them:
"enraged face", "face with symbols on mouth"...). Escalation words ("avocat", "lawyer",
"chargeback", "arnaque", "scam", "plainte", "DGCCRF", "opposition bancaire"...) are listed
by name, so the person who takes over sees why. Abusive means insults or threats aimed at
someone, not swearing in general ("putain, toujours rien" is angry, not abusive).

Words match on folded text (no case, no accents) and tolerate a held-down key:
"arnaaaaque", "SCAAAM". ``priority`` is "high" for any escalation word, abuse, or anger of
at least :data:`HIGH_ANGER`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import emoji

from shopkeeper.ai.support.folding import fold

HIGH_ANGER = 0.6
# How much each kind of evidence adds to anger (0..1, capped).
_WORD_WEIGHT = 0.3
_PROFANITY_WEIGHT = 0.35
_SHOUT_WEIGHT = 0.3
_EXCLAIM_WEIGHT = 0.15
_EMOJI_WEIGHT = 0.3
_ESCALATION_WEIGHT = 0.25
_ABUSE_WEIGHT = 0.5
_SHOUT_MIN_LETTERS = 8
_SHOUT_RATIO = 0.7

ANGER_WORDS = (
    "inadmissible", "inacceptable", "scandale", "scandaleux", "scandaleuse", "honte",
    "honteux", "lamentable", "pathetique", "ridicule", "furieux", "furieuse", "enerve",
    "enervee", "colere", "marre", "ras le bol", "ras-le-bol", "exaspere", "exasperee",
    "ecoeure", "degoute", "degoutee", "decu", "decue", "decevant", "incompetent",
    "incompetents", "incompetence", "n importe quoi", "n'importe quoi", "foutage de gueule",
    "se fout de", "vous foutez", "c'est une blague", "nul", "nuls", "nulle", "catastrophe",
    "inadmissibles", "toujours rien", "toujours pas", "j'en ai assez", "insupportable",
    "unacceptable", "ridiculous", "pathetic", "furious", "angry", "outraged", "disgusted",
    "disgusting", "fed up", "sick of", "sick and tired", "worst", "terrible", "awful",
    "horrible", "useless", "incompetent", "is this a joke", "what a joke", "rubbish", "garbage", "appalling",
    "shocking", "disgrace", "disgraceful", "livid", "annoyed", "frustrated", "frustrating",
    "still nothing", "still not", "unbelievable", "debile", "idiot", "stupid",
)  # fmt: skip
PROFANITY = (
    "putain", "merde", "bordel", "chier", "fait chier", "wtf", "fuck", "fucking", "f*ck",
    "f**k", "shit", "sh*t", "damn", "bloody", "crap", "bullshit", "what the hell", "ptn",
)  # fmt: skip
ESCALATION = (
    "avocat", "avocats", "lawyer", "lawyers", "attorney", "solicitor", "chargeback",
    "charge back", "retrofacturation", "arnaque", "arnaques", "arnaqueur", "arnaqueurs",
    "escroquerie", "escroc", "escrocs", "scam", "scammer", "scammers", "scammed", "fraude",
    "fraud", "fraudulent", "c'est du vol", "voleurs", "thieves", "theft", "stealing",
    "plainte", "porter plainte", "police", "gendarmerie", "tribunal", "justice", "proces",
    "take you to court", "small claims", "in court", "sue", "suing", "legal action", "poursuites", "poursuivre en justice",
    "mise en demeure", "dgccrf", "signalconso", "signal conso", "60 millions",
    "que choisir", "ufc", "mediateur", "ombudsman", "trading standards",
    "opposition bancaire", "faire opposition", "fais opposition", "ferai opposition",
    "opposition aupres", "ma banque", "my bank", "dispute the charge", "contester",
    "avis negatif", "bad review", "1 etoile", "une etoile", "1 star", "one star",
    "trustpilot", "reseaux sociaux", "social media", "litige", "paypal dispute",
    "open a dispute", "opened a dispute", "disputing", "report you", "consumer protection",
    "repression des fraudes", "signaler votre", "small claims",
)  # fmt: skip
ABUSE = (
    "connard", "connards", "connasse", "salope", "salopes", "salaud", "salauds", "encule",
    "encules", "enfoire", "enfoires", "fdp", "ntm", "nique", "niquer", "pute", "putes",
    "abruti", "abrutis", "bande de debiles", "cretin", "cretins", "imbecile", "imbeciles",
    "idiots", "bouffon", "bouffons", "batard", "batards", "ta gueule",
    "ferme ta gueule", "va te faire", "allez vous faire", "je vais vous tuer",
    "vous tuer", "crevez", "je sais ou vous habitez", "casser la gueule",
    "bande de cons", "espece de con", "fuck you", "f*ck you", "fuck off", "asshole",
    "assholes", "bitch", "bastard", "bastards", "moron", "morons", "retarded",
    "shut up", "kill you", "i will find you", "i'll find you", "go to hell", "dickhead",
    "stupid bot", "idiot bot", "dumb bot",
)  # fmt: skip
_ANGRY_EMOJI_WORDS = (
    "angry", "enraged", "pouting", "symbols on mouth", "steam from nose", "middle finger",
    "anger symbol", "rolling eyes", "unamused", "face with symbols",
)  # fmt: skip


_RUN = re.compile(r"([a-z])\1+")
_JOIN = re.compile(r"[\s'-]+")
# Between the words of a phrase: "c'est du vol", "c est du vol", "cest du vol".
_GAP = r"[\s'-]*"


def _squeeze(folded: str) -> str:
    """Doubled letters made single: "arnaaaque" and "arnaque" read alike, as do "connard"
    and "conard"."""
    return _RUN.sub(r"\1", folded)


_WORDS = re.compile(r"[a-z0-9*]+")


class _Lexicon:
    """Which listed phrases occur in a text: single words by set look-up, phrases by one
    compiled pattern (an alternation over every word would cost 0.1 ms a message)."""

    def __init__(self, phrases: Sequence[str]) -> None:
        self.words: dict[str, str] = {}
        multi: list[str] = []
        for phrase in dict.fromkeys(phrases):
            squeezed = _squeeze(phrase)
            if _WORDS.fullmatch(squeezed):
                self.words.setdefault(squeezed, phrase)
            else:
                multi.append(phrase)
        self.phrases = sorted(multi, key=len, reverse=True)
        body = "|".join(
            f"(?P<p{i}>{_GAP.join(map(re.escape, _JOIN.split(_squeeze(p))))})"
            for i, p in enumerate(self.phrases)
        )
        # Not inside a word, nor a hyphenated one: "pique-nique" holds no insult.
        self.pattern = re.compile(rf"(?<![\w*-])(?:{body})(?![\w*-])")

    def find(self, squeezed: str, words: Sequence[str]) -> list[str]:
        found: list[str] = []
        for match in self.pattern.finditer(squeezed):
            name = match.lastgroup
            if name is not None:
                found.append(self.phrases[int(name[1:])])
        for word in words:
            phrase = self.words.get(word)
            if phrase is not None:
                found.append(phrase)
        return list(dict.fromkeys(found))


_ANGER = _Lexicon(ANGER_WORDS)
_PROFANE = _Lexicon(PROFANITY)
_ESCALATE = _Lexicon(ESCALATION)
_ABUSIVE = _Lexicon(ABUSE)
_COMPOUND = re.compile(r"[^\w*-]+")
_EXCLAIM = re.compile(r"[!?]*![!?]*!+")


@dataclass(frozen=True, slots=True)
class Tone:
    """Anger (0..1), escalation words found, abuse, and the resulting priority.

    Examples
    --------
    >>> assess_tone("Merci beaucoup !")
    Tone(anger=0.0, escalation=(), abusive=False, priority='normal')
    """

    anger: float
    escalation: tuple[str, ...]
    abusive: bool
    priority: str  # "normal" | "high"


def _shouting(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    if len(letters) < _SHOUT_MIN_LETTERS:
        return False
    return sum(c.isupper() for c in letters) / len(letters) >= _SHOUT_RATIO


def _angry_emojis(text: str) -> int:
    if text.isascii():
        return 0
    count = 0
    for found in emoji.emoji_list(text):
        name = emoji.demojize(found["emoji"]).strip(":").replace("_", " ").lower()
        if any(word in name for word in _ANGRY_EMOJI_WORDS):
            count += 1
    return count


def assess_tone(text: str) -> Tone:
    """The tone of one message.

    Examples
    --------
    >>> tone = assess_tone("C'EST UNE ARNAAAQUE, je vais voir mon avocat 😡😡")
    >>> tone.escalation, tone.priority, tone.anger >= 0.6
    (('arnaque', 'avocat'), 'high', True)
    >>> assess_tone("putain toujours rien reçu").abusive
    False
    >>> assess_tone("bande de connards").abusive
    True
    """
    text = text[:5000]
    folded = _squeeze(fold(text))
    # Words of a hyphenated compound are not words on their own ("pique-nique").
    words = [w for w in _COMPOUND.split(folded) if w and "-" not in w]
    words = [m for w in words for m in _WORDS.findall(w)]
    anger_words = _ANGER.find(folded, words)
    profanity = _PROFANE.find(folded, words)
    escalation = tuple(_ESCALATE.find(folded, words))
    abuse = _ABUSIVE.find(folded, words)
    exclaims = _EXCLAIM.findall(text)
    anger = (
        min(2, len(anger_words)) * _WORD_WEIGHT
        + min(2, len(profanity)) * _PROFANITY_WEIGHT
        + (_SHOUT_WEIGHT if _shouting(text) else 0.0)
        + min(2, len(exclaims)) * _EXCLAIM_WEIGHT
        + min(2, _angry_emojis(text)) * _EMOJI_WEIGHT
        + (_ESCALATION_WEIGHT if escalation else 0.0)
        + (_ABUSE_WEIGHT if abuse else 0.0)
    )
    anger = round(min(1.0, anger), 3)
    high = bool(escalation) or bool(abuse) or anger >= HIGH_ANGER
    return Tone(anger, escalation, bool(abuse), "high" if high else "normal")
