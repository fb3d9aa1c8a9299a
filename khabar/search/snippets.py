"""Show where a result matched: the headline and a short passage with the matching words marked.

Matching is done on the folded form of each word (``search_tokens``), so
«رسانه‌ها», «رسانه ها» and «رسانهها» are all marked for the query «رسانه ها».
The output is escaped HTML with ``<mark>`` around matches.
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.db.models.functions import Substr
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from khabar.pipeline.search_keys import search_tokens

SNIPPET_LENGTH = 260
MAX_SENTENCES = 80
# Highlighting reads the lead and the start of the body only (a results page folds at most this much
# text per row, whatever the article's length); a match further down shows the lead's start.
SCAN_CHARS = 1500
_PIECES_RE = re.compile(r"(\s+)")
_SENTENCE_RE = re.compile(r"(?<=[.!؟?])\s+|\n+")


@lru_cache(maxsize=100_000)
def _folded(words: str) -> frozenset[str]:
    """Folded tokens of a word or a word pair; news vocabulary repeats, so this is mostly a lookup."""
    return frozenset(search_tokens(words))


@lru_cache(maxsize=1000)
def _proper_prefixes(tokens: frozenset[str]) -> frozenset[str]:
    return frozenset(t[:k] for t in tokens for k in range(1, len(t)))


def _marked(words: list[str], tokens: set[str]) -> list[bool]:
    """Which words match; a word pair matches when only together they fold into a query token (می رود).

    A pair is folded only when a query token starts with the first word's own fold and goes on
    (می رود → میرود, بین الملل → بینالملل)."""
    single = [not tokens.isdisjoint(_folded(w)) for w in words]
    marks = list(single)
    prefixes = _proper_prefixes(frozenset(tokens))
    for i in range(len(words) - 1):
        if (
            not single[i]
            and not single[i + 1]
            and not prefixes.isdisjoint(_folded(words[i]))
            and not tokens.isdisjoint(_folded(f"{words[i]} {words[i + 1]}"))
        ):
            marks[i] = marks[i + 1] = True
    return marks


def highlight(text: str, tokens: set[str]) -> SafeString:
    pieces = _PIECES_RE.split(text or "")
    words = pieces[::2]
    marks = _marked(words, tokens) if tokens else [False] * len(words)
    out: list[str] = []
    plain = 0  # start of the run of unmarked pieces, escaped at once
    for i in range(0, len(pieces), 2):
        if marks[i // 2] and pieces[i]:
            out.append(escape("".join(pieces[plain:i])))
            out.append(f"<mark>{escape(pieces[i])}</mark>")
            plain = i + 1
    out.append(escape("".join(pieces[plain:])))
    return mark_safe("".join(out))


def _window(sentence: str, tokens: set[str], length: int) -> str:
    if len(sentence) <= length:
        return sentence
    words = sentence.split()
    first = next((i for i, marked in enumerate(_marked(words, tokens)) if marked), 0)
    start = max(0, first - 6)
    text = " ".join(words[start:])
    prefix = "… " if start else ""
    if len(text) > length:
        text = text[:length].rsplit(" ", 1)[0] + " …"
    return prefix + text


def passage(lead: str, body: str, tokens: set[str], length: int = SNIPPET_LENGTH) -> str:
    """The first sentence of the lead or the body's start (``SCAN_CHARS``) that contains a query word,
    else the lead's start."""
    lead = (lead or "")[:SCAN_CHARS]
    sentences = [s for s in _SENTENCE_RE.split(lead) if s.strip()]
    sentences += [s for s in _SENTENCE_RE.split((body or "")[: max(0, SCAN_CHARS - len(lead))]) if s.strip()]
    for sentence in sentences[:MAX_SENTENCES]:
        if any(_marked(sentence.split(), tokens)):  # words folded one by one: mostly cache hits
            return _window(sentence.strip(), tokens, length)
    fallback = (lead or body or "").strip()
    return fallback if len(fallback) <= length else fallback[:length].rsplit(" ", 1)[0] + " …"


def snippet(article, tokens: set[str]) -> SafeString:
    """``article.body_start`` (the body's first ``SCAN_CHARS``, see ``with_body_start``) or its body."""
    body = getattr(article, "body_start", None)
    return highlight(passage(article.lead, article.body_text if body is None else body, tokens), tokens)


def with_body_start(articles):
    """``articles`` (a queryset) without their long columns, with the start of the body a snippet reads."""
    return articles.defer("body_text", "body_html").annotate(body_start=Substr("body_text", 1, SCAN_CHARS))
