"""The character rules every Persian text step shares: one definition each.

Used by display normalization (``persian``), ZWNJ repair (``zwnj``), dates,
credits (``attribution``) and search keys; each builds its own ``str.maketrans``
table from these maps and adds only its own extras.
"""

from __future__ import annotations

ZWNJ = "\u200c"  # zero-width non-joiner: part of Persian spelling, never dropped inside a word

# Arabic forms Persian writes differently (ي ى -> ی, ك -> ک): the letter unification of the project.
ARABIC_TO_PERSIAN = {
    "\u064a": "\u06cc",  # ي -> ی
    "\u0649": "\u06cc",  # ى -> ی
    "\u0643": "\u06a9",  # ك -> ک
}
# Heh forms folded to ه for lookups only (ZWNJ lexicon, search keys): readers see ۀ and ة as written.
HEH_FORMS = {
    "\u06c0": "\u0647",  # ۀ -> ه
    "\u0629": "\u0647",  # ة -> ه
}
PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
# Persian and Arabic-Indic digits -> Latin digits, for parsing and matching (never for display).
LATIN_DIGITS = {
    digit: str(value) for digits in (PERSIAN_DIGITS, ARABIC_INDIC_DIGITS) for value, digit in enumerate(digits)
}
