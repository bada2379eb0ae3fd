"""The workload of bench/bench.cc, run with the reference implementation (lakota 0.7.1)
in its own virtual environment: `make bench` prints both."""
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
import ref_env  # noqa: E402,F401  (the zstd level of the reference's time)
from lakota import Repo, Schema  # noqa: E402


def main(rows=10_000_000, appends=1000, append_rows=1000):
    folder = tempfile.mkdtemp(prefix="lakota-bench-ref-")
    try:
        repo = Repo(folder)
        schema = Schema(timestamp="timestamp*", value="float")
        big = repo.create_collection(schema, "big").series("s")
        rng = np.random.default_rng(1)
        ts = np.arange(1600000000, 1600000000 + rows).astype("M8[s]")
        frame = {"timestamp": ts, "value": rng.normal(15, 5, rows)}
        t0 = time.perf_counter()
        big.write(frame)
        write = time.perf_counter() - t0
        t0 = time.perf_counter()
        assert len(big.frame()) == rows
        read = time.perf_counter() - t0
        start = np.datetime64(1600000000 + rows // 2, "s")
        stop = np.datetime64(1600000000 + rows // 2 + rows // 100, "s")
        t0 = time.perf_counter()
        assert len(big.frame(start=start, stop=stop)) == rows // 100
        part = time.perf_counter() - t0
        small = repo.create_collection(schema, "small").series("s")
        t0 = time.perf_counter()
        for k in range(appends):
            first = 1600000000 + k * append_rows
            small.write({"timestamp": np.arange(first, first + append_rows).astype("M8[s]"),
                         "value": rng.normal(15, 5, append_rows)})
        append = time.perf_counter() - t0
        t0 = time.perf_counter()
        assert len(small.frame()) == appends * append_rows
        read_appended = time.perf_counter() - t0
        print(f"{'reference (measured)':22} {write:10.3f} {read:10.3f} {part:10.3f} {append:12.3f} {read_appended:12.3f}")
        # Push and pull file to file, then gc, as bench.cc's second table.
        print(f"reference, file to file. Seconds:\n{'collection':34} {'push':>10} {'pull':>10} {'again':>10}")
        for label, what in (("big", f"{rows} rows, 1 revision"), ("small", f"{appends} revisions of {append_rows} rows")):
            pushed, pulled = Repo(f"{folder}/push-{label}"), Repo(f"{folder}/pull-{label}")
            t0 = time.perf_counter()
            repo.push(pushed, label)
            push_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            pulled.pull(repo, label)
            pull_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            pulled.pull(repo, label)
            again = time.perf_counter() - t0
            print(f"{what:34} {push_s:10.3f} {pull_s:10.3f} {again:10.3f}")
        t0 = time.perf_counter()
        repo.gc()
        print(f"gc {time.perf_counter() - t0:.3f} (nothing to collect)")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
