"""The Lakota command line in the benchmark suite: ours, build/lakota (peer `lakota-cli`),
and the reference's, .venv-ref/bin/lakota (peer `reference-cli`), run with
.venv/bin/python. Tasks and metrics: bench/peers/protocol.py and bench/suite.py.

Each measurement is a whole process, as a shell script sees it: start, work, exit.
    write           lakota -r DIR write c/s < VARIANT.csv   (after an untimed `create`)
    read            lakota -r DIR read c/s > /dev/null      (median of 3)
    read_1pct       lakota -r DIR read c/s --greater-than T1 --less-than T2 (rows counted)
    append_latency  a write of 100,000 rows, then 1,000 writes of one row, each a process
The CSV files (timestamp,value; ISO times) are made once per data set, untimed, beside
the data. Peak memory is the process's own peak (GNU time's %M: interpreter and libraries
included), not a delta as in the API peers.
"""
import os
import subprocess
import time
from pathlib import Path

import numpy

import protocol
from protocol import emit, check

ROOT = Path(__file__).resolve().parents[2]
BINARIES = {"lakota-cli": ROOT / "build" / "lakota", "reference-cli": ROOT / ".venv-ref" / "bin" / "lakota"}


def csv_file(args, ts, values):
    """DATA/VARIANT.csv (made once: pyarrow's writer, times as 2020-01-01T00:00:00)."""
    path = args.data / f"{args.variant}.csv"
    if not path.exists():
        # In a process of its own: ru_maxrss of a child started by fork counts the pages it
        # shared with this process before its exec, which the CSV making would inflate.
        import multiprocessing
        maker = multiprocessing.get_context("spawn").Process(target=make_csv, args=(path, ts, values))
        maker.start()
        maker.join()
        if maker.exitcode:
            raise RuntimeError(f"making {path} failed (exit {maker.exitcode})")
    return path


def make_csv(path, ts, values):
        import pyarrow
        import pyarrow.compute
        import pyarrow.csv
        times = pyarrow.compute.strftime(pyarrow.array(ts.astype("M8[s]")), format="%Y-%m-%dT%H:%M:%S")
        table = pyarrow.table({"timestamp": times, "value": values})
        pyarrow.csv.write_csv(table, f"{path}.tmp", pyarrow.csv.WriteOptions(quoting_style="none"))
        os.replace(f"{path}.tmp", path)


def lakota(args, *command, stdin=None, input=None, stdout=subprocess.DEVNULL, peak=False):
    """Runs one CLI command; returns (seconds, peak bytes or None, stdout bytes or None).

    With `peak`, the command runs under GNU time, which reports its peak memory: this
    process's children report at least this process's size in ru_maxrss (a child started
    from it counts the pages it shared before its exec), and this process holds the data."""
    cmd = [str(BINARIES[args.peer]), "-r", str(args.work / "repo"), *command]
    report = args.work / "peak.txt"
    if peak:
        cmd = ["/usr/bin/time", "-f", "%M", "-o", str(report)] + cmd
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if input is not None else stdin, stdout=stdout,
                            stderr=subprocess.PIPE)
    out = None
    if input is not None:
        proc.stdin.write(input)
        proc.stdin.close()
    if stdout == subprocess.PIPE:
        out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(f"{' '.join(command[:2])}: exit {proc.returncode}: {err.decode().strip()[-300:]}")
    return seconds, int(report.read_text().split()[-1]) * 1024 if peak else None, out


def create(args):
    protocol.fresh(args.work)
    lakota(args, "create", "c", "timestamp timestamp*", "value float")


def write(args, ts, values):
    source = csv_file(args, ts, values)
    create(args)
    with open(source, "rb") as f:
        seconds, peak, _ = lakota(args, "write", "c/s", stdin=f, peak=True)
    emit(args.task, "write", seconds, "s")
    emit(args.task, "rss", peak, "bytes")
    emit(args.task, "disk", protocol.disk_bytes(args.work), "bytes")


def read(args, ts, values):
    runs = [lakota(args, "read", "c/s", peak=True) for _ in range(protocol.READ_REPEATS)]
    emit(args.task, "rss", runs[0][1], "bytes")
    emit(args.task, "read", float(numpy.median([r[0] for r in runs])), "s")


def read_1pct(args, ts, values):
    n = len(ts)
    bounds = [str(numpy.datetime64(int(ts[i]), "s")) for i in (n // 2, n // 2 + n // 100)]

    def once():
        seconds, _, out = lakota(args, "read", "c/s", "--greater-than", bounds[0], "--less-than", bounds[1],
                                 stdout=subprocess.PIPE)
        check(out.count(b"\n") - 1, n // 100, "read 1%")
        return seconds
    emit(args.task, "read_1pct", float(numpy.median([once() for _ in range(protocol.RANGE_REPEATS)])), "s")


def append_latency(args, ts, values):
    end = protocol.PREFILL + protocol.LATENCY_APPENDS
    with open(csv_file(args, ts, values), "rb") as f:
        lines = [f.readline() for _ in range(end + 1)]
    create(args)
    lakota(args, "write", "c/s", input=b"".join(lines[:protocol.PREFILL + 1]))
    times = [lakota(args, "write", "c/s", input=lines[0] + line)[0] for line in lines[protocol.PREFILL + 1:]]
    p50, p99 = protocol.percentiles_ms(times)
    emit(args.task, "p50", p50, "ms")
    emit(args.task, "p99", p99, "ms")


if __name__ == "__main__":
    protocol.main(dict(write=write, read=read, read_1pct=read_1pct, append_latency=append_latency))
