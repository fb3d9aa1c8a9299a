"""Affix rules and the glued-word splitter of :mod:`khabar.pipeline.zwnj`.

A word key (letters unified, no ZWNJ) the lexicon does not know is analysed
as stem + suffix or prefix + stem. An analysis is only trusted when its stem
is a known word; competing analyses of one key (``خانهای``: ``خان‌های`` or
``خانه‌ای``) must be settled by a much better known stem, else nothing is
inserted. Words the corpus or hazm's list knows written joined (``تنها``,
``ریشتر``, ``کارشناسان``) are in the lexicon's ``keep`` list and never reach
these rules. Every rule and threshold was chosen on the DEV split
(bench/RESULTS.md (ZWNJ section)); affix statistics of careful writers in the TRAIN
split are in the comments.
"""

from __future__ import annotations

import re

from .letters import ZWNJ

Bounds = tuple[tuple[int, str], ...]

# Letters that never join to the next one: a ZWNJ after them is invisible, and
# writers usually leave it out, so rules do not insert one there.
NON_JOINING = frozenset("ءآأؤإادذرزژوۀةٱ")

PLURAL = ("ها", "های", "هایی", "هایم", "هایت", "هایش", "هایمان", "هایتان", "هایشان", "هاست")
COMPARATIVE = ("تر", "تری")  # only after a known adjective: ریشتر, دختر, بستر are words
SUPERLATIVE = ("ترین",)  # after an adjective or a well-known word (قدیمی‌ترین)
PERFECT = ("ام", "ای", "ایم", "اید", "اند")  # after a past participle: کرده‌اند
AFTER_HEH = ("ای", "اش", "ام", "شان")  # after a silent ه: مسابقه‌ای، خانه‌اش، سینه‌ام
# After a final ی: قبلی‌اش، بازی‌ای، بعدی‌ام. Not ات (ادبیات، عملیات are plurals);
# not مان/شان, which careful writers mostly join there (برایشان، بازیمان), as
# they do after a consonant (تیمشان، تلاشمان).
AFTER_YEH = ("ای", "اش", "ام")
# Second halves of compounds and of family names written after a ZWNJ
# (هدف‌گذاری، شرکت‌کننده، قاسمی‌پور). Only heads that rarely end a joined word;
# joined words that do end so (کارشناس، خودداری) are protected by the lexicon.
COMPOUND = (
    "گذاری",
    "گذار",
    "گذاران",
    "سازی",
    "نامه",
    "زایی",
    "پذیر",
    "پذیری",
    "کننده",
    "کنندگان",
    "آمیز",
    "رسانی",
    "طلب",
    "طلبان",
    "گرایی",
    "گرایان",
    "نشین",
    "نشینان",
    "پردازی",
    "سنجی",
    "محور",
    "شناسی",
    "پژوهی",
    "خواری",
    "خواران",
    "بگیر",
    "بگیران",
    "ستیزی",
    "سوزی",
    "پرستی",
    "زدایی",
    "انگیز",
    "انگیزی",
    "آلود",
    "باران",
    "آور",
    "آوری",
    "آوران",
    "نویسان",
    "نویسی",
    "دهندگان",
    "ساز",
    "سازان",
    "بخش",
    "بخشی",
    "خواه",
    "خواهی",
    "پروری",
    "شکنی",
    "آباد",
    "آبادی",
)
NAME = ("زاده", "پور", "نیا", "نژاد", "فر", "راد", "مقدم")
# Suffixes written joined to a word the lexicon spells with ZWNJs: the word keeps
# them (بین‌المللی، دانش‌آموزان، ال‌کلاسیکوی).
CARRY = ("ی", "یی", "ان", "ش", "م", "ت", "مان", "شان", "تان")
SUFFIXES = sorted(
    [(s, "plural") for s in PLURAL]
    + [(s, "comparative") for s in COMPARATIVE]
    + [(s, "superlative") for s in SUPERLATIVE]
    + [(s, "perfect") for s in PERFECT]
    + [(s, "heh") for s in AFTER_HEH]
    + [(s, "yeh") for s in AFTER_YEH]
    + [(s, "compound") for s in COMPOUND]
    + [(s, "name") for s in NAME]
    + [(s, "carry") for s in CARRY],
    key=lambda item: -len(item[0]),
)
_SUFFIXES_BY_LAST: dict[str, list[tuple[str, str]]] = {}
for _item in SUFFIXES:
    _SUFFIXES_BY_LAST.setdefault(_item[0][-1], []).append(_item)
# Suffixes that, written as a separate word, stand for a lost ZWNJ (تیم های).
SUFFIX_WORDS = frozenset(
    s for s, kind in SUFFIXES if kind in ("plural", "comparative", "superlative", "perfect", "heh")
)
PREFIXES = ("نمی", "می")
PREVERBS = ("", "بر", "در", "فرا", "باز", "وا")  # برمی‌دارد، درنمی‌آید

# Latin letters spelled out (ان‌بی‌سی، سی‌ان‌ان) and numbers joined by و (بیست‌وچهار).
_LETTER_NAMES = "دبلیو|ایکس|کیو|وای|ای|بی|سی|دی|اف|جی|اچ|آی|کی|ال|ام|ان|او|پی|آر|اس|تی|یو|وی|زد"
_LETTERS_RE = re.compile(f"(?:{_LETTER_NAMES}){{3,}}")
_LETTER_SET = frozenset(_LETTER_NAMES.split("|"))
_NUMBER = (
    "یکصد|دویست|سیصد|چهارصد|پانصد|ششصد|هفتصد|هشتصد|نهصد|هزار|بیست|پنجاه|هفتاد|هشتاد|چهل|شصت|نود|صد|سی"
    "|یازده|دوازده|سیزده|چهارده|پانزده|شانزده|هفده|هجده|نوزده|چهار|پنج|شش|هفت|هشت|یک|دو|سه|نه|ده"
)
_ORDINAL = "یکم|دوم|سوم|چهارم|پنجم|ششم|هفتم|هشتم|نهم|دهم"
_NUMBER_RE = re.compile(f"(?:{_NUMBER})(?:و(?:{_NUMBER}))*و(?:(?:{_NUMBER})(?:م|مین)?|(?:{_ORDINAL})(?:ین)?)")
_NUMBER_PART_RE = re.compile(f"(?:{_NUMBER})(?=و)")

# Thresholds (chosen on the DEV split: bench/RESULTS.md (ZWNJ section)).
MIN_STEM_COUNT = 2  # a stem must be seen at least this often (hazm words count as 2)
PLURAL_MIN_STEM = 1  # ... except before ها/های: a noun seen once is enough
UNKNOWN_PLURAL_STEM = 5  # ... or even an unknown one this long, when the whole word is unknown too
SPLIT_MIN_COUNT = 40  # each piece of a split must be this common
SPLIT_MIN_PAIR = 3  # each adjacent pair of a split must be attested this often
AMBIGUITY_RATIO = 8  # competing analyses: the winner's stem must be this much more common
COMPOUND_MIN_STEM = 5  # compound and name rules want a better-known first half
SUPERLATIVE_MIN_STEM = 5
HAY_MARGIN = 2  # های / ه‌ای: the odds of one reading over the other, context included
HAY_LR_CAP = 50  # how much the next word alone can shift those odds
BI_MIN_TAIL = 20  # بی + a word at least this common (بی‌آبی، بی‌اطلاعی)


def _letter_cuts(key: str) -> list[int]:
    """Where a string of spelled-out letters is cut (fewest pieces)."""
    best: dict[int, list[int]] = {0: []}
    for i in range(1, len(key) + 1):
        options = [best[j] + [j] for j in range(max(0, i - 5), i) if j in best and key[j:i] in _LETTER_SET]
        if options:
            best[i] = min(options, key=len)
    return best.get(len(key), [0])[1:]


class Repairer:
    """Decisions for word keys, cached. ``lex`` is a ``zwnj._Lexicon``."""

    def __init__(self, lex, cache_max: int = 200_000) -> None:
        self.lex = lex
        self.cache: dict[str, Bounds] = {}
        self.word_cache: dict[str, str] = {}
        self.key_cache: dict[str, str] = {}  # word -> key, for short words (zwnj._join)
        self.cache_max = cache_max

    def decide(self, key: str) -> Bounds:
        hit = self.cache.get(key)
        if hit is None:
            if len(self.cache) > self.cache_max:
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
            return MIN_STEM_COUNT
        if bounds is None and self.rules(word, spaced=False, depth=1):
            return MIN_STEM_COUNT
        return 0

    def verb(self, key: str) -> Bounds | None:
        """(preverb +) می/نمی + a known verb form: ZWNJ after می."""
        verbs = self.lex.verbs
        for preverb in PREVERBS:
            if not key.startswith(preverb):
                continue
            for prefix in PREFIXES:
                if key.startswith(prefix, len(preverb)):
                    shift = len(preverb) + len(prefix)
                    tail = key[shift:]
                    tail_bounds = verbs.get(tail)
                    if tail_bounds is not None and len(tail) >= 2:
                        return ((shift, ZWNJ),) + tuple((i + shift, s) for i, s in tail_bounds)
        return None

    def rules(self, key: str, spaced: bool, depth: int = 0) -> Bounds | None:
        """Affix analysis of a word the lexicon does not know; None when unsure.

        ``spaced``: the suffix was written as a separate word, so the ZWNJ is
        wanted even after a non-joining letter.
        """
        if depth > 2 or len(key) < 3:
            return None
        lex = self.lex
        found = self.verb(key)
        if found is None and key not in lex.known and key[:-1] not in lex.known:  # not انبیای
            found = self.spelled(key)
        if found is not None:
            return found
        # (weight, stem length, kind, bounds)
        candidates: list[tuple[int, int, str, Bounds]] = []
        fallback = None
        for suffix, kind in _SUFFIXES_BY_LAST.get(key[-1], ()):
            if not key.endswith(suffix):
                continue
            stem = key[: -len(suffix)]
            if len(stem) < 2:
                continue
            last = stem[-1]
            need = MIN_STEM_COUNT
            if kind == "plural":
                if suffix in ("ها", "های", "هایی"):
                    need = PLURAL_MIN_STEM  # (not هایم: هوفنهایم)
            elif kind in ("comparative", "superlative"):
                # ریشتر (Richter), دکترین: a "stem+تر" the lexicon keeps joined, or
                # that is commoner than the stem itself, is a word of its own.
                if lex.lex.get(stem + "تر") == () or lex.known.get(stem + "تر", 0) > lex.known.get(stem, 0):
                    continue
                if stem not in lex.adjectives and kind == "comparative":
                    continue
                need = 1 if stem in lex.adjectives else SUPERLATIVE_MIN_STEM
            elif kind == "perfect":
                if stem not in lex.participles:
                    continue
                need = 0
            elif kind == "heh":  # silent ه only (not راه، گروه، شکوه)
                if last != "ه" or len(stem) < 3 or stem[-2] in "او":
                    continue
            elif kind == "yeh":
                # not سویای، دنیای: a word in یا with the ezafe ی
                if last != "ی" or len(stem) < 3 or (suffix == "ای" and key[:-1] in lex.known):
                    continue
                need = COMPOUND_MIN_STEM if suffix == "ای" else MIN_STEM_COUNT
            elif kind == "carry":
                if last in "هی" or (suffix == "یی" and last not in "او"):
                    continue
            else:  # compound, name
                need = COMPOUND_MIN_STEM
            weight = self.count(stem)
            if weight < need:
                if (
                    kind == "plural"
                    and not weight
                    and not depth
                    and key not in lex.known
                    and len(stem) >= UNKNOWN_PLURAL_STEM
                    and last not in NON_JOINING
                    and (suffix in ("ها", "هایی") or (suffix == "های" and last == "ی"))
                ):
                    # میکروارگانیسم‌ها، پلشتی‌های: an unknown word before ها, when nothing else fits
                    # (not before های after a consonant: فرامنطقه‌ای is as likely as X‌های)
                    fallback = ((len(stem), ZWNJ),)
                continue
            if kind == "perfect" and suffix != "ای":
                weight = max(weight, 10 * MIN_STEM_COUNT)
            stem_bounds = lex.lex.get(stem)
            if stem_bounds is None:
                stem_bounds = self.rules(stem, spaced=False, depth=depth + 1) or ()
            # After a non-joining letter the ZWNJ is invisible and usually left out
            # (کارها): the analysis still competes, but inserts nothing.
            silent = not spaced and last in NON_JOINING
            if kind == "carry":
                if stem_bounds and stem in lex.lex:  # only a spelling the lexicon attests
                    candidates.append((weight, len(stem), kind, stem_bounds))
                continue
            candidates.append((weight, len(stem), kind, stem_bounds + (() if silent else ((len(stem), ZWNJ),))))
        if not candidates:
            return self.bi_prefix(key, depth) or fallback
        kinds = {c[2] for c in candidates}
        if "plural" in kinds and "perfect" in kinds:
            # پرداخت‌های (payments) rather than پرداخته‌ای (you have paid); آمده‌ایم
            # (we have come) rather than آمد‌هایم: news has few 2nd persons and
            # few "my …s" of a verb stem.
            drop = "perfect" if key.endswith("های") else "plural"
            candidates = [c for c in candidates if c[2] != drop]
        candidates.sort(key=lambda c: -c[0])
        best = candidates[0]
        for other in candidates[1:]:
            # خانهای: خان‌های or خانه‌ای? Only a much better known stem decides.
            if other[1] != best[1] and other[3] != best[3] and best[0] < AMBIGUITY_RATIO * other[0]:
                return None
        return best[3] or None

    def hay(self, key: str, next_key: str) -> Bounds | None:
        """Choose between X‌های (plural) and Xه‌ای (ه + ای) from the next word; None: no choice.

        Odds of ه‌ای = how the corpus spells this word (or, unseen, how common
        both stems are) times how much likelier the next word is after ه‌ای
        than after ‌های (``که``، ``را``، ``است`` follow ه‌ای; an adjective or a
        noun in ezafe follows ‌های).
        """
        lex = self.lex
        if len(key) < 5 or not key.endswith("های") or key[-4] in "او" or lex.lex.get(key) == ():
            return None
        p_stem, h_stem = key[:-3], key[:-2]
        seen = lex.hay_keys.get(key)
        if seen is not None:
            odds = (seen[1] + 0.5) / (seen[0] + 0.5)
        else:
            n_p, n_h = self.count(p_stem), self.count(h_stem)
            if n_p < PLURAL_MIN_STEM or n_h < MIN_STEM_COUNT:
                return None
            odds = n_h / n_p
        (t_p, t_h), (r_p, r_h) = lex.hay_total, lex.hay_rare
        if not (t_p and t_h and r_p and r_h):
            return None
        c_p, c_h = lex.hay_next.get(next_key) or (r_p, r_h)
        ratio = ((c_h + 0.5) / t_h) / ((c_p + 0.5) / t_p)
        odds *= min(max(ratio, 1 / HAY_LR_CAP), HAY_LR_CAP)
        if odds >= HAY_MARGIN:
            stem = h_stem
        elif odds <= 1 / HAY_MARGIN:
            stem = p_stem
        else:
            return None
        stem_bounds = lex.lex.get(stem)
        if stem_bounds is None:
            stem_bounds = self.rules(stem, spaced=False, depth=1) or ()
        silent = stem[-1] in NON_JOINING
        return stem_bounds + (() if silent else ((len(stem), ZWNJ),))

    @staticmethod
    def spelled(key: str) -> Bounds | None:
        """Latin letters spelled out, numbers joined by و: a ZWNJ after each part that joins."""
        if _LETTERS_RE.fullmatch(key):
            ends = _letter_cuts(key)
        elif "و" in key and _NUMBER_RE.fullmatch(key):
            ends = [m.end() for m in _NUMBER_PART_RE.finditer(key)]
        else:
            return None
        return tuple((i, ZWNJ) for i in ends if key[i - 1] not in NON_JOINING) or None

    def bi_prefix(self, key: str, depth: int) -> Bounds | None:
        """بی + a common word never seen glued to it: بی‌آبی، بی‌اطلاعی."""
        if not key.startswith("بی") or len(key) < 5:
            return None
        tail = key[2:]
        if self.lex.known.get(tail, 0) < BI_MIN_TAIL:
            return None
        tail_bounds = self.lex.lex.get(tail)
        if tail_bounds is None:
            tail_bounds = self.rules(tail, spaced=False, depth=depth + 1) or ()
        return ((2, ZWNJ),) + tuple((i + 2, s) for i, s in tail_bounds)

    def split(self, key: str) -> Bounds | None:
        """Two or three common words glued together, every pair attested."""
        n = len(key)
        if n < 4 or n > 24:
            return None
        known, pairs = self.lex.known, self.lex.pairs
        if key in known:  # a word of its own (seen in the corpus or in hazm's list)
            return None
        found: list[tuple[int, Bounds]] = []
        for i in range(2, n - 1):
            a = key[:i]
            if known.get(a, 0) < SPLIT_MIN_COUNT:
                continue
            b = key[i:]
            if known.get(b, 0) >= SPLIT_MIN_COUNT:
                c = pairs.get(a + " " + b, 0)
                if c >= SPLIT_MIN_PAIR:
                    found.append((c, ((i, " "),)))
            for j in range(i + 2, n - 1):
                b, c3 = key[i:j], key[j:]
                if known.get(b, 0) < SPLIT_MIN_COUNT or known.get(c3, 0) < SPLIT_MIN_COUNT:
                    continue
                c = min(pairs.get(a + " " + b, 0), pairs.get(b + " " + c3, 0))
                if c >= SPLIT_MIN_PAIR:
                    found.append((c, ((i, " "), (j, " "))))
        if not found:
            return None
        found.sort(key=lambda f: -f[0])
        if len(found) > 1 and found[0][0] < AMBIGUITY_RATIO * found[1][0]:
            return None
        return found[0][1]

    def join_pair(self, ka: str, kb: str) -> bool:
        """Should the space between keys ``ka kb`` be a ZWNJ? (the space lost its ZWNJ)"""
        if ka in PREFIXES:
            return kb in self.lex.verbs and len(kb) >= 2
        if kb not in SUFFIX_WORDS or len(ka) < 2:
            return False
        joined = ka + kb
        bounds = self.lex.lex.get(joined)
        if bounds is None:
            bounds = self.rules(joined, spaced=True)
        return bool(bounds) and (len(ka), ZWNJ) in bounds
