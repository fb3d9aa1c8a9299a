"""Fill a database with N articles made from the news web corpus, for the serving benchmark.

    .venv/bin/python bench/serving/generate.py --articles 100000 --data-dir var/bench-serving

Titles, bodies and dates are varied: each article takes an article of
``khabar/newsweb/data/articles.jsonl.gz`` (1,000 real Persian articles), appends words of
another title, mixes in sentences of two others, and gets a date spread over a year
(in id order, like articles stored as they are published). Outlets, views and comments are added so
that every box of every page has content. The search index is built at the end.
Idempotent: an existing database with enough articles is left as it is.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import sys
import time
from datetime import timedelta
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "khabar" / "newsweb" / "data" / "articles.jsonl.gz"
BATCH = 2000


def setup(data_dir: Path, database_url: str | None) -> None:
    os.environ["KHABAR_DATA_DIR"] = str(data_dir)
    if database_url:
        os.environ["KHABAR_DATABASE_URL"] = database_url
    else:
        os.environ.setdefault("KHABAR_DATABASE_URL", f"sqlite:///{data_dir / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khabar.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def load_corpus() -> list[dict]:
    with gzip.open(CORPUS, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def sentences(text: str) -> list[str]:
    parts = [p.strip() for p in text.replace("\n", ". ").split(". ")]
    return [p for p in parts if len(p) > 20]


def make_rows(n: int, start: int, total: int, corpus: list[dict], rng: random.Random, now, sources, categories) -> list:
    from khabar.news.models import Article

    rows = []
    for i in range(start, start + n):
        base = corpus[i % len(corpus)]
        other = corpus[rng.randrange(len(corpus))]
        extra = [rng.choice(sentences(corpus[rng.randrange(len(corpus))]["body"]) or [""]) for _ in range(2)]
        words = other["title"].split()
        title = f"{base['title']} {' '.join(words[: rng.randint(1, 3)])}"[:480]
        body_parts = sentences(base["body"])
        rng.shuffle(extra)
        body_parts[1:1] = extra
        body_text = "\n".join(body_parts)
        # A year of news stored as it was published: ids grow with time (a few hours of jitter).
        age = max(0.0, (total - 1 - i) / total * 365 + rng.uniform(-0.15, 0.15))
        source = sources[i % len(sources)]
        rows.append(
            Article(
                source_id=source.id,
                url=f"https://{source.slug}.bench.example/news/{i}",
                title=title,
                lead=(base.get("lead") or body_parts[0])[:600],
                body_text=body_text,
                body_html="".join(f"<p>{p}</p>" for p in body_parts),
                image_url=f"https://{source.slug}.bench.example/img/{i}.jpg" if i % 3 == 0 else "",
                published_at=now - timedelta(days=age),
                category_id=categories.get(base.get("category")) or categories["other"],
            )
        )
    return rows


def _keys(rows: list[tuple]) -> list[tuple]:
    from khabar.pipeline.search_keys import search_key

    return [
        (i, search_key(title), search_key(f"{lead}\n{body}"), published, cat, src)
        for i, title, lead, body, published, cat, src in rows
    ]


def build_index(processes: int) -> None:
    from django.db import transaction

    from khabar.news.models import Article
    from khabar.search.backends import get_backend
    from khabar.search.backends.base import IndexDocument

    backend = get_backend()
    backend._clear()
    fields = ("id", "title", "lead", "body_text", "published_at", "category_id", "source_id")
    last_id, done, started = 0, 0, time.monotonic()
    with Pool(processes) as pool:
        while True:
            batch = list(
                Article.objects.filter(id__gt=last_id).order_by("id").values_list(*fields)[: BATCH * processes]
            )
            if not batch:
                break
            last_id = batch[-1][0]
            chunks = [batch[k : k + 250] for k in range(0, len(batch), 250)]
            with transaction.atomic():
                for keyed in pool.imap(_keys, chunks):
                    backend._write(
                        [
                            IndexDocument(
                                article_id=i, published_at=p, category_id=c, source_id=s, title_key=t, body_key=b
                            )
                            for i, t, b, p, c, s in keyed
                        ]
                    )
            done += len(batch)
            print(f"  indexed {done} ({done / (time.monotonic() - started):.0f}/s)", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--data-dir", type=Path, default=ROOT / "var" / "bench-serving")
    parser.add_argument("--database-url", default=None, help="default: sqlite in --data-dir")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--seed", type=int, default=1403)
    parser.add_argument("--skip-index", action="store_true", help="no search index (page benchmarks only)")
    parser.add_argument("--index-only", action="store_true", help="(re)build the search index of an existing database")
    args = parser.parse_args()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    setup(args.data_dir.resolve(), args.database_url)
    if args.index_only:
        build_index(args.processes)
        return 0

    from django.db import transaction
    from django.utils import timezone

    from khabar.news.models import Article
    from khabar.site.models import ArticleDailyViews, Comment
    from khabar.sources.models import Category, Source

    have = Article.objects.count()
    if have >= args.articles:
        print(f"{have} articles already there; nothing to do.")
        return 0
    rng = random.Random(args.seed + have)
    corpus = load_corpus()
    names = sorted({row["source"] for row in corpus}) + [f"outlet{k}" for k in range(12)]
    sources = [
        Source.objects.get_or_create(
            slug=name[:100], defaults={"name": f"رسانهٔ {name}", "homepage": f"https://{name}.bench.example/"}
        )[0]
        for name in names[:24]
    ]
    categories = dict(Category.objects.values_list("slug", "id"))
    now = timezone.now()
    started = time.monotonic()
    for start in range(have, args.articles, BATCH):
        n = min(BATCH, args.articles - start)
        with transaction.atomic():
            Article.objects.bulk_create(
                make_rows(n, start, args.articles, corpus, rng, now, sources, categories), batch_size=500
            )
        print(f"  stored {start + n} ({(start + n - have) / (time.monotonic() - started):.0f}/s)", flush=True)

    recent = list(Article.objects.filter(published_at__gte=now - timedelta(days=7)).values_list("id", flat=True)[:5000])
    today = now.date()
    ArticleDailyViews.objects.all().delete()
    ArticleDailyViews.objects.bulk_create(
        [
            ArticleDailyViews(article_id=aid, day=today - timedelta(days=rng.randrange(7)), count=rng.randint(1, 500))
            for aid in rng.sample(recent, min(3000, len(recent)))
        ],
        ignore_conflicts=True,
    )
    Comment.objects.bulk_create(
        [
            Comment(
                article_id=rng.choice(recent),
                name="خواننده",
                text="نظری برای آزمون سرعت",
                approved=True,
                created_at=now - timedelta(hours=rng.randrange(150)),
            )
            for _ in range(1000)
        ]
    )
    from django.db import connection

    if connection.vendor == "postgresql":  # fresh planner statistics: without them one page took 5 x longer
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    if args.skip_index:
        print("search index skipped (--skip-index)")
    else:
        print("building the search index …", flush=True)
        build_index(args.processes)
        if connection.vendor == "postgresql":  # the index table's statistics too (the search plan reads them)
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE search_article_index")
    print(f"done: {Article.objects.count()} articles in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
