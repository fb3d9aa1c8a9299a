"""Persian text for display: unify letters, drop junk, fix spacing, keep every ZWNJ.

Layers, each safe to apply to any text (Latin words, URLs, numbers and times are
left alone; nothing is reworded or dropped; a ZWNJ (U+200C) is never removed
from inside a word):

- ``normalize_display``: Arabic letter forms to Persian (ي→ی، ك→ک), kashida and
  invisible junk removed, spacing around punctuation, quotes and brackets fixed.
- ``prepare_text``: the above plus ZWNJ repair (``khabar.pipeline.zwnj``): lost
  ZWNJs restored and spaced affixes attached (``می شود`` → ``می‌شود``). This is
  what the crawler stores.
- ``display_digits``: Persian digits inside Persian text, at display time only
  (stored text keeps the author's digits; URLs and Latin tokens keep theirs).
"""

from __future__ import annotations

import re
import unicodedata

from khabar.pipeline.letters import ARABIC_INDIC_DIGITS, ARABIC_TO_PERSIAN, PERSIAN_DIGITS, ZWNJ

_LETTERS = str.maketrans(ARABIC_TO_PERSIAN)
_TO_PERSIAN_DIGITS = str.maketrans("0123456789" + ARABIC_INDIC_DIGITS, PERSIAN_DIGITS * 2)

_KASHIDA = "\u0640"
# Invisible characters that are junk in Persian text (ZWNJ is NOT among them).
INVISIBLE_JUNK_RE = re.compile("[\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad" + _KASHIDA + "]")
_ZWNJ_RUN_RE = re.compile(ZWNJ + "{2,}")
# A ZWNJ next to a space or at a word edge joins nothing: it is junk only there.
_ZWNJ_EDGE_RE = re.compile(r"(?:(?<=\s)|^)" + ZWNJ + "|" + ZWNJ + r"(?=\s|$)", re.M)
_SPACES_RE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")

_FA = "\u0621-\u063a\u0641-\u064a\u0671-\u06d3\u06d5"  # Persian/Arabic letters (no digits, no punctuation)
# Spacing rules, in order. Each only fires between Persian characters or before
# Persian punctuation, so "3.14", "10:30", "e.g." and URLs never change.
_SPACING_RULES = [
    (re.compile(r"[ ]+([،؛؟])"), r"\1"),  # no space before Persian comma, semicolon, question mark
    (re.compile(rf"(?<=[{_FA}])[ ]+([.!:])(?=\s|$|«)"), r"\1"),  # "گفت :" -> "گفت:" at a word end
    (re.compile(rf"([،؛؟])(?=[{_FA}A-Za-z«(])"), r"\1 "),  # one space after them
    (re.compile(rf"(?<=[{_FA}])([.!:])(?=[{_FA}«])"), r"\1 "),  # "گفت:او" -> "گفت: او"
    (re.compile(r"([«(\[])[ ]+"), r"\1"),  # no space inside quotes and brackets
    (re.compile(r"[ ]+([»)\]])"), r"\1"),
    (re.compile(rf"([»)])(?=[{_FA}])"), r"\1 "),  # "«این»مهم" -> "«این» مهم"
]
_URL_RE = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+", re.I)
# A digit run belongs to Persian text unless it touches Latin letters, follows a Latin word
# ("iPhone 15") or sits in a URL or code-like token ("v2.3", "a_1", "#12", "x=5"). Possessive
# quantifiers: a run is taken whole or not at all ("123abc" is not "۱۲3abc"), and never backtracks.
_DIGIT_RUN_RE = re.compile(
    r"(?<![A-Za-z0-9٠-٩_/\\.#%=&?-])(?<![A-Za-z] )"
    r"[0-9٠-٩]++(?:[.,٫٬/:-][0-9٠-٩]++)*+(?![A-Za-z0-9٠-٩_])"
)
_CONVERTIBLE_DIGIT_RE = re.compile("[0-9٠-٩]")


def normalize_display(text: str) -> str:
    """Normalize text readers will see: letters unified, junk removed, ZWNJs kept."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    text = text.translate(_LETTERS)
    text = INVISIBLE_JUNK_RE.sub("", text)
    text = _ZWNJ_RUN_RE.sub(ZWNJ, text)
    text = _ZWNJ_EDGE_RE.sub("", text)
    text = _SPACES_RE.sub(" ", text)
    text = _fix_spacing(text)
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def _fix_spacing(text: str) -> str:
    """Apply the spacing rules outside URLs and e-mail addresses."""
    pieces, last = [], 0
    for match in _URL_RE.finditer(text):
        pieces.append(_apply_spacing(text[last : match.start()]))
        pieces.append(match.group(0))
        last = match.end()
    pieces.append(_apply_spacing(text[last:]))
    return "".join(pieces)


def _apply_spacing(text: str) -> str:
    for pattern, replacement in _SPACING_RULES:
        text = pattern.sub(replacement, text)
    return text


def prepare_text(text: str) -> str:
    """What the crawler stores: ``normalize_display`` plus ZWNJ repair."""
    from khabar.pipeline.zwnj import repair_zwnj

    return repair_zwnj(normalize_display(text))


def display_digits(text: str) -> str:
    """Persian digits in Persian text; URLs and numbers glued to Latin words keep theirs.

    ``3.14`` becomes ``۳.۱۴`` and ``10:30`` ``۱۰:۳۰`` (separators are the author's);
    ``https://x.ir/news/123``, ``COVID-19``, ``iPhone 15`` and ``v2.3.1`` stay as they are.
    """
    if not text:
        return ""
    if not _CONVERTIBLE_DIGIT_RE.search(text):  # most titles: nothing to do
        return text
    pieces, last = [], 0
    for match in _URL_RE.finditer(text):
        pieces.append(_DIGIT_RUN_RE.sub(lambda m: m.group(0).translate(_TO_PERSIAN_DIGITS), text[last : match.start()]))
        pieces.append(match.group(0))
        last = match.end()
    pieces.append(_DIGIT_RUN_RE.sub(lambda m: m.group(0).translate(_TO_PERSIAN_DIGITS), text[last:]))
    return "".join(pieces)


def to_persian_digits(value: object) -> str:
    return str(value).translate(_TO_PERSIAN_DIGITS)


_TAG_SPLIT_RE = re.compile(r"(<[^>]*>)")


def prepare_html(fragment: str) -> str:
    """``prepare_text`` on every text piece of an HTML fragment; markup and edge spaces untouched."""
    if not fragment:
        return ""
    pieces = _TAG_SPLIT_RE.split(fragment)
    for index in range(0, len(pieces), 2):  # even indexes are text between tags
        piece = pieces[index]
        core = piece.strip()
        if core:
            start = piece.index(core[0])
            pieces[index] = piece[:start] + prepare_text(core) + piece[start + len(core) :]
    return "".join(pieces)


# Elements whose text is code or a reader's own input: their digits are left as written.
_VERBATIM_TAGS = ("pre", "code", "kbd", "samp", "script", "style", "textarea")
_VERBATIM_OPEN_RE = re.compile(r"<(" + "|".join(_VERBATIM_TAGS) + r")\b", re.I)


def display_digits_html(fragment: str) -> str:
    """``display_digits`` on the text of an HTML fragment: tags, attributes (links), entities and
    the inside of ``pre``/``code``/``script``-like elements keep their digits."""
    if not fragment or not _CONVERTIBLE_DIGIT_RE.search(fragment):
        return fragment or ""
    pieces = _TAG_SPLIT_RE.split(fragment)
    verbatim: list[str] = []  # the open code-like elements, innermost last
    for index, piece in enumerate(pieces):
        if index % 2:  # a tag
            opening = _VERBATIM_OPEN_RE.match(piece)
            if opening and not piece.endswith("/>"):
                verbatim.append(opening.group(1).lower())
            elif verbatim and piece.lower().startswith(f"</{verbatim[-1]}"):
                verbatim.pop()
        elif piece and not verbatim:
            pieces[index] = display_digits(piece)
    return "".join(pieces)
