"""The Python package against the engine's own read: one series of 10 M rows
(timestamp, float64 random walk) in a local folder, written from numpy, read as a Frame
(numpy arrays over the engine's buffers) and as a pandas DataFrame. Prints seconds (best
of 3) and the ratios. Usage: python bench/bench_python.py [ROWS]"""
import sys
import tempfile
import time

import numpy

from lakota import Repo, Schema


def best(fn, n=3):
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return min(out)


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    rng = numpy.random.default_rng(1)
    ts = (numpy.arange(rows, dtype="i8") + 1_600_000_000).astype("M8[s]")
    vs = numpy.round(numpy.cumsum(rng.normal(size=rows)), 4)
    with tempfile.TemporaryDirectory() as tmp:
        repo = Repo(tmp)
        series = repo.create_collection(Schema(timestamp="timestamp*", value="float"), "c") / "s"
        t = time.perf_counter()
        series.write({"timestamp": ts, "value": vs})
        write = time.perf_counter() - t
        native = series._native
        engine = best(lambda: native.read())  # the engine's read, nothing wrapped
        frame = best(lambda: series.frame())
        df = best(lambda: series.df())
        print(f"rows {rows:,}: write {write:.3f} s")
        print(f"read: engine {engine:.3f} s, frame() {frame:.3f} s ({frame / engine:.2f}x), "
              f"df() {df:.3f} s ({df / engine:.2f}x)")


if __name__ == "__main__":
    main()
