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
2. **Affix rules**, only for words the lexicon has not seen: the verb prefixes
   ``می``/``نمی`` before a known verb form, the plural ``ها/های/هایی…`` and the
   comparative ``تر/ترین`` after a known word ending in a joining letter,
   ``‌ای`` after a silent ``ه``, ``‌اند/‌ام…`` after a past participle.
   Suffix rules nest (``شهرکسازیها`` -> ``شهرک‌سازی‌ها``).
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

__all__ = ["ZWNJ", "repair_zwnj", "lexicon_info"]

ZWNJ = "\u200c"
LEXICON_PATH = Path(__file__).with_name("data") / "zwnj_lexicon.jsonl.gz"

_LETTERS = "\u0621-\u063a\u0641-\u064a\u0671-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06fc\u06ff"
# Harakat, superscript alef, kashida, Quranic marks: part of a word but not of its key.
_MARKS = "\u064b-\u065f\u0670\u0640\u06d6-\u06ed"
_MARK_RE = re.compile(f"[{_MARKS}]")
_TOKEN_RE = re.compile(
    # URLs and e-mail addresses are copied as they are.
    r"(?P<url>(?:[a-zA-Z][a-zA-Z0-9+.-]*://|www\.)[^\s<>\"«»]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
    # A Persian word: letters and marks, with ZWNJs only inside.
    f"|(?P<word>[{_LETTERS}{_MARKS}](?:[{_LETTERS}{_MARKS}]|{ZWNJ}(?=[{_LETTERS}{_MARKS}]))*)"
)
_FOLD = str.maketrans({
    "\u064a": "\u06cc",  # ي
    "\u0649": "\u06cc",  # ى
    "\u0643": "\u06a9",  # ك
    "\u06c0": "\u0647",  # ۀ
    "\u0629": "\u0647",  # ة
})
# Letters that never join to the next one: a ZWNJ after them is invisible, and
# writers usually leave it out, so rules do not insert one there.
_NON_JOINING = set("ءآأؤإادذرزژوۀةٱ")

# Suffix rules: (suffix, kind). Longest suffixes are tried first.
_PLURAL = ("ها", "های", "هایی", "هایم", "هایت", "هایش", "هایمان", "هایتان", "هایشان", "هاست")
_COMPARATIVE = ("تر", "تری", "ترین")
_PERFECT = ("ام", "ای", "ایم", "اید", "اند")  # after a past participle: کرده‌اند
_AFTER_HEH = ("ای", "اش", "شان")  # after a silent ه: مسابقه‌ای، خانه‌اش
# Second halves of compounds and of family names that are written after a ZWNJ
# (هدف‌گذاری، شرکت‌کننده، قاسمی‌پور). Deliberately short: دار، گر، بند، شناس… also
# end many words that are written joined (دیدار، دیگر، کمربند، کارشناس).
_COMPOUND = (
    "گذاری", "گذار", "گذاران", "سازی", "نامه", "زایی", "پذیر", "پذیری", "کننده", "کنندگان",
    "آمیز", "رسانی", "طلب", "طلبان", "گرایی", "گرایان", "نشین", "نشینان", "پردازی", "سنجی", "محور",
)
_NAME = ("زاده", "پور", "نیا", "نژاد", "فر", "راد")
_SUFFIXES = sorted(
    [(s, "plural") for s in _PLURAL]
    + [(s, "comparative") for s in _COMPARATIVE]
    + [(s, "perfect") for s in _PERFECT]
    + [(s, "heh") for s in _AFTER_HEH]
    + [(s, "compound") for s in _COMPOUND]
    + [(s, "name") for s in _NAME],
    key=lambda item: -len(item[0]),
)
_SUFFIX_WORDS = frozenset(s for s, kind in _SUFFIXES if kind in ("plural", "comparative", "perfect", "heh"))
_PREFIXES = ("نمی", "می")

# Thresholds (see bench/zwnj/RESULTS and evaluate.py for how they were chosen).
_MIN_STEM_COUNT = 2  # a stem must be seen at least this often (hazm words count as 2)
_SPLIT_MIN_COUNT = 40  # each piece of a split must be this common
_SPLIT_MIN_PAIR = 3  # each adjacent pair of a split must be attested this often
_AMBIGUITY_RATIO = 8  # competing analyses: the winner's stem must be this much more common
_COMPOUND_MIN_STEM = 5  # compound and name rules want a better-known first half
_CACHE_MAX = 200_000


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


def _lines(data: object) -> list[str]:
    return [line for line in str(data).split("\n") if line]


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


class _Repairer:
    """Decisions for word keys, cached."""

    def __init__(self, lex: _Lexicon) -> None:
        self.lex = lex
        self.cache: dict[str, tuple[tuple[int, str], ...]] = {}
        self.word_cache: dict[str, str] = {}

    # -- decisions on keys -------------------------------------------------
    def decide(self, key: str) -> tuple[tuple[int, str], ...]:
        hit = self.cache.get(key)
        if hit is None:
            if len(self.cache) > _CACHE_MAX:
                self.cache.clear()
            hit = self.lex.lex.get(key)
            if hit is None:
                hit = self.rules(key, spaced=False) or self.split(key) or ()
            self.cache[key] = hit
        return hit

    def count(self, word: str) -> int:
        """How well a stem is known: its corpus count, or a recognised compound."""
        n = self.lex.known.get(word, 0)
        if n:
            return n
        bounds = self.lex.lex.get(word)
        if bounds:
            return _MIN_STEM_COUNT
        if bounds is None and self.rules(word, spaced=False, depth=1):
            return _MIN_STEM_COUNT
        return 0

    def rules(self, key: str, spaced: bool, depth: int = 0) -> tuple[tuple[int, str], ...] | None:
        """Affix analysis of a word the lexicon does not know; None when unsure.

        ``spaced``: the suffix was written as a separate word, so the ZWNJ is
        wanted even after a non-joining letter.
        """
        if depth > 2 or len(key) < 3:
            return None
        lex = self.lex
        for prefix in _PREFIXES:
            if key.startswith(prefix):
                tail = key[len(prefix):]
                tail_bounds = lex.verbs.get(tail)
                if tail_bounds is not None and len(tail) >= 2:
                    shift = len(prefix)
                    return ((shift, ZWNJ),) + tuple((i + shift, s) for i, s in tail_bounds)
        candidates: list[tuple[int, tuple[tuple[int, str], ...]]] = []
        for suffix, kind in _SUFFIXES:
            if not key.endswith(suffix):
                continue
            stem = key[: -len(suffix)]
            if len(stem) < 2:
                continue
            last = stem[-1]
            # After a non-joining letter the ZWNJ is invisible and usually left out
            # (کارها): the analysis still competes, but inserts nothing.
            silent = not spaced and last in _NON_JOINING
            if kind == "plural":
                ok = True
            elif kind == "comparative":
                # ریشتر (Richter) is a word of its own: a "stem+تر" the lexicon knows
                # as one word without a ZWNJ (an empty analysis) is not a comparative.
                ok = stem in lex.adjectives and lex.lex.get(stem + "تر") != ()
            elif kind == "perfect":
                ok = stem in lex.participles
            elif kind == "heh":  # silent ه only (not راه، گروه، شکوه)
                ok = last == "ه" and len(stem) >= 3 and stem[-2] not in "او"
            else:  # compound, name
                ok = len(stem) >= 2 and self.count(stem) >= _COMPOUND_MIN_STEM
            if not ok:
                continue
            weight = self.count(stem)
            if kind == "perfect":
                weight = max(weight, 10 * _MIN_STEM_COUNT)
            if weight < _MIN_STEM_COUNT:
                continue
            stem_bounds = lex.lex.get(stem)
            if stem_bounds is None:
                stem_bounds = self.rules(stem, spaced=False, depth=depth + 1) or ()
            candidates.append((weight, len(stem), stem_bounds + (() if silent else ((len(stem), ZWNJ),))))
        if not candidates:
            return None
        candidates.sort(key=lambda c: -c[0])
        best = candidates[0]
        for other in candidates[1:]:
            # خانهای: خان‌های or خانه‌ای? Only a much better known stem decides.
            if other[1] != best[1] and best[0] < _AMBIGUITY_RATIO * other[0]:
                return None
        return best[2] or None

    def split(self, key: str) -> tuple[tuple[int, str], ...] | None:
        """Two or three common words glued together, every pair attested."""
        n = len(key)
        if n < 4 or n > 24:
            return None
        known, pairs = self.lex.known, self.lex.pairs
        if key in known:  # a word of its own (seen in the corpus or in hazm's list)
            return None
        found: list[tuple[int, tuple[tuple[int, str], ...]]] = []
        for i in range(2, n - 1):
            a = key[:i]
            if known.get(a, 0) < _SPLIT_MIN_COUNT:
                continue
            b = key[i:]
            if known.get(b, 0) >= _SPLIT_MIN_COUNT:
                c = pairs.get(a + " " + b, 0)
                if c >= _SPLIT_MIN_PAIR:
                    found.append((c, ((i, " "),)))
            for j in range(i + 2, n - 1):
                b, c3 = key[i:j], key[j:]
                if known.get(b, 0) < _SPLIT_MIN_COUNT or known.get(c3, 0) < _SPLIT_MIN_COUNT:
                    continue
                c = min(pairs.get(a + " " + b, 0), pairs.get(b + " " + c3, 0))
                if c >= _SPLIT_MIN_PAIR:
                    found.append((c, ((i, " "), (j, " "))))
        if not found:
            return None
        found.sort(key=lambda f: -f[0])
        if len(found) > 1 and found[0][0] < _AMBIGUITY_RATIO * found[1][0]:
            return None
        return found[0][1]

    # -- applying decisions to words --------------------------------------
    def repair_word(self, word: str) -> str:
        out = self.word_cache.get(word)
        if out is not None:
            return out
        if len(self.word_cache) > _CACHE_MAX:
            self.word_cache.clear()
        key, positions, existing = _analyse(word)
        bounds = self.decide(key) if len(key) >= 3 else ()
        if existing and bounds and not existing.issubset(i for i, _ in bounds):
            # The writer's own ZWNJs disagree with the analysis of the whole word
            # (سهمیه‌ای is not سهمی+های): analyse each ZWNJ-separated part instead.
            bounds = ()
            start = 0
            for end in sorted(existing) + [len(key)]:
                part = key[start:end]
                if len(part) >= 3:
                    bounds += tuple((start + i, sep) for i, sep in self.decide(part))
                start = end
        if bounds:
            inserts = {positions[i]: sep for i, sep in bounds if 0 < i < len(key) and i not in existing}
            if inserts:
                out = "".join((inserts[k] + ch) if k in inserts else ch for k, ch in enumerate(word))
            else:
                out = word
        else:
            out = word
        self.word_cache[word] = out
        return out

    def join_pair(self, a: str, b: str) -> bool:
        """Should the space in ``a b`` be a ZWNJ? (the space lost its ZWNJ)"""
        ka = _key(a)
        kb = _key(b)
        if ka in _PREFIXES:
            return kb in self.lex.verbs and len(kb) >= 2
        if kb not in _SUFFIX_WORDS or len(ka) < 2:
            return False
        joined = ka + kb
        bounds = self.lex.lex.get(joined)
        if bounds is None:
            bounds = self.rules(joined, spaced=True)
        return bool(bounds) and (len(ka), ZWNJ) in bounds


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
        rep = _Repairer(_lexicon())
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
    for m in _TOKEN_RE.finditer(text):
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
            and rep.join_pair(prev_word, word)
        ):
            gap = ZWNJ
        out.append(gap)
        out.append(rep.repair_word(word))
        last_end = prev_end = m.end()
        prev_word = word
    out.append(text[last_end:])
    return "".join(out)
