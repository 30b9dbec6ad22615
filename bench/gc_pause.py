"""A full garbage-collector pass in a server process, with and without `gc.freeze()` after the app has loaded.

    python -m bench.gc_pause [--pages 200]

Python's collector now and then scans every object a process holds: in a worker of `fangkong serve` that is the
whole of Django and the app, some 200,000 objects, and the request it lands on waits (the page budget's p95
catches it). `fangkong.wsgi` freezes what loading the app made (`gc.freeze()`: moved out of the collector's
reach, never freed, as nothing loaded at start is), so a pass scans only what requests made since. This loads the
app as a worker does, reads some pages in process to warm its caches, then times full passes (`gc.collect()`,
the worst the collector does on its own) in a child process of each kind, and prints their ratio.
"""

import argparse
import os
import statistics
import subprocess
import sys

CHILD = r"""
import gc, os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
freeze = sys.argv[1] == "1"
if not freeze:
    gc.freeze = lambda: None  # the same module, without the freeze
import fangkong.wsgi  # noqa: F401  loads the app as a worker does
from django.test import Client
client = Client()
for _ in range(int(sys.argv[2])):
    client.get("/healthz")
    client.get("/accounts/login/")
times = []
for _ in range(7):
    started = time.perf_counter()
    gc.collect()
    times.append(time.perf_counter() - started)
print(len(gc.get_objects()), gc.get_freeze_count(), min(times), sorted(times)[3])
"""


def measure(freeze: bool, pages: int) -> tuple[int, int, float, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, "1" if freeze else "0", str(pages)], check=True,
                         capture_output=True, text=True, env=os.environ).stdout.split()
    return int(out[0]), int(out[1]), float(out[2]), float(out[3])


def main(argv=None) -> list[str]:
    parser = argparse.ArgumentParser(prog="python -m bench.gc_pause", description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=200, help="pages read before the passes are timed")
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies --pages")
    args, _rest = parser.parse_known_args(argv)
    pages = max(1, int(args.pages * args.scale))
    plain, frozen = [], []
    for _ in range(3):  # alternating, so a busy neighbour slows both alike
        plain.append(measure(False, pages))
        frozen.append(measure(True, pages))
    p_med = statistics.median(m[3] for m in plain) * 1000
    f_med = statistics.median(m[3] for m in frozen) * 1000
    return [f"A full collection after loading the app and reading {2 * pages} pages (median of 7 passes, median of 3 "
            f"processes each): {p_med:.1f} ms scanning {plain[0][0]:,} objects; with the app frozen after loading "
            f"{f_med:.1f} ms ({frozen[0][1]:,} objects frozen, {frozen[0][0]:,} scanned): "
            f"{p_med / max(f_med, 0.001):.1f}× shorter"]


if __name__ == "__main__":
    for line in main(sys.argv[1:]):
        print(line)
