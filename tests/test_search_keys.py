"""One folding for search, near-duplicates and clustering (khabar.pipeline.search_keys)."""

from __future__ import annotations

import pytest

from khabar.pipeline.search_keys import search_key, search_tokens

ZWNJ = "\u200c"


@pytest.mark.parametrize(
    "variants",
    [
        ("رسانه‌ها", "رسانه ها", "رسانهها", "رسانه"),
        ("كتاب", "کتاب", "كِتاب", "کتـــاب"),
        ("۱۲۳", "123", "١٢٣"),
        ("۱۲٫۵", "12.5", "١٢٫٥"),
        ("1,000", "۱٬۰۰۰", "1000"),
        ("می‌شود", "می شود", "میشود", "مي شود", "ميشود"),
        ("نمی‌گویند", "نمی گویند", "نمیگویند"),
        ("مهم‌ترین", "مهم ترین", "مهمترین"),
        ("بین‌الملل", "بین الملل", "بینالملل"),
        ("جمع‌آوری", "جمع آوری", "جمعآوری"),
        ("شهرک‌سازی‌ها", "شهرک سازی ها", "شهرکسازیها", "شهرک‌سازی"),
        ("مسئول", "مسئول"),
        ("آمریکا", "امریکا", "أمريكا"),
        ("مؤسسه", "موسسه"),
        ("رئیس", "رییس", "رئيس"),
        ("خانۀ", "خانه‌ی", "خانه ی", "خانه"),
        ("قُرآن", "قرآن", "قران"),
        ("مُحَمَّد", "محمد", "محمّد"),
        ("ﻻ", "لا"),
        ("«ورزش سه»", '"ورزش سه"', "ورزش سه!"),
        ("Café", "CAFE", "cafe"),
        ("بازیکنان", "بازیکن"),
        ("نمایندگان", "نماینده"),
        ("مربیان", "مربی"),
        ("مسابقات", "مسابقه"),
        ("تیم‌های", "تیم های", "تیمهای", "تیم"),
    ],
)
def test_variants_share_one_key(variants):
    keys = {search_key(v) for v in variants}
    assert len(keys) == 1, {v: search_key(v) for v in variants}


@pytest.mark.parametrize(
    "a, b",
    [
        ("مهمان", "مهم"),
        ("تنها", "تن"),
        ("سپاهان", "سپاه"),
        ("ایران", "ایر"),
        ("دوران", "دور"),
        ("کتاب", "کتب"),
        ("شیر", "شیرین"),
        ("میز", "ز"),
        ("مادر", "ما در"),
        ("12", "1 2"),
        ("12.5", "125"),
        ("پرسپولیس", "استقلال"),
        ("بهار", "بها"),
        ("خدمات", "خدم"),
    ],
)
def test_distinct_words_stay_distinct(a, b):
    assert search_key(a) != search_key(b)


def test_tokens_and_punctuation():
    assert search_tokens("") == []
    assert search_tokens("سلام، دنیا! (آزمون) - «خبر»؟") == ["سلام", "دنیا", "ازمون", "خبر"]
    assert search_tokens("به طول ۹متر") == ["به", "طول", "9", "متر"]
    assert search_tokens("mp3 و COVID-19") == ["mp3", "و", "covid", "19"]
    assert ZWNJ not in search_key("می‌شود رسانه‌ها بین‌الملل")


def test_sentence_keys_match_across_spellings():
    a = "به گزارش خبرگزاری مهر، رسانه‌ها می‌گویند مهم‌ترین اخبار بین‌الملل ۱۲ مورد است."
    b = "به گزارش خبرگزاري مهر ، رسانه ها مي گويند مهمترين اخبار بينالملل 12 مورد است"
    assert search_key(a) == search_key(b)
    assert search_tokens(a) == search_tokens(b)


def test_key_is_stable_on_its_own_output():
    text = "رسانه‌ها می‌گویند مهم‌ترین اخبار بین‌الملل ۱۲٫۵ درصد"
    assert search_key(search_key(text)) == search_key(text)
