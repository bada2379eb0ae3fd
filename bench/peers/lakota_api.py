"""The Lakota Python API in the benchmark suite: the reference 0.7.1 (peer `reference`,
run with .venv-ref/bin/python) and our package (peer `lakota-python`, .venv/bin/python)
run this same script. Tasks and metrics: bench/peers/protocol.py and bench/suite.py.

Series of (timestamp timestamp*, value float) in collection "c" of a folder repository
(or of the S3 URI for s3_*); timestamps as datetime64[s], converted before timing. Reads
are Frames of numpy arrays (`series.frame()`), the API's natural result.
"""
import sys
from pathlib import Path

import numpy

import protocol
from protocol import emit, timed, median_time, check

ARGS = protocol.parse_args()
if ARGS.peer == "reference":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests"))
    import ref_env  # noqa: F401  (the zstd level of the reference's time)
from lakota import Repo, Schema  # noqa: E402

SCHEMA = Schema(timestamp="timestamp*", value="float")


def new_collection(args):
    return Repo(str(protocol.fresh(args.work) / "repo")).create_collection(SCHEMA, "c")


def open_collection(args):
    return Repo(args.s3 or str(args.work / "repo")) / "c"


def rows(ts, values, begin, end, vbegin=None):
    vbegin = begin if vbegin is None else vbegin
    return {"timestamp": ts[begin:end], "value": values[vbegin:vbegin + end - begin]}


def at(ts, i):
    return numpy.datetime64(int(ts[i]), "s")


def write(args, ts, values):
    clct = Repo(args.s3).create_collection(SCHEMA, "c") if args.s3 else new_collection(args)
    series = clct / "s"
    frame = rows(ts.astype("M8[s]"), values, 0, len(ts))
    peak = protocol.PeakMemory()
    emit(args.task, "write", timed(lambda: series.write(frame)), "s")
    emit(args.task, "rss", peak.bytes(), "bytes")
    if not args.s3:
        emit(args.task, "disk", protocol.disk_bytes(args.work), "bytes")


def read(args, ts, values):
    series = open_collection(args) / "s"
    peak = protocol.PeakMemory()
    first = timed(lambda: check(len(series.frame()), len(ts), "read"))
    emit(args.task, "rss", peak.bytes(), "bytes")
    rest = [timed(lambda: check(len(series.frame()), len(ts), "read")) for _ in range(protocol.READ_REPEATS - 1)]
    emit(args.task, "read", float(numpy.median([first] + rest)), "s")


def read_1pct(args, ts, values):
    series = open_collection(args) / "s"
    n = len(ts)
    start, stop = at(ts, n // 2), at(ts, n // 2 + n // 100)
    emit(args.task, "read_1pct", median_time(
        lambda: check(len(series.frame(start=start, stop=stop)), n // 100, "read 1%"), protocol.RANGE_REPEATS), "s")


def appends(args, ts, values):
    clct = new_collection(args)
    ts = ts.astype("M8[s]")
    size, total = protocol.APPEND_ROWS, protocol.APPENDS * protocol.APPEND_ROWS
    parts = [rows(ts, values, k * size, (k + 1) * size) for k in range(protocol.APPENDS)]
    series = clct / "s"
    emit(args.task, "appends", timed(lambda: [series.write(p) for p in parts]), "s")
    emit(args.task, "disk", protocol.disk_bytes(args.work), "bytes")
    read_all = lambda s: check(len(s.frame()), total, "read")  # noqa: E731
    emit(args.task, "read_after_appends", median_time(lambda: read_all(series), protocol.READ_REPEATS), "s")
    once = clct / "once"
    once.write(rows(ts, values, 0, total))
    emit(args.task, "read_at_once", median_time(lambda: read_all(once), protocol.READ_REPEATS), "s")


def append_latency(args, ts, values):
    series = new_collection(args) / "s"
    ts = ts.astype("M8[s]")
    series.write(rows(ts, values, 0, protocol.PREFILL))
    one = [rows(ts, values, i, i + 1) for i in range(protocol.PREFILL, protocol.PREFILL + protocol.LATENCY_APPENDS)]
    p50, p99 = protocol.percentiles_ms([timed(lambda: series.write(r)) for r in one])
    emit(args.task, "p50", p50, "ms")
    emit(args.task, "p99", p99, "ms")


def write_batch(args, ts, values, count, size):
    """Series s0..s{count-1} of `size` rows (the first timestamps, values k*size onwards)
    in one commit; returns its seconds."""
    clct = new_collection(args)
    ts = ts.astype("M8[s]")
    frames = [rows(ts, values, 0, size, k * size) for k in range(count)]

    def batch():
        with clct.multi():
            for k, frame in enumerate(frames):
                (clct / f"s{k}").write(frame)
    return timed(batch)


def batch(args, ts, values):
    count = protocol.fit(protocol.BATCH_SERIES, protocol.BATCH_ROWS, len(ts))
    size = protocol.BATCH_ROWS
    emit(args.task, "batch_write", write_batch(args, ts, values, count, size), "s")
    emit(args.task, "disk", protocol.disk_bytes(args.work), "bytes")
    clct = open_collection(args)
    emit(args.task, "batch_read", timed(
        lambda: [check(len((clct / f"s{k}").frame()), size, "read") for k in range(count)]), "s")


def small_reads(args, ts, values):
    count = protocol.fit(protocol.SMALL_SERIES, protocol.SMALL_ROWS, len(ts))
    size = protocol.SMALL_ROWS
    write_batch(args, ts, values, count, size)
    clct = open_collection(args)
    start, stop = at(ts, size // 2), at(ts, size // 2 + size // 100)
    emit(args.task, "small_reads", timed(lambda: [
        check(len((clct / f"s{k}").frame(start=start, stop=stop)), size // 100, "read 1%") for k in range(count)]), "s")


TASKS = dict(write=write, read=read, read_1pct=read_1pct, appends=appends, append_latency=append_latency,
             batch=batch, small_reads=small_reads, s3_write=write, s3_read=read)

if __name__ == "__main__":
    protocol.main(TASKS, ARGS)
