"""What a URL's form says about the page behind it: its *shape*, for grouping an outlet's links.

``/fa/news/128705`` and ``/fa/news/128705/title-slug`` have one shape (an item number
of six digits after two words); ``/details/401150/Society/Travel`` drops the words
after its number; ``/tag/x``, ``/fa/print/123456``, ``?cat=12`` carry a word that names
a non-article page; ``?p=7383`` and ``?newsid=78963`` name their item number;
``/2018/03/19/title`` is dated; ``/archive/1396/12/26/1.pdf`` is a file;
``vdcgzz9w.ak9xz4prra.html`` is an opaque item code (News Studio's older URLs);
``JavaScript:ShowNews('99082')`` is an e-paper's item link. Used by
:mod:`khabar.pipeline.listing_links`; plain strings in, a :class:`UrlShape` out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote_plus, urlsplit

from khabar.pipeline.listing_page import JS_ITEM_RE

__all__ = ["NON_ARTICLE_WORDS", "OPAQUE_ID", "WORD_SPLIT_RE", "UrlShape", "url_shape", "words_of"]

OPAQUE_ID = -1  # id_digits of an opaque item code
# Path words and query keys that name pages which are not articles.
NON_ARTICLE_WORDS = frozenset(
    "tag tags tagged keyword keywords label labels category categories cat cats section sections service services "
    "topic topics author authors writer page pages page_id pageno pagenum paged search find feed feeds rss atom "
    "sitemap archive archives login logout register signup user users profile account contact contacts about "
    "ads ad advertise advertisement adv banner redirect click out go print sendtofriend email share comment "
    "comments feedback poll polls vote publication pdf download uploads files embed player gallery galleries "
    "album albums attachment attachment_id replytocom cdn-cgi taxonomy term terms forum forums password save "
    "bookmark bookmarks favorite favorites "
    # sports sites' entity pages: a team, a player, a league table, a match's live score
    "team teams players league leagues standings table tables fixtures livescore match matches".split()
)
NAMED_ID_KEYS = frozenset(
    "newsid news_id nid articleid article_id aid storyid story_id postid post_id contentid content_id docid doc_id "
    "itemid item_id".split()
)
GENERIC_ID_KEYS = frozenset({"id", "p", "n", "news", "article", "story", "post", "item"})
DATE_KEYS = frozenset({"year", "month", "day", "date", "y", "m", "d", "time", "t", "from", "to"})
IGNORED_KEYS = frozenset({"lang", "language", "hl", "l", "amp"})
TRACKING_KEYS = ("utm_", "fbclid", "gclid", "yclid", "mc_cid", "mc_eid", "ref", "source", "via")
PAGE_EXTENSIONS = frozenset({"html", "htm", "shtml", "php", "php3", "asp", "aspx", "jsp", "cfm"})
FILE_EXTENSIONS = frozenset(
    "pdf jpg jpeg png gif webp svg bmp ico zip rar 7z gz tar apk ipa exe msi dmg mp3 mp4 m4a m4v ogg wav webm avi "
    "mov flv wmv doc docx xls xlsx ppt pptx csv txt xml rss atom json css js swf torrent".split()
)
_INDEX_PAGE_RE = re.compile(r"^(index|default|home)\.(php\d?|aspx?|html?|jsp)$", re.I)
_EXT_RE = re.compile(r"^(.*)\.([A-Za-z0-9]{1,6})$")
_ID_SLUG_RE = re.compile(r"^(\d{3,12})[-_+ ](.+)$")
_SLUG_ID_RE = re.compile(r"^(.*\D)[-_+ ](\d{4,12})$")
_PREFIXED_ID_RE = re.compile(r"^[A-Za-z]{1,3}(\d{4,12})$")
_SEPARATOR_RE = re.compile(r"[-_+ ]")
# vdcgzz9w.ak9xz4prra: an item's opaque code (News Studio's older URLs, short links), not a word.
_OPAQUE_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.,^~{}]{7,63}$")
_DIGIT_RE = re.compile(r"\d")
_LETTERS_RE = re.compile(r"[A-Za-z]")
_QUERY_NUMBER_RE = re.compile(r"^(\d{1,12})(?:[:\-_].*)?$")
_QUERY_WORD_RE = re.compile(r"^[A-Za-z]{1,15}$")
WORD_SPLIT_RE = re.compile(r"[-_+\s.,،]+")
_LETTER_RE = re.compile(r"[^\W\d_]")
_ALNUM_RE = re.compile(r"[^\W_]")


@dataclass(frozen=True)
class UrlShape:
    """What a URL's form says about the page behind it."""

    key: str  # links with the same key are siblings: "W/#6", "?p=#4", "js:shownews(#5)"
    id_digits: int = 0  # digits of the item number (the last number of the path, or an id in the query)
    id_named: int = 0  # 2: a query key naming a news item (newsid), 1: a generic one (id, p)
    dated: bool = False  # /2018/03/19/... in the path
    slug_words: int = 0  # words of the longest slug segment
    slug: str = ""
    negative: bool = False  # a path word or query key that names a non-article page
    file: bool = False  # a download: PDF, image, archive, media


def words_of(text: str) -> list[str]:
    """Words of a link text: tokens with a letter or a digit ("استقلال ۲ - ۱ پرسپولیس" has four)."""
    return [w for w in text.split() if _ALNUM_RE.search(w)]


def _segment(segment: str, after_id: bool = False) -> tuple[str, int, str, int, bool]:
    """(token, id digits, slug text, non-article word, file) of one decoded path segment.

    The non-article word is 2 when the segment is one (``tag``), 1 when it is one of
    two words (``news-archive``, ``about-us``; but also a short title slug).

    ``after_id``: the path already had an item number, so a number at the end of a
    slug is part of the title (``.../52312/رکورد-حملات-سال-2018``), not another id.
    """
    core, ext = segment, ""
    match = _EXT_RE.match(segment)
    if match and (match.group(2).lower() in PAGE_EXTENSIONS or match.group(2).lower() in FILE_EXTENSIONS):
        core, ext = match.group(1), match.group(2).lower()
    suffix = f".{ext}" if ext else ""
    if ext in FILE_EXTENSIONS:
        return "F" + suffix, 0, "", 0, True
    if core.isdigit():
        return f"#{len(core)}{suffix}", len(core), "", 0, False
    for regex, id_group, slug_group in ((_ID_SLUG_RE, 1, 2), (_SLUG_ID_RE, 2, 1)):
        match = None if after_id else regex.match(core)
        if match and _LETTER_RE.search(match.group(slug_group)):
            digits = len(match.group(id_group))
            return f"#{digits}{suffix}", digits, match.group(slug_group), 0, False
    match = _PREFIXED_ID_RE.match(core)
    if match:
        return f"#{len(match.group(1))}{suffix}", len(match.group(1)), "", 0, False
    if _OPAQUE_ID_RE.match(core) and len(_DIGIT_RE.findall(core)) >= 2 and len(_LETTERS_RE.findall(core)) >= 2:
        return "X" + suffix, OPAQUE_ID, "", 0, False
    words = [w for w in WORD_SPLIT_RE.split(core) if w]
    lowered = core.lower()
    if lowered in NON_ARTICLE_WORDS:
        return f"w:{lowered}{suffix}", 0, "", 2, False
    weak = int(len(words) == 2 and any(w.lower() in NON_ARTICLE_WORDS for w in words))
    if len(words) >= 3 or (len(words) == 2 and _SEPARATOR_RE.search(core)):
        return "S" + suffix, 0, core, weak, False
    return "W" + suffix, 0, "", weak, False


def _is_year(token: str) -> bool:
    return token.isdigit() and len(token) == 4 and (1300 <= int(token) <= 1499 or 1990 <= int(token) <= 2099)


def url_shape(url: str) -> UrlShape:
    """The shape of ``url`` (see the module docstring). Works on any string."""
    js = JS_ITEM_RE.match(url)
    if js:
        digits = len(str(int(js.group(2))))
        return UrlShape(key=f"js:{js.group(1).lower()}(#{digits})", id_digits=digits)
    try:
        parts = urlsplit(url)
        query = parse_qsl(parts.query, keep_blank_values=True)
    except ValueError:
        return UrlShape(key="?", negative=True)
    segments = [unquote_plus(s) for s in parts.path.split("/") if s]
    tokens, slugs, ids, words = [], [], [], []  # words: (token index, non-article word level)
    negative = file = dated = False
    i = 0
    while i < len(segments):
        segment = segments[i]
        if (
            _is_year(segment)
            and i + 1 < len(segments)
            and segments[i + 1].isdigit()
            and 1 <= int(segments[i + 1]) <= 12
        ):
            dated = True
            tokens += ["Y", "M"]
            i += 2
            if i < len(segments) and segments[i].isdigit() and 1 <= int(segments[i]) <= 31 and len(segments[i]) <= 2:
                tokens.append("D")
                i += 1
            continue
        if i == len(segments) - 1 and _INDEX_PAGE_RE.match(segment):
            break  # /index.php?newsid=1 is /?newsid=1
        token, digits, slug, level, is_file = _segment(segment, after_id=any(d >= 3 for d in ids))
        if level:
            words.append((len(tokens), level))
        tokens.append(token)
        if digits:  # a number of that many digits, or OPAQUE_ID
            ids.append(digits)
        if slug:
            slugs.append(slug)
        file |= is_file
        i += 1
    # The item number is the last number of the path: /issue/1245/2 is page 2 of an issue.
    id_digits = ids[-1] if ids else 0
    id_named = 0
    query_tokens = []
    for name, value in query:
        name = name.lower()
        if name.startswith(TRACKING_KEYS) or name in IGNORED_KEYS:
            continue
        number = _QUERY_NUMBER_RE.match(value)
        if number:
            query_tokens.append(f"{name}=#{len(number.group(1))}")
        elif _QUERY_WORD_RE.match(value):
            query_tokens.append(f"{name}={value.lower()}")  # view=article vs view=category
            negative |= value.lower() in NON_ARTICLE_WORDS
        else:
            query_tokens.append(f"{name}=*")
        if name in ("s", "q", "m") or any(part in NON_ARTICLE_WORDS for part in name.split("_")):
            negative = True
        elif number and name not in DATE_KEYS:
            digits = len(number.group(1))
            named = 2 if name in NAMED_ID_KEYS else 1 if name in GENERIC_ID_KEYS or name.endswith("id") else 0
            if named > id_named or (named == id_named and not id_digits):
                id_named, id_digits = named, digits
    identified = id_digits >= 3 or id_digits == OPAQUE_ID or dated
    last_number = max((i for i, t in enumerate(tokens) if t[:1] in "#DX"), default=-1)
    # /tag/123 and /ads/redirect/a/79 name what they are; after an item's number, words are its title.
    negative |= any(
        (level == 2 and not (identified and index > last_number)) or (level == 1 and not identified)
        for index, level in words
    )
    if identified:
        # The title slug next to the number, and words after it (/details/401150/Society/Travel), are decoration.
        tokens = [t for i, t in enumerate(tokens) if t[:1] != "S" and not (i > last_number and t[:1] in "Ww")]
    key = "/".join(tokens) + ("?" + "&".join(sorted(query_tokens)) if query_tokens else "")
    slug = max(slugs, key=len) if slugs else ""
    return UrlShape(
        key=key or "/",
        id_digits=id_digits,
        id_named=id_named,
        dated=dated,
        slug_words=len([w for w in WORD_SPLIT_RE.split(slug) if w]),
        slug=slug,
        negative=negative,
        file=file,
    )
