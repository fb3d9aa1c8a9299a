"""Has an outlet edited or removed an article since we stored it? Plain comparison, no Django.

``compare(stored, seen)`` says whether a re-extracted headline or text is a real edit. Both
sides are reduced to comparison keys first, so that what readers would not call an edit never
counts: whitespace and line breaks, Arabic/Persian letter forms, ZWNJ versus space versus
nothing, Latin/Persian/Arabic-Indic digits, punctuation, and lines that are page furniture
rather than the article (relative times such as «۵ دقیقه پیش», «اخبار مرتبط», «بیشتر بخوانید»,
ads). ``recheck_verdict`` classifies the answer of a re-check: still there, gone (404/410, a
redirect to the homepage or a section, a 200 "not found" page that no longer holds the article)
or a failure that proves nothing (timeouts, resets, 5xx, 429, walls: never a removal).

``word_diff(old, new)`` is the readable word-level diff the site shows (difflib on words).
Every step is linear in its input, apart from difflib's matching, which is bounded by
``MAX_DIFF_WORDS``.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from khabar.pipeline.letters import HEH_FORMS, LATIN_DIGITS, ZWNJ
from khabar.pipeline.persian import normalize_display

MAX_DIFF_WORDS = 4000  # a longer text is diffed on its first words only (difflib is quadratic at worst)

# Page furniture that changes between two fetches of an unchanged article.
_RELATIVE_TIME_RE = re.compile(
    r"^\W*(?:[\d۰-۹٠-٩]+|یک|چند|دو|سه)\s*(?:ثانیه|دقیقه|ساعت|روز|هفته|ماه|سال)\s*(?:و\s*[\d۰-۹٠-٩]+\s*\S+\s*)?(?:پیش|قبل)\W*$"
    r"|^\W*(?:لحظاتی|دقایقی|ساعاتی|همین الان|هم‌اکنون|دیروز|امروز)\s*(?:پیش|قبل)?\W*$"
    r"|^\W*\d+\s*(?:seconds?|minutes?|hours?|days?|weeks?)\s+ago\W*$",
    re.IGNORECASE,
)
_BOILERPLATE_RE = re.compile(
    r"^\W*(?:اخبار مرتبط|خبرهای مرتبط|مطالب مرتبط|مطالب پیشنهادی|بیشتر بخوانید|بخوانید|پیشنهاد ویژه|"
    r"پربازدیدترین|پربازدید|آخرین اخبار|تازه‌ترین|آگهی|تبلیغات|رپرتاژ|related|advertisement|sponsored|read more)\b",
    re.IGNORECASE,
)
_NOT_FOUND_RE = re.compile(
    r"پیدا نشد|یافت نشد|وجود ندارد|حذف شده است|در دسترس نیست|not found|page not found|\b404\b", re.IGNORECASE
)
_KEY_TABLE = str.maketrans(LATIN_DIGITS | HEH_FORMS | {"أ": "ا", "إ": "ا", "آ": "ا", ZWNJ: ""})
_NON_WORD_RE = re.compile(r"[^\w]+")


def is_furniture(line: str) -> bool:
    """A line that belongs to the page around the article, not to the article."""
    line = line.strip()
    return bool(line) and (bool(_RELATIVE_TIME_RE.match(line)) or bool(_BOILERPLATE_RE.match(line)))


def article_lines(text: str) -> list[str]:
    """The text's lines, normalized for display, without page furniture."""
    return [line for line in normalize_display(text).split("\n") if line.strip() and not is_furniture(line)]


def comparison_key(text: str) -> str:
    """What must differ for a text to be edited: its letters and digits, in order, nothing else."""
    return "".join(_NON_WORD_RE.sub("", line.translate(_KEY_TABLE)).lower() for line in article_lines(text))


@dataclass(frozen=True)
class Snapshot:
    """An article as the outlet shows it: headline, lead and text (the lead may be empty)."""

    title: str
    lead: str
    text: str

    def text_key(self) -> str:
        """Lead and text as one key: a lead repeated as the text's first paragraph counts once."""
        lead, text = comparison_key(self.lead), comparison_key(self.text)
        return text if not lead or text.startswith(lead) else lead + text


@dataclass(frozen=True)
class Comparison:
    title_changed: bool
    text_changed: bool

    @property
    def edited(self) -> bool:
        return self.title_changed or self.text_changed

    @property
    def fields(self) -> list[str]:
        return [name for name, changed in (("title", self.title_changed), ("text", self.text_changed)) if changed]


def compare(stored: Snapshot, seen: Snapshot) -> Comparison:
    """Whether the headline and the text (lead included) changed in substance."""
    title_changed = comparison_key(stored.title) != comparison_key(seen.title)
    stored_key, seen_key = stored.text_key(), seen.text_key()
    # The stored lead may come from the feed's summary, which the page need not repeat.
    text_changed = stored_key != seen_key and comparison_key(stored.text) != seen_key
    return Comparison(title_changed, text_changed)


def compare_with_feed_copy(stored: Snapshot, seen: Snapshot) -> Comparison:
    """The first look at the page, against what we stored (often the feed's copy, without the page's
    furniture): the headline must match and every stored line must still be on the page."""
    title_changed = comparison_key(stored.title) != comparison_key(seen.title)
    seen_key = seen.text_key() + comparison_key(seen.title)
    lines = article_lines(stored.lead) + article_lines(stored.text)
    text_changed = any(key not in seen_key for key in (comparison_key(line) for line in lines) if key)
    return Comparison(title_changed, text_changed)


def holds_article(stored: Snapshot, seen: Snapshot, *, min_overlap: float = 0.3) -> bool:
    """Does a page answered with 200 still hold the article? A "not found" template does not."""
    if not seen.text.strip() and not seen.title.strip():
        return False
    stored_words = set(_words_key(stored.title + "\n" + stored.lead + "\n" + stored.text))
    seen_words = set(_words_key(seen.title + "\n" + seen.lead + "\n" + seen.text))
    if not stored_words:
        return True
    overlap = len(stored_words & seen_words) / len(stored_words)
    if _NOT_FOUND_RE.search(seen.title) and overlap < 0.8:
        return False
    return overlap >= min_overlap


def _words_key(text: str) -> list[str]:
    return [w for w in (_NON_WORD_RE.sub("", word.translate(_KEY_TABLE)).lower() for word in text.split()) if w]


# -- the answer of a re-check --------------------------------------------------------------------

PRESENT, GONE, FAILED = "present", "gone", "failed"
GONE_REASONS = {
    "http_404": "HTTP 404",
    "http_410": "HTTP 410",
    "redirect_home": "redirected to the homepage",
    "redirect_section": "redirected to a section page",
    "soft_404": "a page that no longer holds the article",
}


@dataclass(frozen=True)
class Verdict:
    state: str  # PRESENT (compare the page), GONE (reason in GONE_REASONS) or FAILED (proves nothing)
    reason: str = ""


def _path_depth(url: str) -> tuple[str, int, bool]:
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    has_id = any(any(ch.isdigit() for ch in s) for s in segments) or any(ch.isdigit() for ch in parts.query)
    return parts.netloc.lower(), len(segments), has_id


def is_homepage_or_section(url: str, original: str) -> bool:
    """A redirect target that is no article: the homepage, or a short path without an id."""
    host, depth, has_id = _path_depth(url)
    original_host = urlsplit(original).netloc.lower()
    if depth == 0:
        return True
    same_site = host == original_host or host.removeprefix("www.") == original_host.removeprefix("www.")
    return same_site and depth <= 2 and not has_id


def recheck_verdict(
    *, original_url: str, status: int, error_kind: str | None, final_url: str, redirected: bool, not_modified: bool
) -> Verdict:
    """What one re-check's HTTP answer says, before looking at the page."""
    if not_modified:
        return Verdict(PRESENT, "not modified")
    if status in (404, 410):
        return Verdict(GONE, f"http_{status}")
    if error_kind or status >= 300 or status == 0:
        return Verdict(FAILED, error_kind or f"HTTP {status}")  # timeouts, resets, 5xx, 429, 403 walls…
    if redirected and final_url != original_url and is_homepage_or_section(final_url, original_url):
        return Verdict(GONE, "redirect_section" if _path_depth(final_url)[1] else "redirect_home")
    return Verdict(PRESENT)


# -- the readable diff ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiffPiece:
    op: str  # "same", "added", "removed"
    text: str


def word_diff(old: str, new: str) -> list[DiffPiece]:
    """Word-level diff of two display texts (paragraphs kept as "\\n" words), runs merged."""
    old_words = _display_words(old)[:MAX_DIFF_WORDS]
    new_words = _display_words(new)[:MAX_DIFF_WORDS]
    matcher = difflib.SequenceMatcher(None, [_word_key(w) for w in old_words], [_word_key(w) for w in new_words])
    pieces: list[DiffPiece] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(DiffPiece("same", _join(new_words[b1:b2])))
            continue
        if a2 > a1:
            pieces.append(DiffPiece("removed", _join(old_words[a1:a2])))
        if b2 > b1:
            pieces.append(DiffPiece("added", _join(new_words[b1:b2])))
    return [piece for piece in pieces if piece.text.strip()]


def _join(words: list[str]) -> str:
    return " ".join(words).replace(" \n ", "\n").replace("\n ", "\n").replace(" \n", "\n")


def _display_words(text: str) -> list[str]:
    words: list[str] = []
    for line in article_lines(text):
        if words:
            words.append("\n")
        words.extend(line.split())
    return words


def _word_key(word: str) -> str:
    return _NON_WORD_RE.sub("", word.translate(_KEY_TABLE)).lower() or word
