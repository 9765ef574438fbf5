"""Did a fine-tune on a handful of labelled false alarms remove them? (issue 12's check)

Judges, at both levels, with each model given (``NAME=PATH``; its calibrated thresholds), on the
pairs of a real-page dataset (``synth --realpages``) and a generated val set:

* the labelled pairs (``--labelled ID``: false alarms brought in with ``label --add`` and saved as
  "No defect" or "Changed, not broken");
* the held-out pairs of the same family (``--family NAME``: a noise family, noise or mutation;
  by default the font stacks, split as docs/dataset.md's rule splits them: text re-flowed is a
  change, wanted failing at strict and passing at layout; same layout is noise, wanted passing
  at both), those of the projects the labels came from apart from those of the val and test
  projects;
* what must not be lost: the real-page changes and defects of the val and test splits (projects
  no model trained on), each split apart, and the generated val pairs, by kind.

Prints one JSON line per model: group -> "strict flagged/total, layout flagged/total".

Run: ``.venv/bin/python benchmarks/label_loop.py --real /work/data/real1 --synth-val /work/data/synth-v
--model shipped=src/layoutcheck/shipped/layoutcheck-unet.safetensors --model fa=fa.safetensors
--labelled r005000000w375-00 ...`` (the runs and commands: the model card's *The labeling loop*).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from realpages import family  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", type=Path, required=True)
    parser.add_argument("--synth-val", type=Path, required=True)
    parser.add_argument("--model", action="append", required=True, metavar="NAME=PATH")
    parser.add_argument("--labelled", action="append", default=[], metavar="ID")
    parser.add_argument("--family", action="append", default=[], metavar="NAME",
                        help="the held-out family: pairs whose noise family, noise or mutation is NAME "
                             "(default: the font stacks, split by the rule)")
    args = parser.parse_args()
    from layoutcheck.compare import compare_pair
    from layoutcheck.dataset import read_manifest
    from layoutcheck.judges import get_judge

    real = read_manifest(args.real)
    unknown = set(args.labelled) - {s.id for s in real}
    if unknown:
        parser.error(f"--labelled: no pair {', '.join(sorted(unknown))} in {args.real}")
    families = set(args.family) or {"font-stack, same layout", "font-stack, text re-flowed"}
    pairs = []
    for s in real:
        names = {family(s), s.params.get("noise"), s.params.get("mutation")}
        if s.id in args.labelled:
            pairs.append(("labelled", s, args.real))
        elif names & families:
            projects = "train projects" if s.split == "train" else "val, test projects"
            pairs.append((f"held-out {' / '.join(sorted(families))} ({projects})", s, args.real))
        elif s.kind in ("change", "defect") and s.split != "train":
            pairs.append((f"real {s.kind} ({s.split})", s, args.real))
    pairs += [(f"generated val {s.kind}", s, args.synth_val) for s in read_manifest(args.synth_val)]
    for spec in args.model:
        name, _, path = spec.partition("=")
        judges = {lv: get_judge("unet", level=lv, device="cpu", model_path=Path(path)) for lv in ("strict", "layout")}
        counts: dict[str, dict[str, list[int]]] = defaultdict(lambda: {lv: [0, 0] for lv in judges})
        for group, s, root in pairs:
            for lv, judge in judges.items():
                result, _ = compare_pair(s.id, root / s.reference, root / s.candidate, judge)
                counts[group][lv][0] += result.verdict.value == "fail"
                counts[group][lv][1] += 1
        line = {g: ", ".join(f"{lv} {f}/{t}" for lv, (f, t) in c.items()) for g, c in sorted(counts.items())}
        thresholds = {lv: j.threshold for lv, j in judges.items()}
        print(name, json.dumps({"thresholds": thresholds, **line}))


if __name__ == "__main__":
    main()
