"""Build the real Persian event set (tests/fixtures/stories/persian_events.jsonl) from shared data.

    .venv/bin/python bench/stories/persian_events.py

Reads the Fars News and Varzesh3 articles in /work/shared/data/persian_news/ and
writes the hand-labelled subset described in tests/fixtures/stories/README.md:
the pairs below were found as candidates (TF-IDF cosine >= 0.2 between articles
published close together, judged from news codes, or >= 0.3 across the two
outlets) and each was judged by reading the title, lead and body; the
singletons are a fixed random sample of articles that have no candidate. Texts
are normalised as the crawler stores them; the body is cut to its first 600
characters. Items are ordered by an estimated publication date (Fars: the Jalali
date in the news code; Varzesh3: the news code, interpolated between two
datable reports) and carry no ``published`` time, so time proximity plays no part.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from datetime import date
from pathlib import Path

import jdatetime

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from khabar.pipeline.persian import normalize_display  # noqa: E402

DATA = Path("/work/shared/data/persian_news")
OUT = ROOT / "tests" / "fixtures" / "stories" / "persian_events.jsonl"
BODY_CHARS = 600
NAMES = {"farsnews": "خبرگزاری فارس", "varzesh3": "ورزش سه"}
# Two Varzesh3 reports whose day is known from their content.
V3_ANCHORS = ((1118240, date(2014, 6, 12)), (1456816, date(2017, 8, 21)))  # World Cup opening; Yazdani's Paris final

SAME_EVENT = [
    ("https://www.farsnews.ir/news/8501260044", "https://www.farsnews.ir/news/8501260121"),
    ("https://www.varzesh3.com/news/1329908", "https://www.varzesh3.com/news/1330128"),
    ("https://www.varzesh3.com/news/1118240", "https://www.varzesh3.com/news/1118242"),
    ("https://www.varzesh3.com/news/1022214", "https://www.varzesh3.com/news/1022230"),
    ("https://www.varzesh3.com/news/1739334", "https://www.varzesh3.com/news/1739262"),
    ("https://www.varzesh3.com/news/1028863", "https://www.varzesh3.com/news/1028869"),
    ("https://www.varzesh3.com/news/1613916", "https://www.varzesh3.com/news/1614170"),
    ("https://www.varzesh3.com/news/987122", "https://www.varzesh3.com/news/987327"),
    ("https://www.varzesh3.com/news/1741166", "https://www.varzesh3.com/news/1741195"),
    ("https://www.varzesh3.com/news/1032246", "https://www.varzesh3.com/news/1032238"),
    ("https://www.varzesh3.com/news/1001110", "https://www.varzesh3.com/news/1001107"),
    ("https://www.varzesh3.com/news/1177087", "https://www.varzesh3.com/news/1177064"),
    ("https://www.varzesh3.com/news/1601289", "https://www.varzesh3.com/news/1601243"),
    ("https://www.varzesh3.com/news/998552", "https://www.varzesh3.com/news/998562"),
    ("https://www.varzesh3.com/news/1273973", "https://www.varzesh3.com/news/1273823"),
    ("https://www.varzesh3.com/news/1022206", "https://www.varzesh3.com/news/1021395"),
    ("https://www.varzesh3.com/news/1005054", "https://www.varzesh3.com/news/1005720"),
    ("https://www.varzesh3.com/news/1165342", "https://www.varzesh3.com/news/1165332"),
    ("https://www.varzesh3.com/news/1189231", "https://www.varzesh3.com/news/1189149"),
    ("https://www.varzesh3.com/news/1456816", "https://www.varzesh3.com/news/1456807"),
    ("https://www.varzesh3.com/news/1537884", "https://www.varzesh3.com/news/1537853"),
    ("https://www.varzesh3.com/news/1322633", "https://www.varzesh3.com/news/1322675"),
    ("https://www.varzesh3.com/news/1267504", "https://www.varzesh3.com/news/1267201"),
    ("https://www.farsnews.ir/news/8301100008", "https://www.farsnews.ir/news/8301100007"),
    ("https://www.varzesh3.com/news/1118265", "https://www.varzesh3.com/news/1118253"),
    ("https://www.varzesh3.com/news/1627012", "https://www.varzesh3.com/news/1626079"),
]
DIFFERENT_EVENTS = [
    ("https://www.farsnews.ir/news/9002292247", "https://www.varzesh3.com/news/1094216"),
    ("https://www.varzesh3.com/news/1001761", "https://www.varzesh3.com/news/999044"),
    ("https://www.varzesh3.com/news/1176335", "https://www.varzesh3.com/news/1176662"),
    ("https://www.varzesh3.com/news/1751862", "https://www.varzesh3.com/news/1750458"),
    ("https://www.varzesh3.com/news/1000861", "https://www.varzesh3.com/news/1001243"),
    ("https://www.varzesh3.com/news/1060205", "https://www.varzesh3.com/news/1059492"),
    ("https://www.varzesh3.com/news/1022214", "https://www.varzesh3.com/news/1021359"),
    ("https://www.varzesh3.com/news/1311103", "https://www.varzesh3.com/news/1310558"),
    ("https://www.varzesh3.com/news/1751942", "https://www.varzesh3.com/news/1751862"),
    ("https://www.varzesh3.com/news/1545194", "https://www.varzesh3.com/news/1543525"),
    ("https://www.varzesh3.com/news/1149332", "https://www.varzesh3.com/news/1150108"),
    ("https://www.varzesh3.com/news/1347635", "https://www.varzesh3.com/news/1349083"),
    ("https://www.farsnews.ir/news/8406160108", "https://www.farsnews.ir/news/8406150422"),
    ("https://www.varzesh3.com/news/993899", "https://www.varzesh3.com/news/994189"),
    ("https://www.varzesh3.com/news/990076", "https://www.varzesh3.com/news/989480"),
    ("https://www.varzesh3.com/news/1297821", "https://www.varzesh3.com/news/1298998"),
    ("https://www.varzesh3.com/news/994851", "https://www.varzesh3.com/news/994883"),
    (
        "https://www.farsnews.ir/news/13990716000519/کشف-۲۳۸-فقره-سرقت-و-دستگیری-۳۸۶-مجرم-طی-دو-روز-گذشته-در-کرمانشاه",
        "https://www.farsnews.ir/news/13990716000681/پلمب-2-واحد-صنفی-به-دلیل-عدم-رعایت-قوانین-3-واحد-اخطار-گرفتند",
    ),
    (
        "https://www.farsnews.ir/news/13940712001303/فرار-یاران-قوچان-نژاد-از-شکست-در-وقت\u200cهای-اضافه",
        "https://www.varzesh3.com/news/1288673",
    ),
    ("https://www.varzesh3.com/news/1358370", "https://www.varzesh3.com/news/1358363"),
    (
        "https://www.farsnews.ir/news/13980617000288/لیگ-جهانی-کاراته-وان|آراگا-به-مدال-طلا-رسید-و-پورشیب-نقره\u200cای-شد",
        "https://www.varzesh3.com/news/1403572",
    ),
    ("https://www.varzesh3.com/news/1060542", "https://www.varzesh3.com/news/1060370"),
    (
        "https://www.farsnews.ir/news/13970504000234/استقبال-کاوانی-از-پیشنهاد-رئال-مادرید",
        "https://www.varzesh3.com/news/1149804",
    ),
    (
        "https://www.farsnews.ir/news/13930124000112/شکست-شاگردان-کواچ-در-دیداری-نزدیک-پروجیا-یک--پیاچنزا-2",
        "https://www.varzesh3.com/news/1725884",
    ),
    (
        "https://www.farsnews.ir/news/13940915000386/جدال-حساس-نفت-ـ-دانشگاه-در-آبادان-کار-سخت-پترو-در-مشهد",
        "https://www.varzesh3.com/news/1183098",
    ),
    ("https://www.varzesh3.com/news/1725371", "https://www.varzesh3.com/news/1727313"),
    (
        "https://www.farsnews.ir/news/13921217001601/پیروزی-شاگردان-بلان-و-تثبیت-صدرنشینی",
        "https://www.varzesh3.com/news/1036323",
    ),
    (
        "https://www.farsnews.ir/news/13981203000448/کشتی-قهرمانی-آسیا|-حسینی-و-گلیج-به-فینال-رسیدند",
        "https://www.varzesh3.com/news/1007106",
    ),
    (
        "https://www.farsnews.ir/news/13940712001246/مگویان-در-محل-تمرین-استقلال-حاضر-شد",
        "https://www.varzesh3.com/news/1322709",
    ),
    (
        "https://www.farsnews.ir/news/13950123000283/چه-کسانی-چوب-لای-چرخ-خصوصی-سازی-می\u200cگذارند-حرف\u200c-ناگفته-در-ماجرای",
        "https://www.varzesh3.com/news/1462200",
    ),
    ("https://www.farsnews.ir/news/9004270013", "https://www.varzesh3.com/news/1021351"),
    ("https://www.farsnews.ir/news/8704221241", "https://www.varzesh3.com/news/1322713"),
    ("https://www.farsnews.ir/news/13911226001159/وزن-کشی-چاقوکشی", "https://www.varzesh3.com/news/1007106"),
    (
        "https://www.farsnews.ir/news/13980231000144/دعوت-از-جودوکار-خوزستانی-به-تیم-ملی-ایران",
        "https://www.varzesh3.com/news/980831",
    ),
    ("https://www.varzesh3.com/news/978371", "https://www.varzesh3.com/news/978292"),
    ("https://www.varzesh3.com/news/1284743", "https://www.varzesh3.com/news/1284874"),
    ("https://www.farsnews.ir/news/8510240162", "https://www.varzesh3.com/news/1178455"),
    ("https://www.varzesh3.com/news/1360920", "https://www.varzesh3.com/news/1360205"),
    ("https://www.varzesh3.com/news/1199955", "https://www.varzesh3.com/news/1197110"),
    ("https://www.varzesh3.com/news/1506789", "https://www.varzesh3.com/news/1504080"),
    ("https://www.varzesh3.com/news/1634294", "https://www.varzesh3.com/news/1634274"),
    ("https://www.varzesh3.com/news/1657588", "https://www.varzesh3.com/news/1659719"),
    (
        "https://www.farsnews.ir/news/13970712000642/کشف-بیش-از-59-میلیارد-ریال-کالای-احتکار-شده-در-سیستان-و-بلوچستان",
        "https://www.farsnews.ir/news/13970711000990/پرونده\u200cهای-مهم-احتکار-در-یک-هفته-گذشته-از-کشف-۱۹۶-هزار-کارتن-پوشک-تا",
    ),
    ("https://www.farsnews.ir/news/8603130178", "https://www.farsnews.ir/news/8603140001"),
    ("https://www.varzesh3.com/news/1058152", "https://www.varzesh3.com/news/1058619"),
    ("https://www.varzesh3.com/news/1312746", "https://www.varzesh3.com/news/1310592"),
    ("https://www.varzesh3.com/news/1263900", "https://www.varzesh3.com/news/1264114"),
    ("https://www.varzesh3.com/news/1614250", "https://www.varzesh3.com/news/1613403"),
    ("https://www.varzesh3.com/news/1058173", "https://www.varzesh3.com/news/1058619"),
    ("https://www.farsnews.ir/news/8210150040", "https://www.farsnews.ir/news/8210150168"),
    ("https://www.varzesh3.com/news/1000043", "https://www.varzesh3.com/news/1000975"),
    ("https://www.varzesh3.com/news/1019945", "https://www.varzesh3.com/news/1020958"),
    ("https://www.varzesh3.com/news/985828", "https://www.varzesh3.com/news/985103"),
    ("https://www.varzesh3.com/news/1539087", "https://www.varzesh3.com/news/1537956"),
    ("https://www.varzesh3.com/news/1472895", "https://www.varzesh3.com/news/1472861"),
    ("https://www.varzesh3.com/news/1254242", "https://www.varzesh3.com/news/1255034"),
    ("https://www.varzesh3.com/news/986764", "https://www.varzesh3.com/news/986405"),
    (
        "https://www.farsnews.ir/news/13970506001199/شروع-طوفانی-بسکتبال-نوجوانان-ایران-در-مسابقات-غرب-آسیا",
        "https://www.varzesh3.com/news/1165336",
    ),
    (
        "https://www.farsnews.ir/news/13920219000413/تغییر-زمان-دیدار-استقلال-و-داماش-گیلان",
        "https://www.varzesh3.com/news/1005054",
    ),
    (
        "https://www.farsnews.ir/news/13980528000863/ثبت-نام-نفر-در-انتخابات-ریاست-فدراسیون-ورزش-های-رزمی",
        "https://www.varzesh3.com/news/1240069",
    ),
    ("https://www.varzesh3.com/news/1373891", "https://www.varzesh3.com/news/1373649"),
    (
        "https://www.farsnews.ir/news/13930914000720/شادمانی-مردم-اندیمشک-پس-از-قهرمانی-تیم-کشتی-فرنگی-کاروان\u200cهای-شادی-به",
        "https://www.farsnews.ir/news/13930914000202/سامورگاشف-روسیه-حریف-اندیمشک-در-فینال-شد",
    ),
    ("https://www.varzesh3.com/news/1001761", "https://www.varzesh3.com/news/1005496"),
    (
        "https://www.farsnews.ir/news/13980617000288/لیگ-جهانی-کاراته-وان|آراگا-به-مدال-طلا-رسید-و-پورشیب-نقره\u200cای-شد",
        "https://www.varzesh3.com/news/1149416",
    ),
    ("https://www.farsnews.ir/news/8506280227", "https://www.varzesh3.com/news/1180043"),
    (
        "https://www.farsnews.ir/news/13930106000361/ابراهیم\u200cزاده-در-نشست-خبری-شرکت-نکرد",
        "https://www.varzesh3.com/news/1060934",
    ),
    ("https://www.varzesh3.com/news/1606375", "https://www.varzesh3.com/news/1607118"),
    ("https://www.farsnews.ir/news/8704221241", "https://www.varzesh3.com/news/1454323"),
    ("https://www.varzesh3.com/news/1391402", "https://www.varzesh3.com/news/1391490"),
    (
        "https://www.farsnews.ir/news/13940712001303/فرار-یاران-قوچان-نژاد-از-شکست-در-وقت\u200cهای-اضافه",
        "https://www.varzesh3.com/news/1309275",
    ),
]
SINGLETONS = [
    "https://www.farsnews.ir/news/13911121001152/بازگشت-پیکان-به-جاده-آسفالت-داماش-در-مسیر-آرامش",
    "https://www.farsnews.ir/news/13940711001308/ساماندهی-تقاطع-غیرهمسطح-ورودی-شهر-شوش",
    "https://www.farsnews.ir/news/13930915001110/کمیته-اسرا-و-آزادگان-فلسطین-204-بدترین-سال-اسرای-فلسطینی-بود",
    "https://www.farsnews.ir/news/13930627000262/اختصاص-23-میلیارد-ریال-اعتبار-برای-احیای-قنوات-خراسان\u200e-جنوبی",
    "https://www.farsnews.ir/news/8307140016",
    "https://www.farsnews.ir/news/8402150085",
    "https://www.farsnews.ir/news/13920716001010/منع-پوشش-روسری-در-محافل-عمومی-ترکیه-رسما-لغو-شد-حذف-سرود-ملی-در-مدارس",
    "https://www.farsnews.ir/news/13960913001012/اجرای-طرح-نماد-در-مدارس-همدان-جدی-گرفته-شود",
    "https://www.farsnews.ir/news/13950613000574/به-حکم-عشق-بنا-شد-در-آسمان-علی-علی-از-آن-تو-باشد-تو-هم-از-آن-علی",
    "https://www.farsnews.ir/news/9003280747",
    "https://www.farsnews.ir/news/13911215000561/آستارا-آماده-استقبال-از-گردشگران-نوروزی-است",
    "https://www.farsnews.ir/news/8307160064",
    "https://www.farsnews.ir/news/8705180199",
    "https://www.farsnews.ir/news/13930827001397/مرز-دریایی-خرمشهر-فرصت-خوبی-برای-سرمایه\u200cگذاری-است",
    "https://www.farsnews.ir/news/13960704001000/نُجَباء-آماده-هدف\u200cگیری-عمق-اربیل-هستیم",
    "https://www.farsnews.ir/news/13930229001169/بحران-اوکراین-محور-مذاکرات-پوتین-و-بان-کی\u200cمون",
    "https://www.farsnews.ir/news/13901206000704/کنکاشی-در-بازگشت-احتمالی-پوتین-و-تاثیر-آن-بر-روابط-منطقه\u200cای-2",
    "https://www.farsnews.ir/news/8305040129",
    "https://www.farsnews.ir/news/13990524000623/سرمربی-تیم-بسکتبال-شیکاگو-بولز-اخراج-شد",
    "https://www.farsnews.ir/news/13960110000658/شرکت-5000-دانش\u200cآموز-قزوینی-در-آزمون\u200cهای-مشاوره\u200cای-تغییرات-در-طرح",
    "https://www.farsnews.ir/news/13980629000137/اوساسونا-به-حسرت-5-ساله-پایان-می\u200cدهد",
    "https://www.farsnews.ir/news/13930123001468/سیدصالحی-پول-استقلال-با-آدامس\u200c-می\u200cشد-یک-میلیارد-آنها-حق-زن-و-بچه\u200cام",
    "https://www.farsnews.ir/news/8301100022",
    "https://www.farsnews.ir/news/13940204000742/کاظمی-سپاهان-پاسور-داشت-و-ما-را-بُرد-راه\u200cآهن-سقوط-نمی\u200cکند",
    "https://www.farsnews.ir/news/8409170061",
    "https://www.farsnews.ir/news/8601270473",
    "https://www.farsnews.ir/news/13990615000633/معرفی-نامزد-حزب-کمونیست-تاجیکستان-برای-انتخابات-ریاست-جمهوری",
    "https://www.farsnews.ir/news/8903170348",
    "https://www.farsnews.ir/news/13940912000068/ظرفیت-جوانان-را-باید-در-توسعه-استان-اردبیل-جدی-گرفت",
    "https://www.farsnews.ir/news/13981021000595/-کشور-به-دلایل-مالی-حق-رأی-در-سازمان-ملل-را-از-دست-دادند",
    "https://www.farsnews.ir/news/13950212001003/مصرف-مرغ\u200cهای-پرچرب-موجب-اختلالات-هورمونی-در-زنان-می\u200cشود",
    "https://www.farsnews.ir/news/13930106000575/۲۰-بازیکن-پرسپولیس-مشخص-شدند-حسینی-و-مسلمان-هم-به-رشت-رفتند",
    "https://www.farsnews.ir/news/13980617000290/گمرک-کلیات-آمار-تجارت-خارجی-در-اختیار-عموم-قرار-می\u200cگیرد",
    "https://www.farsnews.ir/news/13911121000625/استانی-که-2-کیلومتر-جاده-آسفالته-داشت--رشد-200-برابری-راه\u200cسازی-در",
    "https://www.farsnews.ir/news/13940622000416/جشنواره-فرهنگی-ورزشی-خواهران-بسیج-کشور-در-اصفهان-آغاز-شد",
    "https://www.farsnews.ir/news/8212230168",
    "https://www.farsnews.ir/news/13910517000280/استاندار-تهران-به-جلسه-نیامد-انتقاد-شدید-اعضای-شورای-شهر",
    "https://www.farsnews.ir/news/13900815000634/انجام-سرقت-میلیاردی-توسط-آبدارچی-بانک\u200c",
    "https://www.farsnews.ir/news/8508250166",
    "https://www.farsnews.ir/news/13950613001210/تجارت-با-امر-و-دستور-نمی\u200cشود-ایران-نباید-تنها-فرستنده-گردشگر-به-ترکیه",
    "https://www.farsnews.ir/news/8611030758",
    "https://www.farsnews.ir/news/8308170065",
    "https://www.farsnews.ir/news/8303300078",
    "https://www.farsnews.ir/news/8210150064",
    "https://www.farsnews.ir/news/8408210250",
    "https://www.farsnews.ir/news/8903161487",
    "https://www.farsnews.ir/news/13921220000559/خانه\u200cهای-تاریخی-تبریز-جلوه\u200cهایی-از-هنر-معماری-ایرانی",
    "https://www.farsnews.ir/news/8604210001",
    "https://www.farsnews.ir/news/13981119001055/شوک-به-هواداران-تیم-والیبال-میلانو-ستاره-هلندی-راهی-ژاپن-می\u200cشود",
    "https://www.farsnews.ir/news/13961011000401/با-مفسدان-اقتصادی-برخورد-جدی-شود-دشمنان-امنیت-کشورمان-را-نشانه",
    "https://www.farsnews.ir/news/13960608001487/تست\u200cگيري-تيم-فوتبال-نوجوانان-نفت-و-گچساران-تصاویر",
    "https://www.varzesh3.com/news/1006646",
    "https://www.varzesh3.com/news/1669956",
    "https://www.varzesh3.com/news/1267954",
    "https://www.varzesh3.com/news/1329603",
    "https://www.varzesh3.com/news/1684241",
    "https://www.varzesh3.com/news/1028131",
    "https://www.varzesh3.com/news/987215",
    "https://www.varzesh3.com/news/1264683",
    "https://www.varzesh3.com/news/1599317",
    "https://www.varzesh3.com/news/1403481",
    "https://www.varzesh3.com/news/1397436",
    "https://www.varzesh3.com/news/1006531",
    "https://www.varzesh3.com/news/1257509",
    "https://www.varzesh3.com/news/1198705",
    "https://www.varzesh3.com/news/1727294",
    "https://www.varzesh3.com/news/1347342",
    "https://www.varzesh3.com/news/1166008",
    "https://www.varzesh3.com/news/1459720",
    "https://www.varzesh3.com/news/1263866",
    "https://www.varzesh3.com/news/1695299",
    "https://www.varzesh3.com/news/1001272",
    "https://www.varzesh3.com/news/1760481",
    "https://www.varzesh3.com/news/1081854",
    "https://www.varzesh3.com/news/1644269",
    "https://www.varzesh3.com/news/1405069",
    "https://www.varzesh3.com/news/1165076",
    "https://www.varzesh3.com/news/1182180",
    "https://www.varzesh3.com/news/1634330",
    "https://www.varzesh3.com/news/978234",
    "https://www.varzesh3.com/news/1663022",
    "https://www.varzesh3.com/news/1032198",
    "https://www.varzesh3.com/news/1198626",
    "https://www.varzesh3.com/news/993246",
    "https://www.varzesh3.com/news/1495018",
    "https://www.varzesh3.com/news/1656472",
    "https://www.varzesh3.com/news/1707393",
    "https://www.varzesh3.com/news/1232927",
    "https://www.varzesh3.com/news/1010534",
    "https://www.varzesh3.com/news/998454",
    "https://www.varzesh3.com/news/984663",
    "https://www.varzesh3.com/news/1152933",
    "https://www.varzesh3.com/news/1007071",
    "https://www.varzesh3.com/news/1183106",
    "https://www.varzesh3.com/news/1242059",
    "https://www.varzesh3.com/news/1276264",
    "https://www.varzesh3.com/news/1165406",
    "https://www.varzesh3.com/news/1196600",
    "https://www.varzesh3.com/news/1353698",
    "https://www.varzesh3.com/news/1715008",
    "https://www.varzesh3.com/news/1627025",
    "https://www.varzesh3.com/news/1180085",
    "https://www.varzesh3.com/news/1509390",
    "https://www.varzesh3.com/news/1773280",
    "https://www.varzesh3.com/news/1310399",
    "https://www.varzesh3.com/news/1060994",
    "https://www.varzesh3.com/news/984690",
    "https://www.varzesh3.com/news/1117427",
    "https://www.varzesh3.com/news/1750043",
    "https://www.varzesh3.com/news/1032021",
    "https://www.varzesh3.com/news/999637",
    "https://www.varzesh3.com/news/1269721",
    "https://www.varzesh3.com/news/1483540",
    "https://www.varzesh3.com/news/1739450",
    "https://www.varzesh3.com/news/1540399",
    "https://www.varzesh3.com/news/1691938",
    "https://www.varzesh3.com/news/1329648",
    "https://www.varzesh3.com/news/1739697",
    "https://www.varzesh3.com/news/1606660",
    "https://www.varzesh3.com/news/1192140",
    "https://www.varzesh3.com/news/1082645",
    "https://www.varzesh3.com/news/1685212",
    "https://www.varzesh3.com/news/1012502",
    "https://www.varzesh3.com/news/1233004",
    "https://www.varzesh3.com/news/1638652",
    "https://www.varzesh3.com/news/1304723",
    "https://www.varzesh3.com/news/1528434",
    "https://www.varzesh3.com/news/1028191",
    "https://www.varzesh3.com/news/1685239",
    "https://www.varzesh3.com/news/1596820",
    "https://www.varzesh3.com/news/1642081",
    "https://www.varzesh3.com/news/1601219",
    "https://www.varzesh3.com/news/1273979",
    "https://www.varzesh3.com/news/1666236",
    "https://www.varzesh3.com/news/1318821",
    "https://www.varzesh3.com/news/1606957",
    "https://www.varzesh3.com/news/1267365",
    "https://www.varzesh3.com/news/1252827",
    "https://www.varzesh3.com/news/1058130",
    "https://www.varzesh3.com/news/1384654",
]


def load() -> dict[str, dict]:
    rows = {}
    for name in ("fars", "varzesh3"):
        with gzip.open(DATA / f"{name}.jsonl.gz", "rt", encoding="utf-8") as fh:
            for line in fh:
                r = json.loads(line)
                rows[r["url"]] = r
    return rows


def estimated_day(row: dict) -> date:
    if row.get("news_code"):
        (c0, d0), (c1, d1) = V3_ANCHORS
        per_code = (d1 - d0).days / (c1 - c0)
        return date.fromordinal(d0.toordinal() + round((int(row["news_code"]) - c0) * per_code))
    code = re.search(r"news/(\d+)", row["url"]).group(1)
    y, m, d = (
        (int(code[:4]), int(code[4:6]), int(code[6:8]))
        if len(code) >= 14
        else (1300 + int(code[:2]), int(code[2:4]), int(code[4:6]))
    )
    return jdatetime.date(y, m, d).togregorian()


def events() -> dict[str, str]:
    """url -> event label: same-event pairs joined (union-find), every other article alone."""
    parent: dict[str, str] = {}

    def root(u: str) -> str:
        while parent.setdefault(u, u) != u:
            u = parent[u]
        return u

    for a, b in SAME_EVENT:
        parent[root(a)] = root(b)
    urls = [u for pair in SAME_EVENT + DIFFERENT_EVENTS for u in pair] + SINGLETONS
    for u in urls:
        root(u)
    for a, b in DIFFERENT_EVENTS:
        assert root(a) != root(b), (a, b)
    labels, out = {}, {}
    for u in dict.fromkeys(urls):
        out[u] = labels.setdefault(root(u), f"e{len(labels) + 1:03d}")
    return out


def main() -> None:
    rows, labels = load(), events()
    items = sorted(labels, key=lambda u: (estimated_day(rows[u]), rows[u]["url"]))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as fh:
        for n, url in enumerate(items, 1):
            r = rows[url]
            item = {
                "id": n,
                "source": r["source"],
                "source_name": NAMES[r["source"]],
                "url": url,
                "title": normalize_display(r["title"] or ""),
                "lead": normalize_display(r["lead"] or ""),
                "body": normalize_display(r["body"] or "")[:BODY_CHARS],
                "event": labels[url],
            }
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")
    sizes = {}
    for e in labels.values():
        sizes[e] = sizes.get(e, 0) + 1
    multi = sum(1 for s in sizes.values() if s > 1)
    print(f"{len(items)} articles, {len(sizes)} events, {multi} with more than one article -> {OUT}")


if __name__ == "__main__":
    main()
