"""Evaluate ZWNJ repair on held-out articles: Khabar's repair_zwnj vs hazm vs parsivar.

    .venv/bin/python bench/zwnj/evaluate.py [--holdout test|dev] [--lexicon PATH]
        [--other-python /tmp/zwnj-venv/bin/python] [--systems khabar,hazm,parsivar]

Gold: every line (title, lead, body paragraph) of the held-out articles
(corpus.py: sha1(url) % 5 == 0 for TEST, == 1 for DEV), letters unified
(ي->ی, ك->ک) and ZWNJ junk tidied as normalize_display does. Damage:

* ``stripped``: every ZWNJ removed (``می‌شود`` -> ``میشود``);
* ``spaced``: every ZWNJ removed or, with probability 1/2 (seeded), turned
  into a space (``می شود``).

Each system repairs the damaged lines; outputs are aligned with the gold on
the sequence of characters that are neither ZWNJ nor whitespace (exactly for
Khabar, which only inserts; with difflib for the others, which also change
letters, digits and punctuation: unaligned gaps are not scored). At each gap
between two characters the label is ZWNJ, space or nothing.

* precision = restored ZWNJs at a gold ZWNJ / all ZWNJs the system added;
* recall = gold ZWNJs (absent from the damaged text) that the system restored.

A ZWNJ added where the gold text itself has a space (``تیم های`` in the
gold) counts as wrong: the breakdown shows how many false positives are of
that kind, and how many where the gold has nothing.

Two further figures, always reported BESIDE the strict ones and computed the
same way for every system:

* ``visible``: only gaps where a ZWNJ changes what is shown, i.e. between two
  letters the first of which joins the next (not after ا، د، ذ، ر، ز، ژ، و، آ
  nor next to punctuation or digits). A ZWNJ at ``کار‌ها`` or ``است‌.`` is
  invisible; writers put it or not at random.
* ``dict``: gaps where hazm's dictionary (the tagged entries of its
  ``words.dat``; not our corpus) attests both spellings are not judged: an
  added ZWNJ the gold lacks, when the word as repaired is a dictionary entry
  (``مهم‌ترین``), leaves precision; a gold ZWNJ, when the word without it is a
  dictionary entry too (``این‌که`` / ``اینکه``), leaves recall. Note that
  Khabar's lexicon uses the same dictionary's ZWNJ words where the corpus says
  nothing, so this figure forgives those of its choices by construction.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402

from khabar.pipeline.letters import ARABIC_TO_PERSIAN, HEH_FORMS, LATIN_DIGITS  # noqa: E402

ZWNJ = "\u200c"
_ALIGN_FOLD = str.maketrans({**ARABIC_TO_PERSIAN, **HEH_FORMS, **LATIN_DIGITS, "«": '"', "»": '"', "“": '"', "”": '"'})


_LETTERS = re.compile("[\u0621-\u063a\u0641-\u064a\u0671-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06fc\u06ff]")
_MARKS = re.compile("[\u064b-\u065f\u0670\u0640\u06d6-\u06ed]")
# A ZWNJ after these letters (they never join the next one) or next to a
# non-letter changes nothing on screen.
_NON_JOINING = set("ءآأؤإادذرزژوۀةٱ")
_DICT_FOLD = str.maketrans({**ARABIC_TO_PERSIAN, **HEH_FORMS})
DICTIONARY: frozenset[str] = frozenset()  # hazm's word list (load_dictionary)


def load_dictionary(hazm_dir: Path | None) -> frozenset[str]:
    """hazm's dictionary: the entries of words.dat with a frequency and a part of speech, letters unified.

    (words.dat also lists 166k bare tokens without frequency or tag, informal
    spellings such as میشود or کتابها among them: they attest nothing.)
    """
    if hazm_dir is None or not (hazm_dir / "words.dat").exists():
        return frozenset()
    words = set()
    for line in (hazm_dir / "words.dat").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 3 or not parts[1].isdigit() or int(parts[1]) <= 0 or parts[2] in ("", "0"):
            continue
        word = parts[0].strip()
        if word and " " not in word:
            words.add(_MARKS.sub("", word).translate(_DICT_FOLD))
    return frozenset(words)


def visible(chars: str, i: int) -> bool:
    """Does a ZWNJ before chars[i] change the rendering (two letters, the first one joining)?"""
    return bool(_LETTERS.match(chars[i - 1]) and _LETTERS.match(chars[i])) and chars[i - 1] not in _NON_JOINING


def word_at(chars: str, labels: list[str], i: int) -> str:
    """The word (letters, ZWNJs where labelled) around the gap before chars[i]."""

    def is_part(ch: str) -> bool:
        return bool(_LETTERS.match(ch) or _MARKS.match(ch))

    left, right = i - 1, i
    while left > 0 and labels[left] != "S" and is_part(chars[left - 1]):
        left -= 1
    while right + 1 < len(chars) and labels[right + 1] != "S" and is_part(chars[right + 1]):
        right += 1
    word = "".join((ZWNJ if labels[k] == "Z" and k > left else "") + chars[k] for k in range(left, right + 1))
    return _MARKS.sub("", word).translate(_DICT_FOLD)


def dict_ambiguous_fp(o_chars: str, o_lab: list[str], oi: int) -> bool:
    """An added ZWNJ the gold lacks, in a word whose spelling with it the dictionary lists."""
    return visible(o_chars, oi) and word_at(o_chars, o_lab, oi) in DICTIONARY


def dict_ambiguous_gold(g_chars: str, g_lab: list[str], gi: int) -> bool:
    """A gold ZWNJ in a word the dictionary also lists without it (آن‌ها / آنها)."""
    if not visible(g_chars, gi):
        return False
    lab = list(g_lab)
    lab[gi] = "N"
    return word_at(g_chars, lab, gi) in DICTIONARY


def held_out(holdout: str) -> list[tuple[str, bool, str]]:
    """(source, article keeps its ZWNJs, line) for every line of the held-out articles."""
    want = 0 if holdout == "test" else 1
    lines = []
    for source in corpus.SOURCES:
        for rec in corpus.load(source):
            if corpus.bucket(rec["url"]) != want:
                continue
            careful = corpus.keeps_zwnj(rec)
            for line in corpus.texts(rec):
                text = corpus.clean(line)
                if text:
                    lines.append((source, careful, text))
    return lines


def damage(text: str, mode: str, rng: random.Random) -> str:
    if mode == "stripped":
        return text.replace(ZWNJ, "")
    return "".join((" " if rng.random() < 0.5 else "") if ch == ZWNJ else ch for ch in text)


def skeleton(text: str, fold: bool) -> tuple[str, list[str]]:
    """Characters that are not ZWNJ/space, and the label of the gap before each one."""
    chars: list[str] = []
    labels: list[str] = []
    pending = ""
    for ch in text:
        if ch == ZWNJ:
            pending = "Z" if pending != "S" else "S"
        elif ch.isspace():
            pending = "S"
        else:
            chars.append(ch.translate(_ALIGN_FOLD) if fold else ch)
            labels.append(pending or "N")
            pending = ""
    return "".join(chars), labels


def score_line(gold: str, damaged: str, output: str | None, exact: bool, stats: dict) -> None:
    g_chars, g_lab = skeleton(gold, fold=not exact)
    d_chars, d_lab = skeleton(damaged, fold=not exact)
    assert g_chars == d_chars
    stats["gold_zwnj"] += sum(1 for i in range(1, len(g_lab)) if g_lab[i] == "Z")
    lost = [i for i in range(1, len(g_lab)) if g_lab[i] == "Z" and d_lab[i] != "Z"]
    for i in lost:
        if visible(g_chars, i):
            stats["vis_to_restore"] += 1
        if not dict_ambiguous_gold(g_chars, g_lab, i):
            stats["dict_to_restore"] += 1
    if output is None:
        stats["crashed_lines"] += 1
        stats["missed"] += len(lost)
        return
    o_chars, o_lab = skeleton(output, fold=not exact)
    if o_chars == g_chars:
        mapping = range(len(g_chars))
        pairs = [(i, i) for i in mapping]
    else:
        if exact:
            raise AssertionError(f"repair changed letters:\n{damaged!r}\n{output!r}")
        sm = difflib.SequenceMatcher(None, g_chars, o_chars, autojunk=False)
        pairs = []
        for a, b, size in sm.get_matching_blocks():
            pairs.extend((a + k, b + k) for k in range(size))
    aligned = dict(pairs)
    scored = set()
    for gi, oi in pairs:
        if gi == 0 or (gi - 1) not in aligned or aligned[gi - 1] != oi - 1:
            continue  # gap not aligned
        scored.add(gi)
        g, d, o = g_lab[gi], d_lab[gi], o_lab[oi]
        if g == "Z" and d != "Z":
            stats["to_restore"] += 1
            if o == "Z":
                stats["tp"] += 1
                stats["vis_tp"] += visible(g_chars, gi)
                stats["dict_tp"] += not dict_ambiguous_gold(g_chars, g_lab, gi)
            elif o == "S":
                stats["restored_as_space"] += 1
        if o == "Z" and d != "Z":
            stats["added"] += 1
            stats["vis_added"] += visible(g_chars, gi)
            stats["dict_added"] += not (g == "N" and dict_ambiguous_fp(o_chars, o_lab, oi))
            if g != "Z":
                stats["fp"] += 1
                stats["fp_gold_space" if g == "S" else "fp_gold_none"] += 1
                if len(stats["fp_examples"]) < 400:
                    stats["fp_examples"].append(_context(g_chars, g_lab, gi, o_lab, oi, o_chars))
        if o == "S" and d == "N":
            stats["space_added"] += 1
            if g in ("S", "Z"):
                stats["space_added_ok"] += 1
            elif len(stats["space_examples"]) < 400:
                stats["space_examples"].append(_context(g_chars, g_lab, gi, o_lab, oi, o_chars))
        if d == "S" and o == "N":
            stats["space_removed"] += 1
        if d == "Z" and o != "Z":
            stats["zwnj_removed"] += 1
    for gi in range(1, len(g_lab)):
        if gi not in scored and g_lab[gi] == "Z" and d_lab[gi] != "Z":
            stats["unaligned_gold_zwnj"] += 1
            stats["missed"] += 1


def _context(g_chars, g_lab, gi, o_lab, oi, o_chars) -> str:
    def render(chars, labs, lo, hi, mark=None):
        out = []
        for k in range(max(lo, 0), min(hi, len(chars))):
            if k > max(lo, 0):
                lab = labs[k]
                out.append({"Z": "|", "S": " ", "N": ""}[lab])
            out.append(chars[k])
        return "".join(out)

    return render(o_chars, o_lab, oi - 12, oi + 10) + "   (gold: " + render(g_chars, g_lab, gi - 12, gi + 10) + ")"


def new_stats() -> dict:
    keys = [
        "gold_zwnj",
        "to_restore",
        "tp",
        "restored_as_space",
        "added",
        "fp",
        "fp_gold_space",
        "vis_to_restore",
        "vis_tp",
        "vis_added",
        "dict_to_restore",
        "dict_tp",
        "dict_added",
        "fp_gold_none",
        "space_added",
        "space_added_ok",
        "space_removed",
        "zwnj_removed",
        "unaligned_gold_zwnj",
        "missed",
        "crashed_lines",
    ]
    stats = dict.fromkeys(keys, 0)
    stats["fp_examples"] = []
    stats["space_examples"] = []
    return stats


def summary(stats: dict) -> dict:
    p = stats["tp"] / stats["added"] if stats["added"] else 0.0
    r = stats["tp"] / (stats["to_restore"] + stats["unaligned_gold_zwnj"]) if stats["to_restore"] else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    judged = stats["added"] - stats["fp_gold_space"]
    p_ex = stats["tp"] / judged if judged else 0.0
    # visible: only gaps where a ZWNJ shows (two letters, the first a joining one)
    vis_p = stats["vis_tp"] / stats["vis_added"] if stats["vis_added"] else 0.0
    vis_r = stats["vis_tp"] / stats["vis_to_restore"] if stats["vis_to_restore"] else 0.0
    # dict: gaps where hazm's word list attests both spellings are not judged
    dict_p = stats["tp"] / stats["dict_added"] if stats["dict_added"] else 0.0
    dict_r = stats["dict_tp"] / stats["dict_to_restore"] if stats["dict_to_restore"] else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
        "precision_excl_gold_space": round(p_ex, 4),
        "precision_visible": round(vis_p, 4),
        "recall_visible": round(vis_r, 4),
        "precision_dict": round(dict_p, 4),
        "recall_dict": round(dict_r, 4),
    } | {k: v for k, v in stats.items() if not k.endswith("_examples")}


def run_khabar(lines: list[str], lexicon: Path | None, join_spaced: bool) -> tuple[list[str], float, float]:
    from khabar.pipeline import zwnj

    t0 = time.perf_counter()
    if lexicon is not None:
        zwnj.LEXICON_PATH = lexicon
        zwnj._STATE.clear()
    zwnj.lexicon_info()  # load
    zwnj._STATE.pop("repairer", None)  # cold decision caches for every run
    load = time.perf_counter() - t0
    t0 = time.perf_counter()
    out = [zwnj.repair_zwnj(line, join_spaced=join_spaced) for line in lines]
    return out, time.perf_counter() - t0, load


def run_other(system: str, lines: list[str], python: str) -> tuple[list[str | None], float]:
    proc = subprocess.run(
        [python, str(HERE / "competitors.py")],
        input=json.dumps({"system": system, "lines": lines}, ensure_ascii=False),
        capture_output=True,
        text=True,
        check=True,
    )
    res = json.loads(proc.stdout)
    return res["lines"], res["seconds"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--holdout", choices=["test", "dev"], default="test")
    ap.add_argument(
        "--lexicon",
        type=Path,
        default=None,
        help="default: the shipped lexicon (test) or /tmp/zwnj_lexicon_dev.jsonl.gz (dev)",
    )
    ap.add_argument("--other-python", default=os.environ.get("ZWNJ_OTHER_PYTHON", "/tmp/zwnj-venv/bin/python"))
    ap.add_argument("--systems", default="khabar,khabar-insert-only,hazm,parsivar")
    ap.add_argument("--variants", default="stripped,spaced")
    ap.add_argument("--json", type=Path, default=None, help="write the full results here")
    ap.add_argument("--examples", type=int, default=0, help="print this many false positives per run")
    ap.add_argument("--hazm-dir", type=Path, default=None, help="hazm's data folder (words.dat), for the dict figures")
    args = ap.parse_args(argv)
    global DICTIONARY
    from build_lexicon import find_hazm_dir

    DICTIONARY = load_dictionary(args.hazm_dir or find_hazm_dir())
    print(f"dictionary (hazm words.dat) spellings: {len(DICTIONARY)}")
    lexicon = args.lexicon
    if lexicon is None and args.holdout == "dev":
        lexicon = Path("/tmp/zwnj_lexicon_dev.jsonl.gz")

    data = held_out(args.holdout)
    sources = [s for s, _, _ in data]
    careful = [c for _, c, _ in data]
    gold = [t for _, _, t in data]
    n_bytes = sum(len(t.encode("utf-8")) for t in gold)
    print(
        f"held-out ({args.holdout}) lines: {len(gold)}, {n_bytes / 1e6:.2f} MB, gold ZWNJs: "
        f"{sum(t.count(ZWNJ) for t in gold)}; in articles that keep their ZWNJs: {sum(careful)} lines, "
        f"{sum(t.count(ZWNJ) for t, c in zip(gold, careful) if c)} ZWNJs"
    )
    results: dict = {}
    for variant in args.variants.split(","):
        rng = random.Random(20240601)
        damaged = [damage(t, variant, rng) for t in gold]
        for system in args.systems.split(","):
            timing = {}
            if system.startswith("khabar"):
                out, secs, load = run_khabar(damaged, lexicon, join_spaced=(system == "khabar"))
                timing = {"seconds": round(secs, 3), "lexicon_load_s": round(load, 3)}
                exact = True
            else:
                try:
                    out, secs = run_other(system, damaged, args.other_python)
                except (OSError, subprocess.CalledProcessError) as exc:
                    print(f"  {system}: not available ({exc})")
                    continue
                timing = {"seconds": round(secs, 3)}
                exact = False
            timing["MB_per_s"] = round(n_bytes / 1e6 / secs, 3) if secs else None
            per_source = {s: new_stats() for s in corpus.SOURCES}
            total = new_stats()
            keeping = new_stats()
            for src, c, g, d, o in zip(sources, careful, gold, damaged, out):
                for st in (per_source[src], total) + ((keeping,) if c else ()):
                    score_line(g, d, o, exact, st)
            res = {
                "all": summary(total),
                "keeping": summary(keeping),
                **{s: summary(st) for s, st in per_source.items()},
                "timing": timing,
            }
            results[f"{variant}/{system}"] = res
            a = res["all"]
            k = res["keeping"]
            print(
                f"{variant:9s} {system:18s} KEEPING P={k['precision']:.4f} R={k['recall']:.4f} "
                f"P-excl-gold-space={k['precision_excl_gold_space']:.4f} "
                f"vis P={k['precision_visible']:.4f} R={k['recall_visible']:.4f} "
                f"dict P={k['precision_dict']:.4f} R={k['recall_dict']:.4f} "
                f"(fp gold-space {k['fp_gold_space']}, gold-none {k['fp_gold_none']}) | "
                f"ALL P={a['precision']:.4f} R={a['recall']:.4f} F1={a['f1']:.4f} "
                f"added={a['added']} fp={a['fp']} (gold space {a['fp_gold_space']}, gold none {a['fp_gold_none']}) "
                f"spaces+={a['space_added']} (ok {a['space_added_ok']}) spaces-={a['space_removed']} "
                f"| varzesh3 P={res['varzesh3']['precision']:.4f} R={res['varzesh3']['recall']:.4f} "
                f"| fars P={res['fars']['precision']:.4f} R={res['fars']['recall']:.4f} "
                f"| {timing.get('MB_per_s')} MB/s"
            )
            if args.examples:
                for ex in keeping["fp_examples"][: args.examples]:
                    print("    FP:", ex)
                for ex in total["space_examples"][: args.examples]:
                    print("    SPACE:", ex)
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
