"""Article links and leads of real homepages against their annotations (issues 11 and 12).

    .venv/bin/python bench/homepages/evaluate.py [--data ../shared/data/homepages]

Per page: recall and precision of ``article_links`` against the annotated article
URL pattern (``homepage_scoring``), whether ``prominent_links`` prints the annotated
lead first (for a page without a lead: prints nothing), and how many annotated top
slots are among its first six links. Prints a Markdown table for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from homepage_scoring import TOP_WINDOW, same_page_key, score_page, true_article_keys  # noqa: E402

from khabar.pipeline.listing_page import parse_listing, site_host  # noqa: E402
from khabar.pipeline.stories.front_pages import lead_links  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
# Next to the checkout (../shared), or the machine-wide copy when run from a worktree.
DEFAULT_DATA = next(
    (p for p in (ROOT.parent / "shared" / "data" / "homepages", Path("/work/shared/data/homepages")) if p.is_dir()),
    ROOT.parent / "shared" / "data" / "homepages",
)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with expected.json and the pages")
    args = ap.parse_args()
    entries = json.loads((args.data / "expected.json").read_text(encoding="utf-8"))
    rows, pages, started = [], [], time.process_time()
    for entry in entries:
        html = (args.data / entry["file"]).read_text(encoding="utf-8")
        rows.append(score_page(html, entry))
        pages.append(html)
    cpu = time.process_time() - started
    baseline_precision, baseline_leads = [], 0
    for entry, html in zip(entries, pages):
        # Baselines: every same-site link; the explicit-marker reader the crawler used so far.
        page = parse_listing(html, entry["page_base_url"])
        same_site = {same_page_key(link.url) for link in page.links if site_host(link.url) == page.host}
        truth = true_article_keys(html, entry)
        baseline_precision.append(len(same_site & truth) / max(1, len(same_site)))
        old = lead_links(html, entry["page_base_url"])
        baseline_leads += bool(entry["lead"] and old and same_page_key(old[0]) == same_page_key(entry["lead"]["url"]))
    print("| page | article links (annotated) | found | recall | precision | lead first | top slots in first 6 |")
    print("| --- | ---: | ---: | ---: | ---: | --- | ---: |")
    for r in rows:
        lead = (
            ("yes" if r.lead_first else "**no**")
            if r.has_lead
            else ("nothing printed" if r.lead_first else "**noise**")
        )
        top = f"{r.top_hits}/{r.top_slots}" if r.top_slots else "–"
        print(
            f"| {r.domain} | {r.true_links} | {r.found_links} | {r.recall:.3f} | {r.precision:.3f} | {lead} | {top} |"
        )
    with_lead = [r for r in rows if r.has_lead]
    print()
    print(
        f"Minimum recall {min(r.recall for r in rows):.3f}, minimum precision {min(r.precision for r in rows):.3f}; "
        f"lead first on {sum(r.lead_first for r in with_lead)}/{len(with_lead)} pages with a lead; "
        f"pages without a lead left empty: {sum(r.lead_first for r in rows if not r.has_lead)}/"
        f"{len(rows) - len(with_lead)}; top slots in the first {TOP_WINDOW}: "
        f"{sum(r.top_hits for r in rows)}/{sum(r.top_slots for r in rows)}. "
        f"CPU for {len(rows)} pages (both steps, each parsing once): {cpu:.2f} s."
    )
    print()
    print(
        f"Baselines, same run: taking every same-site link gives precision {min(baseline_precision):.2f}–"
        f"{max(baseline_precision):.2f} per page; the explicit-marker reader `lead_links` (data-slot, lead "
        f"class names) prints the annotated lead first on {baseline_leads}/{len(with_lead)} pages."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
