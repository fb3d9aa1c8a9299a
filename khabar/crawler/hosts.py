"""Politeness and robots.txt shared by every worker, kept in the database.

``DatabasePoliteness`` implements the pipeline's ``Politeness`` protocol with the
``Host`` and ``HostSlot`` tables, without a database write per request: a crawl (one
``Fetcher``) first takes a *grant* on a host, a ``HostSlot`` row held by it alone, in one
short transaction that locks the host's row (``SELECT … FOR UPDATE`` on PostgreSQL;
SQLite's ``BEGIN IMMEDIATE`` serialises writers). A grant is given only when no other
crawl holds a live one, the gap (or Crawl-delay) since the host's ``last_request_at`` has
passed and its ``next_allowed_at`` (a Retry-After pause) has come. While it holds the
grant, the crawl keeps the per-host limits in memory (``LocalPoliteness``: at most
``per_host`` requests at once, the gap between two), renews the grant every
``GRANT_SECONDS`` while it still uses the host, and gives it back once the host has been
idle for ``IDLE_RELEASE`` seconds (or when the fetcher closes), writing the time of its
last request and how many it sent. So the limits hold across threads, processes and
machines, and a batch of feeds on one host costs two transactions, not two per request.
A grant expires by itself (``hold + lease``), so a worker killed mid-request blocks the
host for a while at most; recovery frees a dead worker's grants at once. A Retry-After
pause is written at once, for every worker to see.

``DatabaseRobotsCache`` keeps each origin's robots.txt in ``RobotsFile``, and the fresh
ones in this process's memory too.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import random
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from asgiref.sync import sync_to_async
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from khabar.pipeline.politeness import HostPaused, LocalPoliteness, too_long_to_wait
from khabar.pipeline.robots import RobotsRecord
from khabar.sources.models import Host, HostSlot, RobotsFile

log = logging.getLogger("khabar.fetch")

GRANT_SECONDS = 10.0  # a crawl sends to a host this long on one grant, then renews it (one transaction)
IDLE_RELEASE = 0.5  # seconds a grant is kept after the host's last request ended, for the crawl's next one
HELD_HOST_RETRY = 0.25  # seconds between looks while another crawl holds the host
_instances = itertools.count(1)


def _locked_host(name: str) -> Host:
    host = Host.objects.select_for_update().filter(name=name).first()
    if host is not None:
        return host
    try:
        with transaction.atomic():
            return Host.objects.create(name=name)
    except IntegrityError:  # another worker created it a moment ago
        return Host.objects.select_for_update().get(name=name)


def take_host(name: str, *, gap: float, holder: str, hold: float, lease: float) -> tuple[int | None, float]:
    """(grant id, 0) when ``holder`` may send to ``name`` for ``hold`` seconds (a grant it holds is
    renewed), else (None, seconds to wait before asking again)."""
    with transaction.atomic():
        return _take(name, gap=gap, holder=holder, hold=hold, lease=lease)


def _take(name: str, *, gap: float, holder: str, hold: float, lease: float) -> tuple[int | None, float]:
    host = _locked_host(name)
    now = timezone.now()
    live = list(HostSlot.objects.filter(host=host, expires_at__gt=now).values_list("pk", "holder"))
    mine = [pk for pk, by in live if by == holder]
    if len(mine) < len(live):  # another crawl holds the host
        return None, HELD_HOST_RETRY
    not_before = host.next_allowed_at
    if host.last_request_at is not None and not mine:
        not_before = max(not_before, host.last_request_at + timedelta(seconds=gap))
    if not_before > now:
        return None, (not_before - now).total_seconds()
    expires = now + timedelta(seconds=hold + lease)  # ``lease`` covers a request sent at the end of ``hold``
    if mine:
        HostSlot.objects.filter(pk=mine[0]).update(expires_at=expires)
        return mine[0], 0.0
    HostSlot.objects.filter(host=host, expires_at__lte=now).delete()  # holders that died
    grant = HostSlot.objects.create(host=host, holder=holder, taken_at=now, expires_at=expires)
    Host.objects.filter(pk=host.pk).update(last_request_at=now)  # until the real last request is written back
    return grant.pk, 0.0


@dataclass
class GrantReturn:
    host: str
    grant_id: int
    requests: int  # sent on the grant
    last_sent: datetime | None  # when the last of them really left


def give_back_hosts(returns: list[GrantReturn]) -> None:
    """Free grants, adding their requests to ``Host.requests`` and moving ``last_request_at`` forward."""
    with transaction.atomic():
        for back in returns:
            _give_back(back)


def _give_back(back: GrantReturn) -> None:
    HostSlot.objects.filter(pk=back.grant_id).delete()
    changes: dict = {"requests": F("requests") + back.requests}
    if back.last_sent is not None:
        when = Value(back.last_sent)
        changes["last_request_at"] = Greatest(Coalesce(F("last_request_at"), when), when)
    Host.objects.filter(name=back.host).update(**changes)


def keep_books(
    takes: list[tuple[str, float]], returns: list[GrantReturn], *, holder: str, hold: float, lease: float
) -> list[tuple[int | None, float]]:
    """One transaction for a crawl's pending bookkeeping: ``returns`` given back, then each (host, gap) of
    ``takes`` asked for (``take_host``'s answers, in order). Rows are locked in host-name order, so two
    crawls doing this at once cannot deadlock."""
    steps = sorted([(back.host, 0, back) for back in returns] + [(name, 1, gap) for name, gap in takes])
    answers: dict[str, tuple[int | None, float]] = {}
    with transaction.atomic():
        for name, is_take, value in steps:
            if is_take:
                answers[name] = _take(name, gap=value, holder=holder, hold=hold, lease=lease)
            else:
                _give_back(value)
    return [answers[name] for name, _ in takes]


def pause_host(name: str, pause: float) -> None:
    """Retry-After: no worker contacts ``name`` for ``pause`` seconds."""
    until = timezone.now() + timedelta(seconds=pause)
    Host.objects.filter(name=name, next_allowed_at__lt=until).update(
        next_allowed_at=until, pause_reason=f"Retry-After {pause:.0f} s"
    )


@dataclass
class _Grant:
    grant_id: int
    use_until: float  # time.monotonic(): renewed after this
    in_flight: int = 0
    sent: int = 0
    last_sent: float | None = None  # Unix time
    idle_since: float = 0.0  # time.monotonic()


def _when(unix: float | None) -> datetime | None:
    return datetime.fromtimestamp(unix, tz=dt_timezone.utc) if unix is not None else None


class DatabasePoliteness:
    """Per-host limits for every worker on every machine (see the module docstring).

    Grants are asked for and given back through one queue: what piles up while a transaction runs
    goes into the next one (``keep_books``), so a batch of feeds on twenty hosts takes a few
    transactions, not forty."""

    def __init__(self, *, per_host: int, min_gap: float, holder: str, lease: float, hold: float = GRANT_SECONDS):
        self.per_host, self.min_gap, self.lease, self.hold = max(1, per_host), min_gap, lease, hold
        self.holder = f"{holder[:64]}#{next(_instances)}"  # each crawl its own holder: threads of one process too
        self._local = LocalPoliteness(self.per_host, min_gap)
        self._grants: dict[str, _Grant] = {}
        self._waiting: dict[str, int] = defaultdict(int)
        self._taking: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._takes: list[tuple[str, float, asyncio.Future]] = []
        self._returns: list[GrantReturn] = []
        self._books: asyncio.Task | None = None
        self._closed = False

    async def acquire(self, host: str, *, min_gap: float = 0.0) -> float:
        self._waiting[host] += 1  # a grant is not given back while a request waits for it
        waited = 0.0
        try:
            while True:
                waited += await self._granted(host, max(self.min_gap, min_gap))  # every other crawl's limits
                grant = self._grants[host]
                waited += await self._local.acquire(host, min_gap=min_gap)  # this crawl's own, in memory
                if self._grants.get(host) is grant and time.monotonic() < grant.use_until:
                    break
                await self._local.release(host)  # the grant ran out while waiting: renew it, then the gap again
        finally:
            self._waiting[host] -= 1
        grant.in_flight += 1
        grant.sent += 1
        return waited

    def _held(self, host: str) -> bool:
        grant = self._grants.get(host)
        return grant is not None and time.monotonic() < grant.use_until

    async def _granted(self, host: str, gap: float) -> float:
        if self._held(host):
            return 0.0
        waited = 0.0
        async with self._taking[host]:
            while not self._held(host):
                answer: asyncio.Future = asyncio.get_running_loop().create_future()
                self._takes.append((host, gap, answer))
                self._keep_books()
                wait = await answer
                if self._held(host):
                    break
                if too_long_to_wait(wait, gap):
                    raise HostPaused(host, wait)
                wait = max(wait, 0.001) + random.uniform(0, 0.01)  # noqa: S311 - spreads waiters, not security
                await asyncio.sleep(wait)
                waited += wait
        return waited

    def _keep_books(self) -> None:
        if self._books is None or self._books.done():
            self._books = asyncio.get_running_loop().create_task(self._write_books())

    async def _write_books(self) -> None:
        while self._takes or self._returns:
            takes, self._takes = self._takes, []
            returns, self._returns = self._returns, []
            try:
                answers = await sync_to_async(keep_books)(
                    [(host, gap) for host, gap, _ in takes],
                    returns,
                    holder=self.holder,
                    hold=self.hold,
                    lease=self.lease,
                )
            except Exception as exc:  # the requests waiting for a grant fail ("internal"); grants expire by themselves
                if returns:
                    log.exception("could not give back %d host grant(s)", len(returns))
                for _, _, answer in takes:
                    if not answer.done():
                        answer.set_exception(exc)
                continue
            for (host, _, answer), (grant_id, wait) in zip(takes, answers):
                if grant_id is not None:
                    self._record_grant(host, grant_id)
                if not answer.done():
                    answer.set_result(wait)

    def _record_grant(self, host: str, grant_id: int) -> None:
        grant = self._grants.get(host)
        if grant is None or grant.grant_id != grant_id:  # new, or ours was taken away (recovery)
            if grant is not None:
                self._returns.append(self._return_of(host, grant))
            grant = self._grants[host] = _Grant(grant_id, 0.0, idle_since=time.monotonic())
            if not self._closed:
                asyncio.get_running_loop().call_later(IDLE_RELEASE, self._release_if_idle, host, grant)
        grant.use_until = time.monotonic() + self.hold

    @staticmethod
    def _return_of(host: str, grant: _Grant) -> GrantReturn:
        return GrantReturn(host, grant.grant_id, grant.sent, _when(grant.last_sent))

    async def release(self, host: str, *, pause: float = 0.0, sent_at: float | None = None) -> None:
        await self._local.release(host, pause=pause, sent_at=sent_at)
        grant = self._grants.get(host)
        if grant is not None:
            grant.in_flight = max(0, grant.in_flight - 1)
            sent = sent_at if sent_at is not None else time.time()
            grant.last_sent = max(grant.last_sent or sent, sent)
            if grant.in_flight == 0:
                grant.idle_since = time.monotonic()
                asyncio.get_running_loop().call_later(IDLE_RELEASE, self._release_if_idle, host, grant)
        if pause > 0:
            await sync_to_async(pause_host)(host, pause)

    def _release_if_idle(self, host: str, grant: _Grant) -> None:
        idle = time.monotonic() - grant.idle_since >= IDLE_RELEASE * 0.9
        if self._closed or self._grants.get(host) is not grant or grant.in_flight or self._waiting[host] or not idle:
            return
        del self._grants[host]
        self._returns.append(self._return_of(host, grant))
        self._keep_books()

    async def close(self) -> None:
        """Give every grant back (the fetcher is done)."""
        self._closed = True
        if self._books is not None:
            await asyncio.gather(self._books, return_exceptions=True)
        self._returns += [self._return_of(host, grant) for host, grant in self._grants.items()]
        self._grants.clear()
        if self._returns:
            self._keep_books()
            await asyncio.gather(self._books, return_exceptions=True)


class DatabaseRobotsCache:
    """robots.txt records in ``RobotsFile``, with the fresh ones also kept in this process's memory
    (``_robots_memory``): a batch reads the database only for origins the process has no fresh record
    of. A record saved by another worker is seen once ours is no longer fresh, which is what a cached
    robots.txt means anyway (a day, or three minutes for one that could not be read)."""

    async def load(self, origin: str) -> RobotsRecord | None:
        record = remembered_robots(origin)
        if record is not None:
            return record
        return await sync_to_async(load_robots)(origin)

    async def save(self, origin: str, record: RobotsRecord) -> None:
        await sync_to_async(save_robots)(origin, record)


# (database alias, origin) -> the record read or written last, while fresh; bounded, oldest dropped first.
_robots_memory: dict[tuple[str, str], RobotsRecord] = {}
ROBOTS_MEMORY_SIZE = 10_000


def remembered_robots(origin: str) -> RobotsRecord | None:
    """The record of ``origin`` this process read or wrote, if still fresh (no query)."""
    record = _robots_memory.get((RobotsFile.objects.db, origin[:300]))
    return record if record is not None and record.is_fresh(time.time()) else None


def remember_robots(origin: str, record: RobotsRecord) -> None:
    key = (RobotsFile.objects.db, origin[:300])
    _robots_memory.pop(key, None)
    if len(_robots_memory) >= ROBOTS_MEMORY_SIZE:
        del _robots_memory[next(iter(_robots_memory))]
    _robots_memory[key] = record


def forget_robots() -> None:
    """Drop the robots.txt records kept in memory (tests: the database is rolled back between them)."""
    _robots_memory.clear()


def load_robots(origin: str) -> RobotsRecord | None:
    row = RobotsFile.objects.filter(origin=origin[:300]).first()
    if row is None:
        return None
    record = RobotsRecord(row.status, row.text, row.fetched_at.timestamp(), row.error, row.error_kind)
    remember_robots(origin, record)
    return record


def save_robots(origin: str, record: RobotsRecord) -> None:
    fetched_at = datetime.fromtimestamp(record.fetched_at, tz=dt_timezone.utc)
    defaults = {
        "status": record.status,
        "text": record.text,
        "fetched_at": fetched_at,
        "error": record.error[:2000],
        "error_kind": record.error_kind[:20],
    }
    try:
        with transaction.atomic():
            RobotsFile.objects.update_or_create(origin=origin[:300], defaults=defaults)
    except IntegrityError:  # saved by another worker at the same moment: theirs is as good
        pass
    remember_robots(origin, record)
