"""`make bench`: run every benchmark at its default (short) scale and print their figures.

Each bench module has `main(argv) -> list[str]` returning result lines (ratios against a baseline
measured in the same run, because machines here are shared and noisy). Run one alone with
`python -m bench.NAME --help`. `python -m bench --only NAME` runs a subset.
"""

import argparse
import importlib
import os
import sys
import time

BENCHMARKS = ["import_ledger", "rollup", "followups", "due_now", "passages", "exposure", "dashboard", "layers", "tracing",
              "candidates", "epi", "load", "pages", "gc_pause"]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--only", action="append", default=[], help="run only these benchmarks")
    args, rest = parser.parse_known_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    lines = []
    base_url = os.environ.get("DATABASE_URL", "")
    for name in args.only or BENCHMARKS:
        # each benchmark points DATABASE_URL at its own temporary databases; the next starts from the base
        os.environ["DATABASE_URL"] = base_url
        started = time.monotonic()
        module = importlib.import_module(f"bench.{name}")
        print(f"== bench/{name}.py", flush=True)
        for line in module.main(rest):
            print("  " + line, flush=True)
            lines.append(f"{name}: {line}")
        print(f"   ({time.monotonic() - started:.0f}s)", flush=True)
    print("\nSummary")
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
