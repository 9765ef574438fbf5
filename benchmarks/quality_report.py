"""The quality benchmark's output: its Markdown tables and its FPR-vs-recall plot.

Kept apart from ``quality.py`` (which runs the judges and scores them) so that each file has one
job; the functions take the records and judges ``quality.py`` builds.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from layoutcheck.dataset import CLASS_NAMES

if TYPE_CHECKING:
    from bench_data import BenchPair
    from quality import Judges, Record


def roc_points(positive: Iterable[float], negative: Iterable[float]) -> tuple[list[float], list[float]]:
    """``(fpr, recall)`` of "fails iff score > t" for t from the largest score down to 0.

    Scores are >= 0 and a judge's most sensitive setting is t = 0 (a pixel comparator failing on
    any differing pixel), so the curve ends there rather than at "every pair fails".
    """
    pos, neg = np.asarray(list(positive), dtype=float), np.asarray(list(negative), dtype=float)
    every = np.concatenate([pos, neg, [0.0]])
    ts = np.unique(every[np.isfinite(every) & (every >= 0)])[::-1]  # (n,) descending, 0 last
    fpr, rec = [], []
    for t in ts:
        fpr.append(float((neg > t).mean()) if neg.size else 0.0)
        rec.append(float((pos > t).mean()) if pos.size else 0.0)
    return fpr, rec


# -- output ----------------------------------------------------------------------------------------


def _f(v: float | None, digits: int = 3) -> str:
    return "—" if v is None else f"{v:.{digits}f}"


def stamp_line(meta: dict[str, Any]) -> str:
    m = meta["machine"]
    return (f"`{meta['command']}` · {meta['created'][:10]} · {m['cpu']} ({m['cpus']} cores, "
            f"{m['torch_threads']} torch thread(s)), load avg {m['loadavg_before'][0]} · commit {meta['git_commit']}")


def labelled_markdown(name: str, note: str, counts: dict[str, int], table: dict[str, dict[str, Any]],
                      judges: Judges, meta: dict[str, Any], tuned: dict[str, dict[str, float]]) -> str:
    """The main table and the per-class table of one labelled source."""
    lines = [
        f"### Quality on {name}: {counts['pairs']} pairs ({counts['benign']} benign, {counts['change']} change, "
        f"{counts['defect']} defect)", "", note, "", stamp_line(meta), "",
        "| judge | settings | benign FPR ↓ | change flagged ¹ | change passing ² | defect flagged ↑ | "
        "defect located ↑ ³ | region precision, any true box ↑ | region precision, defect box ↑ | median ms / pair ↓ |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key in [k for k in judges.names if k in table]:
        m = table[key]
        lines.append(
            f"| {judges.labels[key]} | {judges.settings[key]} | {_f(m['benign_fpr'])} | {_f(m['change_flagged'])} | "
            f"{_f(m['change_pass'])} | {_f(m['defect_flagged'])} | {_f(m.get('defect_located'))} | "
            f"{_f(m.get('region_precision_any'))} | {_f(m.get('region_precision_defect'))} | {_f(m['median_ms'], 1)} |"
        )
    lines += ["", (
        "¹ a real change flagged: wanted at the strict level. ² a real change let through: wanted at the layout "
        "level (1 − ¹). ³ flagged with a region on a true defect box. † tuned: the diff-ratio tolerance "
        "(`maxDiffPixelRatio`) that maximises defect recall − benign FPR on these very pairs, fitted after "
        "seeing their labels: a best case for the pixel comparators that no user gets. Times include decoding "
        "both PNGs (peers: inside Node)."), ""]
    if tuned:
        lines += ["Tuned tolerances: " + ", ".join(
            f"{judges.labels[k]} r = {v['r']:.3g}" for k, v in tuned.items()) + ".", ""]
    classes = sorted({c for m in table.values() for c in m.get("per_class", {})}, key=CLASS_NAMES.index)
    if classes:
        keys = [k for k in judges.names if k in table]
        lines += [f"#### Defect pairs located, per class ({name})", "",
                  "| class | pairs | " + " | ".join(judges.labels[k] for k in keys) + " |",
                  "|---|---:|" + "---:|" * len(keys)]
        for c in classes:
            n = next(table[k]["per_class"][c]["pairs"] for k in keys if c in table[k].get("per_class", {}))
            cells = [_f(table[k].get("per_class", {}).get(c, {}).get("recall"), 2) for k in keys]
            lines.append(f"| {c} | {n} | " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def fixtures_markdown(records: list[Record], pairs: list[BenchPair], skipped: list[str], judges: Judges,
                      meta: dict[str, Any]) -> str:
    """Per case, each judge's verdict beside what the peers' own tests expect; then agreement."""
    keys = [k for k in judges.names if any(r.judge == k for r in records)]
    verdict = {(r.pair, r.judge): r.flagged for r in records}
    lines = [
        f"### The peers' own test fixtures: {len(pairs)} cases with an expected verdict", "",
        stamp_line(meta), "",
        "| case | expected | " + " | ".join(judges.labels[k] for k in keys) + " |",
        "|---|---|" + ":---:|" * len(keys),
    ]
    for p in pairs:
        cells = []
        for k in keys:
            failed = verdict[(p.id, k)]
            agree = failed == (p.expected == "different")
            cells.append(("fail" if failed else "pass") + ("" if agree else " ✗"))
        size = " (sizes differ)" if "size-mismatch" in p.categories else ""
        lines.append(f"| {p.id}{size} | {p.expected} | " + " | ".join(cells) + " |")
    summary = fixtures_summary(records, pairs)
    lines.append("| **agree with the peers' tests** | | " + " | ".join(
        f"{summary[k]['agree']}/{summary[k]['cases']}" for k in keys) + " |")
    lines += ["", (
        "✗: the verdict differs from what the fixture's own project asserts (\"equal\" should pass, \"different\" "
        "fail). The unet layout level passes real changes that break no layout by design, so it disagrees on "
        "\"different\" cases that are content or colour changes. Tuned rows use the tolerance fitted on the test "
        f"split. Skipped (asserted both ways by their projects): {', '.join(skipped) or 'none'}."), ""]
    return "\n".join(lines)


def fixtures_summary(records: list[Record], pairs: list[BenchPair]) -> dict[str, dict[str, int]]:
    expected = {p.id: p.expected == "different" for p in pairs}
    out: dict[str, dict[str, int]] = {}
    for r in records:
        s = out.setdefault(r.judge, {"cases": 0, "agree": 0, "equal_passed": 0, "different_failed": 0})
        s["cases"] += 1
        s["agree"] += r.flagged == expected[r.pair]
        s["equal_passed"] += (not expected[r.pair]) and not r.flagged
        s["different_failed"] += expected[r.pair] and r.flagged
    return out


_LINE: dict[str, dict[str, Any]] = {
    "unet-strict": {"lw": 2.6}, "unet-layout": {"lw": 2.6}, "ssim": {"lw": 1.8},
    "pixel": {"lw": 2.8, "alpha": 0.55}, "pixelmatch": {"lw": 1.6, "ls": (0, (5, 3))},
    "odiff": {"lw": 1.6, "ls": (0, (1, 2))}, "playwright": {"lw": 1.6, "ls": (0, (6, 2, 1, 2))},
}


def plot(path: Path, records: list[Record], judges: Judges, table: dict[str, dict[str, Any]],
         tuned: dict[str, dict[str, float]], title: str) -> None:
    """FPR vs recall as each judge's threshold varies: strict recall (left), defect recall (right)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(13, 6.2), sharey=True)
    panels = [
        (axes[0], "strict_recall", ("change", "defect"), "unet-layout",
         "Any real change: change + defect pairs flagged"),
        (axes[1], "defect_flagged", ("defect",), "unet-strict", "Broken layout: defect pairs flagged"),
    ]
    colours = plt.get_cmap("tab10")
    keys = [k for k in judges.names if not k.endswith("-tuned")]
    for ax, column, positive_kinds, leave_out, heading in panels:
        for i, key in enumerate(keys):
            mine = [r for r in records if r.judge == key and r.score is not None]
            if key == leave_out or not mine:
                continue
            pos = [r.score for r in mine if r.kind in positive_kinds]
            neg = [r.score for r in mine if r.kind == "benign"]
            fpr, rec = roc_points(pos, neg)  # type: ignore[arg-type]
            colour = colours(i % 10)
            # Comparators with equal answers draw the same curve: dashes keep each one visible.
            ax.plot(fpr, rec, color=colour, label=judges.labels[key], **_LINE.get(key, {"lw": 1.8}))
            op = table.get(key, {})
            if op.get("benign_fpr") is not None and op.get(column) is not None:
                ax.plot([op["benign_fpr"]], [op[column]], "o", color=colour, ms=8, mec="black", mew=0.8)
            if f"{key}-tuned" in table:
                t = table[f"{key}-tuned"]
                ax.plot([t["benign_fpr"]], [t[column]], "D", color="white", mec=colour, mew=1.8, ms=7)
        ax.set_title(heading, fontsize=11)
        ax.set_xlabel("benign pairs flagged (false-positive rate)")
        ax.set_xlim(-0.02, 1.02)
        ax.set_ylim(-0.02, 1.02)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("recall")
    from matplotlib.lines import Line2D

    extra = [Line2D([], [], ls="", marker="o", color="grey", mec="black", ms=8, label="default setting (real judge)"),
             Line2D([], [], ls="", marker="D", color="white", mec="grey", mew=1.8, ms=7,
                    label="tolerance tuned on these pairs")]
    drawn: dict[str, Any] = {}
    for ax in axes:
        drawn.update({lab: h for h, lab in zip(*ax.get_legend_handles_labels(), strict=True)})
    labels = [judges.labels[k] for k in keys if judges.labels[k] in drawn]
    handles = [drawn[lab] for lab in labels]
    fig.legend(handles + extra, labels + [e.get_label() for e in extra], loc="lower center", ncol=4,
               fontsize=9, frameon=False)
    fig.suptitle(title, fontsize=11)
    fig.tight_layout(rect=(0, 0.12, 1, 0.95))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
