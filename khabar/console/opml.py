"""OPML export and import of outlets and what is crawled of them.

Export: one outline per outlet (its name, ``htmlUrl`` its homepage) holding one outline per feed,
news sitemap or listing page, whose ``category`` attribute carries Khabar's kind and category
(``/kind/news_sitemap,/category/politics``) so that a round trip keeps them.
Import reads untrusted files with ``listparser`` (given bytes, never a URL: it fetches nothing; it
reads with lxml's HTML parser, which expands no external entity). Each entry gets a line in the
preview: new, duplicate (already crawled, or repeated in the file), or failed and why.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from urllib.parse import urlsplit
from xml.etree import ElementTree

import listparser
from django.db import transaction
from django.utils import timezone

from khabar.pipeline.http_urls import is_http_url
from khabar.pipeline.records import FEED_KINDS
from khabar.sources.catalog import slug_for_host, source_for_site
from khabar.sources.models import Category, Feed, Source

MAX_OPML_BYTES = 2 * 1024 * 1024


def export_opml(now=None) -> bytes:
    now = now or timezone.now()
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = "منابع خبر"
    ElementTree.SubElement(head, "dateCreated").text = now.strftime("%a, %d %b %Y %H:%M:%S GMT")
    body = ElementTree.SubElement(root, "body")
    feeds_by_source: dict[int, list[Feed]] = {}
    for feed in Feed.objects.select_related("category").order_by("source_id", "url"):
        feeds_by_source.setdefault(feed.source_id, []).append(feed)
    for source in Source.objects.order_by("name"):
        group = ElementTree.SubElement(body, "outline", text=source.name, title=source.name)
        if source.homepage:
            group.set("htmlUrl", source.homepage)
        for feed in feeds_by_source.get(source.pk, []):
            categories = [f"/kind/{feed.kind}"] + ([f"/category/{feed.category.slug}"] if feed.category else [])
            outline = ElementTree.SubElement(
                group,
                "outline",
                type="rss",
                text=feed.title or source.name,
                xmlUrl=feed.url,
                category=",".join(categories),
            )
            if source.homepage:
                outline.set("htmlUrl", source.homepage)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


@dataclass
class ImportLine:
    number: int
    url: str
    title: str
    outlet: str
    kind: str = "rss"
    category: str = ""
    state: str = "new"  # new, duplicate, failed
    note: str = ""


STATE_LABELS = {"new": "تازه", "duplicate": "تکراری", "failed": "ناموفق"}


def _tagged(categories: list[list[str]], tag: str) -> str:
    for path in categories:
        if len(path) == 2 and path[0] == tag:
            return path[1]
    return ""


def read_opml(content: bytes) -> tuple[list[ImportLine], str]:
    """The preview of an import: one line per entry, and an error for the whole file (or "")."""
    if len(content) > MAX_OPML_BYTES:
        return [], f"پرونده بزرگ‌تر از {MAX_OPML_BYTES // 1024 // 1024} مگابایت است."
    parsed = listparser.parse(bytes(content))
    entries = list(parsed.get("feeds", [])) + [dict(e, no_feed=True) for e in parsed.get("opportunities", [])]
    if not entries:
        problem = parsed.get("bozo_exception")
        return [], "هیچ خوراکی در این پرونده پیدا نشد" + (f" ({problem})" if problem else ".")
    known = set(Feed.objects.filter(url__in=[e.get("url", "") for e in entries]).values_list("url", flat=True))
    categories = set(Category.objects.values_list("slug", flat=True))
    seen: set[str] = set()
    lines = []
    for number, entry in enumerate(entries, start=1):
        cats = entry.get("categories", [])
        groups = [path[0] for path in cats if len(path) == 1]
        line = ImportLine(
            number=number,
            url=entry.get("url", ""),
            title=entry.get("title", ""),
            outlet=(groups[0] if groups else entry.get("title", ""))[:200],
            kind=_tagged(cats, "kind") or "rss",
            category=_tagged(cats, "category"),
        )
        if entry.get("no_feed"):
            line.state, line.note = "failed", "نشانی خوراک (xmlUrl) ندارد"
        elif not is_http_url(line.url):
            line.state, line.note = "failed", "نشانی http یا https نیست"
        elif line.kind not in FEED_KINDS:
            line.state, line.note = "failed", f"گونهٔ ناشناخته: {line.kind}"
        elif line.url in known:
            line.state, line.note = "duplicate", "پیش‌تر ثبت شده است"
        elif line.url in seen:
            line.state, line.note = "duplicate", "در همین پرونده تکرار شده است"
        if line.category and line.category not in categories:
            line.note = (line.note + "؛ " if line.note else "") + f"دستهٔ ناشناخته {line.category} نادیده گرفته شد"
            line.category = ""
        seen.add(line.url)
        lines.append(line)
    return lines, ""


def as_session(lines: list[ImportLine]) -> list[dict]:
    return [asdict(line) for line in lines]


def import_lines(lines: list[dict]) -> tuple[int, int]:
    """Register the preview's new lines: (feeds created, outlets created). Lines registered since are skipped."""
    categories = {c.slug: c for c in Category.objects.all()}
    feeds = outlets = 0
    with transaction.atomic():
        for line in lines:
            if line["state"] != "new":
                continue
            parts = urlsplit(line["url"])
            homepage = f"{parts.scheme}://{parts.netloc}/"
            # The outlet the file names (its group outline), else the registered outlet of the feed's site.
            source = Source.objects.filter(name=line["outlet"]).first() if line["outlet"] else None
            source = source or source_for_site(homepage)
            if source is None:
                host = parts.hostname or parts.netloc
                source, created = Source.objects.get_or_create(
                    slug=slug_for_host(host), defaults={"name": line["outlet"] or host, "homepage": homepage}
                )
                outlets += created
            _, created = Feed.objects.get_or_create(
                url=line["url"],
                defaults={"source": source, "kind": line["kind"], "category": categories.get(line["category"])},
            )
            feeds += created
    return feeds, outlets
