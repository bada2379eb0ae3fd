"""The Python package over the engine: arrays without copies, the GIL released during
reads and writes, errors as Python exceptions, the quickstart and README examples."""
import gc
import multiprocessing
import threading
import time
import tracemalloc

import numpy
import pytest

import lakota
from lakota import Repo, Schema

from conftest import ROOT, run_python

SCHEMA = Schema(timestamp="timestamp*", value="float")


def big_series(n):
    s = Repo().create_collection(SCHEMA, "t") / "x"
    s.write({"timestamp": numpy.arange(n).astype("M8[s]"), "value": numpy.arange(n, dtype="f8")})
    return s


def test_read_arrays_share_the_engine_buffers():
    n = 2_000_000
    s = big_series(n)
    tracemalloc.start()
    try:
        frm = s.frame()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # numpy reports the arrays it allocates to tracemalloc: a copy of the 32 MB of
    # columns would show; views of the engine's buffers do not.
    assert peak < 1_000_000, f"{peak} bytes allocated by Python/numpy for a read"
    arr = frm["value"]
    assert arr.dtype == numpy.float64 and frm["timestamp"].dtype == numpy.dtype("M8[s]")
    assert not arr.flags.owndata and not arr.flags.writeable
    # The array keeps the engine's buffer alive after every lakota object is gone.
    del frm, s
    gc.collect()
    junk = [numpy.ones(1000) for _ in range(1000)]  # reuse freed memory, if any was freed
    assert arr[0] == 0 and arr[-1] == n - 1 and arr.sum() == n * (n - 1) / 2
    del junk


def test_writes_take_arrays_without_a_copy():
    n = 2_000_000
    s = Repo().create_collection(SCHEMA, "t") / "x"
    ts = numpy.arange(n).astype("M8[s]")
    vs = numpy.arange(n, dtype="f8")
    tracemalloc.start()
    try:
        s.write({"timestamp": ts, "value": vs})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000, f"{peak} bytes allocated by Python/numpy for a write"
    assert len(s) == n


def test_df_keeps_seconds_and_values():
    s = big_series(1000)
    df = s.df()
    assert list(df.columns) == ["timestamp", "value"]
    assert str(df["timestamp"].iloc[1]) == "1970-01-01 00:00:01"
    assert df["value"].sum() == 999 * 1000 / 2


def test_arrow_capsules_share_buffers_with_pyarrow():
    import pyarrow as pa

    schema = Schema(timestamp="timestamp*", value="float", name="str", n="int8", ok="bool", d="date")
    s = Repo().create_collection(schema, "t") / "x"
    s.write({"timestamp": numpy.arange(5).astype("M8[s]"), "value": numpy.arange(5) / 2,
             "name": ["a", "été", "", "x", "yy"], "n": [1, 2, 3, 4, 5],
             "ok": [True, False, True, True, False], "d": ["2020-01-01"] * 5})
    frm = s.frame()
    table = pa.table(frm.arrow())  # __arrow_c_stream__
    assert [str(t) for t in table.schema.types] == [
        "timestamp[s]", "double", "string", "int8", "bool", "date32[day]"]
    assert table.column("name").to_pylist() == ["a", "été", "", "x", "yy"]
    assert table.column("ok").to_pylist() == [True, False, True, True, False]
    # The value column is the engine's buffer itself, shared by numpy and pyarrow.
    assert table.column("value").chunks[0].buffers()[1].address == frm["value"].ctypes.data
    batch = pa.record_batch(s.arrow(select=["value"]))  # __arrow_c_array__
    assert batch.num_rows == 5 and batch.schema.names == ["value"]
    del s, frm
    gc.collect()
    assert table.column("value").to_pylist() == [0, 0.5, 1, 1.5, 2]


def test_arrow_capsules_read_by_polars():
    import polars as pl

    big = big_series(100_000)
    assert pl.DataFrame(big.arrow()).select(pl.col("value").sum()).item() == 99_999 * 100_000 / 2


def test_arrow_capsules_read_by_duckdb():
    import duckdb

    big = big_series(100_000)
    data = big.arrow(start="1970-01-01T00:00:10", stop="1970-01-01T00:00:20")
    assert duckdb.sql("select count(*), sum(value) from data").fetchall() == [(10, 145.0)]


def test_reads_release_the_gil():
    s = big_series(3_000_000)
    ticks = []
    done = threading.Event()

    def count():
        while not done.is_set():
            ticks.append(1)
            time.sleep(0)

    t = threading.Thread(target=count)
    t.start()
    try:
        time.sleep(0.01)
        before = len(ticks)
        for _ in range(3):
            s.frame()
        during = len(ticks) - before
    finally:
        done.set()
        t.join()
    # While the engine reads (tens of ms each), the other thread keeps running.
    assert during > 0


def test_threads_read_and_write_in_parallel():
    repo = Repo()
    c = repo.create_collection(SCHEMA, "t")
    errors = []

    def work(i):
        try:
            s = c / f"s{i}"
            s.write({"timestamp": numpy.arange(1000).astype("M8[s]"), "value": numpy.full(1000, float(i))})
            assert (s.frame()["value"] == i).all()
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert c.ls() == sorted(f"s{i}" for i in range(8))  # no write lost


def _append_blocks(args):
    """One long-lived writer: `writes` appends of 10 rows to the shared series and to one
    of its own, each read back at once (a read lists the changelog as a write does)."""
    path, writer, writes, writers = args
    clct = Repo(path) / "c"
    for k in range(writes):
        start = (k * writers + writer) * 10
        ids = numpy.arange(start, start + 10, dtype="i8")
        for name in ("shared", f"own{writer}"):
            series = clct / name
            series.write({"id": ids, "x": ids * 0.5})
            pass  # TMP
    return writer


@pytest.mark.parametrize("start", ["fork", "spawn"])
def test_long_lived_processes_never_hide_each_others_writes(tmp_path, start):
    # Each process keeps its changelog listings between writes (inotify, on Linux): every
    # write of every other process must still be in the state each one bases its next on.
    # Forked children also start from the parent's watches, which they must not share.
    path = str(tmp_path / "repo")
    clct = Repo(path).create_collection(Schema(id="int*", x="float"), "c")
    (clct / "shared").write({"id": numpy.array([-1]), "x": numpy.array([0.0])})
    writers, writes = 4, 25
    with multiprocessing.get_context(start).Pool(writers) as pool:
        assert sorted(pool.map(_append_blocks, [(path, w, writes, writers) for w in range(writers)])) == [0, 1, 2, 3]
    expected = list(range(writers * writes * 10))
    assert list((clct / "shared").frame()["id"]) == [-1] + expected
    for w in range(writers):
        own = sorted(i for i in expected if (i // 10) % writers == w)
        assert list((Repo(path) / "c" / f"own{w}").frame()["id"]) == own
    assert len((Repo(path) / "c").ls()) == writers + 1


def test_errors_are_engine_and_python_exceptions():
    assert issubclass(lakota.InvalidInput, lakota.Error) and issubclass(lakota.InvalidInput, ValueError)
    assert issubclass(lakota.NotFound, KeyError) and issubclass(lakota.NotFound, LookupError)
    assert issubclass(lakota.StorageError, OSError) and issubclass(lakota.CorruptData, OSError)
    s = big_series(10)
    with pytest.raises(lakota.InvalidInput) as e:
        s.write({"timestamp": numpy.array([3, 2], "M8[s]"), "value": [1, 2]})
    assert "t/x" in str(e.value) and "row" in str(e.value)  # the engine's message, intact
    with pytest.raises(lakota.NotFound) as e:
        s.collection.resolve("ffffffff")
    assert not str(e.value).startswith("'")  # not KeyError's quoting
    with pytest.raises(KeyError):
        s.collection.resolve("ffffffff")


def test_damaged_file_is_an_error_not_a_crash(tmp_path):
    repo = Repo(str(tmp_path / "r"))
    s = repo.create_collection(SCHEMA, "t") / "x"
    s.write({"timestamp": numpy.arange(100_000).astype("M8[s]"), "value": numpy.random.rand(100_000)})
    segs = [p for p in repo.pod.walk() if p.count("/") == 2 and "." not in p]
    assert segs
    path = tmp_path / "r" / segs[0]
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(lakota.CorruptData):
        s.frame()


def test_seed_quickstart_prints_what_the_reference_prints(tmp_path, ref):
    # examples/quickstart.py is the seed README's script, verbatim (what `make run` runs).
    script = (ROOT / "examples" / "quickstart.py").read_text()
    seed = ROOT.parent / "shared" / "seed" / "README.md"
    if seed.exists():
        assert script == seed.read_text().split("``` python\n", 1)[1].split("```", 1)[0]
    (tmp_path / "ours").mkdir()
    (tmp_path / "theirs").mkdir()
    ours = run_python(script, tmp_path / "ours")
    assert ours.code == 0, ours.err
    from conftest import REF_PYTHON

    theirs = run_python("import ref_env\n" + script, tmp_path / "theirs", python=REF_PYTHON,
                        env={"PYTHONPATH": str(ROOT / "tests")})
    assert theirs.code == 0, theirs.err
    assert ours.out == theirs.out
    assert ours.out.splitlines() == [
        "   timestamp  value",
        "0 2020-01-01    1.0",
        "1 2020-01-02    2.0",
    ]


def test_readme_python_examples(tmp_path, s3_env):
    readme = (ROOT / "README.md").read_text()
    blocks = [b.split("```", 1)[0] for b in readme.split("```python\n")[1:]]
    assert blocks, "the README has Python examples"
    # The S3 examples' default endpoint is the test MinIO server, with its bucket.
    from servers import make_bucket
    make_bucket(s3_env["LAKOTA_TEST_S3"], "my-bucket")
    env = {"AWS_ENDPOINT_URL": s3_env["LAKOTA_TEST_S3"], "AWS_ACCESS_KEY_ID": s3_env["LAKOTA_TEST_S3_KEY"],
           "AWS_SECRET_ACCESS_KEY": s3_env["LAKOTA_TEST_S3_SECRET"]}
    for block in blocks:
        res = run_python(block, tmp_path, env=env)
        assert res.code == 0, f"README example failed:\n{block}\n{res.err}"
