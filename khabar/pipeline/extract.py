"""Main content of an article page: bytes or text in, :class:`ExtractedPage` out.

Used by the crawler and by ``khabar extract``. The order of work:

1. :func:`decode_html` turns bytes into text (HTTP charset, BOM, ``<meta charset>``,
   else charset-normalizer; valid UTF-8 wins over a wrong label).
2. trafilatura (``bare_extraction``) finds the main text and the metadata.
3. A per-site rule (:mod:`khabar.pipeline.site_rules`, chosen by the URL's hostname)
   overrides the fields it defines.
4. Page metadata fills what is still missing: JSON-LD / ``article:published_time``
   dates (ISO or Jalali), ``og:description`` lead, ``<html lang>``...; a visible
   Jalali dateline is the last resort for the date.
5. Body HTML is sanitized (:func:`sanitize_html`); title, lead and text go through
   :func:`normalize_display`. A lead (or title) repeated at the start of the body is
   dropped.

Nothing here raises on bad input: empty, binary or non-HTML content gives an
``ExtractedPage`` with empty fields (empty ``text`` means "no article text found").
"""

from __future__ import annotations

import codecs
import copy
import html as html_lib
import json
import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import datetime
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html
import trafilatura
from trafilatura.htmlprocessing import convert_to_html

from khabar.pipeline.dates import parse_persian_datetime
from khabar.pipeline.persian import normalize_display
from khabar.pipeline.records import ExtractedPage
from khabar.pipeline.sanitize import html_to_text, sanitize_html
from khabar.pipeline.site_rules import SiteRule, rule_for

__all__ = ["decode_html", "extract_article"]

logger = logging.getLogger(__name__)

# Measured on the labelled pages with the site rules switched off: the default
# (balanced) mode and favor_precision give the same text; favor_recall pulls in a
# trailing related-story heading on yjc.ir. Precision it is: boilerplate in an
# article body is worse than a missing paragraph (the feed summary remains).
TRAFILATURA_OPTIONS = {
    "with_metadata": True,
    "favor_precision": True,
    "include_comments": False,
    "include_tables": True,
    "output_format": "python",
    # date_extraction_params is added per call (see _run_trafilatura): htmldate is
    # asked for the time too (its default output is the day only) and max_date
    # must be today.
}

MAX_INPUT_BYTES = 8 * 1024 * 1024  # larger pages are cut (no news article is this big)

# --------------------------------------------------------------------------- decoding

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HEADER_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?\s*([\w.:\-]+)", re.I)
_META_CHARSET_RE = re.compile(
    rb"<meta[^>]+?charset\s*=\s*[\"']?\s*([\w.:\-]+)|<\?xml[^>]+encoding\s*=\s*[\"']([\w.:\-]+)", re.I
)
# Labels that servers send by default whatever the page really is: never trusted
# for bytes that are not plain ASCII.
_DEFAULT_LABELS = {"ascii", "latin_1", "iso8859-1", "cp1252"}
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"BZh", b"\x00\x00\x01\x00",
                 b"RIFF", b"OggS", b"ID3", b"\x7fELF", b"MZ", b"\xd0\xcf\x11\xe0", b"7z\xbc\xaf")


def _codec_name(label: str | bytes | None) -> str | None:
    if not label:
        return None
    if isinstance(label, bytes):
        label = label.decode("ascii", errors="ignore")
    label = label.strip().strip("\"'").lower()
    # WHATWG: pages labelled latin-1 are decoded as windows-1252.
    if label in {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "us-ascii", "l1"}:
        label = "windows-1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _header(headers: Mapping[str, str] | None, name: str) -> str:
    if not headers:
        return ""
    for key, value in headers.items():
        if isinstance(key, str) and key.lower() == name:
            return value if isinstance(value, str) else ""
    return ""


def _is_utf8(content: bytes) -> bool:
    """Valid UTF-8, allowing a multi-byte character cut off at the very end (a size cap)."""
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.reason == "unexpected end of data" and error.start >= len(content) - 3
    return True


def _arabic_share(text: str) -> float:
    """Share of Arabic-script letters among the non-ASCII characters of ``text``."""
    non_ascii = [ch for ch in text if ord(ch) > 127]
    if not non_ascii:
        return 0.0
    return sum(1 for ch in non_ascii if "\u0600" <= ch <= "\u06ff" or ch in "\u200c\u200d\u00ab\u00bb") / len(non_ascii)


def _detect(content: bytes) -> str:
    """Decode with charset-normalizer's best guess, checked against windows-1256.

    On short pages detection can pick a wrong single-byte code page; when its result
    is not mostly Arabic script but windows-1256 gives Persian, windows-1256 wins.
    """
    sample = content[:400_000]
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(sample).best()
    except Exception:  # noqa: BLE001 - detection is best effort
        best = None
    text = None
    if best is not None and best.encoding:
        try:
            text = content.decode(best.encoding, errors="replace")
        except LookupError:
            text = None
    arabic = content.decode("cp1256", errors="replace")
    arabic_share = _arabic_share(arabic[:100_000])
    if arabic_share >= 0.8 and (
        text is None
        or _arabic_share(text[:100_000]) < arabic_share
        or text.count("\ufffd") > arabic.count("\ufffd")
    ):
        return arabic
    return text if text is not None else content.decode("utf-8", errors="replace")


def decode_html(content: bytes, headers: Mapping[str, str] | None = None) -> str:
    """Text of an HTML page's bytes.

    The charset comes from (in order) a byte-order mark, the HTTP ``Content-Type``
    header, ``<meta charset>`` / ``http-equiv`` / the XML declaration, else detection
    with charset-normalizer. Bytes that are valid UTF-8 (and not plain ASCII) are
    decoded as UTF-8 whatever the label says, and bytes labelled UTF-8 that are not
    valid UTF-8 (a windows-1256 page served as UTF-8) are detected instead. A
    default-looking label (ISO-8859-1, windows-1252, ASCII) on non-ASCII bytes is not
    trusted either. Never raises.
    """
    if not content:
        return ""
    if isinstance(content, str):
        return content
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            return content[len(bom):].decode(encoding, errors="replace")
    if content.isascii():
        return content.decode("ascii")
    if _is_utf8(content):
        return content.decode("utf-8", errors="ignore")

    labels = [_codec_name(m.group(1)) for m in _HEADER_CHARSET_RE.finditer(_header(headers, "content-type"))]
    head = content[:8192]
    labels += [_codec_name(m.group(1) or m.group(2)) for m in _META_CHARSET_RE.finditer(head)]
    for label in labels:
        if not label or label == "utf-8" or label in _DEFAULT_LABELS:
            continue  # a UTF-8 label on invalid UTF-8, or a default label: detect instead
        if label.startswith(("utf-16", "utf-32")):
            continue  # no BOM and ASCII-compatible markup: the label is wrong
        return content.decode(label, errors="replace")
    return _detect(content)


# --------------------------------------------------------------------------- helpers

ZWNJ = "\u200c"
_WS_RE = re.compile(r"\s+")
_SPLIT_RE = re.compile(r"\s*[,،؛;]\s*")
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_MARKUP_RE = re.compile(r"<\s*(?:!doctype|html|head|body|meta|title|div|p|article|main|section|span|a|h[1-6]|table|br)\b", re.I)
_ARABIC_SCRIPT_RE = re.compile("[\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff]")
_PERSIAN_ONLY_RE = re.compile("[\u067e\u0686\u0698\u06af\u06a9\u06cc]")  # پ چ ژ گ ک ی
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "form", "button", "input", "select",
              "textarea", "svg", "object", "embed", "nav", "aside")

# Inside a rule's body container, blocks with these classes are never article text.
_BOILERPLATE_XPATH = "|".join(
    f".//*[contains(translate(@class, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), '{word}')]"
    for word in ("related", "readmore", "read-more", "comment", "share", "social", "advert", "banner")
)


def _squash(text: str) -> str:
    return _WS_RE.sub(" ", text or "").strip()


def _same(a: str, b: str) -> bool:
    """Equal as text a reader sees (display-normalized, spaces and end punctuation ignored)."""
    if not a or not b:
        return False
    strip = " .:؛;،,!؟?-–—|"
    return _squash(normalize_display(a)).strip(strip) == _squash(normalize_display(b)).strip(strip)


def _restore_zwnj(value: str, sources: Iterable[str]) -> str:
    """``value`` as the page wrote it: trafilatura's metadata and text lose every ZWNJ.

    Finds ``value`` in ``sources`` (page strings) allowing a ZWNJ between any two
    characters and returns that spelling; ``value`` itself when it is not found.
    """
    value = _squash(value)
    if not value or ZWNJ in value or len(value) > 2000:
        return value
    pattern = re.compile(f"{ZWNJ}?".join(re.escape(ch) for ch in value))
    for source in sources:
        if source and ZWNJ in source:
            match = pattern.search(_squash(source))
            if match:
                return match.group(0)
    return value


def _page_strings(tree) -> list[str]:
    """Strings trafilatura's title, description and author come from."""
    strings = [m.get("content") or m.get("value") or "" for m in tree.iter("meta")]
    strings += [h.text_content() for h in tree.xpath("//h1|//h2|//title")]
    return strings


def _looks_binary(content: bytes) -> bool:
    head = content[:2048].lstrip()
    if head.startswith(_BINARY_MAGIC):
        return True
    sample = content[:4096]
    if b"\x00" in sample and not sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    return False


def _looks_like_garbage(text: str) -> bool:
    sample = text[:20000]
    if not sample.strip():
        return True
    bad = sum(1 for ch in sample if ch == "\ufffd" or (unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f"))
    return bad > 0.02 * len(sample)


def _xpath(tree, expression: str) -> list:
    try:
        result = tree.xpath(expression)
    except (lxml.etree.XPathError, TypeError, ValueError):
        logger.warning("bad XPath in site rule: %s", expression)
        return []
    if isinstance(result, list):
        return result
    return [result] if result not in (None, "") else []


def _value_text(item) -> str:
    if isinstance(item, str):  # attribute value or string()
        return _squash(str(item))
    if isinstance(item, lxml.etree._Element):
        try:
            return _squash(item.text_content())
        except (AttributeError, ValueError):
            return _squash("".join(item.itertext()))
    return ""


def _first_text(tree, expressions: Iterable[str]) -> str:
    for expression in expressions:
        for item in _xpath(tree, expression):
            value = _value_text(item)
            if value:
                return value
    return ""


def _all_texts(tree, expressions: Iterable[str]) -> list[str]:
    """Every value of the first expression that yields any, split on commas."""
    for expression in expressions:
        values = []
        for item in _xpath(tree, expression):
            values += [part for part in _SPLIT_RE.split(_value_text(item)) if part]
        if values:
            return _unique(values)
    return []


def _unique(values: Iterable[str]) -> list[str]:
    seen, result = set(), []
    for value in values:
        value = _squash(value)
        if value and value not in seen:
            seen.add(value)
            result.append(value)
    return result


def _meta_values(tree, *keys: str) -> list[str]:
    """<meta> values by property/name/itemprop (content= or value=), in the order of ``keys``."""
    found = []
    for key in keys:
        key = key.lower()
        for meta in tree.iter("meta"):
            attrs = {k.lower(): v for k, v in meta.attrib.items() if isinstance(k, str)}
            names = {attrs.get("property", "").lower(), attrs.get("name", "").lower(), attrs.get("itemprop", "").lower()}
            if key in names:
                value = _squash(attrs.get("content") or attrs.get("value") or "")
                if value:
                    found.append(value)
    return found


def _json_ld(tree) -> list[dict]:
    """Article-like JSON-LD objects of the page (``@graph`` flattened)."""
    objects: list[dict] = []

    def walk(node):
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            if "@graph" in node:
                walk(node["@graph"])
            objects.append(node)

    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            walk(json.loads(script.text or ""))
        except (ValueError, TypeError, RecursionError):
            continue
    article_types = ("article", "newsarticle", "reportagenewsarticle", "blogposting", "analysisnewsarticle")

    def is_article(obj):
        kind = obj.get("@type", "")
        kinds = kind if isinstance(kind, list) else [kind]
        return any(isinstance(k, str) and k.lower() in article_types for k in kinds) or "datePublished" in obj

    return [obj for obj in objects if is_article(obj)]


def _absolute(link: str, base: str) -> str:
    link = (link or "").strip()
    if not link or link.startswith("data:"):
        return ""
    if base:
        try:
            link = urljoin(base, link)
        except ValueError:
            return ""
    if link.startswith("//"):
        link = "https:" + link
    return link if urlsplit(link).scheme in {"http", "https"} else ""


def _language(tree, doc_language: str | None, text: str) -> str:
    candidates = [tree.get("lang") or "", tree.get("{http://www.w3.org/XML/1998/namespace}lang") or ""]
    candidates += [m.get("content", "") for m in tree.xpath("//meta[@http-equiv]")
                   if m.get("http-equiv", "").lower() == "content-language"]
    candidates += _meta_values(tree, "language", "dc.language", "og:locale", "inLanguage")
    candidates.append(doc_language or "")
    for candidate in candidates:
        code = re.split(r"[-_,;\s]", candidate.strip().lower(), maxsplit=1)[0]
        if re.fullmatch(r"[a-z]{2,3}", code):
            return code
    sample = text[:3000]
    letters = sum(ch.isalpha() for ch in sample)
    if letters and len(_ARABIC_SCRIPT_RE.findall(sample)) > 0.5 * letters:
        return "fa" if _PERSIAN_ONLY_RE.search(sample) else "ar"
    return ""


# --------------------------------------------------------------------------- body

def _collapse_whitespace(root) -> None:
    """Source formatting (newlines, indentation) is not text: collapse it, except in <pre>."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        inside_pre = element.tag == "pre" or any(a.tag == "pre" for a in element.iterancestors())
        if not inside_pre and element.text:
            element.text = _WS_RE.sub(" ", element.text)
        if element.tail and not (element.getparent() is not None and element.getparent().tag == "pre"):
            element.tail = _WS_RE.sub(" ", element.tail)


def _clean_body(element, remove: Iterable[str]) -> None:
    for expression in remove:
        for node in _xpath(element, expression):
            if isinstance(node, lxml.etree._Element) and node is not element:
                node.drop_tree()
    for node in _xpath(element, _BOILERPLATE_XPATH):
        if isinstance(node, lxml.etree._Element) and node is not element:
            node.drop_tree()
    for node in list(element.iter(*_DROP_TAGS)):
        if node is not element:
            node.drop_tree()
    for node in list(element.iter(lxml.etree.Comment, lxml.etree.ProcessingInstruction)):
        node.drop_tree()


_BLOCK_TAGS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "table", "blockquote", "figure", "pre",
    "section", "article", "header", "footer", "hr", "address", "details", "main",
}
_MAX_PREAMBLE_BLOCK = 150  # a kicker, dateline or breadcrumb before a repeated title is shorter than this


def _wrap_loose_text(root) -> None:
    """Put text and inline elements lying directly in ``root`` into <p> blocks."""
    children = [c for c in root if isinstance(c.tag, str)]
    loose = (root.text or "").strip() or any(
        c.tag not in _BLOCK_TAGS or (c.tail or "").strip() for c in children
    )
    if not loose:
        return
    text, root.text = root.text, None
    for child in list(root):
        root.remove(child)  # lxml moves the tail along with the element
    paragraph = None

    def current():
        nonlocal paragraph
        if paragraph is None:
            paragraph = lxml.html.Element("p")
            root.append(paragraph)
        return paragraph

    def add_text(value):
        if not value or not value.strip():
            return
        p = current()
        if len(p):
            p[-1].tail = (p[-1].tail or "") + value
        else:
            p.text = (p.text or "") + value

    add_text(text)
    for child in children:
        tail, child.tail = child.tail, None
        if child.tag in _BLOCK_TAGS:
            paragraph = None
            root.append(child)
        else:
            current().append(child)
        add_text(tail)


def _drop_leading_repeats(root, repeats: list[str]) -> None:
    """Remove the title or lead repeated at the top of the body, with what precedes it.

    Only short blocks (kicker, dateline, breadcrumbs) and empty ones may precede the
    repeat; real content (a long paragraph, an image) stops the search.
    """
    repeats = [r for r in repeats if r]
    _wrap_loose_text(root)
    blocks = [c for c in root if isinstance(c.tag, str)]
    last = -1
    for index, block in enumerate(blocks[:8]):
        text = _squash(block.text_content())
        has_image = block.tag == "img" or bool(block.xpath(".//img"))
        if not text and not has_image:
            continue
        if text and any(_same(text, r) for r in repeats):
            last = index
            continue
        if has_image or len(text) > _MAX_PREAMBLE_BLOCK:
            break
    for block in blocks[:last + 1]:
        block.drop_tree()
    # Empty blocks left at the top are just noise.
    for block in [c for c in root if isinstance(c.tag, str)]:
        if _squash(block.text_content()) or block.tag == "img" or block.xpath(".//img"):
            break
        block.drop_tree()


def _fragment_html(root, base_url: str) -> str:
    if base_url:
        try:
            root.make_links_absolute(base_url, resolve_base_href=False)
        except (ValueError, AttributeError):
            pass
    parts = [lxml.html.tostring(child, encoding="unicode") for child in root if isinstance(child.tag, str)]
    inner = (root.text or "") + "".join(parts)
    return sanitize_html(inner)


def _rule_body(tree, rule: SiteRule):
    for expression in rule.body:
        for node in _xpath(tree, expression):
            if isinstance(node, lxml.etree._Element):
                body = copy.deepcopy(node)
                body.tail = None
                _clean_body(body, rule.remove)
                if _squash(body.text_content()):
                    return body
    return None


def _trafilatura_body(doc):
    if doc is None or getattr(doc, "body", None) is None:
        return None
    try:
        html_tree = convert_to_html(copy.deepcopy(doc.body))
        body = html_tree[0]
        fragment = lxml.html.fragment_fromstring(lxml.etree.tostring(body, encoding="unicode"), create_parent="div")
    except Exception:  # noqa: BLE001 - fall back to the plain text
        logger.debug("could not convert trafilatura's body to HTML", exc_info=True)
        return None
    # fragment is <div><body>...</body></div> or <div>...</div> depending on lxml: unwrap <body>.
    inner = fragment[0] if len(fragment) == 1 and fragment[0].tag == "body" else fragment
    inner.tag = "div"
    return inner


# --------------------------------------------------------------------------- dates

_VISIBLE_DATE_XPATHS = (
    "//*[not(self::script) and not(self::style)][contains(text(), 'تاریخ انتشار') or contains(text(), 'زمان انتشار')"
    " or contains(text(), 'تاريخ انتشار')]/..",
    "//time[@datetime]/@datetime",
    "//time",
    "//*[contains(translate(@class, 'DATEIMPUBLSH', 'dateimpublsh'), 'publish')]",
    "//*[contains(translate(@class, 'DATE', 'date'), 'date') or contains(translate(@class, 'TIME', 'time'), 'time')"
    " or contains(translate(@id, 'DATE', 'date'), 'date')][not(self::script)]",
)


def _is_date_only(value: datetime | None, raw: str) -> bool:
    return value is not None and bool(re.search(r"T00:00:00$", raw.strip()))


def _structured_date(tree) -> datetime | None:
    for obj in _json_ld(tree):
        value = obj.get("datePublished")
        if isinstance(value, str):
            parsed = parse_persian_datetime(value)
            if parsed:
                return parsed
    for value in _meta_values(tree, "article:published_time", "og:article:published_time", "datePublished",
                              "pubdate", "publishdate", "publish-date", "dc.date.issued", "dc.date", "sailthru.date"):
        parsed = parse_persian_datetime(value)
        if parsed:
            return parsed
    for value in tree.xpath("//*[@itemprop='datePublished']/@datetime"):
        parsed = parse_persian_datetime(str(value))
        if parsed:
            return parsed
    return None


def _visible_date(tree) -> datetime | None:
    for expression in _VISIBLE_DATE_XPATHS:
        for item in _xpath(tree, expression)[:30]:
            if isinstance(item, lxml.etree._Element):
                klass = (item.get("class") or "") + " " + (item.get("id") or "")
                if re.search(r"today|current|clock|now", klass, re.I):
                    continue  # the day's date in the site header, not the article's
            text = _value_text(item)
            if not text or len(text) > 300:
                continue
            parsed = parse_persian_datetime(text)
            if parsed:
                return parsed
    return None


# --------------------------------------------------------------------------- main


def _empty(url: str) -> ExtractedPage:
    return ExtractedPage(url=url or "")


def _parse_tree(text: str):
    text = _XML_DECL_RE.sub("", text, count=1)
    try:
        tree = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError, TypeError):
        return None
    return tree


def _run_trafilatura(tree, url: str):
    options = dict(TRAFILATURA_OPTIONS)
    options["date_extraction_params"] = {
        "original_date": True,
        "extensive_search": True,
        "outputformat": "%Y-%m-%dT%H:%M:%S%z",
        "max_date": datetime.now().strftime("%Y-%m-%d"),
    }
    try:
        return trafilatura.bare_extraction(tree, url=url or None, **options)  # it works on a copy
    except Exception:  # noqa: BLE001 - trafilatura raising must not stop a crawl
        logger.warning("trafilatura failed on %s", url or "page", exc_info=True)
        return None


def extract_article(html: str | bytes, url: str = "", *, headers: dict[str, str] | None = None) -> ExtractedPage:
    """Extract an article page's title, lead, body (text and sanitized HTML), date, image...

    ``html`` is the page (bytes are decoded with :func:`decode_html` using ``headers``);
    ``url`` is where it came from: it selects the site rule (by hostname) and resolves
    relative links. ``published`` is an aware UTC datetime. Never raises: unusable
    input gives an ExtractedPage whose fields are empty.
    """
    url = url if isinstance(url, str) else ""
    try:
        return _extract(html, url, headers)
    except Exception:  # noqa: BLE001 - the crawler records "no article text found"
        logger.exception("extraction failed for %s", url or "page")
        return _empty(url)


def _extract(html: str | bytes, url: str, headers: Mapping[str, str] | None) -> ExtractedPage:
    if isinstance(html, (bytes, bytearray, memoryview)):
        content = bytes(html)[:MAX_INPUT_BYTES]
        if not content.strip() or _looks_binary(content):
            return _empty(url)
        text = decode_html(content, headers)
    elif isinstance(html, str):
        text = html
    else:
        return _empty(url)
    if not text or _looks_like_garbage(text) or not _MARKUP_RE.search(text[:200_000]):
        return _empty(url)
    tree = _parse_tree(text)
    if tree is None:
        return _empty(url)
    for node in tree.xpath("//script|//style|//noscript|//template"):
        if node.get("type", "").lower() != "application/ld+json":
            node.drop_tree()

    # The page's own address when the caller gave none (rules and relative links need one).
    canonical = ""
    for value in tree.xpath("//link[@rel='canonical']/@href") + _meta_values(tree, "og:url"):
        if urlsplit(value).scheme in {"http", "https"}:
            canonical = value
            break
    base = url or canonical
    rule = rule_for(base) if base else None
    rule = rule or SiteRule()

    doc = _run_trafilatura(tree, base)
    page = ExtractedPage(url=url or canonical)

    # Title, lead. trafilatura's strings have lost their ZWNJs: put them back.
    sources = _page_strings(tree)
    title = _first_text(tree, rule.title) or _restore_zwnj(getattr(doc, "title", "") or "", sources)
    if not title:
        title = _squash(" ".join(tree.xpath("//title//text()")))
    if title and not rule.title:  # og:title often carries " - site name": prefer the page's own <h1>
        for h1 in tree.xpath("//h1"):
            heading = _squash(h1.text_content())
            if len(heading) >= 15 and title != heading and title.startswith(heading):
                title = heading
                break
    page.title = normalize_display(title)

    lead = _first_text(tree, rule.lead)
    if not lead:
        values = _meta_values(tree, "og:description", "description", "twitter:description")
        lead = values[0] if values else ""
    if not lead:
        lead = _restore_zwnj(getattr(doc, "description", "") or "", sources)
    page.lead = normalize_display(lead)

    # Body
    body = _rule_body(tree, rule) if rule.body else None
    if body is None:
        body = _trafilatura_body(doc)
    if body is not None:
        _collapse_whitespace(body)
        _drop_leading_repeats(body, [title, lead])
        page.html = _fragment_html(body, base)
        page.text = normalize_display(html_to_text(page.html))
    if not page.text and doc is not None and getattr(doc, "text", None):
        # Last resort (the body tree could not be converted); this text has no ZWNJs.
        lines = [line for line in doc.text.split("\n") if line.strip()]
        while lines and any(_same(lines[0], r) for r in (title, lead)):
            lines.pop(0)
        page.text = normalize_display("\n".join(lines))
        page.html = sanitize_html("".join(f"<p>{html_lib.escape(line)}</p>" for line in lines)) if lines else ""
    if not page.text:
        page.html = ""

    # Date
    published = None
    for value in (_first_text(tree, [expression]) for expression in rule.date):
        published = parse_persian_datetime(value) if value else None
        if published:
            break
    if published is None:
        published = _structured_date(tree)
    date_only = None
    if published is None and getattr(doc, "date", None):
        parsed = parse_persian_datetime(doc.date)
        if _is_date_only(parsed, doc.date):
            date_only = parsed
        else:
            published = parsed
    if published is None:
        published = _visible_date(tree) or date_only
    page.published = published.replace(microsecond=0) if published else None

    # Image
    # The page's own address is not its image (varzesh3 sometimes puts og:url in og:image).
    addresses = tree.xpath("//link[@rel='canonical']/@href") + _meta_values(tree, "og:url")
    own = {u for u in [url, base] + [_absolute(str(a), base) for a in addresses] if u}
    candidates = [_first_text(tree, [expression]) for expression in rule.image]
    candidates += [getattr(doc, "image", "") or ""]
    candidates += _meta_values(tree, "og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src")
    for obj in _json_ld(tree):
        image = obj.get("image")
        if isinstance(image, dict):
            image = image.get("url")
        elif isinstance(image, list) and image:
            image = image[0].get("url") if isinstance(image[0], dict) else image[0]
        if isinstance(image, str):
            candidates.append(image)
    if body is not None:
        candidates += [str(src) for src in body.xpath(".//img/@src")]
    for candidate in candidates:
        image = _absolute(candidate, base)
        if image and image not in own:
            page.image = image
            break

    # Author, categories, tags, language
    page.author = normalize_display(_first_text(tree, rule.author) or _restore_zwnj(getattr(doc, "author", "") or "", sources))
    categories = _all_texts(tree, rule.categories)
    if not categories:
        categories = _unique(p for c in (getattr(doc, "categories", None) or []) for p in _SPLIT_RE.split(c))
    if not categories:
        categories = _unique(p for v in _meta_values(tree, "article:section", "og:article:section") for p in _SPLIT_RE.split(v))
    page.categories = categories
    tags = _all_texts(tree, rule.tags)
    if not tags:
        tags = _unique(p for t in (getattr(doc, "tags", None) or []) for p in _SPLIT_RE.split(t))
    page.tags = tags
    page.language = _language(tree, getattr(doc, "language", None), page.text or page.title)
    return page
