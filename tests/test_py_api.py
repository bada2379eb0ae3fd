"""The Python package's API, method by method, on the memory, file, S3 and cache pods."""
import os
from datetime import datetime, timedelta

import numpy
import pytest

import lakota
from lakota import POD, Frame, Repo, Schema
from lakota.utils import settings

pandas = pytest.importorskip("pandas")

SCHEMA = Schema(timestamp="timestamp*", value="float")


@pytest.fixture(params=["memory", "file", "s3", "memory+s3"])
def repo(request, tmp_path):
    if request.param == "memory":
        return Repo("memory://")
    if request.param == "file":
        return Repo(str(tmp_path / "repo"))
    uri = request.getfixturevalue("s3_uri")
    if request.param == "s3":
        return Repo(uri)
    return Repo(["memory://", uri])


def days(*ds):
    return [f"2020-01-{d:02}" for d in ds]


@pytest.fixture
def series(repo):
    s = repo.create_collection(SCHEMA, "temperature") / "Brussels"
    s.write({"timestamp": days(1, 2, 3, 4), "value": [1, 2, 3, 4]})
    return s


def values(frm):
    return list(frm["value"])


# --- Repo ---


def test_repo_collections(repo):
    a, b = repo.create_collection(SCHEMA, "b", "a")
    assert (a.label, b.label) == ("b", "a")
    assert repo.ls() == ["a", "b"]
    assert [c.label for c in repo] == ["a", "b"]
    assert [c.label for c in repo.search("a")] == ["a"]
    assert repo.collection("a").schema == SCHEMA
    assert (repo / "zzz") is None
    with pytest.raises(ValueError, match="already exists"):
        repo.create_collection(SCHEMA, "a")
    assert repo.create_collection(SCHEMA, "a", raise_if_exists=False).label == "a"
    repo.rename("a", "c")
    assert repo.ls() == ["b", "c"]
    with pytest.raises(ValueError):
        repo.rename("zzz", "y")
    repo.delete("b", "unknown")
    assert repo.ls() == ["c"]
    with pytest.raises(TypeError):
        repo.create_collection({"x": "int*"}, "x")


def test_repo_from_uris(tmp_path):
    path = tmp_path / "r"
    Repo(str(path)).create_collection(SCHEMA, "t")
    assert Repo(f"file:///{path}").ls() == ["t"]  # file:////abs
    assert Repo(path).ls() == ["t"]  # a Path
    assert Repo(pod=POD.from_uri(str(path))).ls() == ["t"]
    assert Repo().ls() == [] and Repo("memory://").ls() == []
    with pytest.raises(ValueError, match="ftp"):
        Repo("ftp://host/x")
    # An S3 URI without credentials anywhere says where to put them.
    env = {"HOME": str(tmp_path), "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_PROFILE": ""}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        for uri in ("s3:///bucket", ["memory://", "s3:///bucket"]):
            with pytest.raises(ValueError, match="no AWS credentials"):
                Repo(uri)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k)
            else:
                os.environ[k] = v


def test_repo_on_s3_and_cache(s3_uri, tmp_path):
    """A repository in a bucket, and the same one through a local cache."""
    Repo(s3_uri).create_collection(SCHEMA, "t") / "s"
    (Repo(s3_uri) / "t" / "s").write({"timestamp": days(1, 2), "value": [1, 2]})
    cache = tmp_path / "cache"
    cached = Repo([str(cache), s3_uri])
    assert cached.pod.protocol == "file+s3"
    assert values((cached / "t" / "s").frame()) == [1, 2]
    assert any(cache.rglob("*")), "the read left a local copy"
    # A write through the cache reaches the bucket, and a stale cache never hides one.
    (cached / "t" / "s").write({"timestamp": days(3), "value": [3]})
    assert values((Repo(s3_uri) / "t" / "s").frame()) == [1, 2, 3]
    (Repo(s3_uri) / "t" / "s").write({"timestamp": days(4), "value": [4]})
    assert values((cached / "t" / "s").frame()) == [1, 2, 3, 4]
    # The reference's constructor arguments.
    host, rest = s3_uri[len("s3://"):].split("/", 1)
    path, query = rest.split("?")
    key, secret = [kv.split("=")[1] for kv in query.split("&")]
    pod = lakota.S3POD(path, netloc=host, key=key, secret=secret)
    assert Repo(pod=pod).ls() == ["t"]


def test_repo_pull_push_gc_verify(repo):
    src = Repo()
    s = src.create_collection(SCHEMA, "t") / "x"
    s.write({"timestamp": days(1, 2), "value": [1, 2]})
    s.write({"timestamp": days(3), "value": [3]})
    repo.pull(src, shallow=True)
    assert len(repo.collection("t").changelog.log()) == 1
    assert values((repo / "t" / "x").frame()) == [1, 2, 3]
    other = Repo()
    repo.push(other)
    assert values((other / "t" / "x").frame()) == [1, 2, 3]
    assert repo.gc() == (0, 0)
    assert repo.verify() == []
    with pytest.raises(ValueError, match="own label"):
        repo.create_collection(SCHEMA, "u").pull(src / "t")
    # schemas that differ: an error, nothing written
    bad = Repo()
    bad.create_collection(Schema(timestamp="timestamp*", value="int"), "t")
    with pytest.raises(lakota.Conflict):
        bad.pull(src)
    assert len((bad / "t").changelog.log()) == 0


def test_export_import(repo, tmp_path):
    s = repo.create_collection(SCHEMA, "t") / "x"
    s.write({"timestamp": days(1, 2), "value": [1.5, 2]})
    repo.export_collections(str(tmp_path / "out"))
    assert sorted(POD.from_uri(str(tmp_path / "out")).walk()) == ["t/_schema.json", "t/x.csv"]
    other = Repo()
    other.import_collections(str(tmp_path / "out"))
    assert (other / "t" / "x").frame() == s.frame()


# --- Schema ---


def test_schema_forms():
    a = Schema(timestamp="timestamp*", value="float")
    assert Schema(["timestamp timestamp*", "value float"]) == a
    assert Schema([("timestamp", "timestamp*"), ("value", "float")]) == a
    assert a != Schema(timestamp="timestamp*", value="float32")
    assert a != Schema.kv(timestamp="timestamp*", value="float")
    assert list(a) == ["timestamp", "value"] and list(a.idx) == ["timestamp"]
    assert a["timestamp"].codec.dt == numpy.dtype("M8[s]")
    assert Schema.loads(a.dumps()) == a
    assert a.dumps() == {
        "kind": None,
        "columns": {
            "timestamp": {"dt": "datetime64[s]", "codecs": ["blosc"], "idx": True},
            "value": {"dt": "float64", "codecs": ["blosc"], "idx": False},
        },
    }
    s = Schema(name="str*|vlen-utf8 gzip", x="uint8|blosc zstd", d="date")
    assert s["name"].codec.codec_names == ["vlen-utf8", "gzip"]
    assert s["x"].codec.codec_names == ["blosc", "zstd"]
    assert s["d"].codec.dt == numpy.dtype("M8[D]")
    cast = a.cast({"timestamp": ["2020-01-01"], "value": [1]})
    assert cast["value"].dtype == numpy.float64
    assert cast["timestamp"][0] == numpy.datetime64("2020-01-01", "s")
    for bad in ({"x": "float"}, {"x": "nosuchtype*"}, {"x": "int*|nosuchcodec"}, {"x": "str*|zstd"}):
        with pytest.raises(ValueError):
            Schema(**bad)


def test_codec_round_trip():
    for dt, arr in (
        ("f8", numpy.arange(10, dtype="f8")),
        ("M8[s]", numpy.array(["2020-01-01", "2021-01-01"], dtype="M8[s]")),
        ("str", numpy.array(["ham", "été", ""])),
    ):
        codec = lakota.schema.Codec(dt)
        data, digest = codec.encode(arr, with_digest=True)
        assert len(digest) == 40
        assert (codec.decode(data) == arr).all()


# --- Collection ---


def test_collection_series_listing(repo):
    c = repo.create_collection(SCHEMA, "t")
    for label in ("b", "a"):
        (c / label).write({"timestamp": days(1), "value": [1]})
    assert c.ls() == ["a", "b"]
    assert [s.label for s in c] == ["a", "b"]
    c.rename("a", "z")
    assert c.ls() == ["b", "z"]
    c.rename("b", "z")  # replaces z
    assert c.ls() == ["z"]
    c.delete("z")
    assert c.ls() == []
    with pytest.raises(ValueError):
        c.series("  ")


def test_multi_is_one_commit(repo):
    c = repo.create_collection(SCHEMA, "t")
    with c.multi():
        for label in "abc":
            (c / label).write({"timestamp": days(1), "value": [1]})
        assert c.ls() == []  # nothing visible before the end
    assert c.ls() == list("abc")
    assert len(c.changelog.log()) == 1
    with pytest.raises(RuntimeError):
        with c.multi():
            (c / "d").write({"timestamp": days(1), "value": [1]})
            raise RuntimeError("boom")
    assert c.ls() == list("abc")


def test_history_tags_diff_revert(series):
    c = series.collection
    first = c.changelog.leaf()
    series.write({"timestamp": days(2), "value": [20]})
    assert values(series.frame(before=c.changelog.leaf().epoch)) == [1, 2, 3, 4]
    name = c.tag("v1", first.path)
    assert c.tags() == {"v1": name}
    assert c.resolve("v1").path == first.path
    diff = c.diff("v1", c.changelog.leaf().path, rows=True)
    assert [d["series"] for d in diff] == ["Brussels"]
    assert diff[0]["ranges"][0]["changed"] == 1
    assert list(diff[0]["rows"]["value"]) == [20]
    assert c.revert("v1") is True
    assert values(series.frame()) == [1, 2, 3, 4]
    c.untag("v1")
    assert c.tags() == {}
    assert len(c.heads()) == 1


def test_merge_heads(repo):
    c = repo.create_collection(SCHEMA, "t")
    s = c / "x"
    saved = settings.auto_merge
    settings.auto_merge = False
    try:
        r = Repo(pod=repo.pod)
        s2 = r / "t" / "x"
        s.write({"timestamp": days(1), "value": [1]})
        s2.write({"timestamp": days(2), "value": [2]}, root=True)
        assert len(c.heads()) == 2
        assert len(c.merge()) >= 1
        assert values(s.frame()) == [1, 2]
    finally:
        settings.auto_merge = saved


def test_defrag_trim_squash(repo):
    c = repo.create_collection(SCHEMA, "t")
    s = c / "x"
    for d in range(1, 8):
        s.write({"timestamp": days(d), "value": [d]})
    assert len(s.segments()) == 7
    revs = c.defrag(max_chunk=2)
    assert len(revs) == 1 and len(s.segments()) == 1
    assert c.trim(before=datetime.now() + timedelta(hours=1)) == 7
    assert values(s.frame()) == list(range(1, 8))
    with pytest.warns(UserWarning):
        assert c.squash() == []


# --- Series ---


def test_write_inputs(repo):
    s = repo.create_collection(SCHEMA, "t") / "x"
    s.write({"timestamp": days(1, 2), "value": [1, 2]})
    s.write(pandas.DataFrame({"timestamp": pandas.to_datetime(days(3)), "value": [3.0]}))
    s.write(Frame(SCHEMA, {"timestamp": days(4), "value": [4]}))
    s.write({"timestamp": numpy.array(days(5), "M8[s]"), "value": numpy.array([5], "f8")})
    assert values(s.frame()) == [1, 2, 3, 4, 5]
    assert s.write({"timestamp": days(5), "value": [5]}) == []  # nothing changed
    assert s.write({"timestamp": days(6), "value": [6]})  # revisions written
    # start/stop: the write replaces the whole range
    s.write({"timestamp": days(3), "value": [30]}, start="2020-01-02", stop="2020-01-04")
    assert values(s.frame()) == [1, 30, 5, 6]
    s.write({"timestamp": days(7), "value": [7]}, start="2020-01-06", closed="right")
    assert values(s.frame()) == [1, 30, 5, 6, 7]


def test_bad_writes_change_nothing(series):
    before = len(series.changelog.log())
    with pytest.raises(lakota.InvalidInput, match="sorted|increasing|order"):
        series.write({"timestamp": days(3, 2), "value": [1, 2]})
    with pytest.raises(ValueError):
        series.write({"timestamp": days(1, 2), "value": [1]})
    with pytest.raises(ValueError):
        series.write({"timestamp": ["not a date"], "value": [1]})
    assert len(series.changelog.log()) == before
    assert values(series.frame()) == [1, 2, 3, 4]


@pytest.mark.parametrize("closed,expected", [
    ("LEFT", [2, 3]), ("l", [2, 3]), ("left", [2, 3]),
    ("RIGHT", [3, 4]), ("r", [3, 4]),
    ("BOTH", [2, 3, 4]), ("b", [2, 3, 4]),
    ("NONE", [3]), ("n", [3]),
])
def test_read_ranges(series, closed, expected):
    assert values(series.frame("2020-01-02", "2020-01-04", closed=closed)) == expected
    assert list(series.df(start="2020-01-02", stop="2020-01-04", closed=closed)["value"]) == expected


def test_read_options(series):
    assert values(series.frame(limit=2)) == [1, 2]
    assert values(series.frame(offset=1, limit=2)) == [2, 3]
    f = series.frame(select="value")
    assert list(f) == ["value"] and values(f) == [1, 2, 3, 4]
    assert list(series.df(select=["timestamp"]).columns) == ["timestamp"]
    assert values(series.tail(2)) == [3, 4]
    assert values(series.tail(10, stop="2020-01-04")) == [1, 2, 3]
    pages = list(series.paginate(step=3))
    assert [values(p) for p in pages] == [[1, 2, 3], [4]]
    pages = list(series.paginate(step=2, offset=1, limit=2, select=["value"]))
    assert [values(p) for p in pages] == [[2, 3]]
    assert len(series) == 4 and bool(series)
    assert not bool(series.collection / "nothing")
    with pytest.raises(ValueError):
        series.frame(closed="sideways")


def test_read_before(series):
    c = series.collection
    t0 = datetime.now()
    first = c.changelog.leaf()
    import time

    time.sleep(0.01)
    series.write({"timestamp": days(5), "value": [5]})
    assert values(series.frame(before=first.epoch)) == []
    assert values(series.frame(before=datetime.now() + timedelta(seconds=1))) == [1, 2, 3, 4, 5]
    assert len(values(series.frame(before=t0))) in (0, 4)


def test_delete_and_update(series):
    series.delete("2020-01-02", "2020-01-03")
    assert values(series.frame()) == [1, 4]
    series.update({"timestamp": days(1, 4), "value": [10, 40]})
    assert values(series.frame()) == [10, 40]


def test_kv_series(repo):
    c = repo.create_collection(Schema.kv(key="str*", value="int"), "kv")
    s = c / "x"
    s.write({"key": ["a", "c"], "value": [1, 3]})
    s.write({"key": ["b", "c"], "value": [2, 30]})
    assert dict(zip(s.frame()["key"], s.frame()["value"])) == {"a": 1, "b": 2, "c": 30}
    s.delete("a", "c")
    assert list(s.frame()["key"]) == ["b"]


# --- Frame ---


def test_frame_methods():
    f = Frame(SCHEMA, {"timestamp": days(3, 1, 2), "value": [3, 1, 2]})
    assert not f.is_sorted()
    f = f.sorted()
    assert values(f) == [1, 2, 3] and f.is_sorted()
    assert values(f.slice(1)) == [2, 3]
    assert values(f.islice("2020-01-02", None)) == [2, 3]
    assert values(f.islice(None, "2020-01-02", closed="b")) == [1, 2]
    assert values(f["2020-01-02":]) == [2, 3]
    assert values(f[numpy.array([True, False, True])]) == [1, 3]
    assert values(Frame.concat(f, f)) == [1, 2, 3, 1, 2, 3]
    assert f.start() == (numpy.datetime64("2020-01-01"),)
    assert f.stop() == (numpy.datetime64("2020-01-03"),)
    assert f.index(("2020-01-02",)) == 1
    assert f == {"timestamp": days(1, 2, 3), "value": [1, 2, 3]}
    assert list(f.select(["value"])) == ["value"]
    assert next(f.records()) == {"timestamp": datetime(2020, 1, 1), "value": 1.0}
    assert list(f.df()["value"]) == [1, 2, 3]
    with pytest.raises(NotImplementedError, match="not available"):
        f.mask("(= self.value 1)")
    assert len(Frame.from_records(SCHEMA, [{"timestamp": "2020-01-01", "value": 1}])) == 1


def test_time_bounds_finer_than_the_column(series):
    # 2020-01-02T12:00 on a column of seconds... of days here: rounded inwards, inclusive
    half = datetime(2020, 1, 2, 0, 0, 0, 500000)
    assert values(series.frame(start=half)) == [3, 4]            # 01-02 00:00:00 < start
    assert values(series.frame(stop=half)) == [1, 2]             # 01-02 00:00:00 <= stop
    assert values(series.frame(stop="2020-01-03T00:00:00.25", closed="left")) == [1, 2, 3]
    assert values(series.frame(stop=numpy.datetime64("2020-01-03", "D"))) == [1, 2]
    with pytest.raises(lakota.InvalidInput, match="2020-13-01"):
        series.frame(start="2020-13-01")


def test_df_is_editable(series):
    df = series.df()
    df.loc[0, "value"] = 100.0
    assert df["value"].iloc[0] == 100.0
    assert values(series.frame()) == [1, 2, 3, 4]  # the repository is not changed


def test_multi_from_threads(repo):
    import threading

    c = repo.create_collection(SCHEMA, "t")
    with c.multi():
        threads = [
            threading.Thread(target=lambda i=i: (c / f"s{i:02}").write({"timestamp": days(1, 2), "value": [i, i]}))
            for i in range(16)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert c.ls() == [f"s{i:02}" for i in range(16)]
    assert len(c.changelog.log()) == 1
    with c.multi():  # updates join the batch
        (c / "s00").update({"timestamp": days(1), "value": [5]})
        (c / "s01").update({"timestamp": days(2), "value": [7]})
        assert values((c / "s00").frame()) == [0, 0]
    assert values((c / "s00").frame()) == [5, 0]
    assert values((c / "s01").frame()) == [1, 7]
    assert len(c.changelog.log()) == 2
    kv = repo.create_collection(Schema.kv(key="str*", value="int"), "kv")
    (kv / "x").write({"key": ["a", "b", "c"], "value": [1, 2, 3]})
    with kv.multi():
        (kv / "x").delete("a")
        (kv / "y").write({"key": ["z"], "value": [26]})
    assert list((kv / "x").frame()["key"]) == ["b", "c"] and kv.ls() == ["x", "y"]
    assert len(kv.changelog.log()) == 2
