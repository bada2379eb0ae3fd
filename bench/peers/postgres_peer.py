"""PostgreSQL in the benchmark suite (peer `postgres`, run with .venv-peers/bin/python and
psycopg 3), against the server the suite starts (PGHOST, PGPORT, PGUSER; PGOPTIONS=
"-c synchronous_commit=off" for the figures without a durable commit). Tasks and
metrics: bench/peers/protocol.py and bench/suite.py.

A store is a database (one per WORK folder), a series a table (timestamp timestamp
PRIMARY KEY, value double precision). Writes are COPY FROM in the binary format, built
with numpy from the arrays (timed: it is the client's share of a load); reads are COPY
TO of the rows in timestamp order, parsed into numpy arrays. Each load is followed,
untimed, by VACUUM ANALYZE (as autovacuum would do soon after it), so that reads do not
depend on when autovacuum passes. Disk: pg_total_relation_size of the tables (heap,
primary key index, free space and visibility maps), measured before the VACUUM. Peak
memory: this process plus its server backend. One-row appends are one-row INSERTs in
autocommit.
"""
import datetime
import hashlib

import numpy
import psycopg

import protocol
from protocol import emit, timed, median_time, check

EPOCH_2000 = 946_684_800  # PostgreSQL's timestamps count microseconds from 2000-01-01
ROW = numpy.dtype([("fields", ">i2"), ("tlen", ">i4"), ("t", ">i8"), ("vlen", ">i4"), ("v", ">f8")])
HEADER, TRAILER = b"PGCOPY\n\xff\r\n\x00" + bytes(8), b"\xff\xff"


def connect(args, fresh):
    """A connection (autocommit) to the database of WORK, made anew if `fresh`."""
    db = "w" + hashlib.sha1(str(args.work.resolve()).encode()).hexdigest()[:16]
    if fresh:
        with psycopg.connect(dbname="postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {db}")
            admin.execute(f"CREATE DATABASE {db}")
    return psycopg.connect(dbname=db, autocommit=True)


def create(conn, table):
    conn.execute(f"CREATE TABLE {table} (timestamp timestamp PRIMARY KEY, value double precision)")


def load(conn, table, ts, values):
    """COPY FROM of the rows in the binary format."""
    rows = numpy.empty(len(ts), ROW)
    rows["fields"], rows["tlen"], rows["vlen"] = 2, 8, 8
    rows["t"] = (ts - EPOCH_2000) * 1_000_000
    rows["v"] = values
    data = memoryview(HEADER + rows.tobytes() + TRAILER)
    with conn.cursor().copy(f"COPY {table} FROM STDIN (FORMAT BINARY)") as copy:
        for i in range(0, len(data), 1 << 23):
            copy.write(data[i:i + (1 << 23)])


def fetch(conn, table, where=""):
    """COPY TO of the rows in timestamp order, as numpy arrays (datetime64[us], float64).
    The server sends a message per row: appended to one buffer as they come (holding
    psycopg's buffers instead costs three times as much)."""
    data = bytearray()
    with conn.cursor().copy(f"COPY (SELECT timestamp, value FROM {table} {where} ORDER BY timestamp) "
                            "TO STDOUT (FORMAT BINARY)") as copy:
        for chunk in copy:
            data += chunk
    rows = numpy.frombuffer(data, ROW, count=(len(data) - len(HEADER) - len(TRAILER)) // ROW.itemsize,
                            offset=len(HEADER))
    return (rows["t"].astype("<i8") + EPOCH_2000 * 1_000_000).view("M8[us]"), rows["v"].astype("<f8")


def disk(conn):
    return conn.execute("SELECT sum(pg_total_relation_size(oid))::bigint FROM pg_class "
                        "WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace").fetchone()[0]


def vacuum(conn):
    conn.execute("VACUUM ANALYZE")


def peak(conn):
    return protocol.PeakMemory(("self", conn.info.backend_pid))


def literal(ts, i):
    return f"'{numpy.datetime64(int(ts[i]), 's')}'"


def write(args, ts, values):
    conn = connect(args, fresh=True)
    create(conn, "s")
    memory = peak(conn)
    emit(args.task, "write", timed(lambda: load(conn, "s", ts, values)), "s")
    emit(args.task, "rss", memory.bytes(), "bytes")
    emit(args.task, "disk", disk(conn), "bytes")
    vacuum(conn)


def read(args, ts, values):
    conn = connect(args, fresh=False)
    memory = peak(conn)
    first = timed(lambda: check(len(fetch(conn, "s")[0]), len(ts), "read"))
    emit(args.task, "rss", memory.bytes(), "bytes")
    rest = [timed(lambda: check(len(fetch(conn, "s")[0]), len(ts), "read")) for _ in range(protocol.READ_REPEATS - 1)]
    emit(args.task, "read", float(numpy.median([first] + rest)), "s")


def read_1pct(args, ts, values):
    conn = connect(args, fresh=False)
    n = len(ts)
    where = f"WHERE timestamp >= {literal(ts, n // 2)} AND timestamp < {literal(ts, n // 2 + n // 100)}"
    emit(args.task, "read_1pct", median_time(
        lambda: check(len(fetch(conn, "s", where)[0]), n // 100, "read 1%"), protocol.RANGE_REPEATS), "s")


def appends(args, ts, values):
    conn = connect(args, fresh=True)
    create(conn, "s")
    size, total = protocol.APPEND_ROWS, protocol.APPENDS * protocol.APPEND_ROWS
    emit(args.task, "appends", timed(lambda: [
        load(conn, "s", ts[k * size:(k + 1) * size], values[k * size:(k + 1) * size])
        for k in range(protocol.APPENDS)]), "s")
    emit(args.task, "disk", disk(conn), "bytes")
    create(conn, "once")
    load(conn, "once", ts[:total], values[:total])
    vacuum(conn)
    for table, metric in (("s", "read_after_appends"), ("once", "read_at_once")):
        emit(args.task, metric, median_time(
            lambda: check(len(fetch(conn, table)[0]), total, "read"), protocol.READ_REPEATS), "s")


def append_latency(args, ts, values):
    conn = connect(args, fresh=True)
    create(conn, "s")
    load(conn, "s", ts[:protocol.PREFILL], values[:protocol.PREFILL])
    vacuum(conn)
    epoch = datetime.datetime(1970, 1, 1)
    one = [(epoch + datetime.timedelta(seconds=int(ts[i])), float(values[i]))
           for i in range(protocol.PREFILL, protocol.PREFILL + protocol.LATENCY_APPENDS)]
    p50, p99 = protocol.percentiles_ms(
        [timed(lambda: conn.execute("INSERT INTO s VALUES (%s, %s)", row)) for row in one])
    emit(args.task, "p50", p50, "ms")
    emit(args.task, "p99", p99, "ms")


def write_batch(args, ts, values, count, size):
    """Tables s0..s{count-1} of `size` rows (the first timestamps, values k*size onwards)
    created and loaded in one transaction; returns the connection and its seconds."""
    conn = connect(args, fresh=True)

    def batch():
        with conn.transaction():
            for k in range(count):
                create(conn, f"s{k}")
                load(conn, f"s{k}", ts[:size], values[k * size:(k + 1) * size])
    return conn, timed(batch)


def batch(args, ts, values):
    count = protocol.fit(protocol.BATCH_SERIES, protocol.BATCH_ROWS, len(ts))
    conn, seconds = write_batch(args, ts, values, count, protocol.BATCH_ROWS)
    emit(args.task, "batch_write", seconds, "s")
    emit(args.task, "disk", disk(conn), "bytes")
    vacuum(conn)
    emit(args.task, "batch_read", timed(lambda: [
        check(len(fetch(conn, f"s{k}")[0]), protocol.BATCH_ROWS, "read") for k in range(count)]), "s")


def small_reads(args, ts, values):
    count = protocol.fit(protocol.SMALL_SERIES, protocol.SMALL_ROWS, len(ts))
    size = protocol.SMALL_ROWS
    conn, _ = write_batch(args, ts, values, count, size)
    vacuum(conn)
    where = f"WHERE timestamp >= {literal(ts, size // 2)} AND timestamp < {literal(ts, size // 2 + size // 100)}"
    emit(args.task, "small_reads", timed(lambda: [
        check(len(fetch(conn, f"s{k}", where)[0]), size // 100, "read 1%") for k in range(count)]), "s")


TASKS = dict(write=write, read=read, read_1pct=read_1pct, appends=appends, append_latency=append_latency,
             batch=batch, small_reads=small_reads)

if __name__ == "__main__":
    protocol.main(TASKS)
