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
machines, and a batch of feeds costs a few transactions, not two per request: what piles up
(grants asked for and given back, on any number of hosts) is written together, in a fixed number
of queries (``keep_books``). A grant expires by itself (``hold + lease``), so a worker killed mid-request blocks the
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
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from asgiref.sync import sync_to_async
from django.db import IntegrityError, connections, transaction
from django.utils import timezone

from khabar.pipeline.politeness import HostPaused, LocalPoliteness, too_long_to_wait
from khabar.pipeline.robots import RobotsRecord
from khabar.sources.models import Host, HostSlot, RobotsFile

log = logging.getLogger("khabar.fetch")

GRANT_SECONDS = 10.0  # a crawl sends to a host this long on one grant, then renews it (one transaction)
IDLE_RELEASE = 0.5  # seconds a grant is kept after the host's last request ended, for the crawl's next one
HELD_HOST_RETRY = 0.25  # seconds between looks while another crawl holds the host
_instances = itertools.count(1)


def take_host(name: str, *, gap: float, holder: str, hold: float, lease: float) -> tuple[int | None, float]:
    """(grant id, 0) when ``holder`` may send to ``name`` for ``hold`` seconds (a grant it holds is
    renewed), else (None, seconds to wait before asking again)."""
    return keep_books([(name, gap)], [], holder=holder, hold=hold, lease=lease)[0]


@dataclass
class GrantReturn:
    host: str
    grant_id: int
    requests: int  # sent on the grant
    last_sent: datetime | None  # when the last of them really left


def give_back_hosts(returns: list[GrantReturn]) -> None:
    """Free grants, adding their requests to ``Host.requests`` and moving ``last_request_at`` forward."""
    keep_books([], returns, holder="", hold=0.0, lease=0.0)


class _NewHosts(Exception):  # noqa: N818 - not an error: hosts to create before the transaction is tried again
    def __init__(self, names: list[str]):
        self.names = names


def keep_books(
    takes: list[tuple[str, float]], returns: list[GrantReturn], *, holder: str, hold: float, lease: float
) -> list[tuple[int | None, float]]:
    """One transaction for a crawl's pending bookkeeping: ``returns`` given back, then each (host, gap) of
    ``takes`` asked for (``take_host``'s answers, in order).

    A fixed number of queries whatever the number of hosts: every host row concerned is locked in one
    ``SELECT … FOR UPDATE`` in name order (two crawls doing this at once cannot deadlock), their grants
    read in one query, then grants deleted, renewed and inserted, and the hosts' times written, a
    statement each. Hosts never seen before are created first, outside the transaction (no row lock is
    held while waiting for another worker creating the same host), and the transaction tried again."""
    for _ in range(3):
        try:
            with transaction.atomic():
                return _keep_books(takes, returns, holder=holder, hold=hold, lease=lease)
        except _NewHosts as new:
            Host.objects.bulk_create([Host(name=name) for name in new.names], ignore_conflicts=True)
    raise RuntimeError(f"hosts {sorted({name for name, _ in takes})} keep disappearing")


def _keep_books(
    takes: list[tuple[str, float]], returns: list[GrantReturn], *, holder: str, hold: float, lease: float
) -> list[tuple[int | None, float]]:
    names = sorted({name for name, _ in takes} | {back.host for back in returns})
    hosts = {
        name: [pk, last, not_before]
        for name, pk, last, not_before in Host.objects.select_for_update()
        .filter(name__in=names)
        .order_by("name")
        .values_list("name", "pk", "last_request_at", "next_allowed_at")
    }
    new = sorted({name for name, _ in takes if name not in hosts})
    if new:
        raise _NewHosts(new)
    now = timezone.now()
    if returns:
        _give_back(returns, hosts)
    if not takes:
        return []
    slots: dict[int, list[tuple[int, str, datetime]]] = defaultdict(list)
    held = HostSlot.objects.filter(host_id__in={hosts[name][0] for name, _ in takes})
    for pk, host_id, by, expires_at in held.values_list("pk", "host_id", "holder", "expires_at"):
        slots[host_id].append((pk, by, expires_at))
    expires = now + timedelta(seconds=hold + lease)  # ``lease`` covers a request sent at the end of ``hold``
    answers: list[tuple[int | str | None, float]] = []  # a host name: the grant inserted below
    renewed: list[int] = []
    dead: list[int] = []
    granted: dict[str, HostSlot] = {}
    for name, gap in takes:
        host_id, last, not_before = hosts[name]
        if name in granted:  # asked twice in one go: the grant just given
            answers.append((name, 0.0))
            continue
        live = [(pk, by) for pk, by, until in slots[host_id] if until > now]
        mine = [pk for pk, by in live if by == holder]
        if len(mine) < len(live):  # another crawl holds the host
            answers.append((None, HELD_HOST_RETRY))
            continue
        if last is not None and not mine:
            not_before = max(not_before, last + timedelta(seconds=gap))
        if not_before > now:
            answers.append((None, (not_before - now).total_seconds()))
            continue
        if mine:
            renewed.append(mine[0])
            answers.append((mine[0], 0.0))
            continue
        dead += [pk for pk, _, until in slots[host_id] if until <= now]  # holders that died
        granted[name] = HostSlot(host_id=host_id, holder=holder, taken_at=now, expires_at=expires)
        answers.append((name, 0.0))
    if dead:
        HostSlot.objects.filter(pk__in=dead).delete()
    if renewed:
        HostSlot.objects.filter(pk__in=renewed).update(expires_at=expires)
    if granted:
        HostSlot.objects.bulk_create(granted.values())
        for slot in granted.values():
            if slot.pk is None:  # a database that does not return the new rows' keys
                slot.save()
        # until the real last request is written back
        Host.objects.filter(pk__in=[slot.host_id for slot in granted.values()]).update(last_request_at=now)
    return [(granted[grant].pk, wait) if isinstance(grant, str) else (grant, wait) for grant, wait in answers]


def _give_back(returns: list[GrantReturn], hosts: dict[str, list]) -> None:
    """Delete the grants; add their requests to the hosts and move ``last_request_at`` forward (one
    statement executed for every host; also in ``hosts``, for the takes that follow)."""
    HostSlot.objects.filter(pk__in=[back.grant_id for back in returns]).delete()
    connection = connections[Host.objects.db]
    quote = connection.ops.quote_name
    table, last, key = quote(Host._meta.db_table), quote("last_request_at"), quote(Host._meta.pk.column)
    sent, counted = [], []
    for back in returns:
        row = hosts.get(back.host)
        if row is None:  # the host was deleted (its grants with it)
            continue
        if back.last_sent is None:
            counted.append([back.requests, row[0]])
            continue
        if row[1] is None or row[1] < back.last_sent:
            row[1] = back.last_sent
        when = connection.ops.adapt_datetimefield_value(back.last_sent)
        sent.append([back.requests, when, when, row[0]])
    with connection.cursor() as cursor:
        if sent:
            cursor.executemany(
                f"UPDATE {table} SET {quote('requests')} = {quote('requests')} + %s, {last} = CASE WHEN "
                f"{last} IS NULL OR {last} < %s THEN %s ELSE {last} END WHERE {key} = %s",
                sent,
            )
        if counted:
            cursor.executemany(
                f"UPDATE {table} SET {quote('requests')} = {quote('requests')} + %s WHERE {key} = %s",
                counted,
            )


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


# (database alias, origin) -> the record read or written last, while fresh; the oldest dropped first
# beyond ROBOTS_MEMORY_CHARS of robots.txt text (a file may be 500 KiB).
_robots_memory: dict[tuple[str, str], RobotsRecord] = {}
_robots_memory_chars = 0
_robots_memory_lock = threading.Lock()  # the crawl threads of one process share it
ROBOTS_MEMORY_CHARS = 20_000_000


def remembered_robots(origin: str) -> RobotsRecord | None:
    """The record of ``origin`` this process read or wrote, if still fresh (no query)."""
    record = _robots_memory.get((RobotsFile.objects.db, origin[:300]))
    return record if record is not None and record.is_fresh(time.time()) else None


def remember_robots(origin: str, record: RobotsRecord) -> None:
    global _robots_memory_chars
    key = (RobotsFile.objects.db, origin[:300])
    with _robots_memory_lock:
        old = _robots_memory.pop(key, None)
        _robots_memory_chars += len(record.text) - (len(old.text) if old is not None else 0)
        _robots_memory[key] = record
        while _robots_memory_chars > ROBOTS_MEMORY_CHARS and _robots_memory:
            _robots_memory_chars -= len(_robots_memory.pop(next(iter(_robots_memory))).text)


def forget_robots() -> None:
    """Drop the robots.txt records kept in memory (tests: the database is rolled back between them)."""
    global _robots_memory_chars
    with _robots_memory_lock:
        _robots_memory.clear()
        _robots_memory_chars = 0


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
