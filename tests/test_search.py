"""Search: folding (ZWNJ/space, Arabic letters, digits), ranking, filters, pagination, snippets, indexing.

Runs on SQLite (FTS5) and PostgreSQL (tsvector), whichever KHABAR_DATABASE_URL selects.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import jdatetime
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from sitekit import ZWNJ, make_article, text_of

from khabar.news.models import Article
from khabar.news.signals import articles_stored
from khabar.pipeline.persian import display_digits as shown  # titles as readers see them
from khabar.search.backends import get_backend
from khabar.sources.models import Category, Feed


def result_titles(client, query: str, **params) -> list[str]:
    html = text_of(client.get("/search/", {"q": query, **params}))
    return [
        re.sub(r"</?mark>", "", t)
        for t in re.findall(r'<h2 class="item-title"><a href="/news/\d+/">(.*?)</a></h2>', html)
    ]


def test_backend_follows_the_database():
    expected = {"sqlite": "SqliteFtsBackend", "postgresql": "PostgresSearchBackend"}[connection.vendor]
    assert django_settings.KHABAR_SEARCH_BACKEND.endswith(expected)
    assert type(get_backend()).__name__ == expected


# --- folding --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_zwnj_space_and_joined_spellings_find_each_other(client, mehr, world):
    make_article(mehr, world, title="نیم‌فاصله", body_text=f"گزارش رسانه{ZWNJ}ها از نشست خبری")
    make_article(mehr, world, title="چسبیده", body_text="گزارش رسانهها از نشست خبری")
    make_article(mehr, world, title="با فاصله", body_text="گزارش رسانه ها از نشست خبری")
    make_article(mehr, world, title="بی‌ربط", body_text="گزارش ورزشی از مسابقه")
    for query in ("رسانه ها", f"رسانه{ZWNJ}ها", "رسانهها"):
        assert sorted(result_titles(client, query)) == sorted(["نیم‌فاصله", "چسبیده", "با فاصله"]), query


@pytest.mark.django_db
def test_arabic_letters_and_digits_fold(client, mehr, world):
    make_article(mehr, world, title="کتاب سال", body_text="جایزهٔ کتاب سال ۱۴۰۳ اهدا شد.")
    make_article(mehr, world, title="عربی", body_text="معرض الكتاب الدولي في 2024")
    assert result_titles(client, "كتاب سال") == ["کتاب سال"]  # Arabic kaf and yeh
    assert result_titles(client, "1403") == ["کتاب سال"]  # Persian digits in the text
    assert result_titles(client, "۲۰۲۴") == ["عربی"]


# --- ranking, filters, pagination ---------------------------------------------------------------


@pytest.mark.django_db
def test_relevance_and_recency(client, mehr, world):
    now = timezone.now()
    make_article(
        mehr, world, title="خبر عادی", body_text="در این خبر از تورم هم یاد شد.", published_at=now - timedelta(hours=1)
    )
    make_article(
        mehr,
        world,
        title="تورم ماهانه کاهش یافت",
        body_text="نرخ تورم ماهانه اعلام شد.",
        published_at=now - timedelta(hours=2),
    )
    make_article(mehr, world, title="تورم سال گذشته", body_text="گزارش تورم.", published_at=now - timedelta(days=400))
    titles = result_titles(client, "تورم")
    assert titles[0] == "تورم ماهانه کاهش یافت"  # in the headline, and recent
    assert titles.index("خبر عادی") < titles.index("تورم سال گذشته")  # a year-old headline loses to today's mention


@pytest.mark.django_db
def test_filters_by_category_outlet_and_jalali_dates(client, mehr, yjc, world):
    sport = Category.objects.get(slug="sports")
    tehran = lambda y, m, d: datetime(y, m, d, 9, 0, tzinfo=dt_timezone.utc)  # noqa: E731
    make_article(mehr, world, title="انتخابات مهر جهان", published_at=tehran(2024, 10, 18))  # ۲۷ مهر ۱۴۰۳
    make_article(yjc, world, title="انتخابات باشگاه جهان", published_at=tehran(2024, 10, 19))  # ۲۸ مهر ۱۴۰۳
    make_article(mehr, sport, title="انتخابات مهر ورزش", published_at=tehran(2024, 10, 25))  # ۴ آبان ۱۴۰۳
    assert len(result_titles(client, "انتخابات")) == 3
    assert sorted(result_titles(client, "انتخابات", category="world")) == ["انتخابات باشگاه جهان", "انتخابات مهر جهان"]
    assert sorted(result_titles(client, "انتخابات", source="mehr")) == ["انتخابات مهر جهان", "انتخابات مهر ورزش"]
    assert result_titles(client, "انتخابات", source="mehr", category="sports") == ["انتخابات مهر ورزش"]
    # Jalali dates, inclusive on both ends, in Persian or Latin digits
    assert result_titles(client, "انتخابات", **{"from": "۱۴۰۳/۰۷/۲۷", "to": "۱۴۰۳/۰۷/۲۷"}) == ["انتخابات مهر جهان"]
    assert sorted(result_titles(client, "انتخابات", **{"from": "1403/07/28"})) == [
        "انتخابات باشگاه جهان",
        "انتخابات مهر ورزش",
    ]
    assert sorted(result_titles(client, "انتخابات", to="۱۴۰۳/۰۷/۳۰")) == ["انتخابات باشگاه جهان", "انتخابات مهر جهان"]
    # the form shows what was chosen
    html = text_of(
        client.get("/search/", {"q": "انتخابات", "category": "world", "source": "mehr", "from": "۱۴۰۳/۰۷/۲۷"})
    )
    assert '<option value="world" selected>' in html and '<option value="mehr" selected>' in html
    assert 'value="۱۴۰۳/۰۷/۲۷"' in html and 'placeholder="۱۴۰۳/۰۷/۲۷"' in html


@pytest.mark.django_db
def test_unreadable_dates_are_reported_in_persian(client, mehr, world):
    make_article(mehr, world, title="انتخابات")
    html = text_of(client.get("/search/", {"q": "انتخابات", "from": "دیروز"}))
    assert "تاریخ «دیروز» در بخش «از تاریخ» خوانده نشد" in html
    assert "انتخابات</mark>" in html  # the search still ran, without that filter
    backwards = text_of(client.get("/search/", {"q": "انتخابات", "from": "۱۴۰۳/۰۸/۰۱", "to": "۱۴۰۳/۰۷/۰۱"}))
    assert "تاریخ آغاز بعد از تاریخ پایان است" in backwards


@pytest.mark.django_db
def test_pagination_keeps_the_query_and_filters(client, mehr, world):
    start = timezone.now()
    for i in range(45):
        make_article(mehr, world, title=f"واکسن {i:02d}", published_at=start - timedelta(hours=i))
    html = text_of(client.get("/search/", {"q": "واکسن", "category": "world"}))
    assert "۴۵ نتیجه" in html and "صفحهٔ ۱ از ۳" in html
    titles = result_titles(client, "واکسن", category="world")
    assert titles == [shown(f"واکسن {i:02d}") for i in range(20)]  # same relevance: newest first
    next_link = re.search(r'<a class="pager-next" rel="next" href="([^"]+)"', html).group(1)
    assert "page=2" in next_link and "category=world" in next_link and "q=" in next_link
    assert result_titles(client, "واکسن", category="world", page=2) == [shown(f"واکسن {i:02d}") for i in range(20, 40)]
    assert result_titles(client, "واکسن", category="world", page=3) == [shown(f"واکسن {i:02d}") for i in range(40, 45)]
    assert result_titles(client, "واکسن", category="world", page=99) == [shown(f"واکسن {i:02d}") for i in range(40, 45)]
    assert client.get("/search/", {"q": "واکسن", "page": "abc"}).status_code == 200


@pytest.mark.django_db
def test_highlighted_snippets_are_escaped(client, mehr, world):
    make_article(
        mehr,
        world,
        title="<b>نشست</b> رسانه‌ها",
        lead="خبر کوتاه.",
        body_text="جملهٔ نخست بی‌ربط است. در نشست امروز رسانهها و خبرنگاران حضور داشتند. جملهٔ آخر.",
    )
    html = text_of(client.get("/search/", {"q": "رسانه ها"}))
    assert "&lt;b&gt;نشست&lt;/b&gt; <mark>رسانه‌ها</mark>" in html
    snippet = re.search(r'<p class="lead snippet" dir="auto">(.*?)</p>', html).group(1)
    assert "<mark>رسانهها</mark>" in snippet and "جملهٔ نخست" not in snippet


@pytest.mark.django_db
def test_empty_and_unmatched_queries(client, mehr, world):
    make_article(mehr, world, title="خبر")
    empty = text_of(client.get("/search/"))
    assert "عبارتی برای جست‌وجو بنویسید" in empty
    none = text_of(client.get("/search/", {"q": "زرافه‌های بنفش"}))
    assert "خبری با این عبارت" in none and "پیدا نشد" in none
    punctuation = text_of(client.get("/search/", {"q": "؟!"}))
    assert "واژه‌ای برای جست‌وجو ندارد" in punctuation
    assert '<meta name="robots" content="noindex, follow">' in empty


@pytest.mark.django_db
def test_search_box_on_every_page(client, mehr, world):
    article = make_article(mehr, world)
    for url in ("/", "/category/world/", article.get_absolute_url(), "/latest/", "/source/mehr/", "/about/", "/top/"):
        html = text_of(client.get(url))
        assert '<form class="site-search" role="search" method="get" action="/search/">' in html, url
        assert '<label class="visually-hidden" for="site-search-q">' in html


# --- indexing --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_articles_stored_signal_indexes_new_articles(client, mehr, world):
    rows = Article.objects.bulk_create(
        [
            Article(
                source=mehr,
                category=world,
                url=f"https://x.ir/{i}",
                title=f"زلزله در استان {i}",
                published_at=timezone.now(),
            )
            for i in range(3)
        ]
    )  # bulk_create sends no post_save, like the crawler's storage
    assert result_titles(client, "زلزله") == []
    from django.core.cache import cache

    articles_stored.send_robust(sender=Feed, article_ids=[a.pk for a in rows])
    cache.clear()
    assert len(result_titles(client, "زلزله")) == 3


@pytest.mark.django_db
def test_hidden_articles_leave_the_index(client, mehr, world):
    article = make_article(mehr, world, title="خبر حذفی")
    assert result_titles(client, "حذفی") == ["خبر حذفی"]
    article.hidden = True
    article.save()
    assert result_titles(client, "حذفی") == []
    article.hidden = False
    article.save()
    assert result_titles(client, "حذفی") == ["خبر حذفی"]
    article.delete()
    assert get_backend().count_indexed() == 0


@pytest.mark.django_db
def test_rebuild_command(client, mehr, world, capsys):
    rows = Article.objects.bulk_create(
        [
            Article(source=mehr, category=world, url=f"https://y.ir/{i}", title=f"سیل {i}", published_at=timezone.now())
            for i in range(4)
        ]
        + [
            Article(
                source=mehr,
                category=world,
                url="https://y.ir/h",
                title="سیل پنهان",
                published_at=timezone.now(),
                hidden=True,
            )
        ]
    )
    assert len(rows) == 5
    call_command("rebuild_search_index")
    assert "Indexed 4 articles" in capsys.readouterr().out
    assert get_backend().count_indexed() == 4
    assert len(result_titles(client, "سیل")) == 4


@pytest.mark.django_db
def test_ranking_looks_at_the_newest_matches_and_dates_reach_older_ones(client, mehr, world, monkeypatch):
    start = timezone.now()
    old = make_article(mehr, world, title="سد کرج پر شد", published_at=start - timedelta(days=300))
    newer = [make_article(mehr, world, title=f"سد و آب {i}", published_at=start - timedelta(hours=i)) for i in range(3)]
    monkeypatch.setattr(get_backend(), "candidates", 3)
    titles = result_titles(client, "سد")
    assert old.title not in titles and len(titles) == 3  # only the 3 newest-stored matches are ranked
    day = timezone.localtime(old.published_at).date()
    jalali = jdatetime.date.fromgregorian(date=day).strftime("%Y/%m/%d")
    assert result_titles(client, "سد", to=jalali) == [old.title]  # a date filter reaches it
    assert all(shown(a.title) in titles for a in newer)


@pytest.mark.django_db
def test_a_results_page_costs_the_same_queries_for_3_or_20_rows_and_reads_only_the_bodys_start(
    client, mehr, world, settings
):
    from django.test.utils import CaptureQueriesContext

    from khabar.search.snippets import SCAN_CHARS

    def queries(q: str) -> int:
        with CaptureQueriesContext(connection) as seen:
            assert client.get("/search/", {"q": q}).status_code == 200
        return len(seen.captured_queries)

    settings.KHABAR_PAGE_CACHE_SECONDS = 0
    start = timezone.now()
    for i in range(3):
        make_article(mehr, world, title=f"کم {i}", published_at=start - timedelta(hours=i))
    for i in range(25):
        make_article(mehr, world, title=f"بسیار {i}", published_at=start - timedelta(hours=i))
    queries("کم")  # sidebar lists cached
    few = queries("کم")
    assert few and queries("بسیار") == few
    far = "جمله‌ای بی‌ربط. " * (SCAN_CHARS // 10) + "اینجا واژهٔ زرافه آمده است."
    make_article(mehr, world, title="خبر دور", lead="آغاز خبر.", body_text=far)
    make_article(mehr, world, title="خبر نزدیک", lead="آغاز خبر.", body_text="اینجا واژهٔ زرافه آمده است. " + far)
    html = text_of(client.get("/search/", {"q": "زرافه"}))
    snippets = re.findall(r'<p class="lead snippet" dir="auto">(.*?)</p>', html)
    assert sorted(snippets) == sorted(["آغاز خبر.", "اینجا واژهٔ <mark>زرافه</mark> آمده است."])
    with CaptureQueriesContext(connection) as seen:
        client.get("/search/", {"q": "زرافه"})
    assert not any('"body_html"' in q["sql"] for q in seen.captured_queries)  # long columns never loaded


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's span of newest ids")
def test_postgresql_spans_of_newest_ids_give_the_same_answer(client, mehr, yjc, world, monkeypatch):
    """Every match read, or only those above an id floor (widened when it holds fewer than the
    candidates, down to every match): the same ids, order and count."""
    from khabar.search.backends.base import SearchFilters
    from khabar.search.backends.postgres import PostgresSearchBackend

    start = timezone.now()
    articles = [
        make_article(mehr if i % 2 else yjc, world, title=f"سیل در استان {i}", published_at=start - timedelta(hours=i))
        for i in range(8)
    ]
    articles.append(make_article(mehr, Category.objects.get(slug="sports"), title="سیل ورزشی", published_at=start))
    ids = sorted(a.pk for a in articles)
    backend = get_backend()
    monkeypatch.setattr(backend, "candidates", 4)
    monkeypatch.setattr(PostgresSearchBackend, "_table_estimate", lambda self, cursor: (100.0, ids[0], ids[-1]))
    world_only = SearchFilters(category_id=world.pk)

    def answers(floor):
        monkeypatch.setattr(PostgresSearchBackend, "_span_floor", lambda self, *args: floor)
        return [
            (hits.ids, hits.total)
            for hits in (
                backend.search(["سیل"], SearchFilters(), 0, 3, start),
                backend.search(["سیل"], SearchFilters(), 3, 3, start),
                backend.search(["سیل"], world_only, 0, 20, start),
            )
        ]

    every_match = answers(None)
    assert [len(ids) for ids, _ in every_match] == [3, 1, 4]  # 4 candidates are ranked
    assert [total for _, total in every_match] == [9, 9, 8]  # all matches are counted
    for floor in (ids[-1], ids[-2], ids[-4], ids[-6], ids[0]):  # none, 1, 3, 5 and 8 ids above it
        assert answers(floor) == every_match, floor
    with connection.cursor() as cursor:  # the plan settings ended with the search (in the test's transaction)
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone()[0] == "on"
