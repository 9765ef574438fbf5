"""Did a fine-tune on a handful of labelled false alarms remove them? (issue 12's check)

Judges, at strict, with each model given (``NAME=PATH``; its calibrated threshold), on the pairs
of a real-page dataset (``synth --realpages``) and a generated val set:

* the labelled pairs (``--labelled ID``, the false alarms brought in with ``label --add`` and
  saved as "no defect");
* the held-out pairs of the same family (benign font-stack pairs not labelled);
* the real-page change and defect pairs, and the generated val pairs by kind (what must not be lost).

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
    args = parser.parse_args()
    from layoutcheck.compare import compare_pair
    from layoutcheck.dataset import read_manifest
    from layoutcheck.judges import get_judge

    pairs = []
    for s in read_manifest(args.real):
        if s.kind == "benign" and family(s).startswith("font-stack"):
            pairs.append(("labelled" if s.id in args.labelled else "held-out font-stack", s, args.real))
        elif s.kind in ("change", "defect"):
            pairs.append((f"real {s.kind}", s, args.real))
    pairs += [(f"generated val {s.kind}", s, args.synth_val) for s in read_manifest(args.synth_val)]
    for spec in args.model:
        name, _, path = spec.partition("=")
        judge = get_judge("unet", level="strict", device="cpu", model_path=Path(path))
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for group, s, root in pairs:
            result, _ = compare_pair(s.id, root / s.reference, root / s.candidate, judge)
            counts[group][0] += result.verdict.value == "fail"
            counts[group][1] += 1
        print(name, f"threshold {judge.threshold}", json.dumps({g: f"{f}/{t} flagged" for g, (f, t) in sorted(counts.items())}))


if __name__ == "__main__":
    main()
