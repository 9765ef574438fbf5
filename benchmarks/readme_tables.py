"""Write the README's "How it compares" block from the latest benchmark results.

The block is everything between ``<!-- bench:start -->`` and ``<!-- bench:end -->`` in
``README.md``; nothing outside the markers changes. Its content is made from the files the
benchmarks wrote, never typed: the FPR-vs-recall plot (``results/fpr_recall.png``), then
``results/quality.md`` and ``results/speed.md`` as they are (each states the command, date and
machine of its run), their headings moved down to fit under the README's section. When the
README has no markers yet, a "## How it compares" section holding them is added after the
section on the U-Net (``## Training data and the U-Net``).

Run: ``.venv/bin/python benchmarks/readme_tables.py [--readme README.md]`` (``make bench`` runs
it after ``quality.py`` and ``speed.py``).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
SECTION = "## How it compares"
AFTER = "## Training data and the U-Net"
PARTS = ("realpages.md", "quality.md", "speed.md", "runtimes.md", "small_images.md")  # in this order; a missing one is said to be missing
PLOT = "fpr_recall.png"


class ReadmeError(ValueError):
    """The README's bench markers are missing, repeated or out of order."""


def replace_block(text: str, body: str) -> str:
    """``text`` with the lines between the bench markers replaced by ``body``.

    Everything up to and including the start marker's line, and from the end marker's line on,
    is kept byte for byte.

    Raises:
        ReadmeError: not exactly one start and one end marker, each on a line of its own, with the
            start first.
    """
    starts = [m.start() for m in re.finditer(re.escape(START), text)]
    ends = [m.start() for m in re.finditer(re.escape(END), text)]
    if len(starts) != 1 or len(ends) != 1 or ends[0] < starts[0]:
        raise ReadmeError(
            f"expected one {START} line followed by one {END} line, found {len(starts)} start and {len(ends)} end "
            "marker(s)" + (" in the wrong order" if len(starts) == len(ends) == 1 else "")
        )
    head_end = text.index("\n", starts[0]) + 1 if "\n" in text[starts[0]:] else len(text)
    tail_start = text.rfind("\n", 0, ends[0]) + 1
    if head_end > tail_start:
        raise ReadmeError(f"{START} and {END} must be on lines of their own")
    body = body if body.endswith("\n") or not body else body + "\n"
    return text[:head_end] + body + text[tail_start:]


def insert_section(text: str, after: str = AFTER) -> str:
    """``text`` with an empty "How it compares" section (the markers) before the section that follows ``after``.

    Raises:
        ReadmeError: ``after`` is not a heading of ``text``.
    """
    lines = text.splitlines(keepends=True)
    try:
        at = next(i for i, line in enumerate(lines) if line.rstrip("\n") == after)
    except StopIteration:
        raise ReadmeError(f"the README has no heading {after!r} to put {SECTION!r} after") from None
    nxt = next((i for i in range(at + 1, len(lines)) if re.match(r"#{1,2} ", lines[i])), len(lines))
    block = f"{SECTION}\n\n{START}\n{END}\n\n"
    if nxt == len(lines) and lines and not lines[-1].endswith("\n"):
        block = "\n\n" + block
    return "".join(lines[:nxt]) + block + "".join(lines[nxt:])


def demote(markdown: str, top: int = 3) -> str:
    """Move every heading down so that the highest one has level ``top``."""
    levels = [len(m.group(1)) for m in re.finditer(r"^(#{1,6}) ", markdown, flags=re.M)]
    shift = top - min(levels) if levels else 0
    if shift <= 0:
        return markdown
    return re.sub(r"^(#{1,6}) ", lambda m: "#" * min(len(m.group(1)) + shift, 6) + " ", markdown, flags=re.M)


def block_body(results: Path = RESULTS, root: Path = ROOT) -> str:
    """The block's Markdown from the result files."""
    rel = results.relative_to(root) if results.is_relative_to(root) else results
    parts = [
        "<!-- Written by benchmarks/readme_tables.py from benchmarks/results/ (`make bench`); edits here are lost. -->",
        "",
        "layoutcheck's judges beside the tools a team would use instead, on the same pairs and the same "
        "machine. `make bench` reruns everything below and rewrites this section (`make bench-quick`: a "
        "subsample); each table names the command, date, machine and commit of its run, and "
        f"`{rel}/*.json` hold every number, per pair.",
        "",
    ]
    if (results / PLOT).is_file():
        parts += [f"![False-positive rate vs recall of each judge as its threshold varies]({rel}/{PLOT})", "",
                  f"*`{rel}/{PLOT}`, drawn by `benchmarks/quality.py`: each judge's false-positive rate on benign "
                  "pairs against its recall as its threshold varies; dots mark the default settings, diamonds the "
                  "tolerance tuned on these pairs. Its run is the one of the test-split table below.*", ""]
    for name in PARTS:
        path = results / name
        if path.is_file():
            parts += [demote(path.read_text(encoding="utf-8")).strip(), ""]
        else:
            parts += [f"*(`{rel}/{name}` is missing: run `make bench`.)*", ""]
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readme", type=Path, default=ROOT / "README.md")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    original = args.readme.read_text(encoding="utf-8")
    text = original if START in original or END in original else insert_section(original)
    new = replace_block(text, block_body(args.results.resolve(), args.readme.resolve().parent))
    if new != original:
        args.readme.write_text(new, encoding="utf-8")
    print(f"wrote the {START} ... {END} block of {args.readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
