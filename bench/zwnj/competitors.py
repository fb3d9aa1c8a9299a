"""Run another library's normalizer over lines of text (for evaluate.py).

Runs in a separate venv that has the library (NOT Khabar's .venv):

    python3 -m venv /tmp/zwnj-venv
    /tmp/zwnj-venv/bin/pip install hazm-normalizer parsivar

Reads JSON {"system": NAME, "lines": [...]} on stdin, writes JSON
{"lines": [...], "seconds": float} on stdout.

Systems:
* hazm: ``hazm_normalizer.Normalizer`` (the Normalizer of hazm, MIT) with only its
  spacing/ZWNJ steps on (correct_spacing, seperate_mi); letter unification
  is on too (it cannot be switched off) and is undone by evaluate.py's alignment.
* hazm-default: ``hazm_normalizer.Normalizer()`` with its default steps (display speed).
* parsivar: ``parsivar.Normalizer()`` (dictionary space correction, the default).
* parsivar-stat: ``parsivar.Normalizer(statistical_space_correction=True)``.
"""

from __future__ import annotations

import json
import sys
import time


def make(system: str):
    if system == "hazm":
        from hazm_normalizer import Normalizer

        norm = Normalizer(
            correct_spacing=True,
            remove_diacritics=False,
            remove_specials_chars=False,
            decrease_repeated_chars=False,
            persian_style=False,
            persian_numbers=False,
            unicodes_replacement=False,
            seperate_mi=True,
        )
        return norm.normalize
    if system == "hazm-default":  # every step of hazm's Normalizer, as a user would call it
        from hazm_normalizer import Normalizer

        return Normalizer().normalize
    if system == "parsivar":
        from parsivar import Normalizer

        return Normalizer().normalize
    if system == "parsivar-stat":
        from parsivar import Normalizer

        return Normalizer(statistical_space_correction=True).normalize
    raise SystemExit(f"unknown system {system}")


def main() -> int:
    job = json.load(sys.stdin)
    fn = make(job["system"])
    out = []
    t0 = time.perf_counter()
    for line in job["lines"]:
        try:
            out.append(fn(line))
        except Exception as exc:  # a crash on one line must not sink the run
            out.append(None)
            print(f"{job['system']}: {type(exc).__name__}: {exc}", file=sys.stderr)
    json.dump({"lines": out, "seconds": time.perf_counter() - t0}, sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
