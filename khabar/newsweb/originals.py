"""Outlets that change their articles after publishing them (what ``khabar.originals`` watches).

Script per outlet, applied to every article of that outlet at its own age (seconds after its
publication): ``NewsWeb(originals={"ava": ["headline@3600", "404@86400"]})``,
``web.originals.set("ava", [...])`` while running, or ``--originals ava=headline@3600`` on the
command line. A change is ``KIND@AGE``:

* ``headline``: the headline gets a new ending (its slug, and so its canonical URL, follow: the
  old address answers 301 to the new one, as CMSs do);
* ``paragraph``: the second paragraph (the first when there is one) is rewritten;
* ``correction``: a correction line is added at the end of the text;
* ``404``: the page answers 404; ``homepage``: it answers 302 to the homepage; ``soft-404``: it
  answers 200 with the outlet's "not found" page;
* ``noise``: from then on, every answer carries page furniture that changes from one request to
  the next as paragraphs of the article's text: a relative time («۱۲ دقیقه پیش»), a rotating
  ad line and an «اخبار مرتبط» line: none of it an edit;
* ``timeout``: the first request for the article at that age or later is never answered (the
  connection is dropped after ``HANG_SECONDS``); later requests are answered normally.

``changed_at(slug, item_id)`` says which changes a given article shows now (ground truth).
"""

from __future__ import annotations

import dataclasses
import itertools
import threading
from collections.abc import Iterable, Mapping

from khabar.newsweb.schedule import Publication

EDITS = ("headline", "paragraph", "correction")
REMOVALS = ("404", "homepage", "soft-404")
KINDS = (*EDITS, *REMOVALS, "noise", "timeout")
HANG_SECONDS = 8.0
HEADLINE_SUFFIX = " (به‌روزرسانی: جزئیات تازه)"
REWRITTEN = "این بند پس از انتشار بازنویسی شد و اکنون روایت دیگری از رویداد را بازگو می‌کند."
CORRECTION = "اصلاحیه: در نسخه نخست این خبر، نام یکی از مقام‌ها نادرست آمده بود که اصلاح شد."
_ADS = ("آگهی: خرید اقساطی خودرو با شرایط ویژه", "آگهی: بلیت ارزان سفرهای نوروزی", "آگهی: آموزش زبان آنلاین")


@dataclasses.dataclass(frozen=True)
class Change:
    kind: str
    at: float  # seconds after publication


def parse_change(text: str) -> Change:
    kind, _, at = text.strip().partition("@")
    if kind not in KINDS:
        raise ValueError(f"unknown change {kind!r}; known: {', '.join(KINDS)}")
    return Change(kind, float(at or 0))


def parse_originals_option(option: str) -> tuple[str, list[str]]:
    """``"ava=headline@3600,404@86400"`` -> ``("ava", ["headline@3600", "404@86400"])`` (validated)."""
    slug, _, changes = option.partition("=")
    items = [c for c in changes.split(",") if c.strip()]
    for item in items:
        parse_change(item)
    return slug.strip(), items


@dataclasses.dataclass
class Served:
    """What an article's page is at some age: the (possibly edited) publication, or how it is gone."""

    pub: Publication
    removal: str = ""  # one of REMOVALS
    hang: bool = False


class OutletOriginals:
    """The scripted changes of each outlet; safe to change while the news web runs."""

    def __init__(self, scripts: Mapping[str, Iterable[str]] | None = None):
        self._lock = threading.Lock()
        self._scripts: dict[str, tuple[Change, ...]] = {}
        self._hung: set[tuple[str, int, float]] = set()
        self._requests = itertools.count()
        for slug, changes in (scripts or {}).items():
            self.set(slug, changes)

    def set(self, slug: str, changes: Iterable[str] | None) -> None:
        parsed = tuple(parse_change(c) for c in changes or ())
        with self._lock:
            if parsed:
                self._scripts[slug] = parsed
            else:
                self._scripts.pop(slug, None)

    def script(self, slug: str) -> tuple[Change, ...]:
        with self._lock:
            return self._scripts.get(slug, ())

    def changed_at(self, slug: str, age: float) -> list[Change]:
        return [c for c in self.script(slug) if age >= c.at]

    def serve(self, pub: Publication, age: float) -> Served:
        """The article as its outlet shows it ``age`` seconds after publication."""
        served = Served(pub)
        for change in self.changed_at(pub.outlet, age):
            if change.kind == "headline":
                served.pub = dataclasses.replace(served.pub, title=pub.title + HEADLINE_SUFFIX)
            elif change.kind == "paragraph":
                paragraphs = list(served.pub.paragraphs)
                paragraphs[1 if len(paragraphs) > 1 else 0] = REWRITTEN
                served.pub = dataclasses.replace(served.pub, paragraphs=tuple(paragraphs))
            elif change.kind == "correction":
                served.pub = dataclasses.replace(served.pub, paragraphs=(*served.pub.paragraphs, CORRECTION))
            elif change.kind in REMOVALS:
                served.removal = change.kind
            elif change.kind == "noise":
                n = next(self._requests)
                first, *rest = served.pub.paragraphs or ("",)
                noisy = (f"{n % 50 + 1} دقیقه پیش", first, _ADS[n % len(_ADS)], *rest, f"اخبار مرتبط: گزارش شماره {n}")
                served.pub = dataclasses.replace(served.pub, paragraphs=noisy)
            elif change.kind == "timeout":
                key = (pub.outlet, pub.item_id, change.at)
                with self._lock:
                    if key not in self._hung:
                        self._hung.add(key)
                        served.hang = True
        return served
