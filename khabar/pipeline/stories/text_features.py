"""What the stories step reads from an article: folded tokens, a TF-IDF vector, shingles.

Every text goes through the one folding of ``khabar.pipeline.search_keys``
(``search_tokens``), so Arabic/Persian letter forms, digits and ZWNJ spellings
compare equal. The outlet's credit line (``به گزارش خبرگزاری مهر به نقل از …،``,
found by ``khabar.pipeline.attribution``) is cut from the text first: it is
shared by unrelated items of one outlet and differs between copies of one item.

Terms are identified by a stable 32-bit hash (CRC-32 of the folded token), the
online-friendly "hashing trick": no vocabulary to grow or persist. Weights are
TF-IDF: a term counts 3× in the title and 2× in the lead, named things
(«…» quotes, Latin capitalised words, the dateline's place) count 1.5×; the
IDF blends a reference table computed once from Persian news
(``data/idf_fa.json.gz``, built by ``bench/stories/build_idf.py``) with
document frequencies counted as articles arrive.
"""

from __future__ import annotations

import gzip
import json
import math
import re
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import snowballstemmer

from khabar.pipeline.attribution import parse_attribution
from khabar.pipeline.search_keys import search_tokens

DATA_DIR = Path(__file__).resolve().parent / "data"
REFERENCE_IDF_PATH = DATA_DIR / "idf_fa.json.gz"

TITLE_WEIGHT, LEAD_WEIGHT, BODY_WEIGHT, NAME_WEIGHT = 3.0, 2.0, 1.0, 1.5
MAX_BODY_CHARS = 1500  # enough to know the event; bounds the cost of one article
MAX_BODY_TOKENS = 300
SHINGLE_SIZE = 4  # words per shingle for near-duplicate detection
MIN_COPY_TOKENS = 12  # lead + body shorter than this: the title joins them for near-duplicate detection...
MIN_SHINGLED_TOKENS = 8  # ...and with fewer words than this in all, an item is never called a copy

# Function words (after folding) that carry no event: Persian and English.
STOPWORDS = frozenset(
    """
از به با در برای که این آن را و یا تا بر هم نیز شد شده است بود کرد کرده کند کنند کنیم میشود میشوند
شود شوند باشد بوده دارد دارند داشت داشته گفت گفته اعلام کرد اینکه آنها ایشان وی او ما شما خود
یک دو سه هر چند همه همین همان دیگر بیش کم پس پیش بعد قبل روز امروز دیروز فردا سال ماه هفته
اما ولی اگر چون چه چرا کجا چگونه نه هیچ بسیار خیلی تنها فقط نیز حتی درباره طی توسط مورد
گزارش خبرگزاری خبرنگار نقل همچنین افزود اظهار داشت ادامه بیان تصریح کرد گفتوگو
the a an of to in and or for on at by with from as is are was were be been being it its this that
these those he she they we you i his her their our your not no but if then than so such also about
into over after before between under up down out more most other some any all can could would should
will may might has have had do does did says said say new one two mr mrs ms
""".split()
)
_GUILLEMETS_RE = re.compile(r"«([^«»]{2,60})»")
_CAPITALISED_RE = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]{2,}\b")
_LATIN_WORD_RE = re.compile(r"[A-Za-z][A-Za-z']*")
_ENGLISH = snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def _stem(token: str) -> str:
    """English words to their Snowball stem (tapering = taper); other scripts are already folded."""
    return _ENGLISH.stemWord(token) if token.isascii() and token.isalpha() else token


def _title_case(text: str) -> bool:
    """Most words capitalised (an English headline style): capitals then say nothing about names."""
    words = _LATIN_WORD_RE.findall(text)
    return len(words) >= 3 and sum(w[0].isupper() for w in words) > 0.6 * len(words)


def term_id(token: str) -> int:
    """Stable 32-bit id of a folded token (the same in every process, unlike hash())."""
    return zlib.crc32(token.encode("utf-8"))


@dataclass
class ArticleFeatures:
    """The parts of one article the stories step compares."""

    terms: dict[int, float]  # term id -> TF-IDF weight, L2-normalised
    top_terms: list[int]  # the heaviest terms first (for the candidate index)
    shingles: list[bytes]  # word shingles of lead + body, for MinHash
    reported_by: str = ""  # the credit's outlet, as written
    citing: list[str] = field(default_factory=list)  # outlets the credit cites


@dataclass
class TextParts:
    title: list[str]
    lead: list[str]
    body: list[str]
    names: set[str]
    reported_by: str = ""
    citing: list[str] = field(default_factory=list)


def _without_credit(text: str) -> tuple[str, str, list[str], str]:
    """(text without its credit line, reported_by, citing, place)."""
    found = parse_attribution(text)
    if not found or not found.phrase:
        return text, "", [], ""
    start = text.find(found.phrase)
    if start < 0:
        return text, found.reported_by, list(found.citing), found.place
    return text[:start] + text[start + len(found.phrase) :], found.reported_by, list(found.citing), found.place


def split_text(title: str, lead: str, body: str) -> TextParts:
    """Fold each field into tokens; credit lines removed, named things collected."""
    body = (body or "")[:MAX_BODY_CHARS]
    body, reported_by, citing, place = _without_credit(body)
    lead, lead_by, lead_citing, _ = _without_credit(lead or "")
    names: set[str] = set()
    for text in (title, lead, body[:600]):
        for span in _GUILLEMETS_RE.findall(text or ""):
            names.update(search_tokens(span))
        if text and not _title_case(text):
            for word in _CAPITALISED_RE.findall(text):
                names.update(search_tokens(word))
    if place:
        names.update(search_tokens(place))
    return TextParts(
        title=search_tokens(title or ""),
        lead=search_tokens(lead),
        body=search_tokens(body)[:MAX_BODY_TOKENS],
        names={_stem(n) for n in names - STOPWORDS},
        reported_by=reported_by or lead_by,
        citing=citing or lead_citing,
    )


def shingles(tokens: list[str], size: int = SHINGLE_SIZE) -> list[bytes]:
    """Distinct word ``size``-grams (bytes, for MinHash); a short text gives its whole self."""
    if len(tokens) < size:
        return [" ".join(tokens).encode("utf-8")] if tokens else []
    return list({" ".join(tokens[i : i + size]).encode("utf-8") for i in range(len(tokens) - size + 1)})


def _copy_shingles(parts: TextParts) -> list[bytes]:
    """Shingles for near-duplicate detection: of lead and body, or of the whole item when they are short.

    An item with almost no words (a bare headline, a lead that is only the outlet's name) is
    never called a copy: two such items share their few words by chance, not by copying.
    """
    tokens = parts.lead + parts.body
    if len(tokens) < MIN_COPY_TOKENS:
        tokens = parts.title + tokens
    return shingles(tokens) if len(tokens) >= MIN_SHINGLED_TOKENS else []


@lru_cache(maxsize=4)
def load_reference_idf(path: str = str(REFERENCE_IDF_PATH)) -> tuple[int, dict[int, int]]:
    """(number of documents, term id -> document frequency) of the bundled reference corpus."""
    p = Path(path)
    if not p.exists():
        return 0, {}
    with gzip.open(p, "rt", encoding="utf-8") as fh:
        data = json.load(fh)
    return int(data["documents"]), {term_id(t): int(df) for t, df in data["df"].items()}


class TermWeighter:
    """TF-IDF weights with document frequencies that keep learning from the stream.

    ``idf(t) = ln((N_ref + N + 1) / (df_ref(t) + df(t) + 1)) + 1``: the reference
    table gives sensible weights from the first article; the running counts
    (``observe``) take over for words the reference has never seen (English,
    new names). Deterministic for the same input order.
    """

    def __init__(self, reference: tuple[int, dict[int, int]] | None = None, top_terms: int = 12, kept_terms: int = 32):
        self.ref_docs, self.ref_df = reference if reference is not None else load_reference_idf()
        self.docs = 0
        self.df: dict[int, int] = {}
        self.top_terms = top_terms
        self.kept_terms = kept_terms  # the vector keeps an article's heaviest terms only (see features)

    def observe(self, tids) -> None:
        self.docs += 1
        df = self.df
        for t in tids:
            df[t] = df.get(t, 0) + 1

    # -- the learned counts, for the caller to keep across restarts ---------------------
    def export_counts(self) -> tuple[int, dict[int, int]]:
        """(documents observed, term id -> document frequency) learned from the stream (a copy)."""
        return self.docs, dict(self.df)

    def import_counts(self, docs: int, df: dict[int, int]) -> None:
        """Take over counts learned before (by :meth:`export_counts`, in this or another process)."""
        self.docs, self.df = int(docs), {int(t): int(c) for t, c in df.items()}

    def features(self, title: str, lead: str, body: str, learn: bool = True) -> ArticleFeatures:
        parts = split_text(title, lead, body)
        counts: dict[str, float] = {}
        for tokens, weight in ((parts.title, TITLE_WEIGHT), (parts.lead, LEAD_WEIGHT), (parts.body, BODY_WEIGHT)):
            for tok in tokens:
                if tok not in STOPWORDS and (len(tok) > 1 or tok.isdigit()):
                    tok = _stem(tok)
                    counts[tok] = counts.get(tok, 0.0) + weight
        for tok in parts.names:
            if tok in counts:
                counts[tok] *= NAME_WEIGHT
        ids = {term_id(tok): c for tok, c in counts.items()}
        if learn:
            self.observe(ids)
        ref_df, df, log = self.ref_df.get, self.df.get, math.log
        total = math.log(self.ref_docs + self.docs + 1)
        terms = {t: (1.0 + log(c)) * (total - log(ref_df(t, 0) + df(t, 0) + 1) + 1.0) for t, c in ids.items()}
        ranked = sorted(terms, key=lambda t: (-terms[t], t))
        if len(ranked) > self.kept_terms:
            terms = {t: terms[t] for t in ranked[: self.kept_terms]}
        norm = math.sqrt(sum(w * w for w in terms.values())) or 1.0
        terms = {t: w / norm for t, w in terms.items()}
        top = ranked[: self.top_terms]
        return ArticleFeatures(
            terms=terms,
            top_terms=top,
            shingles=_copy_shingles(parts),
            reported_by=parts.reported_by,
            citing=parts.citing,
        )
