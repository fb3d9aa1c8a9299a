"""What the crawl knows of an outlet, handed to the pipeline: its stored articles, the pages of it that
are not articles, and the hosts it lived on before a move.

A listing page is read with the outlet's article URLs (stored articles: their pages were
articles, or a feed or news sitemap said so) and the URLs its listings linked that were
not articles (``NonArticlePage``): ``listing_links`` then follows the shapes confirmed
by real pages and refuses the others, on every page of the outlet. After a domain move
(``UrlChange``), an article already stored under the old host is not stored again under
the new one.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from django.db import IntegrityError, transaction
from django.utils import timezone

from khabar.news.models import Article
from khabar.news.storage import known_urls
from khabar.pipeline.collect import MAX_NEW_PAGES, FeedRequest, canonical_url
from khabar.pipeline.listing_page import site_host
from khabar.pipeline.records import FeedItem, FeedRefresh
from khabar.sources.models import Feed, NonArticlePage, UrlChange

KNOWN_LIMIT = 300  # URLs of each kind handed to listing_links
NON_ARTICLES_KEPT = 2000  # per outlet; the oldest are forgotten beyond


def host_moves(source_id: int) -> dict[str, set[str]]:
    """netloc now -> the netlocs the outlet's feeds or homepage had before (recorded moves)."""
    moves: dict[str, set[str]] = {}
    for old, new in UrlChange.objects.filter(source_id=source_id).values_list("old_url", "new_url"):
        old_host, new_host = urlsplit(old).netloc.lower(), urlsplit(new).netloc.lower()
        if old_host and new_host and old_host != new_host:
            moves.setdefault(new_host, set()).add(old_host)
    return moves


def feed_request(feed: Feed) -> FeedRequest:
    """What the pipeline needs to read ``feed``; for a listing page, what the outlet's pages taught us."""
    request = FeedRequest(feed.url, feed.etag, feed.last_modified, kind=feed.kind)
    if feed.kind != "listing":
        return request
    articles = Article.objects.filter(source_id=feed.source_id).order_by("-id").values_list("url", flat=True)
    others = NonArticlePage.objects.filter(source_id=feed.source_id).order_by("-seen_at").values_list("url", flat=True)
    hosts = {site_host(feed.source.homepage)} | {
        site_host(f"//{old}") for olds in host_moves(feed.source_id).values() for old in olds
    }
    request.known_articles = tuple(articles[:KNOWN_LIMIT])
    request.known_other = tuple(others[:KNOWN_LIMIT])
    request.hosts = tuple(h for h in hosts if h)
    return request


def _under_old_hosts(url: str, moves: dict[str, set[str]]) -> list[str]:
    parts = urlsplit(url)
    return [urlunsplit(parts._replace(netloc=old)) for old in moves.get(parts.netloc, ())]


def unstored_items(feed: Feed, refresh: FeedRefresh) -> tuple[list[FeedItem], int]:
    """The items read by ``refresh`` not stored yet (under their URL or, after a domain move, the old
    host's, a move seen by this very check included), nor known not to be articles; from a sitemap or
    listing page at most ``MAX_NEW_PAGES``.

    Returns (items to fetch now, items left for the next check).
    """
    items = refresh.parsed.items if refresh.parsed else []
    moves = host_moves(feed.source_id)
    fetched = refresh.fetch
    if fetched is not None and fetched.moved_permanently:
        old_host, new_host = urlsplit(feed.url).netloc.lower(), urlsplit(fetched.final_url).netloc.lower()
        if old_host != new_host:
            moves.setdefault(new_host, set()).add(old_host)
    urls = {item.url: canonical_url(item.url) for item in items}
    aliases = {url: _under_old_hosts(url, moves) for url in urls.values()}
    candidates = list(urls.values()) + [alias for group in aliases.values() for alias in group]
    stored = known_urls(candidates)
    if feed.kind == "listing":
        stored |= set(NonArticlePage.objects.filter(url__in=list(urls.values())).values_list("url", flat=True))
    new = [
        item
        for item in items
        if urls[item.url] not in stored and not any(alias in stored for alias in aliases[urls[item.url]])
    ]
    if feed.kind == "rss":
        return new, 0
    return new[:MAX_NEW_PAGES], max(0, len(new) - MAX_NEW_PAGES)


def remember_non_articles(source_id: int, pages: list[tuple[str, str]]) -> None:
    """Listed pages that were not articles: not fetched again, their shapes refused on the outlet's pages."""
    now = timezone.now()
    rows = [
        NonArticlePage(source_id=source_id, url=canonical_url(url)[:1000], reason=why[:300], seen_at=now)
        for url, why in pages
    ]
    try:
        with transaction.atomic():
            NonArticlePage.objects.bulk_create(rows, ignore_conflicts=True)
    except IntegrityError:  # a concurrent check recorded them a moment ago
        pass
    stale = NonArticlePage.objects.filter(source_id=source_id).order_by("-seen_at").values_list("pk", flat=True)
    old = list(stale[NON_ARTICLES_KEPT : NON_ARTICLES_KEPT + 500])
    if old:
        NonArticlePage.objects.filter(pk__in=old).delete()
