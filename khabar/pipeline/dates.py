"""Dates on Persian news pages: Jalali datelines in, aware UTC datetimes out, and back.

Persian sites print dates as Jalali (Solar Hijri) wall-clock time in Tehran, with
Persian, Arabic-Indic or Latin digits: ``۱۵:۴۴ - ۲۷ مهر ۱۴۰۰``, ``۱۴۰۰/۰۷/۲۷``,
``دوشنبه ۲۶ مهر ۱۴۰۰ ساعت ۱۰:۳۰``, ``1398/02/30 - 22:53``. Metadata is usually ISO 8601
or RFC 822. :func:`parse_persian_datetime` reads all of these; a time without an
offset is Tehran local time, interpreted with the tz database (``Asia/Tehran``: Iran
kept daylight saving time until 2022, so summer 2019 is UTC+4:30 and summer 2023
is UTC+3:30).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import jdatetime

from .letters import ARABIC_TO_PERSIAN, LATIN_DIGITS, ZWNJ
from .persian import INVISIBLE_JUNK_RE, to_persian_digits

TEHRAN = ZoneInfo("Asia/Tehran")

__all__ = [
    "TEHRAN",
    "format_jalali",
    "format_jalali_date",
    "parse_persian_datetime",
    "to_utc",
]

JALALI_MONTHS = (
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
)
# Spellings seen in the wild (after ي/ك -> ی/ک), mapped to the month number.
_MONTH_SPELLINGS = {name: i + 1 for i, name in enumerate(JALALI_MONTHS)}
_MONTH_SPELLINGS.update({"امرداد": 5, "ابان": 8, "اذر": 9, "اردبهشت": 2, "فرودین": 1})

# Datelines are matched with Latin digits, Persian letters and plain spaces.
_FOLD = str.maketrans({**LATIN_DIGITS, **ARABIC_TO_PERSIAN, "\u00a0": " ", ZWNJ: " "})

_MONTH_RE = "|".join(sorted(map(re.escape, _MONTH_SPELLINGS), key=len, reverse=True))
_WEEKDAY_RE = r"(?:(?:یک|دو|سه|چهار|پنج)[\s\u200c]?)?شنبه|جمعه"

# 27 مهر 1400 (optionally after a weekday: دوشنبه، 26 مهر 1400). ``\s*+[,،]?\s*+``: possessive, as what
# follows is never a space: two greedy ``\s*`` side by side are quadratic on a long run of spaces.
_JALALI_TEXT_RE = re.compile(
    rf"(?:(?:{_WEEKDAY_RE})\s*+[,،]?\s*+)?(?<!\d)(\d{{1,2}})(?:ام|م)?\s+({_MONTH_RE})(?:\s?ماه)?(?![\w])\s*+[,،]?\s*+(\d{{4}})(?!\d)"
)
# 1400/07/27, 2019-05-29, 2019-05-29T20:24:30.000Z, 2019-05-30 T 00:20:37 +0430
_TZ = r"(?P<tz>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)"
_YMD_RE = re.compile(
    r"(?<![\d/.\-])(?P<y>\d{4})(?P<sep>[/\-.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?![\d/])"
    r"(?:(?:\s*T\s*|\s+)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<frac>\d+))?)?\s*" + _TZ + "?)?"
)
# 11/02/1398 (day first)
_DMY_RE = re.compile(r"(?<![\d/.\-])(?P<d>\d{1,2})(?P<sep>[/\-.])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4})(?![\d/])")
_TIME_RE = re.compile(
    r"(?<![\d:])(\d{1,2})\s*:\s*(\d{2})(?:\s*:\s*(\d{2}))?(?![\d:])"
    r"(?:\s*(ق\.?\s?ظ|ب\.?\s?ظ|صبح|عصر|بعدازظهر|am|pm|AM|PM)(?![\w]))?"
)
# What may stand between a date and its time: spaces, dashes, slashes, "ساعت"...
_GAP_AFTER_RE = re.compile(r"^[\s\-–—/|,،:]*+(?:ساعت|در\s+ساعت|at)?[\s\-–—/|,،:]*+$")
_GAP_BEFORE_RE = re.compile(r"^[\s\-–—/|,،]*$")
_RFC822_RE = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),?\s+)?\d{1,2}\s+"
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{2,4}"
    r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:[+-]\d{4}|[A-Z]{1,5}))?)?",
    re.I,
)
_WINDOW = 24  # characters searched for a time on each side of a date


def _clean(text: str) -> str:
    return INVISIBLE_JUNK_RE.sub("", text).translate(_FOLD)


def to_utc(value: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken as Tehran local time."""
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        value = value.replace(tzinfo=TEHRAN)
    return value.astimezone(timezone.utc)


def _time_parts(match: re.Match) -> tuple[int, int, int] | None:
    hour, minute = int(match.group(1)), int(match.group(2))
    second = int(match.group(3) or 0)
    marker = (match.group(4) or "").lower().replace(" ", "").replace(".", "")
    if marker in {"بظ", "عصر", "بعدازظهر", "pm"} and hour < 12:
        hour += 12
    elif marker in {"قظ", "صبح", "am"} and hour == 12:
        hour = 0
    if hour > 23 or minute > 59 or second > 59:
        return None
    return hour, minute, second


def _nearby_time(text: str, start: int, end: int) -> tuple[int, int, int] | None:
    """The time printed right after (or else right before) the date at text[start:end]."""
    after = text[end : end + _WINDOW]
    for m in _TIME_RE.finditer(after):
        if _GAP_AFTER_RE.match(after[: m.start()]):
            parts = _time_parts(m)
            if parts:
                return parts
        break
    before_start = max(0, start - _WINDOW)
    before = text[before_start:start]
    candidates = list(_TIME_RE.finditer(before))
    if candidates:
        m = candidates[-1]
        if _GAP_BEFORE_RE.match(before[m.end() :]):
            return _time_parts(m)
    return None


def _build(year: int, month: int, day: int, hms: tuple[int, int, int] | None, tz=None) -> datetime | None:
    """Aware UTC datetime from calendar parts; the calendar follows from the year."""
    hour, minute, second = hms or (0, 0, 0)
    try:
        if 1300 <= year <= 1500:  # Solar Hijri
            gregorian = jdatetime.date(year, month, day).togregorian()
        elif 1900 <= year <= 2200:
            gregorian = date(year, month, day)
        else:
            return None
        local = datetime.combine(gregorian, time(hour, minute, second))
    except (ValueError, OverflowError):
        return None
    if tz is not None:
        return local.replace(tzinfo=tz).astimezone(timezone.utc)
    return to_utc(local)


def _parse_tz(value: str | None):
    if not value:
        return None
    if value in {"Z", "UTC", "GMT"}:
        return timezone.utc
    sign = -1 if value[0] == "-" else 1
    digits = value[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 14 or minutes > 59:
        return None
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _candidates(text: str):
    """(position, datetime) for every date-looking thing in ``text``."""
    for m in _JALALI_TEXT_RE.finditer(text):
        year, month, day = int(m.group(3)), _MONTH_SPELLINGS[m.group(2)], int(m.group(1))
        if not 1300 <= year <= 1500:
            continue
        yield m.start(), _build(year, month, day, _nearby_time(text, m.start(), m.end()))
    for m in _YMD_RE.finditer(text):
        year, month, day = int(m["y"]), int(m["m"]), int(m["d"])
        if m["H"] is not None:
            hms = (int(m["H"]), int(m["M"]), int(m["S"] or 0))
            if hms[0] > 23 or hms[1] > 59 or hms[2] > 59:
                hms = None
        else:
            hms = _nearby_time(text, m.start(), m.end())
        tz = _parse_tz(m["tz"]) if m["H"] is not None else None
        yield m.start(), _build(year, month, day, hms, tz)
    for m in _DMY_RE.finditer(text):
        year, month, day = int(m["y"]), int(m["m"]), int(m["d"])
        yield m.start(), _build(year, month, day, _nearby_time(text, m.start(), m.end()))
    for m in _RFC822_RE.finditer(text):
        try:
            value = parsedate_to_datetime(m.group(0))
        except (TypeError, ValueError, IndexError):
            continue
        if value is not None and 1900 <= value.year <= 2200:
            yield m.start(), to_utc(value)


def parse_persian_datetime(text: str) -> datetime | None:
    """Find the first dateline in ``text`` and return it as an aware UTC datetime.

    Understands Jalali dates with month names (``۲۷ مهر ۱۴۰۰``, with an optional
    weekday and a time before or after: ``۱۵:۴۴ - ۲۷ مهر ۱۴۰۰``, ``... ساعت ۱۰:۳۰``),
    numeric Jalali dates (``۱۴۰۰/۰۷/۲۷``, ``1398/02/30 - 22:53``), Gregorian ISO 8601
    and RFC 822 dates, in Persian, Arabic-Indic or Latin digits. Years 1300-1500 are
    Jalali, 1900-2200 Gregorian. Times without an offset are Asia/Tehran local time.
    Returns ``None`` when nothing date-like is found (never raises).
    """
    if not text or not isinstance(text, str):
        return None
    text = _clean(text[:5000])
    # An entire RFC 822 / ISO string is the common case for metadata.
    stripped = text.strip()
    if stripped:
        try:
            value = datetime.fromisoformat(stripped)
            if 1900 <= value.year <= 2200:
                return to_utc(value)
        except ValueError:
            pass
    found = sorted(((pos, value) for pos, value in _candidates(text) if value is not None), key=lambda item: item[0])
    return found[0][1] if found else None


def _tehran_local(dt: datetime) -> datetime:
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(TEHRAN)


@lru_cache(maxsize=4096)
def _jalali_date_text(day: date) -> str:
    """``۲۷ مهر ۱۴۰۰`` for a Tehran calendar day (jdatetime's conversion is the costly part: memoized)."""
    jdate = jdatetime.date.fromgregorian(date=day)
    return to_persian_digits(f"{jdate.day} {JALALI_MONTHS[jdate.month - 1]} {jdate.year}")


def format_jalali_date(dt: datetime) -> str:
    """``۲۷ مهر ۱۴۰۰``: the Tehran-local Jalali date (a naive ``dt`` is UTC)."""
    return _jalali_date_text(_tehran_local(dt).date())


def format_jalali(dt: datetime) -> str:
    """``۱۵:۴۴ - ۲۷ مهر ۱۴۰۰``: Tehran-local time and Jalali date (a naive ``dt`` is UTC)."""
    local = _tehran_local(dt)
    return to_persian_digits(f"{local.hour:02d}:{local.minute:02d} - ") + _jalali_date_text(local.date())


def format_relative(dt: datetime, now: datetime | None = None) -> str:
    """How long ago, as a Persian reader says it: «همین حالا», «۵ دقیقه پیش», «۳ ساعت پیش», «دیروز».

    Older than yesterday (Tehran calendar days) gives the Jalali date; a time in the
    future (a clock mistake of the outlet) reads as «همین حالا».
    """
    now = now or datetime.now(timezone.utc)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    seconds = (now - dt).total_seconds()
    if seconds < 60:
        return "همین حالا"
    if seconds < 3600:
        return to_persian_digits(f"{int(seconds // 60)} دقیقه پیش")
    days = (now.astimezone(TEHRAN).date() - dt.astimezone(TEHRAN).date()).days
    if days == 0:
        return to_persian_digits(f"{int(seconds // 3600)} ساعت پیش")
    if days == 1:
        return "دیروز"
    return format_jalali_date(dt)
