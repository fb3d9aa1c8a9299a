"""Who a Persian news item says it comes from.

Persian agencies open an item with a credit line:

* ``به گزارش خبرگزاری مهر به نقل از اسپوتنیک، …`` -> reported by «خبرگزاری مهر», citing «اسپوتنیک»
* ``به گزارش "ورزش سه"، …`` -> «ورزش سه» (quotes stripped)
* ``به گزارش خبرنگار خبرگزاری فارس از سنندج، …`` -> «خبرگزاری فارس», place «سنندج»
* ``به نقل از اسپوتنیک، …`` -> «اسپوتنیک» (kind "quote")

and aggregators often end one with a ``منبع: …`` line (kind "source").
:func:`parse_attribution` finds that credit in the opening (or the closing
``منبع:`` line). Names are returned as they are written in the text (only
quotes, brackets and spaces around them are removed), so Arabic ``ي``/``ك``
stay unless the caller normalized the text first.

:func:`article_credit` is what an article stores: the outlet that reports it,
the outlet it cites (``به نقل از …``, or an aggregator's ``منبع: …``) and the
dateline's place, read from the lead and the body's first and last lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from .letters import ARABIC_TO_PERSIAN, ZWNJ

__all__ = ["Attribution", "Credit", "article_credit", "parse_attribution"]

Kind = Literal["report", "quote", "source"]


@dataclass(frozen=True)
class Attribution:
    reported_by: str
    citing: list[str] = field(default_factory=list)
    phrase: str = ""  # the matched credit, as written (up to and including its comma)
    kind: Kind = "report"
    place: str = ""  # dateline: «سنندج» in «به گزارش خبرگزاری فارس از سنندج»


# Matching is done on a copy with letters unified; indexes are the same, so the
# original text is sliced for the returned names.
_FOLD = str.maketrans({**ARABIC_TO_PERSIAN, ZWNJ: " ", "\u00a0": " "})
_SP = r"[ \t]*"
_OPEN_RE = re.compile(
    r"^[\s\-–—*•«\"'“”]*(?P<verb>به" + _SP + r"گزارش|به" + r"\s+" + r"نقل" + r"\s+" + r"از)(?=[\s\"'“”«])"
)
# The credit ends at the first Persian/Latin comma (or a colon) of the first sentence.
_END_RE = re.compile(r"[،,:؛]")
_SENTENCE_END_RE = re.compile(r"[.!?؟\n]")
# ``(?<!\s)``: a long run of spaces is scanned from its start only (linear; issue 10).
_CITING_RE = re.compile(r"(?<!\s)\s+(?:و\s+)?به\s+نقل\s+از\s+")
_PLACE_RE = re.compile(r"(?<!\s)\s+(?:از|در)\s+")
_ROLE_RE = re.compile(r"^(?:خبرنگار|گروه|سرویس|حوزه|دبیرخانه|میز|تحریریه)\s")
_AGENCY_RE = re.compile(r"خبرگزاری\s")
# Short names of outlets that follow a role («خبرنگار ورزشی فارس»), longest first.
_OUTLETS = sorted(
    (
        "فارس",
        "ایسنا",
        "ایرنا",
        "مهر",
        "تسنیم",
        "ایلنا",
        "ایکنا",
        "شبستان",
        "رسا",
        "دانا",
        "برنا",
        "باشگاه خبرنگاران جوان",
        "باشگاه خبرنگاران",
        "ورزش سه",
        "خبرآنلاین",
        "خبر آنلاین",
        "انتخاب",
        "همشهری",
        "همشهری آنلاین",
        "جام جم",
        "ایران",
        "کیهان",
        "اطلاعات",
        "شرق",
        "اعتماد",
        "صدا و سیما",
        "پانا",
        "میزان",
        "خانه ملت",
        "نسیم",
        "دفاع پرس",
        "صبا",
        "آنا",
        "ایبنا",
        "سینا",
        "حوزه",
    ),
    key=len,
    reverse=True,
)
_QUOTES = "\"'“”«»„‟‹›`()[]{}<>"
_SOURCE_RE = re.compile(r"^[\s*•\-–—]*(?:منبع|منابع|سرچشمه|source)\s*[:：]\s*(?P<name>.*\S)\s*$", re.I)
_MAX_CREDIT = 160  # characters: a longer "credit" is a sentence, not a credit


def _clean(name: str) -> str:
    name = name.strip().strip(_QUOTES).strip()
    name = re.sub(r"[\s\u200c]*\s[\s\u200c]*", " ", name)  # «ورزش ‌سه» -> «ورزش سه»
    return name.strip(_QUOTES + " ")


def _outlet(name: str) -> str:
    """«خبرنگار فرهنگی فارس» -> «فارس»; «گروه سیاسی خبرگزاری مهر» -> «خبرگزاری مهر»."""
    folded = name.translate(_FOLD)
    if not _ROLE_RE.match(folded):
        return name
    m = _AGENCY_RE.search(folded)
    if m:
        return name[m.start() :]
    for outlet in _OUTLETS:
        if folded.endswith(" " + outlet):
            return name[len(name) - len(outlet) :]
    return name


_OPEN_QUOTE_RE = re.compile(r"\s*(?P<q>\"|''|'|“|”|«|„)")
_CLOSE_QUOTE = {'"': '"', "''": "''", "'": "'", "“": "”", "”": "”", "«": "»", "„": "“"}
_AFTER_QUOTE_RE = re.compile(r"\s*(?:(?:و\s+)?به\s+نقل\s+از\s+|[،,:؛]|$)")


def _quoted_opening(text: str, folded: str, start: int, kind: Kind) -> Attribution | None:
    """«به گزارش "ورزش سه" محمد قاضی…»: a quoted name needs no comma after it."""
    q = _OPEN_QUOTE_RE.match(folded, start)
    if not q:
        return None
    close = _CLOSE_QUOTE[q.group("q")]
    end = folded.find(close, q.end())
    if end < 0 or end - q.end() > 60 or "\n" in folded[q.end() : end]:
        return None
    name = _clean(text[q.end() : end])
    after = end + len(close)
    tail = _AFTER_QUOTE_RE.match(folded, after)
    if not name:
        return None
    if tail and "نقل" in tail.group(0):
        rest = _parse_rest(text, folded, tail.end(), kind, head=name)
        if rest:
            return rest
    if tail and tail.group(0).strip() in ("،", ",", ":", "؛"):
        after = tail.end()
    return Attribution(reported_by=name, citing=[], phrase=text[:after].lstrip(), kind=kind)


def _parse_rest(text: str, folded: str, start: int, kind: Kind, head: str) -> Attribution | None:
    """Citations after a quoted name: «"ورزش سه" و به نقل از فارس،»."""
    end_m = _END_RE.search(folded, start)
    sent_m = _SENTENCE_END_RE.search(folded, start)
    if not end_m or end_m.start() - start > _MAX_CREDIT or (sent_m and sent_m.start() < end_m.start()):
        return None
    citing = [c for c in (_clean(p) for p in _CITING_RE.split(" " + text[start : end_m.start()])) if c]
    return Attribution(reported_by=head, citing=citing, phrase=text[: end_m.end()].lstrip(), kind=kind)


def _parse_opening(text: str) -> Attribution | None:
    folded = text.translate(_FOLD)
    m = _OPEN_RE.match(folded)
    if not m:
        return None
    start = m.end()
    quoted = _quoted_opening(text, folded, start, "report" if "گزارش" in m.group("verb") else "quote")
    if quoted:
        return quoted
    end_m = _END_RE.search(folded, start)
    sent_m = _SENTENCE_END_RE.search(folded, start)
    if not end_m or end_m.start() - start > _MAX_CREDIT:
        return None
    if sent_m and sent_m.start() < end_m.start():
        # a '.' before the comma is fine inside quotes/abbreviations only if short
        return None
    body = text[start : end_m.start()]
    body_folded = folded[start : end_m.start()]
    kind: Kind = "report" if "گزارش" in m.group("verb") else "quote"
    parts: list[str] = []
    pos = 0
    for cm in _CITING_RE.finditer(body_folded):
        parts.append(body[pos : cm.start()])
        pos = cm.end()
    parts.append(body[pos:])
    head = parts[0]
    place = ""
    pm = _PLACE_RE.search(head.translate(_FOLD)) if kind == "report" else None
    if pm and pm.start() > 0:
        head, place = head[: pm.start()], head[pm.end() :]
    reported_by = _clean(_outlet(_clean(head)))
    citing = [c for c in (_clean(p) for p in parts[1:]) if c]
    if not reported_by:
        return None
    phrase = text[: end_m.end()].lstrip()
    return Attribution(reported_by=reported_by, citing=citing, phrase=phrase, kind=kind, place=_clean(place))


def parse_attribution(text: str) -> Attribution | None:
    """The credit of a news text, from its opening lines or a closing «منبع:» line; None if there is none."""
    if not text:
        return None
    lines = [line for line in text.split("\n") if line.strip()]
    # The credit opens the body; a title, date or category line may come first.
    for line in lines[:6]:
        found = _parse_opening(line)
        if found:
            return found
    for line in reversed(lines[-3:]):
        m = _SOURCE_RE.match(line)
        if m:
            name = _clean(m.group("name"))
            if name and len(name) <= _MAX_CREDIT:
                return Attribution(reported_by=name, citing=[], phrase=line.strip(), kind="source")
    return None


@dataclass(frozen=True)
class Credit:
    """The credit chain an article states: who reports it, whom it cites, from where."""

    reported_by: str = ""
    citing: str = ""  # the first outlet cited (``به نقل از``), or the source an aggregator names
    place: str = ""

    def __bool__(self) -> bool:
        return bool(self.reported_by or self.citing or self.place)


CREDIT_HEAD = 3000  # characters of the body whose lines may open with the credit
CREDIT_TAIL = 500  # ... and that may end with an aggregator's «منبع:» line
MAX_NAME, MAX_NAME_WORDS = 200, 8
MAX_PLACE, MAX_PLACE_WORDS = 100, 3
# Words of a clause, never of an outlet's name or a place: «… فارس برات قنبری که صبح امروز …».
_CLAUSE_WORDS = frozenset({"که", "است", "شد", "شده", "گفت", "کرد"})


def _credit_part(text: str, max_words: int, max_chars: int) -> str:
    """A name or place as stored: "" when it reads like a clause the parser took for one."""
    words = text.translate(_FOLD).split()
    if len(words) > max_words or _CLAUSE_WORDS.intersection(words):
        return ""
    return text[:max_chars]


def article_credit(lead: str, body: str) -> Credit:
    """The credit of an article, from its lead and its body (only the body's start and end are read)."""
    body = body or ""
    if len(body) > CREDIT_HEAD + CREDIT_TAIL:
        body = body[:CREDIT_HEAD] + "\n" + body[-CREDIT_TAIL:]
    found = parse_attribution(f"{lead or ''}\n{body}")
    if found is None:
        return Credit()
    name = _credit_part(found.reported_by, MAX_NAME_WORDS, MAX_NAME)
    if found.kind != "report":
        return Credit(citing=name)  # «به نقل از X،» or «منبع: X»: the outlet cites X
    citing = _credit_part(found.citing[0], MAX_NAME_WORDS, MAX_NAME) if found.citing else ""
    if _ROLE_RE.match(name.translate(_FOLD) + " "):
        name = ""  # «به گزارش خبرنگار ما،» / «به گزارش گروه سیاسی،»: the outlet's own staff, no outlet named
    return Credit(name, citing, _credit_part(found.place, MAX_PLACE_WORDS, MAX_PLACE))
