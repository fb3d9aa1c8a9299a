"""The text tools: what the crawler does to one saved page or text, on the command line, no database."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def cmd_extract(args) -> int:
    from khabar.pipeline.extract import extract_article

    if args.file == "-":
        content = sys.stdin.buffer.read()
    else:
        path = Path(args.file)
        if not path.is_file():
            print(f"khabar extract: چنین پرونده‌ای نیست: {path}", file=sys.stderr)
            return 2
        content = path.read_bytes()
    page = extract_article(content, args.url or "")
    print(json.dumps(page.as_json(), ensure_ascii=False, indent=2))
    return 0 if page.text else 1


def _read_input(command: str, name: str) -> bytes | None:
    """The bytes of FILE (``-``: standard input); None after printing a clear error."""
    if name == "-":
        return sys.stdin.buffer.read()
    path = Path(name)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        print(f"khabar {command}: چنین پرونده‌ای نیست: {path}", file=sys.stderr)
    except IsADirectoryError:
        print(f"khabar {command}: {path} پوشه است، نه صفحه‌ای ذخیره‌شده", file=sys.stderr)
    except OSError as exc:
        print(f"khabar {command}: {path} خوانده نشد: {exc.strerror or exc}", file=sys.stderr)
    return None


def _print_lines(lines: list[str]) -> None:
    sys.stdout.buffer.write("".join(f"{line}\n" for line in lines).encode("utf-8"))
    sys.stdout.flush()


def cmd_links(args) -> int:
    """The article links Khabar takes from a saved homepage or section page, one per line."""
    from khabar.pipeline.listing_links import find_article_links
    from khabar.pipeline.listing_page import parse_listing

    content = _read_input("links", args.file)
    if content is None:
        return 2
    page = parse_listing(content, args.url)
    found = find_article_links(page, known_articles=args.article or (), known_other=args.not_article or ())
    _print_lines(found.urls)
    if args.explain:
        for verdict in found.verdicts:
            mark = "برداشت" if verdict.accepted else "رها  "
            print(
                f"{mark} {verdict.score:6.2f}  {len(verdict.keys):4}  {verdict.shape.key}  ({verdict.reason})",
                file=sys.stderr,
            )
    return 0


def cmd_leads(args) -> int:
    """The article links a saved homepage gives prominence to, most prominent first."""
    from khabar.pipeline.stories.front_pages import prominent_links

    content = _read_input("leads", args.file)
    if content is None:
        return 2
    _print_lines(prominent_links(content, args.url, known_articles=args.article or (), limit=args.limit))
    return 0


def cmd_normalize(args) -> int:
    """Persian text from standard input to standard output, UTF-8."""
    from khabar.pipeline.persian import normalize_display, prepare_text
    from khabar.pipeline.search_keys import search_key
    from khabar.pipeline.zwnj import repair_zwnj

    step = {"display": normalize_display, "repair": repair_zwnj, "prepare": prepare_text, "search": search_key}[
        args.mode
    ]
    data = sys.stdin.buffer.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        print(f"khabar normalize: ورودی استاندارد UTF-8 نیست ({exc.reason}، بایت {exc.start})", file=sys.stderr)
        return 2
    sys.stdout.buffer.write("\n".join(step(line) for line in text.split("\n")).encode("utf-8"))
    return 0


def cmd_dates(args) -> int:
    from datetime import timezone

    from khabar.pipeline.dates import format_jalali, format_relative, parse_persian_datetime

    text = " ".join(args.text)
    when = parse_persian_datetime(text)
    if when is None:
        print(f"khabar dates: تاریخ یا ساعتی در {text!r} پیدا نشد", file=sys.stderr)
        return 1
    print(
        json.dumps(
            {
                "utc": when.astimezone(timezone.utc).isoformat(),
                "tehran": format_jalali(when),
                "relative": format_relative(when),
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    return 0


def cmd_cluster(args) -> int:
    from khabar.pipeline.stories.commands import run_cluster

    return run_cluster(args)


def cmd_eval_clusters(args) -> int:
    from khabar.pipeline.stories.commands import run_eval_clusters

    return run_eval_clusters(args)
