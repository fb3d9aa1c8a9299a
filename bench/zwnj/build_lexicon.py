"""Build khabar/pipeline/data/zwnj_lexicon.jsonl.gz, the lexicon of khabar.pipeline.zwnj.

    .venv/bin/python bench/zwnj/build_lexicon.py [--holdout test|dev] [--out PATH] [--no-hazm] [--param NAME=VALUE]

Inputs:
* /work/shared/data/persian_news/{varzesh3,fars}.jsonl.gz (or $KHABAR_SHARED_DATA),
  TRAIN split only (see corpus.py: sha1(url) % 5; 0 = TEST, never read here;
  with --holdout dev, 1 = DEV is held out too, to tune thresholds honestly).
* hazm's word and verb lists (MIT), read from an installed ``hazm_normalizer``
  package (``pip install hazm-normalizer`` in any venv; pass --hazm-dir to
  point at its ``data`` folder). Only derived data is stored: words with ZWNJ,
  adjectives, known words, verb forms after ``می``.

What the corpus gives, per word key (word without ZWNJ, letters unified):
how often it is written joined (``میشود``), with ZWNJs (``می‌شود``) and as
two words (``می شود``, only counted for prefixes/suffixes). A joined spelling
by a writer who drops ZWNJs weighs JOINED_WEIGHT_CARELESS. Per key:

* when the affix rules (zwnj_rules.py) would cut the word and that cut is at
  least as common as the joined spelling and AFFIX_RATIO of all, it is stored;
* otherwise the commonest cut wins with MIN_COUNT occurrences (SINGLE_MIN when
  never seen joined and visible) and RATIO of the total (or, when the rules
  see two readings, RATIO of the cut spellings and no fewer than joined);
* words usually joined are stored in the "keep" list when the rules or the
  splitter would otherwise change them (``تنها``، ``مهمان``); against the rules
  that takes a joined spelling seen KEEP_MIN times.

Also stored: stem counts (every occurrence), adjectives, verb forms after
می, participles, word pairs for the splitter, and the ``hay`` evidence for
words in های (``X‌های`` or ``Xه‌ای``, and the words that follow each).
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402

from khabar.pipeline import zwnj as Z  # noqa: E402
from khabar.pipeline import zwnj_rules as R  # noqa: E402

MIN_COUNT = 2  # the winning spelling must be seen this often
SINGLE_MIN = 1  # ... or this often, when it is never seen joined and its ZWNJs show
RATIO = 0.7  # ... and be this share of all spellings of the key
AFFIX_RATIO = 0.3  # ... or this share when the affix rules give the same analysis
ZWNJ_SHARE = 0.05  # a boundary is a ZWNJ when ZWNJ spellings are >= this share of space spellings
JOINED_WEIGHT_CARELESS = 0.25  # weight of a joined spelling in an article that does not keep its ZWNJs
KEEP_MIN = 2  # a joined key seen this often (and never mostly with ZWNJ) is protected from the rules
PAIR_MIN = 2  # bigram evidence kept for the splitter
ADJ_MIN_FREQ = 100  # hazm adjectives rarer than this (in hazm's own counts) are not used for ‌تر
HAY_NEXT_MIN = 3  # a next word is evidence for های / ه‌ای when seen this often after either
DEFAULT_OUT = ROOT / "khabar" / "pipeline" / "data" / "zwnj_lexicon.jsonl.gz"


def find_hazm_dir() -> Path | None:
    import glob

    for pattern in (
        "/tmp/*/lib/python3*/site-packages/hazm_normalizer/data",
        str(ROOT / ".venv/lib/python3*/site-packages/hazm_normalizer/data"),
    ):
        hits = sorted(glob.glob(pattern))
        if hits:
            return Path(hits[0])
    try:
        import hazm_normalizer  # type: ignore

        return Path(hazm_normalizer.__file__).parent / "data"
    except ImportError:
        return None


def form_of(token: str) -> str:
    """Token with marks removed and letters unified, ZWNJs kept."""
    return Z._MARK_RE.sub("", token).translate(Z._FOLD)


def bounds_of(form: str) -> tuple[str, tuple[int, ...]]:
    key, bounds = Z._parse_form(form)
    return key, tuple(i for i, _ in bounds)


def count_corpus(holdout: str):
    forms: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    raw: collections.Counter = collections.Counter()  # occurrences of each key, every article counted fully
    # The word after X‌های (plural) and after Xه‌ای (silent ه + ای): "<P>" for
    # punctuation or the end of a line.
    hay_next: dict[str, collections.Counter] = {"p": collections.Counter(), "h": collections.Counter()}
    pairs: collections.Counter = collections.Counter()
    n_articles = n_careful = 0
    for source in corpus.SOURCES:
        for rec in corpus.load(source):
            h = corpus.bucket(rec["url"])
            if h == 0 or (holdout == "dev" and h == 1):
                continue
            n_articles += 1
            careful = corpus.keeps_zwnj(rec)
            n_careful += careful
            for line in corpus.texts(rec):
                text = corpus.clean(line)
                prev = None
                prev_end = -1
                pending = None
                for m in Z._TOKEN_RE.finditer(text):
                    tok = m.group("word")
                    if pending is not None:
                        gap = text[prev_end : m.start()]
                        nxt = tok if tok is not None and gap.isspace() else "<P>"
                        hay_next[pending][nxt if nxt == "<P>" else form_of(nxt).replace(Z.ZWNJ, "")] += 1
                        pending = None
                    if tok is None:
                        prev = None
                        continue
                    f = form_of(tok)
                    key = f.replace(Z.ZWNJ, "")
                    if f.endswith(Z.ZWNJ + "های"):
                        pending = "p"
                    elif f.endswith("ه" + Z.ZWNJ + "ای"):
                        pending = "h"
                    # A writer who drops ZWNJs is weak evidence that a word is written joined.
                    forms[key][f] += 1.0 if (careful or Z.ZWNJ in f) else JOINED_WEIGHT_CARELESS
                    raw[key] += 1
                    if prev is not None and text[prev_end : m.start()] == " ":
                        pairs[(prev, f)] += 1
                    prev, prev_end = f, m.end()
                if pending is not None:
                    hay_next[pending]["<P>"] += 1
    return forms, raw, pairs, hay_next, (n_articles, n_careful)


def read_hazm(hazm_dir: Path):
    words: dict[str, tuple[int, str]] = {}
    for line in (hazm_dir / "words.dat").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 3:
            continue
        word, freq, tags = parts[0].translate(Z._FOLD), int(parts[1] or 0), parts[2]
        if freq <= 0 or tags == "0" or " " in word:
            continue
        words[word] = (freq, tags)
    verbs = []
    for line in (hazm_dir / "verbs.dat").read_text(encoding="utf-8").splitlines():
        if "#" in line:
            past, present = line.split("#", 1)
            verbs.append((past.strip(), present.strip()))
    return words, verbs


def conjugations(verbs: list[tuple[str, str]]) -> set[str]:
    """Verb forms written after می/نمی (the 'tail'), with their own ZWNJs."""
    tails: set[str] = set()
    for past, present in verbs:
        if past:
            for end in ("م", "ی", "", "یم", "ید", "ند"):
                tails.add(past + end)
            for end in ("ه\u200cام", "ه\u200cای", "ه", "ه\u200cایم", "ه\u200cاید", "ه\u200cاند"):
                tails.add(past + end)
        if present:
            stem = present
            if stem.endswith(("ا", "و")):
                ends = ("یم", "یی", "ید", "ییم", "یید", "یند")
            else:
                ends = ("م", "ی", "د", "یم", "ید", "ند")
            for end in ends:
                tails.add(stem + end)
    return {t for t in tails if len(t.replace(Z.ZWNJ, "")) >= 2}


def hay_section(forms, known, hay_next) -> dict:
    """Evidence for words ending in های that read X‌های (plural) or Xه‌ای (ه + ای).

    * ``keys``: "key plural_count heh_count" as spelled with ZWNJ in the corpus
      (joined spellings count for the plural after a non-joining letter: سفرهای);
    * ``next``: "word plural_count heh_count", the word that follows either reading
      (only words seen HAY_NEXT_MIN times); ``total``/``rare``: both classes' totals and
      the part made of rarer words.
    """
    keys = []
    for key, spellings in forms.items():
        if not key.endswith("های") or len(key) < 5 or known.get(key[:-2], 0) < R.MIN_STEM_COUNT:
            continue
        n_p = n_h = 0
        silent = key[-4] in R.NON_JOINING  # سفرهای: the plural's ZWNJ is invisible, often left out
        for f, c in spellings.items():
            _, b = bounds_of(f)
            n_p += c if (len(key) - 3 in b or (silent and not b)) else 0
            n_h += c if len(key) - 2 in b else 0
        if n_p or n_h:
            keys.append(f"{key} {round(n_p)} {round(n_h)}")
    words = set(hay_next["p"]) | set(hay_next["h"])
    common = sorted(w for w in words if hay_next["p"][w] + hay_next["h"][w] >= HAY_NEXT_MIN)
    total = [sum(hay_next["p"].values()), sum(hay_next["h"].values())]
    listed = [sum(hay_next[c][w] for w in common) for c in "ph"]
    return {
        "keys": "\n".join(sorted(keys)),
        "next": "\n".join(f"{w} {hay_next['p'][w]} {hay_next['h'][w]}" for w in common),
        "total": total,
        "rare": [total[0] - listed[0], total[1] - listed[1]],
    }


def build(holdout: str, use_hazm: bool, hazm_dir: Path | None) -> dict:
    forms, raw, pairs, hay_next, n_articles = count_corpus(holdout)
    hazm_words: dict[str, tuple[int, str]] = {}
    hazm_verbs: list[tuple[str, str]] = []
    if use_hazm:
        hazm_dir = hazm_dir or find_hazm_dir()
        if hazm_dir is None:
            raise SystemExit("hazm_normalizer data not found: pip install hazm-normalizer (any venv) or --no-hazm")
        hazm_words, hazm_verbs = read_hazm(hazm_dir)

    # ---- verb tails, participles, adjectives -------------------------------------------
    tails = conjugations(hazm_verbs)
    for spellings in forms.values():
        for f, c in spellings.items():
            for prefix in ("می\u200c", "نمی\u200c"):
                if f.startswith(prefix) and c >= 2:
                    tails.add(f[len(prefix) :])
    for (a, b), c in pairs.items():
        if a in R.PREFIXES and c >= 2 and "\u200c" not in a:
            tails.add(b)
    tails = {t for t in tails if len(t.replace(Z.ZWNJ, "")) >= 2}
    participles = set()
    for past, _ in hazm_verbs:
        if past:
            participles.add(past + "ه")
            participles.add("ن" + past + "ه")
    # hazm's adjectives, but not its rarest ones (اکس, 11 occurrences: اکستر is Exeter).
    adjectives = {w for w, (freq, tags) in hazm_words.items() if "AJ" in tags.split(",") and freq >= ADJ_MIN_FREQ}
    for spellings in forms.values():
        for f in spellings:
            for suf in ("\u200cتر", "\u200cترین", "\u200cتری"):
                if f.endswith(suf) and Z.ZWNJ not in f[: -len(suf)]:
                    adjectives.add(f[: -len(suf)])

    # ---- known words (stems) ------------------------------------------------------------------
    known: collections.Counter = collections.Counter()
    # A stem's frequency counts every occurrence (how it is spelled does not matter here).
    for key, n in raw.items():
        known[key] += n
    for word in hazm_words:
        key = word.replace(Z.ZWNJ, "")
        known[key] = max(known[key], R.MIN_STEM_COUNT)

    # ---- bigrams for the splitter ---------------------------------------------------------------
    pair_counts: collections.Counter = collections.Counter()
    for (a, b), c in pairs.items():
        ka, kb = a.replace(Z.ZWNJ, ""), b.replace(Z.ZWNJ, "")
        if known[ka] >= R.SPLIT_MIN_COUNT and known[kb] >= R.SPLIT_MIN_COUNT:
            pair_counts[ka + " " + kb] += c
    pair_counts = collections.Counter({p: c for p, c in pair_counts.items() if c >= PAIR_MIN})

    sections = {
        "lex": "",
        "known": "\n".join(f"{w} {c}" for w, c in sorted(known.items()) if c >= 1),
        "adj": "\n".join(sorted(adjectives)),
        "verbs": "\n".join(sorted(tails)),
        "participles": "\n".join(sorted(participles)),
        "pairs": "\n".join(f"{p} {c}" for p, c in sorted(pair_counts.items())),
        "hay": hay_section(forms, known, hay_next),
    }
    # The affix rules alone (no lexicon yet): where they agree with the corpus,
    # a smaller share of ZWNJ spellings is enough (مهم‌ترین is standard even
    # though many writers still write مهمترین).
    rules_only = Z._Repairer(Z._Lexicon(sections))

    # ---- per-key spelling evidence -------------------------------------------------------
    # key -> Counter{boundary positions: count}; position -> [zwnj count, space count]
    groups: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    seps: dict[str, dict[int, list[int]]] = collections.defaultdict(lambda: collections.defaultdict(lambda: [0, 0]))
    affix_bounds: dict[str, set[int]] = collections.defaultdict(set)
    for key, spellings in forms.items():
        for f, c in spellings.items():
            _, b = bounds_of(f)
            groups[key][b] += c
            for i in b:
                seps[key][i][0] += c
    for (a, b), c in pairs.items():
        ka, kb = a.replace(Z.ZWNJ, ""), b.replace(Z.ZWNJ, "")
        key = ka + kb
        affix = kb in R.SUFFIX_WORDS or (ka in R.PREFIXES and Z.ZWNJ not in a)
        if not affix:
            # "ما در" being common says nothing about "مادر": only affixes written
            # apart (می شود، تیم های) are evidence about the joined word.
            continue
        _, ba = bounds_of(a)
        _, bb = bounds_of(b)
        allb = tuple(sorted(set(ba) | {len(ka)} | {i + len(ka) for i in bb}))
        groups[key][allb] += c
        seps[key][len(ka)][1] += c
        for i in ba:
            seps[key][i][0] += c
        for i in bb:
            seps[key][i + len(ka)][0] += c
        if affix:
            affix_bounds[key].add(len(ka))

    lex: dict[str, str] = {}
    keep: set[str] = set()

    def key_ambiguous(key: str) -> bool:
        """The suffix rules see two analyses of ``key`` and cannot choose."""
        return any(key.endswith(suffix) for suffix, _ in R.SUFFIXES) and rules_only.rules(key, spaced=False) is None

    for key, group in groups.items():
        total = sum(group.values())
        joined = group[()]
        ruled = tuple(i for i, _ in (rules_only.rules(key, spaced=False) or ()))
        if ruled and group[ruled] >= joined and group[ruled] >= AFFIX_RATIO * total:
            best = ruled  # the rules' analysis, and no fewer writers agree than join (مهم‌ترین)
        else:
            best, n = group.most_common(1)[0]
            if not best:
                if joined >= KEEP_MIN or (joined > 0 and total >= KEEP_MIN):
                    keep.add(key)
                continue
            # Without the rules' backing, a spelling must be common and clearly
            # preferred, to joined and to other cuts; when the rules are unsure
            # (پرداخت‌های or پرداخته‌ای?), preferred among the cuts and not rarer
            # than the joined spelling is enough.
            # A ZWNJ nobody has written joined, where it shows (not after ا، د، ر…),
            # is deliberate even if seen once (دانش‌بنیان); invisible ones are often typos.
            # (Not the plural possessives ‌مان/‌شان/‌تان: most writers join them.)
            visible = all(key[i - 1] not in R.NON_JOINING for i in best)
            single = visible and not joined and key[best[-1] :] not in ("مان", "شان", "تان")
            if n < (SINGLE_MIN if single else MIN_COUNT) or (
                n < RATIO * total and not (n >= RATIO * (total - joined) and n >= joined and key_ambiguous(key))
            ):
                # Genuinely ambiguous: leave it alone. Against the rules, only
                # a joined spelling seen often enough protects it.
                if joined >= KEEP_MIN or (joined > 0 and not ruled):
                    keep.add(key)
                continue
        if key.endswith("هی") and len(key) - 1 in best:
            continue  # the ezafe ه‌ی (خانه‌ی): optional, and خانۀ / خانه are as common
        out = []
        for i, ch in enumerate(key):
            if i in best:
                zc, sc = seps[key][i]
                sep = Z.ZWNJ if ((zc >= 1 and zc >= ZWNJ_SHARE * sc) or i in affix_bounds[key]) else " "
                out.append(sep)
            out.append(ch)
        lex[key] = "".join(out)

    # ---- hazm words with ZWNJ the corpus has no opinion on ----------------------------------
    n_hazm = 0
    for word, (_freq, _tags) in hazm_words.items():
        if Z.ZWNJ not in word:
            continue
        key = word.replace(Z.ZWNJ, "")
        if key in lex or key in keep:
            continue
        if key in hazm_words:  # hazm knows the joined spelling too: ambiguous
            continue
        lex[key] = word
        n_hazm += 1

    # ---- hand-written entries (bench/zwnj/curated.txt) override everything ---------------
    n_curated = 0
    for line in (HERE / "curated.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _ = Z._parse_form(line)
            lex[key] = line
            keep.discard(key)
            n_curated += 1

    sections["lex"] = "\n".join(sorted(lex.values()))

    # ---- protect joined words the rules / splitter would change -----------------------------------
    lexicon = Z._Lexicon(sections)
    rep = Z._Repairer(lexicon)
    candidates = set(keep)
    for word, (_freq, _tags) in hazm_words.items():
        if Z.ZWNJ not in word and word not in lex:
            candidates.add(word)
    protect = sorted(k for k in candidates if k not in lex and (rep.rules(k, spaced=False) or rep.split(k)))
    protect = [k for k in protect if k not in lex]
    sections["keep"] = "\n".join(protect)
    sections["meta"] = {
        "built_by": "bench/zwnj/build_lexicon.py",
        "holdout": holdout,
        "train_articles": n_articles[0],
        "train_articles_keeping_zwnj": n_articles[1],
        "sources": ["varzesh3 (train split)", "fars (train split)"]
        + (["hazm word/verb lists (MIT)"] if use_hazm else []),
        "counts": {
            "lex": len(lex),
            "lex_from_hazm": n_hazm,
            "lex_curated": n_curated,
            "keep": len(protect),
            "known": len(known),
            "adjectives": len(adjectives),
            "verb_tails": len(tails),
            "pairs": len(pair_counts),
        },
        "params": {
            "MIN_COUNT": MIN_COUNT,
            "SINGLE_MIN": SINGLE_MIN,
            "RATIO": RATIO,
            "AFFIX_RATIO": AFFIX_RATIO,
            "ZWNJ_SHARE": ZWNJ_SHARE,
            "JOINED_WEIGHT_CARELESS": JOINED_WEIGHT_CARELESS,
            "KEEP_MIN": KEEP_MIN,
            "PAIR_MIN": PAIR_MIN,
            "HAY_NEXT_MIN": HAY_NEXT_MIN,
            "ADJ_MIN_FREQ": ADJ_MIN_FREQ,
        },
    }
    return sections


def write(sections: dict, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    order = ["meta", "lex", "keep", "known", "adj", "verbs", "participles", "pairs", "hay"]
    with gzip.GzipFile(out, "wb", compresslevel=9, mtime=0) as raw:
        for name in order:
            line = json.dumps({"section": name, "data": sections[name]}, ensure_ascii=False)
            raw.write(line.encode("utf-8") + b"\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--holdout", choices=["test", "dev"], default="test")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--no-hazm", action="store_true")
    ap.add_argument("--hazm-dir", type=Path, default=None)
    ap.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a threshold of this script (tuning on DEV only)",
    )
    args = ap.parse_args(argv)
    for item in args.param:
        name, _, value = item.partition("=")
        if name not in globals() or not name.isupper():
            raise SystemExit(f"unknown parameter {name}")
        globals()[name] = type(globals()[name])(value)
    out = args.out or (DEFAULT_OUT if args.holdout == "test" else Path("/tmp/zwnj_lexicon_dev.jsonl.gz"))
    sections = build(args.holdout, not args.no_hazm, args.hazm_dir)
    write(sections, out)
    print(json.dumps(sections["meta"], ensure_ascii=False, indent=1))
    print(f"wrote {out} ({out.stat().st_size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
