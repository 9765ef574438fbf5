"""Browser generation speed of ``layoutcheck synth``: pairs per second with K workers.

Usage: python benchmarks/synth_speed.py [--pairs 120] [--workers 2] [--seed 11]
Writes benchmarks/results/synth_speed.json. Includes browser start-up, page rendering, every
mutation's screenshot and the PNG writes, as a user pays them. Run it on a quiet machine: the
number is wall-clock.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from layoutcheck.synth.generate import SynthConfig, run_synth

RESULTS = Path(__file__).parent / "results" / "synth_speed.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=120)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        config = SynthConfig(out=Path(tmp), pairs=args.pairs, seed=args.seed, workers=args.workers, per_page=8)
        start = time.perf_counter()
        counts = run_synth(config)
        seconds = time.perf_counter() - start
    rate = counts["written"] / seconds
    result = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "command": f"python benchmarks/synth_speed.py --pairs {args.pairs} --workers {args.workers} --seed {args.seed}",
        "pairs_written": counts["written"], "failed": counts["failed"], "seconds": round(seconds, 1),
        "pairs_per_second": round(rate, 3), "hours_for_20000": round(20000 / rate / 3600, 2),
        "load_average_1min_after": round(os.getloadavg()[0], 2),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
