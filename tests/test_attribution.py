"""Credit lines of Persian news (khabar.pipeline.attribution)."""

from __future__ import annotations

from pathlib import Path

import pytest

from khabar.pipeline.attribution import Attribution, Credit, article_credit, parse_attribution
from khabar.pipeline.outlet_names import OutletNames, name_keys

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


# Credit lines of real articles (Fars and Varzesh3, data/persian_news; URLs for the record).
REAL_CREDITS = [
    # https://www.farsnews.ir/news/8409170061
    ("به گزارش خبرنگار فارس در اصفهان، استاندار اصفهان در مراسم افتتاحیه", Credit("فارس", "", "اصفهان")),
    # https://www.farsnews.ir/news/13901206000704
    (
        "به گزارش خبرنگار خبرگزاری فارس در آسیای مرکزی، در پروژه اوراسیای مرکزی",
        Credit("خبرگزاری فارس", "", "آسیای مرکزی"),
    ),
    # https://www.farsnews.ir/news/8303300078
    (
        "به گزارش خبرگزاری فارس به نقل از روابط عمومی مجتمع فولاد مبارکه اصفهان، ناصر جاودانی، رئیس واحد",
        Credit("خبرگزاری فارس", "روابط عمومی مجتمع فولاد مبارکه اصفهان"),
    ),
    # https://www.farsnews.ir/news/13920219000413
    (
        "به گزارش خبرگزاری فارس و به نقل از سایت فدراسیون، مسابقه بین تیم‌های استقلال و داماش گیلان",
        Credit("خبرگزاری فارس", "سایت فدراسیون"),
    ),
    # https://www.varzesh3.com/news/987122 and /1000975: an agency's copy, cited
    ("به نقل از فارس، تیم او پس از باخت 2 بر یک هفته نخست", Credit("", "فارس")),
    ("به نقل از ایسنا، وی با تاکید بر ماندن آلومینیوم در لیگ", Credit("", "ایسنا")),
    # https://www.farsnews.ir/news/8501260044: a foreign agency's report, from its dateline
    ("به گزارش خبرگزاری فرانسه از مسکو، گورباچف با انتشار مقاله‌ای", Credit("خبرگزاری فرانسه", "", "مسکو")),
    # https://www.farsnews.ir/news/8301100022: «در این اطلاعیه …» is no place
    ("به گزارش خبرگزاری فارس در این اطلاعیه تاکید شده است: کلیه زائران", Credit("خبرگزاری فارس")),
    # https://www.farsnews.ir/news/8307160064: a clause, not a name
    (
        'به گزارش خبرنگار سیاسی خبرگزاری فارس برات قنبری که صبح امروز در همایش "ترک‌سل" سخن می‌گفت، تصریح کرد',
        Credit(),
    ),
]


@pytest.mark.parametrize("text, credit", REAL_CREDITS)
def test_article_credit_of_real_credit_lines(text, credit):
    assert article_credit("", text) == credit


def test_article_credit_reads_the_lead_the_body_and_an_aggregators_closing_line():
    lead = "لاوروف: ناتو ایده مشورت با مسکو را دفن کرد"
    assert article_credit(lead, "به گزارش خبرگزاری مهر به نقل از اسپوتنیک، لاوروف گفت") == Credit(
        "خبرگزاری مهر", "اسپوتنیک"
    )
    long_body = "متن خبر.\n" + "بند میانی خبر. " * 2000 + "\nمنبع: خبرگزاری تسنیم"
    assert article_credit(lead, long_body) == Credit("", "خبرگزاری تسنیم")
    assert article_credit("", "به گزارش خبرنگار ما، جلسه دیروز برگزار شد") == Credit()  # the outlet's own staff
    assert not article_credit("", "") and not article_credit(lead, "متنی بدون اعتبار.")


def test_outlet_names_are_matched_however_a_credit_writes_them():
    outlets = OutletNames(
        [
            ("fars", "خبرگزاری فارس"),
            ("isna", "خبرگزاری دانشجویان ایران (ایسنا)"),
            ("hamshahri", "همشهری آنلاین"),
            ("varzesh3", "ورزش سه"),
            ("iran", "روزنامه ایران"),
            ("iran-daily", "ایران"),
        ]
    )
    assert outlets.find("فارس") == outlets.find("خبرگزاري فارس") == outlets.find("«خبرگزاری فارس»") == "fars"
    assert outlets.find("ایسنا") == outlets.find("خبرگزاری دانشجویان ایران") == "isna"
    assert outlets.find("همشهری‌آنلاین") == "hamshahri" and outlets.find('"ورزش سه"') == "varzesh3"
    assert outlets.find("روزنامه ایران") == "iran"
    assert outlets.find("ایران") is None  # two outlets go by it
    assert outlets.find("اسپوتنیک") is None and outlets.find("") is None
    assert name_keys("خبرگزاری دانشجویان ایران (ایسنا)")[-1] == "ایسنا"
