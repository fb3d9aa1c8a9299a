"""Restore zero-width non-joiners (U+200C, ZWNJ) that Persian text has lost.

Scraped Persian often loses its ZWNJs: ``بین‌الملل`` arrives as ``بینالملل``,
``می‌شود`` as ``میشود`` or ``می شود``, ``رسانه‌ها`` as ``رسانهها``.
:func:`repair_zwnj` puts them back.

How a word is repaired (first match wins):

1. **Lexicon.** ``data/zwnj_lexicon.jsonl.gz`` (built by
   ``bench/zwnj/build_lexicon.py`` from a training split of real news text,
   plus hazm's word and verb lists) says, for a word written without ZWNJ,
   how it is usually spelled: with ZWNJ(s) (``بینالملل`` -> ``بین‌الملل``),
   or joined as it is (``تنها``, ``مهمان``, ``بستر``: never touched).
2. **Affix rules** (:mod:`khabar.pipeline.zwnj_rules`), only for words the
   lexicon has not seen: the verb prefixes ``می``/``نمی`` (also after ``بر``,
   ``در``…) before a known verb form; the plural ``ها/های/هایی…`` after a
   known word (or, failing all else, a long unknown one); ``تر`` after a known
   adjective and ``ترین`` after a well-known word; ``‌ای/‌اش/‌ام`` after a
   silent ``ه`` or a final ``ی``; ``‌اند/‌ام…`` after a past participle; common
   compound heads (``‌گذاری``, ``‌کننده``, ``‌آباد``…) and name endings
   (``‌زاده``, ``‌پور``…) after a well-known first half; ``بی‌`` before a common
   word; spelled-out Latin letters (``ان‌بی‌سی``) and numbers (``بیست‌وچهار``).
   Rules nest (``شهرکسازیها`` -> ``شهرک‌سازی‌ها``) and carry a stem's own
   ZWNJs through joined endings (``بینالمللی`` -> ``بین‌المللی``). A word
   ending in ``های`` that reads both ``X‌های`` and ``Xه‌ای`` is settled by the
   corpus and by the next word (``که``، ``را``… follow ``ه‌ای``).
3. **Split** of two or three very common words glued together, only when
   every adjacent pair is attested in the corpus (``تماسباما`` -> ``تماس با ما``).

Between words, a plain space is turned into a ZWNJ only where the second
word is a suffix or the first is ``می``/``نمی`` and the lexicon or the rules
confirm it (``می شود`` -> ``می‌شود``, ``تیم های`` -> ``تیم‌های``); pass
``join_spaced=False`` to only insert.

Guarantees: existing ZWNJs are never removed; no letter is changed (Arabic
``ي``/``ك`` stay as they are; they are unified only for lookups); Latin text,
digits, URLs and e-mail addresses are left untouched. Precision is preferred
over recall: when in doubt, nothing is inserted.
"""

from __future__ import annotations

import gzip
import json
import re
import threading
from pathlib import Path

from .letters import ARABIC_TO_PERSIAN, HEH_FORMS, ZWNJ
from .zwnj_rules import PREFIXES, SUFFIX_WORDS
from .zwnj_rules import Repairer as _Repairer

__all__ = ["ZWNJ", "repair_zwnj", "lexicon_info"]

LEXICON_PATH = Path(__file__).with_name("data") / "zwnj_lexicon.jsonl.gz"

_LETTERS = "\u0621-\u063a\u0641-\u064a\u0671-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06fc\u06ff"
# Harakat, superscript alef, kashida, Quranic marks: part of a word but not of its key.
_MARKS = "\u064b-\u065f\u0670\u0640\u06d6-\u06ed"
_MARK_RE = re.compile(f"[{_MARKS}]")
_TOKEN_RE = re.compile(
    # URLs and e-mail addresses are copied as they are.
    # Linear (issue 10): a scheme is bounded, an e-mail address starts where its run starts
    # (a long run of letters is not scanned again from each of them) and gives nothing back.
    r"(?P<url>(?:[a-zA-Z][a-zA-Z0-9+.-]{0,31}://|www\.)[^\s<>\"«»]+|(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)+)"
    # A Persian word: letters and marks, with ZWNJs only inside.
    f"|(?P<word>[{_LETTERS}{_MARKS}](?:[{_LETTERS}{_MARKS}]|{ZWNJ}(?=[{_LETTERS}{_MARKS}]))*)"
)
_FOLD = str.maketrans({**ARABIC_TO_PERSIAN, **HEH_FORMS})  # lookups only: the text keeps its letters

_CACHE_MAX = 200_000
_HAY_ENDINGS = ("های", "هاي")
_AFFIXES = frozenset((*PREFIXES, *SUFFIX_WORDS))


def _join(rep: _Repairer, a: str, b: str) -> bool:
    """Should the space in ``a b`` be a ZWNJ? Keys of short words are cached."""
    cache = rep.key_cache
    if len(cache) > _CACHE_MAX:
        cache.clear()
    ka = cache.get(a)
    if ka is None:
        ka = cache[a] = _key(a) if len(a) <= 12 else ""  # "": too long to be an affix
    kb = cache.get(b)
    if kb is None:
        kb = cache[b] = _key(b) if len(b) <= 12 else ""
    if ka not in _AFFIXES and kb not in _AFFIXES:
        return False
    return rep.join_pair(_key(a), _key(b))


def _read_sections(path: Path) -> dict[str, object]:
    sections: dict[str, object] = {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            sections[record["section"]] = record["data"]
    return sections


class _Lexicon:
    def __init__(self, sections: dict[str, object]) -> None:
        self.meta = sections.get("meta", {})
        # key (no ZWNJ, letters unified) -> boundaries ((index, separator), ...); () = keep joined.
        self.lex: dict[str, tuple[tuple[int, str], ...]] = {}
        for form in _lines(sections.get("lex", "")):
            key, bounds = _parse_form(form)
            self.lex[key] = bounds
        for key in _lines(sections.get("keep", "")):
            self.lex.setdefault(key, ())
        self.known: dict[str, int] = {}
        for line in _lines(sections.get("known", "")):
            word, _, count = line.partition(" ")
            self.known[word] = int(count or 1)
        self.adjectives = frozenset(_lines(sections.get("adj", "")))
        self.verbs: dict[str, tuple[tuple[int, str], ...]] = {}
        for form in _lines(sections.get("verbs", "")):
            key, bounds = _parse_form(form)
            self.verbs[key] = bounds
        self.participles = frozenset(_lines(sections.get("participles", "")))
        self.pairs: dict[str, int] = {}
        for line in _lines(sections.get("pairs", "")):
            pair, _, count = line.rpartition(" ")
            self.pairs[pair] = int(count)
        hay = sections.get("hay") or {}
        self.hay_keys = _counts(hay.get("keys", ""))  # key -> (as X‌های, as Xه‌ای)
        self.hay_next = _counts(hay.get("next", ""))  # next word -> (after X‌های, after Xه‌ای)
        self.hay_total = tuple(hay.get("total", (0, 0)))
        self.hay_rare = tuple(hay.get("rare", (0, 0)))


def _lines(data: object) -> list[str]:
    return [line for line in str(data).split("\n") if line]


def _counts(data: object) -> dict[str, tuple[int, int]]:
    out = {}
    for line in _lines(data):
        word, a, b = line.rsplit(" ", 2)
        out[word] = (int(a), int(b))
    return out


def _parse_form(form: str) -> tuple[str, tuple[tuple[int, str], ...]]:
    key: list[str] = []
    bounds: list[tuple[int, str]] = []
    for ch in form:
        if ch == ZWNJ or ch == " ":
            bounds.append((len(key), ch))
        else:
            key.append(ch)
    return "".join(key), tuple(bounds)


_LOCK = threading.Lock()
_STATE: dict[str, object] = {}


def _lexicon() -> _Lexicon:
    lexicon = _STATE.get("lexicon")
    if lexicon is None:
        with _LOCK:
            lexicon = _STATE.get("lexicon")
            if lexicon is None:
                lexicon = _Lexicon(_read_sections(LEXICON_PATH))
                _STATE["lexicon"] = lexicon
    return lexicon  # type: ignore[return-value]


def lexicon_info() -> dict:
    """Metadata of the loaded lexicon (sizes and origins)."""
    lex = _lexicon()
    return dict(lex.meta, entries=len(lex.lex), known=len(lex.known), verbs=len(lex.verbs))


def _repair_word(rep: _Repairer, word: str, next_key: str | None = None) -> str:
    """``next_key``: key of the next word ("<P>": punctuation or nothing), for
    words ending in های that read two ways (then the result is not cached)."""
    if next_key is None:
        out = rep.word_cache.get(word)
        if out is not None:
            return out
    if len(rep.word_cache) > _CACHE_MAX:
        rep.word_cache.clear()
    key, positions, existing = _analyse(word)
    bounds = None
    if next_key is not None and not existing:
        bounds = rep.hay(key, next_key)
    if bounds is None:
        bounds = rep.decide(key) if len(key) >= 3 else ()
    if existing and bounds and not existing.issubset(i for i, _ in bounds):
        # The writer's own ZWNJs disagree with the analysis of the whole word
        # (سهمیه‌ای is not سهمی+های): analyse each ZWNJ-separated part instead.
        bounds = ()
        start = 0
        for end in sorted(existing) + [len(key)]:
            part = key[start:end]
            if len(part) >= 3:
                bounds += tuple((start + i, sep) for i, sep in rep.decide(part))
            start = end
    out = word
    if bounds:
        inserts = {positions[i]: sep for i, sep in bounds if 0 < i < len(key) and i not in existing}
        if inserts:
            out = "".join((inserts[k] + ch) if k in inserts else ch for k, ch in enumerate(word))
    if next_key is None:
        rep.word_cache[word] = out
    return out


def _key(word: str) -> str:
    return _MARK_RE.sub("", word.replace(ZWNJ, "")).translate(_FOLD)


def _analyse(word: str) -> tuple[str, list[int], set[int]]:
    """Key of a word, index in ``word`` of each key letter, key indexes after an existing ZWNJ."""
    key: list[str] = []
    positions: list[int] = []
    existing: set[int] = set()
    for index, ch in enumerate(word):
        if ch == ZWNJ:
            existing.add(len(key))
        elif _MARK_RE.match(ch):
            continue
        else:
            key.append(ch)
            positions.append(index)
    return "".join(key).translate(_FOLD), positions, existing


def _repairer() -> _Repairer:
    rep = _STATE.get("repairer")
    if rep is None:
        rep = _Repairer(_lexicon(), _CACHE_MAX)
        _STATE["repairer"] = rep
    return rep  # type: ignore[return-value]


def repair_zwnj(text: str, *, join_spaced: bool = True) -> str:
    """Return ``text`` with lost ZWNJs restored (and glued common words split).

    Only ZWNJs and spaces are inserted; with ``join_spaced`` (the default) a
    space that stands for a lost ZWNJ (``می شود``, ``تیم های``) becomes one.
    Existing ZWNJs, letters, digits, Latin text and URLs are never changed.
    """
    if not text:
        return text
    rep = _repairer()
    out: list[str] = []
    last_end = 0
    prev_word: str | None = None
    prev_end = -1
    matches = list(_TOKEN_RE.finditer(text))
    for index, m in enumerate(matches):
        word = m.group("word")
        start = m.start()
        if word is None:  # URL / e-mail: copy as is
            out.append(text[last_end : m.end()])
            last_end = m.end()
            prev_word = None
            continue
        gap = text[last_end:start]
        if (
            join_spaced
            and prev_word is not None
            and gap == " "
            and prev_end == last_end
            and _join(rep, prev_word, word)
        ):
            gap = ZWNJ
        out.append(gap)
        if word.endswith(_HAY_ENDINGS):  # نام‌های or نامه‌ای: the next word helps
            nxt = matches[index + 1] if index + 1 < len(matches) else None
            next_key = "<P>"
            if nxt is not None and nxt.group("word") and text[m.end() : nxt.start()].isspace():
                next_key = _key(nxt.group("word"))
            out.append(_repair_word(rep, word, next_key))
        else:
            out.append(_repair_word(rep, word))
        last_end = prev_end = m.end()
        prev_word = word
    out.append(text[last_end:])
    return "".join(out)
