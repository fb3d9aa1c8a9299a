"""One folding of Persian text for search, near-duplicate detection and clustering.

``search_key(text)`` and ``search_tokens(text)`` make spellings that readers
take for the same word compare equal:

* letters unified: ي ى ئ -> ی, ك -> ک, ة ۀ ە -> ه, أ إ آ ٱ -> ا, ؤ -> و, ء dropped,
  Arabic presentation forms (NFKD);
* diacritics (harakat, tanwin, shadda, sukun, superscript alef), kashida and
  other combining marks removed (also Latin accents: ``café`` = ``cafe``);
* every digit system -> Latin digits (``۱۲۳`` = ``١٢٣`` = ``123``); ``۱۲٫۵`` = ``12.5``;
  thousands separators dropped (``1,000`` = ``۱٬۰۰۰`` = ``1000``);
* ZWNJ / space / nothing equal: ``رسانه‌ها`` = ``رسانه ها`` = ``رسانهها``. Suffixes
  written as separate words (ها، های، ترین، تر، ای، اند…) are joined to the word
  before, ``می``/``نمی`` to the verb after, compounds the ZWNJ lexicon knows
  (``بین الملل``) are joined, then every ZWNJ is removed;
* punctuation removed, Latin lower-cased (casefold);
* light stemming: the plural ``ها/های/هایی/هایش…`` after a stem of three
  letters or more, ``ات`` after a ``ه`` stem (مسابقات -> مسابقه), ``ان``
  only after agent endings where it is safe (بازیگران -> بازیگر، هواداران ->
  هوادار، مربیان -> مربی، نمایندگان -> نماینده). ``سپاهان``, ``ایران``, ``دوران``
  and ``تنها`` are left alone.

The key changes if the rules or the ZWNJ lexicon change: stored keys must be
rebuilt then (``KEY_VERSION``).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import lru_cache

from .letters import ARABIC_TO_PERSIAN, HEH_FORMS, LATIN_DIGITS, ZWNJ

__all__ = ["KEY_VERSION", "search_key", "search_tokens"]

KEY_VERSION = 2

# Every non-spacing / enclosing mark of the BMP is dropped after NFKD, plus kashida
# and the ZWJ / bidi controls; ZWNJ is kept until words are joined.
_DROP = {cp: None for cp in range(0x10000) if unicodedata.category(chr(cp)) in ("Mn", "Me")}
_DROP.update(dict.fromkeys((1600, 8203, 8205, 8206, 8207, 65279, 173, 1569)))
_DROP.update(dict.fromkeys(range(8234, 8239)))
_DROP.update(dict.fromkeys(range(8294, 8298)))
_FOLD = str.maketrans(
    {
        **_DROP,
        **ARABIC_TO_PERSIAN,
        **HEH_FORMS,
        **LATIN_DIGITS,
        # Search folds further than display: more ی, ک, ه and ا forms, ؤ, and number separators.
        "\u0626": "ی",
        "\u06d0": "ی",
        "\u06cd": "ی",
        "\u06d2": "ی",
        "\u06aa": "ک",
        "\u06d5": "ه",
        "\u06be": "ه",
        "\u06c1": "ه",
        "\u06c2": "ه",
        "\u06c3": "ه",
        "\u0623": "ا",
        "\u0625": "ا",
        "\u0622": "ا",
        "\u0671": "ا",
        "\u0672": "ا",
        "\u0673": "ا",
        "\u0624": "و",
        "\u066b": ".",  # Arabic decimal separator
        "\u066c": ",",  # Arabic thousands separator
    }
)
_NUMBER = r"\d+(?:[.,]\d+)+"
_TOKEN_RE = re.compile(f"({_NUMBER})|((?:[^\\W_]|{ZWNJ})+)")
_THOUSANDS_RE = re.compile(r"^\d{1,3}(?:,\d{3})+$")
_ARABIC_LETTER = "\u0620-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff"
# A digit glued to a Persian word (۹متر) is two tokens; Latin mp3 stays one.
_DIGIT_SPLIT_RE = re.compile(f"(?<=\\d)(?=[{_ARABIC_LETTER}])|(?<=[{_ARABIC_LETTER}])(?=\\d)")
_PERSIAN_RE = re.compile(f"[{_ARABIC_LETTER}]")

# Written apart from their word by some writers: joined to the previous word.
_SUFFIXES = frozenset(
    (
        "ها",
        "های",
        "هایی",
        "هایم",
        "هایت",
        "هایش",
        "هایمان",
        "هایتان",
        "هایشان",
        "هاست",
        "تر",
        "تری",
        "ترین",
        "ترینها",
        "ترینهای",
        "ای",
        "ام",
        "اند",
        "اید",
        "ایم",
    )
)
_PREFIXES = frozenset(("می", "نمی"))
_PLURALS = ("هایشان", "هایتان", "هایمان", "هایش", "هایت", "هایم", "هایی", "های", "هاست", "ها")
# Words that end like a plural but are not one.
_NOT_PLURAL = frozenset(
    (
        "انتها",
        "اژدها",
        "تنها",
        "تنهایی",
        "نهایی",
        "رهایی",
        "گواها",
        "بها",
        "رها",
        "نمایان",
        "شایان",
        "امارات",
        "ملاقات",
        "سادات",
        "صلوات",
    )
)
# ات plurals are too irregular for a rule (خدمات is not خدم+ات): frequent news words only.
_AT_PLURALS = {
    plural: singular
    for singular, plural in (
        pair.split(":")
        for pair in """
    مسابقه:مسابقات مذاکره:مذاکرات جلسه:جلسات اداره:ادارات نشریه:نشریات مطالعه:مطالعات لحظه:لحظات
    معامله:معاملات حمله:حملات ضربه:ضربات قطعه:قطعات خاطره:خاطرات تجربه:تجربیات مشکل:مشکلات
    انتخاب:انتخابات تمرین:تمرینات اقدام:اقدامات امکان:امکانات تسهیل:تسهیلات مقام:مقامات
    انتقال:انتقالات اتفاق:اتفاقات محصول:محصولات اعتبار:اعتبارات موضوع:موضوعات تحقیق:تحقیقات
    تولید:تولیدات اشتباه:اشتباهات تغییر:تغییرات تحول:تحولات تعهد:تعهدات تصمیم:تصمیمات
    امتیاز:امتیازات تصادف:تصادفات انتظار:انتظارات افتخار:افتخارات دستور:دستورات اختلاف:اختلافات
    انتقاد:انتقادات توافق:توافقات نظر:نظرات پیشنهاد:پیشنهادات گزارش:گزارشات سوال:سوالات
    آزمایش:آزمایشات تخلف:تخلفات تبلیغ:تبلیغات اصلاح:اصلاحات مصوبه:مصوبات دیدار:دیدارات
    """.split()
    )
}
_AGENT_AN = ("گر", "دار", "کار", "مند", "گزار", "ساز", "بان", "نگار", "کن", "ور")


def _lexicon_compounds():
    """Compounds of the ZWNJ lexicon (key -> index of its first ZWNJ boundary)."""
    cached = _STATE.get("compounds")
    if cached is None:
        try:
            from . import zwnj

            cached = {}
            for key, bounds in zwnj._lexicon().lex.items():
                cuts = {i for i, sep in bounds if sep == ZWNJ}
                if not cuts:
                    continue
                form = "".join((ZWNJ if i in cuts else "") + ch for i, ch in enumerate(key))
                form = unicodedata.normalize("NFKD", form).translate(_FOLD)
                parts = form.split(ZWNJ)
                folded = "".join(parts)
                ends, n = set(), 0
                for part in parts[:-1]:
                    n += len(part)
                    ends.add(n)
                cached[folded] = ends
        except (OSError, ValueError):  # no lexicon file: still fold, just without compounds
            print("search_keys: ZWNJ lexicon unavailable, compounds not joined", file=sys.stderr)
            cached = {}
        _STATE["compounds"] = cached
    return cached


_STATE: dict[str, object] = {}


@lru_cache(maxsize=200_000)  # news vocabulary repeats: folding a text is mostly lookups
def _stem(word: str) -> str:
    if word in _NOT_PLURAL or not _PERSIAN_RE.match(word):
        return word
    for suffix in _PLURALS:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    if word.endswith("ات"):
        return _AT_PLURALS.get(word, word)
    if word.endswith("ان") and len(word) >= 5:
        stem = word[:-2]
        if stem.endswith(("ندگ", "دگ")):  # نمایندگان -> نماینده
            return stem[:-1] + "ه"
        if stem.endswith("ی") and len(stem) >= 4:  # مربیان -> مربی
            return stem
        if len(stem) >= 4 and stem.endswith(_AGENT_AN):  # بازیگران، هواداران، هنرمندان
            return stem
    return word


def _tokens(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", text).translate(_FOLD)
    raw: list[str] = []
    for number, word in _TOKEN_RE.findall(text):
        if number:
            raw.append(number.replace(",", "") if _THOUSANDS_RE.match(number) else number.replace(",", "."))
            continue
        word = word.strip(ZWNJ)
        if not word:
            continue
        if word.endswith("ه" + ZWNJ + "ی"):  # ezafe written ه‌ی: خانه‌ی = خانه
            word = word[:-2]
        for part in _DIGIT_SPLIT_RE.split(word):
            if part:
                raw.append(part.casefold())
    return raw


def search_tokens(text: str) -> list[str]:
    """Folded, joined and lightly stemmed tokens of ``text`` (see the module doc)."""
    if not text:
        return []
    # Compounds the lexicon knows, written with a space: بین الملل = بین‌الملل
    compounds = _lexicon_compounds()
    raw: list[str] = []
    for tok in _tokens(text):
        bare = tok.replace(ZWNJ, "")
        if raw and compounds and _PERSIAN_RE.match(bare):
            prev = raw[-1]
            bounds = compounds.get(prev + bare)
            if bounds and len(prev) in bounds:
                raw[-1] = prev + bare
                continue
        raw.append(bare)
    # Suffixes and verb prefixes written as separate words: رسانه ها = رسانه‌ها, می شود = می‌شود
    out: list[str] = []
    glue_next = False
    for tok in raw:
        persian = bool(_PERSIAN_RE.match(tok))
        if glue_next and persian:
            out[-1] += tok
            glue_next = False
            continue
        glue_next = False
        if out and persian and tok in _SUFFIXES and _PERSIAN_RE.match(out[-1]):
            out[-1] += tok
            continue
        if persian and tok == "ی" and out and out[-1].endswith("ه"):  # ezafe ه ی
            continue
        out.append(tok)
        if persian and tok in _PREFIXES:
            glue_next = True
    return [_stem(t) for t in out]


def search_key(text: str) -> str:
    """The folded form of ``text``: equal keys mean the same words (see the module doc)."""
    return " ".join(search_tokens(text))
