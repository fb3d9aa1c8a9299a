"""Credit lines of Persian news (khabar.pipeline.attribution)."""

from __future__ import annotations

from pathlib import Path

import pytest

from khabar.pipeline.attribution import Attribution, parse_attribution

FIX = Path(__file__).parent / "fixtures" / "zwnj"


def test_reference_page():
    text = (FIX / "reference-page.txt").read_text(encoding="utf-8")
    att = parse_attribution(text)
    assert att == Attribution(
        reported_by="خبرگزاری مهر",
        citing=["اسپوتنیک"],
        phrase="به گزارش خبرگزاری مهر به نقل از اسپوتنیک،",
        kind="report",
    )


@pytest.mark.parametrize(
    "text, reported_by, citing, place",
    [
        # Fars (data/persian_news/fars.jsonl.gz), Arabic letters as crawled
        (
            "به گزارش فارس به نقل از وزارت ارتباطات و فناوري اطلاعات، مرحله دوم",
            "فارس",
            ["وزارت ارتباطات و فناوري اطلاعات"],
            "",
        ),
        (
            "به گزارش خبرنگار فارس به نقل از مركز اطلاع رساني فرماندهي انتظامي مشهد، اين تعداد شامل 99 مرد",
            "فارس",
            ["مركز اطلاع رساني فرماندهي انتظامي مشهد"],
            "",
        ),
        ("به گزارش خبرگزاري فارس از سنندج، سيدمحمد حسيني ظهر امروز", "خبرگزاري فارس", [], "سنندج"),
        ("به گزارش خبرنگار خبرگزاري فارس در يزد، جمعي از شهروندان", "خبرگزاري فارس", [], "يزد"),
        ("به گزارش خبرگزاري فارس به نقل از فرانس پرس، نتايج اين تحقيقات", "خبرگزاري فارس", ["فرانس پرس"], ""),
        ("به گزارش خبرنگار فرهنگي فارس، اين جلسه با حضور", "فارس", [], ""),
        # Varzesh3 (data/persian_news/varzesh3.jsonl.gz)
        ('به گزارش "ورزش سه"، استقلال در مرحله یک چهارم نهایی', "ورزش سه", [], ""),
        ('به گزارش"ورزش سه"، استقلال', "ورزش سه", [], ""),
        ("به گزارش “ورزش سه” فصل برای علیرضا منصوریان تلخ شروع شد.", "ورزش سه", [], ""),
        ('به گزارش "ورزش سه" و به نقل از فارس روزنامه آبولا در گزارشی عنوان کرد', "ورزش سه", [], ""),
        (
            'به گزارش "ورزش سه" و به نقل از سایت رسمی باشگاه پرسپولیس، این بازیکن',
            "ورزش سه",
            ["سایت رسمی باشگاه پرسپولیس"],
            "",
        ),
        ("به گزارش ایسنا، رئیس فدراسیون گفت", "ایسنا", [], ""),
    ],
)
def test_real_openings(text, reported_by, citing, place):
    att = parse_attribution(text)
    assert att is not None
    assert att.kind == "report"
    assert att.reported_by == reported_by
    assert att.citing == citing
    assert att.place == place
    assert text.startswith(att.phrase)


def test_quote_opening_and_title_lines_before_it():
    att = parse_attribution("بین‌الملل\nلاوروف: ناتو ایده را دفن کرد\nبه نقل از اسپوتنیک، لاوروف گفت")
    assert att is not None
    assert (att.kind, att.reported_by, att.citing) == ("quote", "اسپوتنیک", [])


def test_trailing_source_line():
    att = parse_attribution("وزیر خارجه روسیه گفت که ...\n\nمنبع: خبرگزاری مهر\n")
    assert att is not None
    assert (att.kind, att.reported_by, att.phrase) == ("source", "خبرگزاری مهر", "منبع: خبرگزاری مهر")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "لاوروف گفت که ناتو ایده مشورت با مسکو را دفن کرد.",
        "وی به گزارش‌های منتشر شده اشاره کرد، و افزود",
        # no comma in the first sentence: the credit cannot be told from the news
        "به گزارش خبرگزاري فارس به نقل از ستاد خبري حوزه هنري اين فيلم محصول سال 2004 بوده است.",
    ],
)
def test_no_attribution(text):
    assert parse_attribution(text) is None
