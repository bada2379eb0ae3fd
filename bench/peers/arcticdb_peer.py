"""ArcticDB in the benchmark suite (peer `arcticdb`, run with .venv-peers/bin/python):
its LMDB backend on local disk (`Arctic("lmdb://WORK/arctic")`), or its S3 backend for
s3_* (the suite's MinIO). Tasks and metrics: bench/peers/protocol.py and bench/suite.py.

A series is a symbol: a pandas DataFrame with a DatetimeIndex (datetime64[ns], converted
before timing) and a float64 column. Writes keep the previous versions, as Lakota keeps
its history. Reads return DataFrames, ArcticDB's natural result; the 1 % read is a
date_range (inclusive at both ends, hence the last timestamp wanted). The batch is
write_batch + read_batch; appends and one-row appends are `append` (one version each).
"""
from urllib.parse import parse_qs, urlsplit

import numpy
import pandas
from arcticdb import Arctic, WritePayload

import protocol
from protocol import emit, timed, median_time, check


def s3_uri(uri):
    """Our s3://HOST:PORT/BUCKET/PREFIX?key=K&secret=S as ArcticDB spells it."""
    u = urlsplit(uri)
    bucket, _, prefix = u.path.lstrip("/").partition("/")
    q = {k: v[0] for k, v in parse_qs(u.query).items()}
    return (f"s3://{u.hostname}:{bucket}?port={u.port}&access={q['key']}&secret={q['secret']}"
            f"&path_prefix={prefix}&region=us-east-1")


def library(args, fresh):
    if args.s3:
        uri = s3_uri(args.s3)
    else:
        uri = f"lmdb://{(protocol.fresh(args.work) if fresh else args.work) / 'arctic'}"
    return Arctic(uri).get_library("bench", create_if_missing=fresh)


def frame(ts, values, begin, end, vbegin=None):
    """Rows begin..end of the timestamps (seconds) with values vbegin onwards."""
    vbegin = begin if vbegin is None else vbegin
    index = pandas.DatetimeIndex(ts[begin:end].astype("M8[s]").astype("M8[ns]"), name="timestamp")
    return pandas.DataFrame({"value": values[vbegin:vbegin + end - begin]}, index=index)


def at(ts, i):
    return pandas.Timestamp(int(ts[i]), unit="s")


def write(args, ts, values):
    lib = library(args, fresh=True)
    df = frame(ts, values, 0, len(ts))
    peak = protocol.PeakMemory()
    emit(args.task, "write", timed(lambda: lib.write("s", df)), "s")
    emit(args.task, "rss", peak.bytes(), "bytes")
    if not args.s3:
        emit(args.task, "disk", protocol.disk_bytes(args.work), "bytes")


def read(args, ts, values):
    lib = library(args, fresh=False)
    peak = protocol.PeakMemory()
    first = timed(lambda: check(len(lib.read("s").data), len(ts), "read"))
    emit(args.task, "rss", peak.bytes(), "bytes")
    rest = [timed(lambda: check(len(lib.read("s").data), len(ts), "read")) for _ in range(protocol.READ_REPEATS - 1)]
    emit(args.task, "read", float(numpy.median([first] + rest)), "s")


def read_1pct(args, ts, values):
    lib = library(args, fresh=False)
    n = len(ts)
    dates = (at(ts, n // 2), at(ts, n // 2 + n // 100 - 1))
    emit(args.task, "read_1pct", median_time(
        lambda: check(len(lib.read("s", date_range=dates).data), n // 100, "read 1%"), protocol.RANGE_REPEATS), "s")


def appends(args, ts, values):
    lib = library(args, fresh=True)
    size, total = protocol.APPEND_ROWS, protocol.APPENDS * protocol.APPEND_ROWS
    parts = [frame(ts, values, k * size, (k + 1) * size) for k in range(protocol.APPENDS)]
    emit(args.task, "appends", timed(lambda: [lib.append("s", p) for p in parts]), "s")
    emit(args.task, "disk", protocol.disk_bytes(args.work), "bytes")
    emit(args.task, "read_after_appends", median_time(
        lambda: check(len(lib.read("s").data), total, "read"), protocol.READ_REPEATS), "s")
    lib.write("once", frame(ts, values, 0, total))
    emit(args.task, "read_at_once", median_time(
        lambda: check(len(lib.read("once").data), total, "read"), protocol.READ_REPEATS), "s")


def append_latency(args, ts, values):
    lib = library(args, fresh=True)
    lib.write("s", frame(ts, values, 0, protocol.PREFILL))
    one = [frame(ts, values, i, i + 1) for i in range(protocol.PREFILL, protocol.PREFILL + protocol.LATENCY_APPENDS)]
    p50, p99 = protocol.percentiles_ms([timed(lambda: lib.append("s", r)) for r in one])
    emit(args.task, "p50", p50, "ms")
    emit(args.task, "p99", p99, "ms")


def write_batch(args, ts, values, count, size):
    lib = library(args, fresh=True)
    payloads = [WritePayload(f"s{k}", frame(ts, values, 0, size, k * size)) for k in range(count)]
    return lib, timed(lambda: lib.write_batch(payloads))


def batch(args, ts, values):
    count = protocol.fit(protocol.BATCH_SERIES, protocol.BATCH_ROWS, len(ts))
    lib, seconds = write_batch(args, ts, values, count, protocol.BATCH_ROWS)
    emit(args.task, "batch_write", seconds, "s")
    emit(args.task, "disk", protocol.disk_bytes(args.work), "bytes")

    def read_all():
        for item in lib.read_batch([f"s{k}" for k in range(count)]):
            check(len(item.data), protocol.BATCH_ROWS, "read")
    emit(args.task, "batch_read", timed(read_all), "s")


def small_reads(args, ts, values):
    count = protocol.fit(protocol.SMALL_SERIES, protocol.SMALL_ROWS, len(ts))
    size = protocol.SMALL_ROWS
    lib, _ = write_batch(args, ts, values, count, size)
    dates = (at(ts, size // 2), at(ts, size // 2 + size // 100 - 1))
    emit(args.task, "small_reads", timed(lambda: [
        check(len(lib.read(f"s{k}", date_range=dates).data), size // 100, "read 1%") for k in range(count)]), "s")


TASKS = dict(write=write, read=read, read_1pct=read_1pct, appends=appends, append_latency=append_latency,
             batch=batch, small_reads=small_reads, s3_write=write, s3_read=read)

if __name__ == "__main__":
    protocol.main(TASKS)
