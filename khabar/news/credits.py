"""The credit chain of stored articles, with the outlets it names resolved to our sources.

An article stores the credit its text states (``Article.credit_reported_by``,
``credit_citing``, ``credit_place``, read by ``khabar.pipeline.attribution``).
For readers, a name is linked to that outlet's page on the site when we crawl
it: «فارس», «خبرگزاری فارس» and «خبرگزاري فارس» all mean the source named
«خبرگزاری فارس» (``khabar.pipeline.outlet_names``), else it stays plain text.

The reporter is only worth saying when it is another outlet than the article's
own («به گزارش خبرگزاری مهر» on Mehr's own page says nothing new).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from khabar.news.models import Article
from khabar.pipeline.outlet_names import OutletNames
from khabar.sources.models import Source


@dataclass(frozen=True)
class NamedOutlet:
    name: str  # as the credit writes it
    source: Source | None  # the source it means, when we crawl that outlet


@dataclass(frozen=True)
class ArticleCredit:
    reported_by: NamedOutlet | None  # another outlet the text credits as the reporter
    citing: NamedOutlet | None  # the outlet it cites («به نقل از …»)
    place: str

    @property
    def source_of_text(self) -> NamedOutlet | None:
        """The outlet the article took its text from: the one it cites, else another outlet's report."""
        return self.citing or self.reported_by


class SourceNames:
    """Every source by the names a credit may use for it (one query)."""

    def __init__(self):
        self.sources = {s.pk: s for s in Source.objects.only("pk", "name", "slug")}
        self.names = OutletNames((pk, s.name) for pk, s in self.sources.items())

    def named(self, name: str) -> NamedOutlet:
        pk = self.names.find(name)
        return NamedOutlet(name, self.sources.get(pk) if pk is not None else None)

    def credit(self, article: Article) -> ArticleCredit | None:
        """What the article's credit says beyond its own outlet; None when it says nothing more."""
        citing = self.named(article.credit_citing) if article.credit_citing else None
        if citing is not None and citing.source is not None and citing.source.pk == article.source_id:
            citing = None  # «به نقل از» its own outlet
        reported_by = self.named(article.credit_reported_by) if article.credit_reported_by else None
        if reported_by is not None and reported_by.source is not None and reported_by.source.pk == article.source_id:
            reported_by = None  # its own outlet
        if citing is None and reported_by is None:
            return None
        return ArticleCredit(reported_by, citing, article.credit_place if reported_by else "")


def article_credits(articles: Iterable[Article]) -> dict[int, ArticleCredit]:
    """Article id -> its credit beyond its own outlet, for the articles that have one."""
    articles = [a for a in articles if a.credit_citing or a.credit_reported_by]
    if not articles:
        return {}
    names = SourceNames()
    found = {a.pk: names.credit(a) for a in articles}
    return {pk: credit for pk, credit in found.items() if credit is not None}
