"""Display normalization on real sentences (Fars News articles of the news web corpus)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from khabar.pipeline.persian import ZWNJ, display_digits, normalize_display, prepare_html, prepare_text

# (input, expected) — real sentences; the expected text differs only where a rule applies.
SPACING = [
    (
        "سر دار مویدی در ادامه افزود : طی شش ماهه گذشته شاهد افزایش بیش از 100 درصدی انهدام کارگاه‌های تولید شیشه در کشور بودیم.",
        "سر دار مویدی در ادامه افزود: طی شش ماهه گذشته شاهد افزایش بیش از 100 درصدی انهدام کارگاه‌های تولید شیشه در کشور بودیم.",
    ),
    (
        "وی با اشاره به اینکه از ابتدا بنده مخالف اعطای تسهیلات برای خرید مسکن بودم ،افزود: بهترین روش",
        "وی با اشاره به اینکه از ابتدا بنده مخالف اعطای تسهیلات برای خرید مسکن بودم، افزود: بهترین روش",
    ),
    (
        "با توجه به انصراف تیم‌های راهیان کرمانشاه ،شهرداری ماهشهر،شهرداری جویبار،پرسپولیس گناوه و مقاومت تهران",
        "با توجه به انصراف تیم‌های راهیان کرمانشاه، شهرداری ماهشهر، شهرداری جویبار، پرسپولیس گناوه و مقاومت تهران",
    ),
    ("منبع : موسسه ابرار معاصر تهران", "منبع: موسسه ابرار معاصر تهران"),
    ("وزیر گفت:«این  مسئله »مهم است", "وزیر گفت: «این مسئله» مهم است"),
]

UNCHANGED = [
    # numbers, times, decimals (Latin and Persian), Latin words and a URL
    "به گزارش خبرگزاری فارس از قم، سید‌جعفر حسینی اظهار کرد: با گذشت هفت ماه از سال جاری 19.7 درصد افزایش کشف محقق شده است.",
    "هفته بیست و پنجم لیگ برتر فوتبال ایران با انجام 3 بازی که به صورت همزمان از ساعت 15:30 آغاز شد به پایان رسید.",
    "مرکز این زمین لرزه 5.3 ریشتری، عرض جغرافیایی 31.896، طول جغرافیایی 49.525 گزارش شد.",
    "دستگاهی به‌نام CD Robot ساخته شده است که تصاویر دستگاه‌های رادیولوژی و PACS را چاپ می‌کند.",
    "متن کامل مجله که تحت عنوان The Parliament's Library منتشر می‌شود، هم‌اکنون در دسترس است.",
    "علاقه مندان می‌توانند به نشانی اینترنتی http://www.iranianstrokecongress.com/fa مراجعه کنند.",
    "طلوعی همچنین با تاکید بر جلوگیری از ورود افراد ناشناس با عنوان فالگیر و .... به منزل گفت:",
    "عدد ۱۲٫۵ و 3.14 و ساعت ۱۰:۳۰ e.g. this and 10:30",
]


@pytest.mark.parametrize("text, expected", SPACING)
def test_punctuation_spacing(text, expected):
    assert normalize_display(text) == expected


@pytest.mark.parametrize("text", UNCHANGED)
def test_numbers_times_latin_and_urls_unchanged(text):
    assert normalize_display(text) == text


def test_letters_unified_and_junk_removed_but_zwnj_kept():
    fars = "ارائه خدمات بر خط بانكي در دفاتر ICT روستايي امكان پذير مي شود"
    assert normalize_display(fars) == "ارائه خدمات بر خط بانکی در دفاتر ICT روستایی امکان پذیر می شود"
    assert normalize_display("ســـلام\u200b دنیا\u200f") == "سلام دنیا"
    assert normalize_display("نتیجه\u200cبخش بودن") == "نتیجه\u200cبخش بودن"
    assert normalize_display("\u200cرسانه\u200c\u200cها\u200c ") == "رسانه\u200cها"  # only junk ZWNJs go


def test_prepare_text_attaches_affixes_and_repairs_lost_zwnj():
    fars = "ارائه خدمات بر خط بانكي در دفاتر ICT روستايي امكان پذير مي شود"
    assert prepare_text(fars).endswith(f"می{ZWNJ}شود")
    reference = "تمامی اخبار بطور خودکار از منابع مختلف جمعآوری میشود"
    assert f"جمع{ZWNJ}آوری می{ZWNJ}شود" in prepare_text(reference)
    for text in UNCHANGED[:4]:
        assert prepare_text(text) == text  # no ZWNJ invented where none belongs


def test_prepare_html_keeps_markup_and_spaces():
    html = '<p>مي شود <b>رسانه ها</b> و بينالملل</p><p><a href="https://x.ir/1">لينك 12</a> جمعآوري</p>'
    assert prepare_html(html) == (
        f'<p>می{ZWNJ}شود <b>رسانه{ZWNJ}ها</b> و بین{ZWNJ}الملل</p><p><a href="https://x.ir/1">لینک 12</a> جمع{ZWNJ}آوری</p>'
    )


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ساعت 15:30 و 3 بازی", "ساعت ۱۵:۳۰ و ۳ بازی"),
        ("زلزله 5.3 ریشتری", "زلزله ۵.۳ ریشتری"),
        ("COVID-19 و A4 و H2O", "COVID-19 و A4 و H2O"),
        ("نشانی http://www.example.ir/news/123 و 12", "نشانی http://www.example.ir/news/123 و ۱۲"),
        ("سال ۱۴۰۰ و ٢٠٢١", "سال ۱۴۰۰ و ۲۰۲۱"),
    ],
)
def test_display_digits(text, expected):
    assert display_digits(text) == expected


def run_khabar(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "khabar.cli", *args], input=stdin.encode("utf-8"), capture_output=True, timeout=120
    )


def test_normalize_command_modes():
    text = "مي شود رسانه ها بينالملل\nگفت :«این»"
    assert (
        run_khabar("normalize", "--mode", "display", stdin=text).stdout.decode()
        == "می شود رسانه ها بینالملل\nگفت: «این»"
    )
    prepared = run_khabar("normalize", "--mode", "prepare", stdin=text).stdout.decode()
    assert prepared.split("\n")[0] == f"می{ZWNJ}شود رسانه{ZWNJ}ها بین{ZWNJ}الملل"
    keys = run_khabar("normalize", "--mode", "search", stdin="رسانه‌ها\nرسانه ها\nرسانهها").stdout.decode().split("\n")
    assert len(set(keys)) == 1
    bad = run_khabar("normalize", stdin="")
    assert bad.returncode == 0
    latin1 = subprocess.run(
        [sys.executable, "-m", "khabar.cli", "normalize"],
        input="café".encode("latin-1"),
        capture_output=True,
        timeout=60,
    )
    assert latin1.returncode == 2 and "UTF-8 نیست" in latin1.stderr.decode()


def test_dates_command():
    done = run_khabar("dates", "parse", "۱۵:۴۴ - ۲۷ مهر ۱۴۰۰")
    assert done.returncode == 0
    data = json.loads(done.stdout)
    assert data["utc"] == "2021-10-19T12:14:00+00:00" and data["tehran"] == "۱۵:۴۴ - ۲۷ مهر ۱۴۰۰"
    missing = run_khabar("dates", "parse", "بدون تاریخ")
    assert missing.returncode == 1 and "پیدا نشد" in missing.stderr.decode()
