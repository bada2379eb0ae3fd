"""Differential tests of the Python package: what the reference (lakota 0.7.1, in its own
virtual environment) writes, our package reads the same; what ours writes, the
reference reads the same. Both print the same JSON dump of every series."""
import json

import pytest

from conftest import REF_PYTHON, ROOT, run_python

# Writes a repository through the API (run by each implementation).
WRITE = r'''
import numpy
from lakota import Repo, Schema
repo = Repo("repo")
ts = repo.create_collection(Schema(timestamp="timestamp*", value="float"), "ts")
s = ts / "walk"
n = 200_000
t = (numpy.arange(n) + 1_600_000_000).astype("M8[s]")
v = numpy.round(numpy.cumsum(numpy.sin(numpy.arange(n))), 4)
s.write({"timestamp": t, "value": v})
s.write({"timestamp": t[1000:1010], "value": numpy.zeros(10)})     # an overwrite
s.delete(t[5000], t[5100])                                          # a range delete
(ts / "small").write({"timestamp": ["2020-01-01", "2020-01-02"], "value": [1.5, -2]})
multi = repo.create_collection(
    Schema(day="date*", name="str*", qty="int", ratio="float32", flag="bool"), "multi")
with multi.multi():
    for label in ("a", "b"):
        (multi / label).write({
            "day": ["2021-03-01", "2021-03-01", "2021-03-02"],
            "name": ["x", "\u00e9t\u00e9", "x"], "qty": [1, -2, 3],
            "ratio": [0.5, 1.25, 2], "flag": [True, False, True]})
kv = repo.create_collection(Schema.kv(key="str*", value="int"), "kv")
(kv / "k").write({"key": ["a", "c"], "value": [1, 3]})
(kv / "k").write({"key": ["b", "c"], "value": [2, 30]})
'''

# Prints every series as JSON (run by each implementation, on either's repository).
DUMP = r'''
import json
from lakota import Repo
repo = Repo("repo")
out = {}
for label in repo.ls():
    clct = repo / label
    for name in clct.ls():
        frm = (clct / name).frame()
        out[label + "/" + name] = {c: [str(x) for x in frm[c].tolist()] for c in frm}
        out[label + "/" + name + "#len"] = len(frm)
print(json.dumps(out, sort_keys=True))
'''

REF_ENV = {"PYTHONPATH": str(ROOT / "tests")}  # tests/ref_env.py: the reference's zstd level


def ref(script, cwd):
    res = run_python("import ref_env\n" + script, cwd, python=REF_PYTHON, env=REF_ENV)
    assert res.code == 0, res.err
    return res.out


def ours(script, cwd):
    res = run_python(script, cwd)
    assert res.code == 0, res.err
    return res.out


@pytest.mark.parametrize("writer", ["reference", "ours"])
def test_written_by_one_read_by_both(tmp_path, writer):
    (ref if writer == "reference" else ours)(WRITE, tmp_path)
    theirs = json.loads(ref(DUMP, tmp_path))
    mine = json.loads(ours(DUMP, tmp_path))
    assert mine == theirs
    assert theirs["ts/walk#len"] == 200_000 - 101
    assert theirs["kv/k"]["value"] == ["1", "2", "30"]


def test_same_commits_as_the_reference(tmp_path):
    """The same writes through both APIs give the same revision contents (sha1s)."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    ref(WRITE, tmp_path / "a")
    ours(WRITE, tmp_path / "b")
    digests = r'''
from lakota import Repo
repo = Repo("repo")
for label in sorted(repo.ls()):
    print(label, [r.digests.child for r in (repo / label).changelog.log()])
'''
    assert ours(digests, tmp_path / "a") == ours(digests, tmp_path / "b")
