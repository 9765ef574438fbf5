"""The judges on real pages re-rendered with another font rasteriser setting: time and verdict.

Each page of ``PAGES`` (templates of ``../shared/realpages``) is shot full-page at 1280 px wide in
Chromium, then again in a second Chromium started with ``--disable-font-subpixel-positioning``
(glyphs placed on whole pixels, as some CI machines render), both cut to 1280x2400. The pair is
benign: a judge should pass it. Median of ``--runs`` per judge (U-Net strict and layout on the
default runtime, the pixel judge), on decoded arrays.

Run: ``.venv/bin/python benchmarks/font_noise_speed.py [--runs 5]``. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "realpages"
PAGES = ("startbootstrap-agency/index.html", "pico/v2-html/index.html", "bulma-templates/templates/personal.html",
         "spectre/elements/typography.html")
HEIGHT = 2400


def shoot(flags: list[str]) -> dict[str, np.ndarray]:
    from playwright.sync_api import sync_playwright

    from layoutcheck.browser import launch_chromium
    from layoutcheck.capture import ShotOptions, snapshot
    from layoutcheck.imageio import decode_image

    out = {}
    with sync_playwright() as pw:
        browser = launch_chromium(pw, extra_args=flags)
        for page_path in PAGES:
            context = browser.new_context(viewport={"width": 1280, "height": 800}, reduced_motion="reduce",
                                          locale="en-US", timezone_id="UTC")
            page = context.new_page()
            page.goto((CORPUS / page_path).as_uri(), wait_until="load")
            page.wait_for_timeout(1500)  # some templates animate on load
            out[page_path] = decode_image(snapshot(page, ShotOptions(full_page=True, stable_shots=3)).png)
            context.close()
        browser.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from layoutcheck.judges import get_judge

    refs, noisy = shoot([]), shoot(["--disable-font-subpixel-positioning"])
    judges = {"unet strict": get_judge("unet", device="cpu"), "unet layout": get_judge("unet", level="layout", device="cpu"),
              "pixel": get_judge("pixel")}
    print("| page | rows that differ | " + " | ".join(judges) + " |")
    print("|---|---:|" + "---:|" * len(judges))
    for page_path in PAGES:
        h = min(refs[page_path].shape[0], noisy[page_path].shape[0], HEIGHT)
        ref, cand = (np.ascontiguousarray(a[page_path][:h]) for a in (refs, noisy))
        rows = float((np.abs(ref.astype(np.int16) - cand).max(axis=2) > 8).any(axis=1).mean())
        cells = []
        for judge in judges.values():
            judge.judge(ref, cand)  # warm-up: model load
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                result = judge.judge(ref, cand)
                times.append(time.perf_counter() - start)
            cells.append(f"{statistics.median(times) * 1000:.0f} ms, {'fail' if result.regions else 'pass'}")
        print(f"| {page_path} ({ref.shape[1]}x{h}) | {rows:.0%} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
