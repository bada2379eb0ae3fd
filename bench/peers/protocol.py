"""What every Python peer of the benchmark suite (bench/suite.py) shares: its command line,
the data, the measurements and how they are reported.

    PEER_PY bench/peers/X.py TASK --data DIR --work DIR [--variant walk|noise] [--peer NAME] [--s3 URI]

A peer reads the suite's raw arrays (DIR/ts.i8: int64 seconds; DIR/<variant>.f8), runs
one task on a store under WORK (or at the S3 URI), and prints one JSON object per
measurement on stdout: {"task", "metric", "value", "unit"}. Anything else goes to stderr;
a failure ends with a one-line "error: ..." on stderr and a non-zero exit.
The sizes of the tasks are below; LAKOTA_BENCH_QUICK=1 (`suite.py --quick`) takes fewer
repeats and fewer one-row appends.
"""
import argparse
import json
import os
import statistics
import sys
import time
import traceback
from pathlib import Path

import numpy

QUICK = os.environ.get("LAKOTA_BENCH_QUICK") == "1"
APPENDS, APPEND_ROWS = 1000, 1000            # workload 4: 1,000 appends of 1,000 rows
PREFILL, LATENCY_APPENDS = 100_000, (100 if QUICK else 1000)   # workload 6
BATCH_SERIES, BATCH_ROWS = 100, 100_000      # workload 7
SMALL_SERIES, SMALL_ROWS = 1000, 10_000      # workload 10
READ_REPEATS = 1 if QUICK else 3             # median of
RANGE_REPEATS = 1 if QUICK else 5


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("task")
    p.add_argument("--data", required=True, type=Path)
    p.add_argument("--work", type=Path)
    p.add_argument("--variant", default="walk", choices=("walk", "noise"))
    p.add_argument("--peer", default="")
    p.add_argument("--s3", default="")
    return p.parse_args()


# Tasks that only read: they need the row count and a few timestamps (the bounds of a
# range), not the data in memory (mapped, read-only).
READ_TASKS = ("read", "read_1pct", "s3_read")


def load(args):
    """The timestamps (int64 seconds since 1970) and the values of the variant. In memory
    for the tasks that write them; mapped for those that only read, so that a read starts
    in a process that did not just fill 160 MB (on this machine fresh memory costs more
    the more a process already took: free page reporting)."""
    if args.task in READ_TASKS:
        return (numpy.memmap(args.data / "ts.i8", dtype="<i8", mode="r"),
                numpy.memmap(args.data / f"{args.variant}.f8", dtype="<f8", mode="r"))
    ts = numpy.fromfile(args.data / "ts.i8", dtype="<i8")
    values = numpy.fromfile(args.data / f"{args.variant}.f8", dtype="<f8")
    return ts, values


def emit(task, metric, value, unit):
    print(json.dumps({"task": task, "metric": metric, "value": value, "unit": unit}), flush=True)


def timed(fn):
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def median_time(fn, repeats):
    return statistics.median(timed(fn) for _ in range(repeats))


def percentiles_ms(seconds):
    ms = numpy.sort(numpy.asarray(seconds)) * 1000
    return ms[len(ms) // 2], ms[min(len(ms) - 1, int(0.99 * len(ms)))]


def fit(count, rows, n):
    """How many series of `rows` rows a task writes: `count`, or fewer when the data is
    shorter (--quick): series k takes values k*rows to (k+1)*rows."""
    return min(count, n // rows)


def check(got, expected, what):
    if got != expected:
        raise RuntimeError(f"{what}: {got} rows, expected {expected}")


def _status_kb(pid, field):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/{pid}/status")


class PeakMemory:
    """Peak resident memory of a step beyond what the processes held before it: the peak
    (VmHWM) is reset through clear_refs, the baseline is VmRSS at that moment. `pids`:
    this process and any server process working for it (a PostgreSQL backend)."""

    def __init__(self, pids=("self",)):
        self.pids = pids
        self.baseline = 0
        for pid in pids:
            Path(f"/proc/{pid}/clear_refs").write_text("5")
            self.baseline += _status_kb(pid, "VmRSS:")

    def bytes(self):
        return (sum(_status_kb(pid, "VmHWM:") for pid in self.pids) - self.baseline) * 1024


def disk_bytes(folder):
    """Bytes of the files under `folder`, as `du --apparent-size` counts them, except that
    a sparse file counts only what it has allocated (an LMDB map)."""
    total = 0
    for root, _, files in os.walk(folder):
        for name in files:
            st = os.lstat(os.path.join(root, name))
            total += min(st.st_size, st.st_blocks * 512)
    return total


def fresh(folder):
    """An empty folder (the suite gives each task its own WORK)."""
    import shutil
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def main(tasks, args=None):
    """Runs the task named on the command line: tasks[name](args, ts, values)."""
    args = args or parse_args()
    try:
        if args.task not in tasks:
            raise ValueError(f"unknown task {args.task!r} (this peer has: {', '.join(tasks)})")
        ts, values = load(args)
        tasks[args.task](args, ts, values)
    except BaseException as e:
        traceback.print_exc()
        print(f"error: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}", file=sys.stderr)
        sys.exit(1)
