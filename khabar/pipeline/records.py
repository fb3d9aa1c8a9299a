"""Plain data passed between the pipeline's steps (no Django here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# What went wrong, in classes an operator can act on (``FetchResult.error_kind``, ``Feed.error_kind``).
ERROR_KINDS = {
    "dns": "DNS lookup failed",
    "tls": "TLS (certificate or handshake) failure",
    "timeout": "timed out",
    "connect": "connection failed or reset",
    "http": "HTTP error status",
    "antibot": "blocked by an anti-bot wall",
    "robots": "disallowed by robots.txt",
    "parse": "not a readable feed",
    "too_large": "response too large",
    "encoding": "bad or unsupported compression",
    "redirect": "too many redirects or a redirect loop",
    "blocked": "non-public address refused",
    "url": "invalid URL",
    "content_type": "unexpected content type",
    "internal": "a crawler error (a bug or a database failure), logged with its traceback",
}


# What is crawled (``Feed.kind``): an RSS/Atom/RDF feed, a Google News sitemap, or a listing page.
FEED_KINDS = ("rss", "news_sitemap", "listing")


@dataclass
class FetchResult:
    """What one HTTP GET produced. ``error`` is set instead of raising."""

    url: str
    final_url: str = ""
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes = b""
    error: str | None = None  # readable message, e.g. "HTTP 404 Not Found"
    error_kind: str | None = None  # one of ERROR_KINDS
    not_modified: bool = False
    elapsed: float = 0.0  # seconds spent on the network (waits for politeness not included)
    waited: float = 0.0  # seconds spent waiting for the host's turn (politeness)
    retry_after: float | None = None  # seconds the server asked us to wait (429/503 Retry-After)
    redirects: list[tuple[int, str]] = field(default_factory=list)  # (status, next URL) of each hop followed

    @property
    def moved_permanently(self) -> bool:
        """Every redirect followed was permanent (301/308): the address itself has moved."""
        return bool(self.redirects) and all(status in (301, 308) for status, _ in self.redirects)

    @property
    def ok(self) -> bool:
        return self.error is None and not self.not_modified

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass
class FeedItem:
    """One entry of a feed, as the feed describes it."""

    url: str
    title: str
    guid: str = ""
    summary_html: str = ""
    content_html: str = ""  # full content (content:encoded / atom:content) when the feed carries it
    published: datetime | None = None  # aware, UTC
    image_url: str = ""
    categories: list[str] = field(default_factory=list)
    author: str = ""
    # Taken from a listing page: stored only if its page shows itself an article (ExtractedPage.article_signs).
    needs_article_check: bool = False

    @property
    def has_full_text(self) -> bool:
        """True when the feed itself carries the article body (no page fetch needed)."""
        from khabar.pipeline.sanitize import html_to_text

        return len(html_to_text(self.content_html or "")) >= 400


@dataclass
class ParsedFeed:
    url: str
    title: str = ""
    link: str = ""
    items: list[FeedItem] = field(default_factory=list)
    error: str | None = None  # set when the feed could not be parsed at all
    warning: str | None = None  # recoverable problem (feedparser "bozo" but entries found)


@dataclass
class ExtractedPage:
    """Main content of an article page (what ``khabar extract`` prints)."""

    url: str = ""
    title: str = ""
    text: str = ""
    html: str = ""  # sanitized body HTML
    lead: str = ""
    published: datetime | None = None  # aware, UTC
    image: str = ""
    language: str = ""
    author: str = ""
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    # What says this page is one article: "og:type=article", "NewsArticle JSON-LD", "published time".
    article_signs: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "url": self.url,
            "title": self.title,
            "lead": self.lead,
            "text": self.text,
            "published": self.published.isoformat() if self.published else None,
            "image": self.image,
            "language": self.language,
            "author": self.author,
            "categories": self.categories,
            "tags": self.tags,
            "article_signs": self.article_signs,
        }


@dataclass
class ArticleRecord:
    """A store-ready article: normalized, sanitized, hashed."""

    url: str
    title: str
    lead: str
    body_text: str
    body_html: str
    image_url: str = ""
    published_at: datetime | None = None  # aware, UTC
    guid: str = ""
    category_hint: str = ""  # a category slug, or "" to take the feed's
    content_hash: str = ""
    extraction_error: str | None = None  # page could not be fetched/extracted; feed text used
    # The credit chain the text states (``attribution.article_credit``): «به گزارش X از P به نقل از Y».
    credit_reported_by: str = ""
    credit_citing: str = ""
    credit_place: str = ""


@dataclass
class FeedRefresh:
    """Everything one feed refresh produced, ready for storage."""

    feed_url: str
    fetch: FetchResult | None = None
    parsed: ParsedFeed | None = None
    records: list[ArticleRecord] = field(default_factory=list)
    new_items: list[FeedItem] = field(default_factory=list)  # items not stored yet
    errors: list[str] = field(default_factory=list)  # per-item problems (the feed itself was fine)
    deferred: int = 0  # new items whose page failed transiently: not stored, tried again next time
    non_articles: list[tuple[str, str]] = field(
        default_factory=list
    )  # (url, why) of listed pages that were not articles
    error: str | None = None  # the feed could not be fetched or parsed
    error_kind: str | None = None  # one of ERROR_KINDS
    etag: str = ""
    last_modified: str = ""
    not_modified: bool = False
