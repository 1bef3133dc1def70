"""English PERSON and LOCATION from the spaCy model, made fit for chat and social text.

The small English model was trained on edited text (news, web pages). On chat it labels
capitalised everyday words as people ("Funny", "Dude", "Great Video"), glues lists and
punctuation into one name ("Dwayne , Ty ,", "Zac Efron '"), labels runs of Chinese characters
in mixed messages, and misses names written in lower case ("hi john", "andrew mccabe"). This
module reads the model's entities and its tags from the spaCy ``Doc`` Presidio already made, and:

- keeps Latin-script spans only (a name the English model found is written in Latin letters);
- trims what is not part of the name (articles, greetings, quotes, emoji, possessive ``'s``)
  and splits entities at list separators (``,`` ``&`` ``and`` ``vs`` ``/``);
- drops a PERSON none of whose words is a known given name or surname or a word outside the
  model's own English dictionary (its WordNet lemma index): "Great Video", "Idiot", "Liked";
  and chat words, hashtags and handles (``@name`` alone is addressing, not a leak);
- relabels a single given name the model called a place ("Ariana", "Becca") as PERSON, unless
  that name is also a well-known place (Jordan, Victoria);
- adds names the model missed: a capitalised common given name (with a following surname),
  and lower-case given names after a greeting or an addressing verb ("thanks sarah", "ask
  mike") or followed by a surname ("kevin smith"), at a lower score.

Cost: one pass over the tokens of each text the model read; no second model run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from recognizers import validators

NER_SCORE = 0.6  # spaCy gives no per-entity confidence: an NER name alone is "possible"
LEXICON_SCORE = 0.5  # a given name from the name list, not from the model
CUE_SCORE = 0.5  # a lower-case given name after "hi", "thanks", "ask" …

PERSON_LABELS = frozenset({"PERSON", "PER"})
LOCATION_LABELS = frozenset({"GPE", "LOC", "FAC"})

# Latin letters (ASCII and Latin-1/Extended-A/B, IPA-free); a name must consist of these, plus
# the few marks names are written with.
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")
_LETTERS = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
_NAME_TOKEN = re.compile(f"[{_LETTERS}][{_LETTERS}'’.\\-]*")
# Any letter of another script (Han, kana, Hangul, Cyrillic, Greek, Arabic …).
_OTHER_LETTER = re.compile(r"[^\W\dA-Za-z_\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")
# A name never contains these; spaCy tags numbers and code as PERSON (presidio #786, #1352).
_NOT_A_NAME = re.compile(r"[\d@/=:_<>{}\[\]#\\|]")

# Tokens an entity is split at: the words around them are separate names ("Vin , Dwayne").
_SEPARATORS = frozenset(
    (
        ",",
        "&",
        "and",
        "vs",
        "vs.",
        "v",
        "v.",
        "/",
        "-",
        "--",
        "+",
        "or",
        "n",
        "x",
        "with",
    )
)
# Words trimmed from either end of an entity: not part of the name.
_EDGE_WORDS = frozenset(
    (
        "the",
        "a",
        "an",
        "my",
        "our",
        "your",
        "his",
        "her",
        "their",
        "this",
        "that",
        "dear",
        "hi",
        "hey",
        "hello",
        "thanks",
        "thank",
        "poor",
        "rt",
        "via",
        "'s",
        "’s",
        "s",
        "'",
        "’",
        "oh",
        "omg",
        "lol",
        "so",
        "im",
        "i",
    )
)
# Words after which a lower-case given name is someone addressed or talked about.
_CUES = frozenset(
    (
        "hi",
        "hey",
        "hello",
        "hiya",
        "yo",
        "thanks",
        "thank",
        "thx",
        "ty",
        "bye",
        "dear",
        "ask",
        "tell",
        "told",
        "asked",
        "call",
        "called",
        "text",
        "texted",
        "email",
        "emailed",
        "ping",
        "pinged",
        "message",
        "poor",
        "love",
        "miss",
        "met",
        "meet",
        "congrats",
        "cc",
        "sorry",
        "morning",
        "night",
        "cheers",
        "with",
    )
)
_TITLED_PLACE_CUES = frozenset(("in", "from", "to", "at", "near", "visit", "visiting", "around"))
_PLACE_CUES = frozenset({"in", "at", "from", "near", "around", "visit", "visiting", "into"})


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    return frozenset(w.lower() for w in validators.lexicon("en_given_names.txt"))


@lru_cache(maxsize=1)
def more_given_names() -> frozenset[str]:
    return frozenset(w.lower() for w in validators.lexicon("en_given_names_more.txt")) | given_names()


@lru_cache(maxsize=1)
def surnames() -> frozenset[str]:
    return frozenset(w.lower() for w in validators.lexicon("en_surnames.txt"))


@lru_cache(maxsize=1)
def not_names() -> frozenset[str]:
    """Words that are never a name on their own in chat: chat words, products, days, months."""
    words: set[str] = set()
    for lexicon in ("en_ner_stopwords.txt", "en_name_stopwords.txt"):
        words.update(w.lower() for w in validators.lexicon(lexicon))
    return frozenset(words)


@lru_cache(maxsize=1)
def common_given_names() -> frozenset[str]:
    """Given names that are also everyday words ("Will", "May", "Grace"): not names without the model."""
    return frozenset(w.lower() for w in validators.lexicon("name_common_words.txt"))


@lru_cache(maxsize=1)
def place_given_names() -> frozenset[str]:
    """Given names that are also well-known places: the model's GPE stands for these."""
    return frozenset(w.lower() for w in validators.lexicon("en_place_names.txt"))


def model_dictionary(nlp: Any) -> frozenset[str]:
    """The English words the model's lemmatizer knows (WordNet's index), lower case; empty without one."""
    try:
        table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
    except (KeyError, AttributeError, ValueError):
        return frozenset()
    words: set[str] = set()
    for key in table:
        words.update(w for w in table[key] if w.isalpha())
    return frozenset(words)


_TITLE_WORD = re.compile(r"[a-z]{2,}")
# US states and DC, Canadian provinces, Australian states.
_STATE_CODES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND"
    "|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC|BC|AB|MB|NB|NL|NS|ON|PE|QC|SK|NSW|QLD|VIC|TAS"
)
_STATE_AFTER_PLACE = re.compile(
    r"(?<![A-Za-z])[A-Z][a-z]+(?: [A-Z][a-z]+)* ?, ?(?P<code>" + _STATE_CODES + r")(?![A-Za-z0-9])"
)
_UPPER = re.compile(r"[A-Z]")
_LETTER = re.compile(r"[A-Za-z]")


def _shouting(text: str) -> bool:
    """Mostly capitals: an all-caps word there is no sign of a name or an abbreviation."""
    letters = len(_LETTER.findall(text))
    return letters >= 12 and len(_UPPER.findall(text)) > 0.6 * letters


# The title-cased copy is read by the model a second time: chat messages only, not pasted documents.
TITLE_MAX = 1_000


def _lower_case_chat(text: str) -> bool:
    """A chat message written without capitals, with a few words at least: its names are lower
    case too."""
    return len(text) <= TITLE_MAX and text == text.lower() and len(_TITLE_WORD.findall(text)) >= 3


def title_copy(text: str, keep: frozenset[str] = frozenset()) -> str:
    """``text`` with each ASCII word of two or more letters capitalised, unless it is an English
    stop word or in ``keep``; the same length, so offsets hold."""
    from spacy.lang.en.stop_words import STOP_WORDS

    def cap(m: re.Match[str]) -> str:
        w = m.group()
        return w if w in STOP_WORDS or w in keep else w.capitalize()

    return _TITLE_WORD.sub(cap, text)


@dataclass(frozen=True, slots=True)
class Name:
    """One PERSON or LOCATION span, character offsets into the Doc's text."""

    entity: str
    start: int
    end: int
    score: float
    why: str


def _ner_doc(nlp: Any, text: str) -> Any:
    """``text`` through the model's ``ner`` only, with quick lemmas (tags come on demand)."""
    doc = nlp(text, disable=ner_only_off(nlp))
    if "lemmatizer" in nlp.pipe_names:
        for tok, lemma in zip(doc, quick_lemmas(nlp, doc), strict=True):
            tok.lemma_ = lemma
    doc.user_data[_TAGGER] = nlp
    return doc


# Where a Doc made without the tagger keeps the pipeline that can tag it on demand.
_TAGGER = "chatsweep_tagger"


def with_tagger(doc: Any, nlp: Any) -> Any:
    """Let ``_proper_noun`` tag ``doc`` with ``nlp``'s tagger when it needs a tag (returns ``doc``)."""
    doc.user_data[_TAGGER] = nlp
    return doc


def _proper_noun(tok: Any) -> bool:
    """The token is tagged NNP or NNPS. A Doc the analyzer made with the ``ner`` component only is
    tagged here, once, when a rule first asks: few texts reach a rule that asks."""
    doc = tok.doc
    if not doc.has_annotation("TAG"):
        nlp = doc.user_data.get(_TAGGER)
        if nlp is None:
            return False
        for name, proc in nlp.pipeline:
            if name in ("tok2vec", "tagger"):
                proc(doc)
    return tok.tag_ in ("NNP", "NNPS")


class EnglishNames:
    """Finds PERSON and LOCATION in a spaCy ``Doc`` made by the English model."""

    def __init__(self, dictionary: frozenset[str]) -> None:
        self.dictionary = dictionary
        self.given = given_names()
        self.all_given = more_given_names()
        self.surnames = surnames()
        self.stop = not_names()
        self.common = common_given_names()
        self.places = place_given_names()

    # --- word classes -------------------------------------------------------------------

    def _namelike(self, word: str, alone: bool = False) -> bool:
        """A word that could be (part of) a name: not an everyday English word of the model's
        dictionary, unless it is a common given name, or a surname next to other name words."""
        w = word.lower().strip("'’.")
        if w in self.stop or len(w) < 2:
            return False
        if alone and w in self.places:
            return False  # "Texas" labelled PERSON
        if w not in self.dictionary:
            return True
        return w in self.all_given or w in self.surnames

    def _given_not_place(self, word: str) -> bool:
        """A given name that is not also an everyday word or a well-known place."""
        w = word.lower()
        if w in self.places or w in self.common or w in self.stop:
            return False
        return w in self.all_given

    # --- model entities -----------------------------------------------------------------

    def find(self, doc: Any, nlp: Any = None) -> list[Name]:
        """Names in ``doc``; with ``nlp``, a lower-case text is also read title-cased (names in
        lower case are invisible to the model)."""
        text: str = doc.text
        out: list[Name] = []
        taken = [False] * len(doc)
        self._model_names(doc, text, out, taken)
        if nlp is not None and _lower_case_chat(text) and self._worth_a_second_look(doc):
            self._model_names(_ner_doc(nlp, title_copy(text, self.stop)), text, out, taken, titled=True)
        out.extend(self._lexicon(doc, text, taken))
        out.extend(self._list_neighbours(doc, out, taken))
        out.extend(self._state_codes(text, out))
        return out

    def _list_neighbours(self, doc: Any, found: list[Name], taken: list[bool]) -> list[Name]:
        """Single capitalised words listed next to a person's name: "Vin, Dwayne, Ty & Luda"."""
        if not any(n.entity == "PERSON" for n in found):
            return []
        starts = {tok.idx: tok.i for tok in doc}
        ends = {tok.idx + len(tok.text): tok.i for tok in doc}
        todo = [
            (starts[n.start], ends[n.end])
            for n in found
            if n.entity == "PERSON" and n.start in starts and n.end in ends
        ]
        out: list[Name] = []
        while todo:
            a, b = todo.pop()
            for sep, cand in ((a - 1, a - 2), (b + 1, b + 2)):
                if not (0 <= sep < len(doc) and 0 <= cand < len(doc)) or taken[cand]:
                    continue
                if doc[sep].lower_ not in (",", "&", "and"):
                    continue
                tok = doc[cand]
                if not (tok.text.istitle() and tok.is_alpha and self._namelike(tok.text, alone=True)):
                    continue
                if tok.lower_ in self.common or tok.lower_ in self.places:
                    continue
                taken[cand] = True
                out.append(
                    Name("PERSON", tok.idx, tok.idx + len(tok.text), LEXICON_SCORE, "listed with a name")
                )
                todo.append((cand, cand))
        return out

    @staticmethod
    def _state_codes(text: str, found: list[Name]) -> Iterator[Name]:
        """US state and Canadian and Australian region codes after a place: "Atlanta, GA"."""
        for m in _STATE_AFTER_PLACE.finditer(text):
            start, end = m.span("code")
            if not any(n.start < end and start < n.end for n in found):
                yield Name("LOCATION", start, end, LEXICON_SCORE, "a state code after a place name")

    def _worth_a_second_look(self, doc: Any) -> bool:
        """A lower-case text with a common given name in it, or a word after "in", "from" …"""
        prev = ""
        for tok in doc:
            w = tok.lower_
            if (w in self.given and w not in self.common and w not in self.stop) or (
                prev in _TITLED_PLACE_CUES and tok.is_alpha and not tok.is_stop
            ):
                return True
            prev = w
        return False

    def _model_names(
        self, doc: Any, text: str, out: list[Name], taken: list[bool], titled: bool = False
    ) -> None:
        if titled and len(doc) != len(taken):
            return  # the copy was tokenized differently: its token indices mean nothing here
        doc_text = doc.text  # spaCy joins every token anew on each access
        for ent in doc.ents:
            if ent.label_ in PERSON_LABELS:
                entity = "PERSON"
            elif ent.label_ in LOCATION_LABELS:
                entity = "LOCATION"
            else:
                continue
            for a, b in self._pieces(doc, ent.start, ent.end):
                if any(taken[a:b]):
                    continue
                kept = self._check(doc, doc_text, entity, a, b)
                if kept is None:
                    continue
                if titled:
                    # Title case makes every word look like a name: a given name first, a place
                    # right after "in", "from", "to" …
                    if kept.entity == "PERSON":
                        if not self._given_not_place(doc[a].text):
                            continue
                        # Only name words stay ("ron added to the channel" gave "Ron Added").
                        last = a + 1
                        while last < b and self._name_word(doc[last].lower_):
                            last += 1
                        end = min(kept.end, doc[last - 1].idx + len(doc[last - 1]))
                        kept = Name(kept.entity, kept.start, end, kept.score, kept.why)
                    if kept.entity == "LOCATION" and (a == 0 or doc[a - 1].lower_ not in _TITLED_PLACE_CUES):
                        continue
                    kept = Name(
                        kept.entity, kept.start, kept.end, LEXICON_SCORE, f"{kept.why} (lower-case text)"
                    )
                for i in range(a, b):
                    taken[i] = True
                out.append(kept)

    def _pieces(self, doc: Any, start: int, end: int) -> Iterator[tuple[int, int]]:
        """Token ranges of the entity split at separators and trimmed at both ends."""
        a = start
        for i in range(start, end + 1):
            if i == end or doc[i].lower_ in _SEPARATORS:
                lo, hi = a, i
                while lo < hi and self._edge(doc[lo]):
                    lo += 1
                while hi > lo and self._edge(doc[hi - 1]):
                    hi -= 1
                if lo < hi:
                    yield lo, hi
                a = i + 1

    @staticmethod
    def _edge(tok: Any) -> bool:
        return tok.lower_ in _EDGE_WORDS or not _LATIN_LETTER.search(tok.text)

    def _check(self, doc: Any, text: str, entity: str, a: int, b: int) -> Name | None:
        start, end = doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text)
        span = text[start:end]
        words = [t.text for t in doc[a:b]]
        if len(span) < 2 or _NOT_A_NAME.search(span) or _OTHER_LETTER.search(span):
            return None
        if start > 0 and text[start - 1] in "@#＠":
            return None  # a handle or a hashtag
        if not all(_NAME_TOKEN.fullmatch(w) or w in ("'s", "’s") for w in words):
            return None  # emoji, symbols inside: not one name
        if all(w.lower() in self.stop for w in words):
            return None
        if all(w.isupper() for w in words) and _shouting(text):
            return None  # "MEET US THERE", "LA'S MOST FASHIONABLE"
        if entity == "LOCATION":
            if (
                b - a == 1
                and words[0].istitle()
                and self._given_not_place(words[0])
                and (a == 0 or doc[a - 1].lower_ not in _PLACE_CUES)
            ):
                return Name("PERSON", start, end, NER_SCORE, "a given name the model took for a place")
            if b - a == 1 and not self._place_context(doc, a) and words[0].lower() not in self.dictionary:
                return None  # an unknown word, no place word around it: "Krillin", "Mabey"
            return Name("LOCATION", start, end, NER_SCORE, f"labelled {doc[a].ent_type_}")
        if any(w.lower() in self.stop for w in words):
            return None  # "Google Doc", "Sunny Saturday", "LOL Fak": a product, a day, chat
        if span == span.lower() and not self._lower_full_name(words):
            return None  # lower-case chat words ("zoom meeting"); "amy schumer" stays
        if b - a == 1 and words[0].isupper() and len(words[0]) <= 3:
            return None  # "QC", "YV": abbreviations
        if not any(self._namelike(w, alone=len(words) == 1) for w in words):
            return None  # "Great Video", "Idiot", "Liked"
        while len(words) > 1 and self._everyday(doc[b - 1]):
            words.pop()  # "Kanye West Celebrates", "Lindsay Tonight": the name, not the headline
            b -= 1
            end = doc[b - 1].idx + len(doc[b - 1].text)
        return Name("PERSON", start, end, NER_SCORE, "labelled PERSON")

    def _everyday(self, tok: Any) -> bool:
        """An everyday word that is no common name, by its tag: "Tonight", "Celebrates", "LAMB"."""
        w = tok.lower_
        if w in self.stop:
            return True
        if w in self.given or w in self.surnames or _proper_noun(tok):
            return False
        return w in self.dictionary or tok.lemma_.lower() in self.dictionary

    @staticmethod
    def _place_context(doc: Any, a: int) -> bool:
        """A place word before the token ("in", "from", "to") or a comma after it ("Gardena, CA")."""
        before = doc[a - 1].lower_ if a > 0 else ""
        after = doc[a + 1].text if a + 1 < len(doc) else ""
        return before in _TITLED_PLACE_CUES or before in _PLACE_CUES or after in (",", "/")

    def _name_word(self, low: str) -> bool:
        if low in self.stop:
            return False
        if low in self.given or low in self.surnames:
            return True
        # An unknown word may be a rarer surname ("mccabe"); an inflected one is the verb or
        # adverb after the name ("ron added", "sam quickly").
        return low not in self.dictionary and not low.endswith(("ed", "ing", "ly"))

    def _lower_full_name(self, words: list[str]) -> bool:
        """A given name and a surname in lower case: "amy schumer", "kevin smith"."""
        if len(words) < 2 or words[0] not in self.given or words[0] in self.common:
            return False
        return all(w not in self.stop and (w in self.surnames or w not in self.dictionary) for w in words[1:])

    # --- names the model missed ---------------------------------------------------------

    def _lexicon(self, doc: Any, text: str, taken: list[bool]) -> Iterable[Name]:
        n = len(doc)
        i = 0
        while i < n:
            tok = doc[i]
            low = tok.lower_
            if (
                taken[i]
                or low not in self.given
                or low in self.common
                or low in self.stop
                or low in self.places
            ):
                i += 1
                continue
            if tok.idx > 0 and text[tok.idx - 1] in "@#＠":
                i += 1
                continue
            prev = doc[i - 1].lower_ if i > 0 else ""
            title = tok.text.istitle()
            lower = tok.text.islower()
            j = i + 1
            # A surname after the given name: capitalised like it, or a known surname.
            while j < n and j - i < 3 and not taken[j]:
                nxt = doc[j]
                if (
                    title
                    and nxt.text.istitle()
                    and self._namelike(nxt.text)
                    and nxt.lower_ not in self.common
                ) or (
                    lower
                    and nxt.text.islower()
                    and nxt.lower_ in self.surnames
                    and nxt.lower_ not in self.stop
                ):
                    j += 1
                else:
                    break
            if title and (low not in self.dictionary or j > i + 1 or _proper_noun(tok)):
                why, score = "a common given name (name list)", LEXICON_SCORE
            elif lower and (j > i + 1 or prev in _CUES):
                why, score = "a lower-case given name after a greeting or with a surname", CUE_SCORE
            else:
                i += 1
                continue
            start, end = tok.idx, doc[j - 1].idx + len(doc[j - 1].text)
            yield Name("PERSON", start, end, score, why)
            for k in range(i, j):
                taken[k] = True
            i = j


# --- which texts the model must read ----------------------------------------------------

_GATE_SKIP = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+|[@#＠]\S+")
_GATE_WORD = re.compile(f"[{_LETTERS}][{_LETTERS}'’]*")
# What ends a sentence: the capital of the word after says nothing.
_SENTENCE_END = ".!?:;\n>-•*"
# Places written in capitals, and words before a place in capitals ("the UK", "in NYC").
_CAPS_PLACES = frozenset(("uk", "us", "usa", "nyc", "la", "sf", "dc", "eu", "uae", "hk", "nz", "prc"))
_CAPS_CUES = _TITLED_PLACE_CUES | _PLACE_CUES | {"the"}
_OPENERS = " \t\"'“‘(["


class NameGate:
    """Decides cheaply whether a text could hold a name or a place the English model would find.

    A text passes when it has a Latin-script word that could be one: a capitalised word that is
    not a chat word (one starting a sentence only if it is no everyday English word or is a
    known name), an all-caps word that is a known name or no everyday word, a lower-case given
    name, or, in a lower-case message, a word after "in", "from" … (read title-cased). Texts
    that fail (Chinese only, numbers, links, "ok", "deploy done 👍", "LGTM") are only tagged
    and lemmatized: no name can come from them.
    """

    def __init__(self, names: EnglishNames) -> None:
        from spacy.lang.en.stop_words import STOP_WORDS

        self.n = names
        self.stop_words = frozenset(STOP_WORDS)

    def __call__(self, text: str) -> bool:
        n = self.n
        if not _LATIN_LETTER.search(text):
            return False
        text = _GATE_SKIP.sub(" ", text)
        lower_chat = _lower_case_chat(text)
        prev = ""
        for m in _GATE_WORD.finditer(text):
            word = m.group()
            low = word.lower().strip("'’")
            if len(low) < 2:
                prev = low
                continue
            known = low in n.all_given or low in n.surnames or low in n.places
            if word[0].isupper() and low not in n.stop:
                if word.isupper() and len(word) > 1:
                    if known or low in _CAPS_PLACES or prev in _CAPS_CUES:
                        return True
                    if len(low) >= 5 and low not in n.dictionary:
                        return True
                elif not _starts_sentence(text, m.start()):
                    return True  # a capital inside a sentence
                elif known or low not in n.dictionary:
                    return True
            elif word.islower():
                if low in n.all_given and low not in n.common and low not in n.stop:
                    return True
                if low in n.places:
                    return True
                if (
                    lower_chat
                    and prev in _TITLED_PLACE_CUES
                    and low not in n.stop
                    and low not in self.stop_words
                ):
                    return True
            prev = low
        return False


def _starts_sentence(text: str, at: int) -> bool:
    before = text[:at].rstrip(_OPENERS)
    return not before or before[-1] in _SENTENCE_END


def ner_only_off(nlp: Any) -> list[str]:
    """The pipeline's components that the ``ner`` component does not need: all of them but the
    ones it listens to (en_core_web_sm's ``ner`` has its own embedding layer, so none). Lemmas for
    context words come from ``quick_lemmas`` instead of the tagger and lemmatizer."""
    keep = {"ner"}
    for name in nlp.pipe_names:
        if "ner" in getattr(nlp.get_pipe(name), "listening_components", ()):
            keep.add(name)
    return [name for name in nlp.pipe_names if name not in keep]


_VERB_ENDINGS = ("ed", "ing", "n")


def quick_lemmas(nlp: Any, doc: Any) -> list[str]:
    """Lemmas without the tagger, for context words: a word ending like a verb form ("moved",
    "born", "shipping") or an irregular verb form is lemmatized as a verb, any other lower-case
    word as a noun ("passports"), a word with capitals is kept (a proper noun: "NHS").
    Memoized per word on the lemmatizer."""
    lemmatizer = nlp.get_pipe("lemmatizer")
    memo: dict[str, str] = lemmatizer.__dict__.setdefault("_chatsweep_quick", {})
    out: list[str] = []
    for tok in doc:
        text = tok.text
        lemma = memo.get(text)
        if lemma is None:
            low = text.lower()
            if text != low or not low.isalpha():
                lemma = low
            else:
                one = nlp.make_doc(low)[0]
                verb = low.endswith(_VERB_ENDINGS) or low in lemmatizer.lookups.get_table("lemma_exc")["verb"]
                one.pos_ = "VERB" if verb else "NOUN"
                lemma = lemmatizer.rule_lemmatize(one)[0].lower()
            if len(memo) < 100_000:
                memo[text] = lemma
        out.append(lemma)
    return out
