"""Shared corpus helpers for the ZWNJ bench: load the shared Persian news data,
split it by article (deterministic) into TRAIN and TEST, and tokenize.

The split is by article URL: sha1(url) % 5 == 0 -> TEST (about 20 %), else TRAIN.
Nothing from TEST is used to build the lexicon.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
from pathlib import Path

from khabar.pipeline.letters import ARABIC_TO_PERSIAN

DATA_DIR = Path(os.environ.get("KHABAR_SHARED_DATA", "/work/shared/data")) / "persian_news"
SOURCES = ("varzesh3", "fars")
ZWNJ = "\u200c"

# Letters are unified for counting only (the repair never changes letters).
FOLD = str.maketrans(ARABIC_TO_PERSIAN)


def bucket(url: str) -> int:
    """0 = TEST, 1 = DEV (held out only when tuning), 2-4 = always TRAIN."""
    return int(hashlib.sha1(url.encode("utf-8")).hexdigest(), 16) % 5


def is_test(url: str) -> bool:
    return bucket(url) == 0


def load(source: str) -> list[dict]:
    with gzip.open(DATA_DIR / f"{source}.jsonl.gz", "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def split(source: str) -> tuple[list[dict], list[dict]]:
    train, test = [], []
    for rec in load(source):
        (test if is_test(rec["url"]) else train).append(rec)
    return train, test


def texts(rec: dict) -> list[str]:
    """The article's title, lead and body paragraphs, one string per line."""
    out = []
    for field in ("title", "lead", "body"):
        value = rec.get(field) or ""
        out.extend(line.strip() for line in value.split("\n") if line.strip())
    return out


def clean(text: str) -> str:
    """Unify letters and tidy ZWNJ junk the way khabar.pipeline.persian.normalize_display does."""
    text = text.translate(FOLD)
    text = re.sub("[\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad\u0640]", "", text)
    text = re.sub(ZWNJ + "{2,}", ZWNJ, text)
    text = re.sub(r"(?:(?<=\s)|^)" + ZWNJ + "|" + ZWNJ + r"(?=\s|$)", "", text)
    text = re.sub(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+", " ", text)
    return text.strip()


# An article "keeps its ZWNJs" when its writers put ZWNJ (not a space, not
# nothing) after the verb prefix می/نمی and before the plural suffix: at least 3
# such ZWNJs and at most 5 % of the affixes written with a space or joined.
# The criterion looks only at a few frequent verbs and at spaced suffixes, not
# at Khabar's lexicon, so it does not favour any system.
_COMMON_VERBS = (
    "شود|شوند|کند|کنند|کنیم|کنم|دهد|دهند|گیرد|گیرند|رسد|تواند|توانند|خواهد|خواهند"
    "|گوید|گویند|باشد|باشند|رود|روند|آید|آیند|دانم|دانند|داند|شد|کرد|کردند|شدند"
)
_AFFIX_ZWNJ_RE = re.compile(r"(?:^|\s)ن?می" + ZWNJ + "|" + ZWNJ + r"های?(?:\s|$)")
_AFFIX_SPACE_RE = re.compile(r"(?:^|\s)ن?می (?:" + _COMMON_VERBS + r")|\S (?:ها|های|هایی|ترین)(?:\s|$)")
_AFFIX_JOINED_RE = re.compile(r"(?:^|\s)ن?می(?:" + _COMMON_VERBS + r")(?:\s|$)")


def keeps_zwnj(rec: dict) -> bool:
    text = clean(" \n".join(texts(rec)))
    z = len(_AFFIX_ZWNJ_RE.findall(text))
    other = len(_AFFIX_SPACE_RE.findall(text)) + len(_AFFIX_JOINED_RE.findall(text))
    return z >= 3 and other <= 0.05 * (z + other)
