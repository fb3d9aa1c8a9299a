"""Politeness and robots.txt shared by every worker, kept in the database.

``DatabasePoliteness`` implements the pipeline's ``Politeness`` protocol with
the ``Host`` and ``HostSlot`` tables: taking a slot is one short transaction
that locks the host's row (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's
``BEGIN IMMEDIATE`` serialises writers), drops expired slots, and grants a new
one only if fewer than ``per_host`` are in flight, the gap (or Crawl-delay)
since the host's ``last_request_at`` has passed and its ``next_allowed_at``
(a Retry-After pause) has come.
So the limits hold across threads, processes and machines. A slot expires by
itself (``lease``), so a worker killed mid-request blocks nothing for long;
recovery frees a dead worker's slots at once. Because a busy process may send
a request a while after its slot was granted, a grant used late is given back
and asked for again, and the time a request really left is written back when
its slot is freed: the gap holds between requests as the host sees them.

``DatabaseRobotsCache`` keeps each origin's robots.txt in ``RobotsFile``.
"""

from __future__ import annotations

import asyncio
import random
import time
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from asgiref.sync import sync_to_async
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from khabar.pipeline.politeness import HostPaused, too_long_to_wait
from khabar.pipeline.robots import RobotsRecord
from khabar.sources.models import Host, HostSlot, RobotsFile

FULL_HOST_RETRY = 0.05  # seconds between looks when a host has all its slots in flight
LATE_GRANT, LATE_GRANT_SHARE = 0.05, 0.1  # a grant used later than max(these) (seconds, share of the gap) is void


def _locked_host(name: str) -> Host:
    host = Host.objects.select_for_update().filter(name=name).first()
    if host is not None:
        return host
    try:
        with transaction.atomic():
            return Host.objects.create(name=name)
    except IntegrityError:  # another worker created it a moment ago
        return Host.objects.select_for_update().get(name=name)


def reserve_slot(name: str, *, per_host: int, gap: float, holder: str, lease: float) -> tuple[int | None, float]:
    """(slot id, grant time as Unix time) when granted, else (None, seconds to wait before asking again)."""
    with transaction.atomic():
        host = _locked_host(name)
        now = timezone.now()
        not_before = host.next_allowed_at
        if host.last_request_at is not None:
            not_before = max(not_before, host.last_request_at + timedelta(seconds=gap))
        if not_before > now:
            return None, (not_before - now).total_seconds()
        if HostSlot.objects.filter(host=host, expires_at__gt=now).count() >= per_host:
            HostSlot.objects.filter(host=host, expires_at__lte=now).delete()  # tidy up while waiting anyway
            return None, FULL_HOST_RETRY
        slot = HostSlot.objects.create(
            host=host, holder=holder, taken_at=now, expires_at=now + timedelta(seconds=lease)
        )
        Host.objects.filter(pk=host.pk).update(last_request_at=now, requests=F("requests") + 1)
        return slot.pk, now.timestamp()


def free_slot(slot_id: int, name: str, pause: float, sent_at: datetime | None = None) -> None:
    with transaction.atomic():
        HostSlot.objects.filter(pk=slot_id).delete()
        if sent_at is not None:  # sent later than granted (a busy process): the next gap counts from then
            Host.objects.filter(name=name, last_request_at__lt=sent_at).update(last_request_at=sent_at)
        if pause > 0:  # Retry-After
            until = timezone.now() + timedelta(seconds=pause)
            Host.objects.filter(name=name, next_allowed_at__lt=until).update(
                next_allowed_at=until, pause_reason=f"Retry-After {pause:.0f} s"
            )


class DatabasePoliteness:
    """Per-host limits for every worker on every machine (see the module docstring)."""

    def __init__(self, *, per_host: int, min_gap: float, holder: str, lease: float):
        self.per_host, self.min_gap, self.holder, self.lease = max(1, per_host), min_gap, holder, lease
        self._slots: dict[str, list[int]] = {}

    async def acquire(self, host: str, *, min_gap: float = 0.0) -> float:
        gap = max(self.min_gap, min_gap)
        waited, voided = 0.0, 0
        while True:
            slot, wait = await sync_to_async(reserve_slot)(
                host, per_host=self.per_host, gap=gap, holder=self.holder, lease=self.lease
            )
            if slot is not None:
                late = time.time() - wait  # ``wait`` is the grant time here
                if gap > 0 and late > max(LATE_GRANT, LATE_GRANT_SHARE * gap) and voided < 3:
                    # A busy process got the grant late: sent now, the request would come too soon after the
                    # next one granted on time. The slot is given back (still counting as a request) and asked again.
                    voided += 1
                    await sync_to_async(free_slot)(slot, host, 0.0)
                    continue
                self._slots.setdefault(host, []).append(slot)
                return waited
            if too_long_to_wait(wait, gap):
                raise HostPaused(host, wait)
            wait = max(wait, 0.001) + random.uniform(0, 0.01)  # noqa: S311 - spreads waiters, not security
            await asyncio.sleep(wait)
            waited += wait

    async def release(self, host: str, *, pause: float = 0.0, sent_at: float | None = None) -> None:
        slots = self._slots.get(host)
        if slots:
            sent = datetime.fromtimestamp(sent_at, tz=dt_timezone.utc) if sent_at is not None else None
            await sync_to_async(free_slot)(slots.pop(), host, pause, sent)


class DatabaseRobotsCache:
    async def load(self, origin: str) -> RobotsRecord | None:
        return await sync_to_async(load_robots)(origin)

    async def save(self, origin: str, record: RobotsRecord) -> None:
        await sync_to_async(save_robots)(origin, record)


def load_robots(origin: str) -> RobotsRecord | None:
    row = RobotsFile.objects.filter(origin=origin[:300]).first()
    if row is None:
        return None
    return RobotsRecord(row.status, row.text, row.fetched_at.timestamp(), row.error, row.error_kind)


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
