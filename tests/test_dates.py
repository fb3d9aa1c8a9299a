"""Jalali / Gregorian dateline parsing and formatting (khabar.pipeline.dates)."""

from datetime import datetime, timedelta, timezone

import pytest

from khabar.pipeline.dates import (
    TEHRAN,
    format_jalali,
    format_jalali_date,
    parse_persian_datetime,
    to_utc,
)

UTC = timezone.utc


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    "text, expected",
    [
        # Jalali with month names; Oct 2021 is after the DST switch-back (UTC+3:30).
        ("۱۵:۴۴ - ۲۷ مهر ۱۴۰۰", utc(2021, 10, 19, 12, 14)),
        ("دوشنبه ۲۶ مهر ۱۴۰۰ ساعت ۱۰:۳۰", utc(2021, 10, 18, 7, 0)),
        ("سه‌شنبه ۲۷ مهر ۱۴۰۰ - ۳:۲۰ ب.ظ", utc(2021, 10, 19, 11, 50)),
        ("٢٧ مهر ١٤٠٠", utc(2021, 10, 18, 20, 30)),  # Arabic-Indic digits, Tehran midnight
        ("27 مهر 1400 - 15:44", utc(2021, 10, 19, 12, 14)),
        ("۳۰ ارديبهشت ۱۳۹۸ - ۲۲:۵۳", utc(2019, 5, 20, 18, 23)),  # Tasnim; Arabic ي in the month
        ("پنجشنبه / ۹ خرداد ۱۳۹۸ / ۰۰:۲۰", utc(2019, 5, 29, 19, 50)),  # ISNA's dateline
        ("تاریخ انتشار: ۱۲ ارديبهشت ۱۳۹۸ - ۱۶:۱۲", utc(2019, 5, 2, 11, 42)),  # YJC
        ("۲۷ تیرماه ۱۴۰۲ ساعت ۰۸:۰۰", utc(2023, 7, 18, 4, 30)),
        # Numeric Jalali
        ("۱۴۰۰/۰۷/۲۷", utc(2021, 10, 18, 20, 30)),
        ("1398/02/30 - 22:53", utc(2019, 5, 20, 18, 23)),
        ("۱۳۹۸/۰۲/۱۲ - ۱۶:۱۲", utc(2019, 5, 2, 11, 42)),
        ("زمان: 19:04   1398/02/11", utc(2019, 5, 1, 14, 34)),  # Varzesh3: time before the date
        ("11/02/1398", utc(2019, 4, 30, 19, 30)),  # day first
        # Gregorian ISO 8601
        ("2019-05-29T20:24:30.000Z", utc(2019, 5, 29, 20, 24, 30)),
        ("2019-05-20T18:23:00.0000000Z", utc(2019, 5, 20, 18, 23)),
        ("2019-05-30 T 00:20:37 +0430", utc(2019, 5, 29, 19, 50, 37)),
        ("2019-05-01T19:04:00.0000000", utc(2019, 5, 1, 14, 34)),  # no offset: Tehran
        ("2023-07-01T12:00:00+02:00", utc(2023, 7, 1, 10, 0)),
        # RFC 822
        ("Mon, 20 May 2019 18:23:00 GMT", utc(2019, 5, 20, 18, 23)),
        ("Tue, 19 Oct 2021 15:44:00 +0330", utc(2021, 10, 19, 12, 14)),
    ],
)
def test_parse_persian_datetime(text, expected):
    value = parse_persian_datetime(text)
    assert value == expected
    assert value.tzinfo is not None and value.utcoffset() == timedelta(0)


def test_dst_era_summer_is_utc_plus_0430():
    # 1 Tir 1398 = 22 June 2019; Iran observed DST then (UTC+4:30).
    assert parse_persian_datetime("۱ تیر ۱۳۹۸ ساعت ۱۲:۰۰") == utc(2019, 6, 22, 7, 30)
    assert parse_persian_datetime("2019-06-22 12:00") == utc(2019, 6, 22, 7, 30)


def test_post_2022_summer_is_utc_plus_0330():
    # Iran abolished DST in 2022: 1 Tir 1402 = 22 June 2023 is UTC+3:30.
    assert parse_persian_datetime("۱ تیر ۱۴۰۲ ساعت ۱۲:۰۰") == utc(2023, 6, 22, 8, 30)
    assert parse_persian_datetime("1402/04/01 12:00") == utc(2023, 6, 22, 8, 30)


def test_winter_is_utc_plus_0330():
    assert parse_persian_datetime("۱ دی ۱۳۹۸ ساعت ۱۲:۰۰") == utc(2019, 12, 22, 8, 30)


def test_dateline_found_inside_text():
    text = "کد خبر: ۱۲۳۴۵۶ | تاریخ انتشار: ۲۷ مهر ۱۴۰۰ - ۱۵:۴۴ | بازدید: ۱۰"
    assert parse_persian_datetime(text) == utc(2021, 10, 19, 12, 14)


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "   ",
        "hello world",
        "سلام دنیا",
        "12:30",
        "1400/13/40",
        "۳۲ مهر ۱۴۰۰",
        "99/99/9999",
        "2019-02-30",
        "کد خبر: 1608590/13",
        None,
        12345,
    ],
)
def test_garbage_gives_none(garbage):
    assert parse_persian_datetime(garbage) is None


def test_format_jalali():
    dt = utc(2021, 10, 19, 12, 14)
    assert format_jalali(dt) == "۱۵:۴۴ - ۲۷ مهر ۱۴۰۰"
    assert format_jalali_date(dt) == "۲۷ مهر ۱۴۰۰"


def test_format_jalali_pads_time_not_day():
    # 2019-05-29 19:50 UTC = 9 Khordad 1398 00:20 in Tehran (DST, UTC+4:30).
    assert format_jalali(utc(2019, 5, 29, 19, 50)) == "۰۰:۲۰ - ۹ خرداد ۱۳۹۸"
    # Any aware timezone works; a naive datetime is UTC.
    assert format_jalali(datetime(2019, 5, 30, 0, 20, tzinfo=TEHRAN)) == "۰۰:۲۰ - ۹ خرداد ۱۳۹۸"
    assert format_jalali(datetime(2019, 5, 29, 19, 50)) == "۰۰:۲۰ - ۹ خرداد ۱۳۹۸"


@pytest.mark.parametrize(
    "dt",
    [
        utc(2021, 10, 19, 12, 14),
        utc(2019, 6, 22, 7, 30),  # DST era
        utc(2023, 6, 22, 8, 30),  # after DST was abolished
        utc(2020, 3, 20, 3, 50),  # Nowruz 1399 (1 Farvardin)
        utc(2024, 3, 19, 20, 29),  # last minute of 1402 in Tehran (29 Esfand)
    ],
)
def test_round_trip(dt):
    assert parse_persian_datetime(format_jalali(dt)) == dt
    assert format_jalali(parse_persian_datetime(format_jalali(dt))) == format_jalali(dt)


def test_month_names_all_months():
    names = "فروردین اردیبهشت خرداد تیر مرداد شهریور مهر آبان آذر دی بهمن اسفند".split()
    for _month, name in enumerate(names, start=1):
        value = parse_persian_datetime(f"۱۰ {name} ۱۴۰۱ ساعت ۱۲:۰۰")
        assert value is not None, name
        assert format_jalali_date(value) == f"۱۰ {name} ۱۴۰۱"


def test_to_utc_treats_naive_as_tehran():
    assert to_utc(datetime(2021, 10, 19, 15, 44)) == utc(2021, 10, 19, 12, 14)
    assert to_utc(utc(2021, 10, 19, 12, 14)) == utc(2021, 10, 19, 12, 14)


def test_relative_times():
    from datetime import datetime, timedelta, timezone

    from khabar.pipeline.dates import format_relative

    now = datetime(2021, 10, 19, 12, 14, tzinfo=timezone.utc)  # 15:44 in Tehran
    assert format_relative(now - timedelta(seconds=20), now) == "همین حالا"
    assert format_relative(now + timedelta(minutes=5), now) == "همین حالا"
    assert format_relative(now - timedelta(minutes=5), now) == "۵ دقیقه پیش"
    assert format_relative(now - timedelta(hours=3), now) == "۳ ساعت پیش"
    assert format_relative(now - timedelta(hours=17), now) == "دیروز"  # 22:44 the day before, Tehran time
    assert format_relative(now - timedelta(days=3), now) == "۲۴ مهر ۱۴۰۰"
