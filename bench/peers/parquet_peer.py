"""Parquet files in the benchmark suite, run with .venv-peers/bin/python: written and read
with pyarrow (peer `parquet`, the "write a parquet file" baseline), or written and read
by DuckDB (peer `duckdb`: COPY ... TO a Parquet file, read_parquet into an Arrow table).
Default settings of each (snappy compression; pyarrow's row groups of 1 Mi rows,
DuckDB's of 122,880). Tasks and metrics: bench/peers/protocol.py and bench/suite.py.

A series is a file; reads return Arrow tables. The 1 % read is a filter on the timestamp
(pyarrow: `filters`, DuckDB: WHERE), which skips row groups by their statistics.

What has no counterpart here: Parquet has no commits, no history, no index and no
durability (no fsync). An append is one more file in the series' folder (read back as a
dataset of the folder's files, in name order); a one-row append is a one-row file; a
batch is 100 files, not one atomic commit.
"""
import duckdb
import numpy
import pyarrow
import pyarrow.dataset  # noqa: F401  (pyarrow.parquet imports it at the first read: not a read's cost)
import pyarrow.parquet

import protocol
from protocol import emit, timed, median_time, check


def arrow(ts, values, begin, end, vbegin=None):
    vbegin = begin if vbegin is None else vbegin
    return pyarrow.table({"timestamp": pyarrow.array(ts[begin:end].astype("M8[s]")),
                          "value": values[vbegin:vbegin + end - begin]})


def at(ts, i):
    return numpy.datetime64(int(ts[i]), "s")


class PyArrow:
    @staticmethod
    def write(table, path):
        pyarrow.parquet.write_table(table, path)

    @staticmethod
    def read(path, start=None, stop=None):
        """Rows of a file or a folder of files (a dataset), optionally start <= timestamp < stop."""
        filters = None if start is None else [("timestamp", ">=", start), ("timestamp", "<", stop)]
        return pyarrow.parquet.read_table(path, filters=filters)


class DuckDB:
    con = duckdb.connect()

    @classmethod
    def write(cls, table, path):
        cls.con.register("frame", table)
        cls.con.sql(f"COPY frame TO '{path}' (FORMAT parquet)")
        cls.con.unregister("frame")

    @classmethod
    def read(cls, path, start=None, stop=None):
        source = f"{path}/*.parquet" if path.is_dir() else path
        where = "" if start is None else f"WHERE timestamp >= TIMESTAMP '{start}' AND timestamp < TIMESTAMP '{stop}'"
        return cls.con.sql(f"SELECT * FROM read_parquet('{source}') {where}").to_arrow_table()


def engine(args):
    return DuckDB if args.peer == "duckdb" else PyArrow


def write(args, ts, values):
    table, path = arrow(ts, values, 0, len(ts)), protocol.fresh(args.work) / "s.parquet"
    peak = protocol.PeakMemory()
    emit(args.task, "write", timed(lambda: engine(args).write(table, path)), "s")
    emit(args.task, "rss", peak.bytes(), "bytes")
    emit(args.task, "disk", protocol.disk_bytes(args.work), "bytes")


def read(args, ts, values):
    path, read_file = args.work / "s.parquet", engine(args).read
    peak = protocol.PeakMemory()
    first = timed(lambda: check(read_file(path).num_rows, len(ts), "read"))
    emit(args.task, "rss", peak.bytes(), "bytes")
    rest = [timed(lambda: check(read_file(path).num_rows, len(ts), "read")) for _ in range(protocol.READ_REPEATS - 1)]
    emit(args.task, "read", float(numpy.median([first] + rest)), "s")


def read_1pct(args, ts, values):
    path, read_file, n = args.work / "s.parquet", engine(args).read, len(ts)
    start, stop = at(ts, n // 2), at(ts, n // 2 + n // 100)
    emit(args.task, "read_1pct", median_time(
        lambda: check(read_file(path, start, stop).num_rows, n // 100, "read 1%"), protocol.RANGE_REPEATS), "s")


def appends(args, ts, values):
    eng, folder = engine(args), protocol.fresh(args.work) / "s"
    folder.mkdir()
    size, total = protocol.APPEND_ROWS, protocol.APPENDS * protocol.APPEND_ROWS
    parts = [arrow(ts, values, k * size, (k + 1) * size) for k in range(protocol.APPENDS)]
    emit(args.task, "appends", timed(
        lambda: [eng.write(p, folder / f"{k:06d}.parquet") for k, p in enumerate(parts)]), "s")
    emit(args.task, "disk", protocol.disk_bytes(args.work), "bytes")
    emit(args.task, "read_after_appends", median_time(
        lambda: check(eng.read(folder).num_rows, total, "read"), protocol.READ_REPEATS), "s")
    once = args.work / "once.parquet"
    eng.write(arrow(ts, values, 0, total), once)
    emit(args.task, "read_at_once", median_time(
        lambda: check(eng.read(once).num_rows, total, "read"), protocol.READ_REPEATS), "s")


def append_latency(args, ts, values):
    eng, folder = engine(args), protocol.fresh(args.work) / "s"
    folder.mkdir()
    eng.write(arrow(ts, values, 0, protocol.PREFILL), folder / "000000.parquet")
    one = [arrow(ts, values, i, i + 1) for i in range(protocol.PREFILL, protocol.PREFILL + protocol.LATENCY_APPENDS)]
    p50, p99 = protocol.percentiles_ms([timed(lambda: eng.write(r, folder / f"{k + 1:06d}.parquet"))
                                        for k, r in enumerate(one)])
    emit(args.task, "p50", p50, "ms")
    emit(args.task, "p99", p99, "ms")


def write_batch(args, ts, values, count, size):
    """Files s0..s{count-1} of `size` rows (the first timestamps, values k*size onwards);
    returns their seconds."""
    eng, folder = engine(args), protocol.fresh(args.work)
    tables = [arrow(ts, values, 0, size, k * size) for k in range(count)]
    return timed(lambda: [eng.write(t, folder / f"s{k}.parquet") for k, t in enumerate(tables)])


def batch(args, ts, values):
    count, size, eng = protocol.fit(protocol.BATCH_SERIES, protocol.BATCH_ROWS, len(ts)), protocol.BATCH_ROWS, engine(args)
    emit(args.task, "batch_write", write_batch(args, ts, values, count, size), "s")
    emit(args.task, "disk", protocol.disk_bytes(args.work), "bytes")
    emit(args.task, "batch_read", timed(lambda: [
        check(eng.read(args.work / f"s{k}.parquet").num_rows, size, "read") for k in range(count)]), "s")


def small_reads(args, ts, values):
    count, size, eng = protocol.fit(protocol.SMALL_SERIES, protocol.SMALL_ROWS, len(ts)), protocol.SMALL_ROWS, engine(args)
    write_batch(args, ts, values, count, size)
    start, stop = at(ts, size // 2), at(ts, size // 2 + size // 100)
    emit(args.task, "small_reads", timed(lambda: [
        check(eng.read(args.work / f"s{k}.parquet", start, stop).num_rows, size // 100, "read 1%")
        for k in range(count)]), "s")


TASKS = dict(write=write, read=read, read_1pct=read_1pct, appends=appends, append_latency=append_latency,
             batch=batch, small_reads=small_reads)

if __name__ == "__main__":
    protocol.main(TASKS)
