"""export and import of collections as folders of CSV files, in the reference's layout:
each side imports what the other exported."""
import json
import os

from conftest import norm


def setup(lakota):
    assert lakota("create", "temperature", "timestamp timestamp*", "value float").code == 0
    assert lakota("write", "temperature/Brussels",
                  input="timestamp,value\n2020-06-22,25\n2020-06-23,24.5\n").code == 0
    assert lakota("create", "other", "id int*", "label str").code == 0
    assert lakota("write", "other/s1", input='id,label\n1,"a, b"\n2,two\n').code == 0


def test_export_import_both_ways(lakota, ref):
    setup(lakota)
    res = lakota("export", "out")
    assert res.code == 0 and res.out == "" and "exported 2 collection(s)" in res.err, res
    root = lakota.cwd / "out"
    assert sorted(os.listdir(root / "temperature")) == ["Brussels.csv", "_schema.json"]
    schema = (root / "temperature" / "_schema.json").read_text()
    assert json.loads(schema)["columns"]["value"]["dt"] == "float64"

    # The reference imports our export and exports the same files back.
    assert ref("-r", "refrepo", "import", "out").code == 0
    assert norm(ref("-r", "refrepo", "read", "other/s1").out) == lakota("read", "other/s1").out
    assert ref("-r", "refrepo", "export", "refout").code == 0
    assert (lakota.cwd / "refout" / "temperature" / "_schema.json").read_text() == schema
    for name in ["temperature/Brussels.csv", "other/s1.csv"]:
        assert norm((lakota.cwd / "refout" / name).read_text()) == (root / name).read_text()

    # We import the reference's export.
    assert lakota("-r", "back", "import", "refout", "-c", "other").code == 0
    assert lakota("-r", "back", "ls").out.split()[1:] == ["other"]
    assert lakota("-r", "back", "read", "other/s1").out == lakota("read", "other/s1").out
    assert lakota("-r", "back", "export", "again", "-c", "other").code == 0
    assert (lakota.cwd / "again" / "other" / "s1.csv").read_text() == (root / "other" / "s1.csv").read_text()


def test_import_checks_everything_before_writing(lakota):
    setup(lakota)
    assert lakota("export", "out").code == 0
    (lakota.cwd / "out" / "other" / "bad.csv").write_text("id,label\n1,x\nnot-a-number,y\n")
    res = lakota("-r", "fresh", "import", "out")
    assert res.code == 2 and "out/other/bad.csv: row 2" in res.err, res
    assert lakota("-r", "fresh", "ls").out == "collection\n"  # nothing imported
    # A file every value of which parses, but whose index is not sorted: refused before
    # any collection is written, as a write would refuse it.
    (lakota.cwd / "out" / "other" / "bad.csv").write_text("id,label\n2,x\n1,y\n")
    res = lakota("-r", "fresh", "import", "out")
    assert res.code == 2 and "bad.csv" in res.err, res
    assert lakota("-r", "fresh", "ls").out == "collection\n"
    (lakota.cwd / "out" / "other" / "bad.csv").unlink()
    (lakota.cwd / "out" / "other" / "notes.txt").write_text("x")
    res = lakota("-r", "fresh", "import", "out")
    assert res.code == 2 and "notes.txt: unknown file type" in res.err, res
    res = lakota("export", "out2", "-T", "parquet")
    assert res.code == 2 and "Python package" in res.err, res
    res = lakota("export", "out3", "-c", "nosuch")
    assert res.code == 3, res
    res = lakota("import", "nowhere")
    assert res.code == 3 and "nothing to import" in res.err, res
