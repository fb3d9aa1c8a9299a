"""Which outlet a name in a credit line means: «فارس», «خبرگزاری فارس» and «خبرگزاري فارس» are one.

A credit names an outlet the way its writer does: with or without «خبرگزاری»,
in Arabic or Persian letters, with a ZWNJ or a space (``همشهری‌آنلاین``), by its
acronym («ایسنا» for «خبرگزاری دانشجویان ایران (ایسنا)»). :func:`name_keys`
gives the keys a name is known by, most specific first: the whole name folded
by ``search_tokens`` (letters, digits, ZWNJ and spacing; spaces then dropped),
the name without a generic first word («خبرگزاری», «روزنامه», «پایگاه خبری»...)
and each part in brackets. :class:`OutletNames` answers which outlet a name
means, only when a key belongs to one outlet alone.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable

from khabar.pipeline.search_keys import search_tokens

__all__ = ["OutletNames", "name_keys"]

MAX_NAME = 300
# What an outlet's name may start with and still be known without it.
GENERIC_WORDS = (
    "خبرگزاری بین‌المللی",
    "خبرگزاری",
    "روزنامه",
    "پایگاه خبری",
    "پایگاه اطلاع‌رسانی",
    "پایگاه تحلیلی خبری",
    "سایت خبری",
    "سایت",
    "هفته‌نامه",
    "ماهنامه",
    "شبکه خبر",
)
_GENERIC = sorted((search_tokens(words) for words in GENERIC_WORDS), key=len, reverse=True)
_BRACKETS_RE = re.compile(r"[(\[]([^()\[\]]{1,80})[)\]]")


def name_keys(name: str) -> list[str]:
    """The keys under which ``name`` is known, most specific first (empty for an empty name)."""
    name = (name or "")[:MAX_NAME]
    keys: list[str] = []
    for part in [_BRACKETS_RE.sub(" ", name), *_BRACKETS_RE.findall(name)]:
        tokens = search_tokens(part)
        if not tokens:
            continue
        keys.append("".join(tokens))
        for generic in _GENERIC:
            if len(tokens) > len(generic) and tokens[: len(generic)] == generic:
                keys.append("".join(tokens[len(generic) :]))
                break
    return list(dict.fromkeys(keys))


class OutletNames:
    """Outlets by the keys of their names; a key shared by two outlets says nothing."""

    def __init__(self, outlets: Iterable[tuple[Hashable, str]]):
        owners: dict[str, set] = {}
        for ident, name in outlets:
            for key in name_keys(name):
                owners.setdefault(key, set()).add(ident)
        self._by_key = {key: next(iter(idents)) for key, idents in owners.items() if len(idents) == 1}

    def find(self, name: str) -> Hashable | None:
        """The outlet ``name`` means, or None when no single outlet goes by it."""
        for key in name_keys(name):
            if key in self._by_key:
                return self._by_key[key]
        return None
