"""The command line, as a user drives it: the transcript of CLI.md and the bad inputs of
issue 2 (one clear line on stderr, a documented exit code, nothing written)."""
import os
import subprocess

from conftest import LAKOTA_BIN, norm

INPUT = "timestamp,value\n2020-06-22,25\n2020-06-23,24\n2020-06-24,27\n2020-06-25,31\n2020-06-26,32\n2020-06-27,30\n"
CORRECTED = (
    "timestamp,value\n2020-06-23,24.2\n2020-06-24,27.9\n2020-06-25,31.0\n2020-06-26,32.5\n2020-06-27,30.1\n"
    "2020-06-28,29.2\n"
)
EXIT_INVALID, EXIT_NOT_FOUND = 2, 3


def files(path):
    return sorted(str(p.relative_to(path)) for p in path.rglob("*") if p.is_file())


def setup_temperature(lakota):
    assert lakota("create", "temperature", "timestamp timestamp*", "value float").code == 0
    assert lakota("write", "temperature/Brussels", input=INPUT).code == 0


def test_transcript(lakota):
    assert lakota("version").out == "0.7.1\n"
    setup_temperature(lakota)
    assert lakota("ls").out == "collection\ntemperature\n"
    assert lakota("ls", "temperature").out == "series\nBrussels\n"
    assert lakota("read", "temperature/Brussels").out == (
        "timestamp,value\n2020-06-22T00:00:00,25.0\n2020-06-23T00:00:00,24.0\n2020-06-24T00:00:00,27.0\n"
        "2020-06-25T00:00:00,31.0\n2020-06-26T00:00:00,32.0\n2020-06-27T00:00:00,30.0\n"
    )
    assert lakota("-P", "read", "temperature/Brussels").out == (
        "timestamp              value\n"
        "-------------------  -------\n"
        "2020-06-22T00:00:00       25\n"
        "2020-06-23T00:00:00       24\n"
        "2020-06-24T00:00:00       27\n"
        "2020-06-25T00:00:00       31\n"
        "2020-06-26T00:00:00       32\n"
        "2020-06-27T00:00:00       30\n"
    )
    assert lakota("write", "temperature/Brussels", input=CORRECTED).code == 0
    assert lakota("len", "temperature/Brussels").out == "7\n"
    assert lakota("read", "temperature/Brussels", "--gt", "2020-06-24", "--lt", "2020-06-27").out == (
        "timestamp,value\n2020-06-24T00:00:00,27.9\n2020-06-25T00:00:00,31.0\n2020-06-26T00:00:00,32.5\n"
    )
    out = lakota("read", "temperature/Brussels", "--gt", "2020-06-24", "--lt", "2020-06-27", "--closed", "BOTH").out
    assert out.splitlines()[-1] == "2020-06-27T00:00:00,30.1"
    assert lakota("read", "temperature/Brussels", "--limit", "2", "--offset", "1").out == (
        "timestamp,value\n2020-06-23T00:00:00,24.2\n2020-06-24T00:00:00,27.9\n"
    )
    assert lakota("read", "temperature/Brussels", "--tail", "2").out == (
        "timestamp,value\n2020-06-27T00:00:00,30.1\n2020-06-28T00:00:00,29.2\n"
    )
    rev = lakota("rev", "temperature", "-ee").out
    assert "8976db37e80fcd31fdea8fa1233f9057234f4dbf" in rev
    assert "Total length: 12" in rev
    assert (
        "Brussels  2020-06-22T00:00:00  2020-06-23T00:00:00         6  l         "
        "5e66a21b02e8fca62643f45dcb5e1b9c4e99edd9 / ceb1c30243befa63f147509f83e0458cc906e69e"
    ) in rev
    assert lakota("rev").out.count("Revision: 00000000000-") == 1


def test_seed_quickstart_prints_two_rows(lakota):
    lakota("-r", "my-data-folder", "create", "temperature", "timestamp timestamp*", "value float")
    data = "timestamp,value\n2020-01-01T00:00,1\n2020-01-02T00:00,2\n2020-01-03T00:00,3\n2020-01-04T00:00,4\n"
    assert lakota("-r", "my-data-folder", "write", "temperature/Brussels", input=data).code == 0
    res = lakota("-r", "my-data-folder", "read", "temperature/Brussels", "--less-than", "2020-01-03")
    assert res.out == "timestamp,value\n2020-01-01T00:00:00,1.0\n2020-01-02T00:00:00,2.0\n"


def test_repo_from_environment_and_uris(lakota, tmp_path):
    env = {"LAKOTA_REPO": str(tmp_path / "elsewhere")}
    assert lakota("create", "t", "id int*", env=env).code == 0
    assert (tmp_path / "elsewhere").is_dir()
    assert lakota("-r", "file:///rel", "create", "t", "id int*").code == 0
    assert (tmp_path / "rel").is_dir()
    assert lakota("-r", f"file:///{tmp_path}/abs", "create", "t", "id int*").code == 0
    assert (tmp_path / "abs").is_dir()
    assert lakota("-r", "memory://", "ls").out == "collection\n"
    res = lakota("-r", "gopher://x", "ls")
    assert res.code == EXIT_INVALID and "gopher" in res.err


def test_prefixes_and_exact_names(lakota):
    setup_temperature(lakota)
    assert lakota("read", "temp/Bru", "--limit", "1").out.splitlines()[1] == "2020-06-22T00:00:00,25.0"
    assert lakota("len", "temp").out == "6\n"
    res = lakota("delete", "temp/Brussels")
    assert res.code == EXIT_NOT_FOUND and "temp" in res.err
    assert lakota("delete", "temperature/Bru").code == EXIT_NOT_FOUND
    assert lakota("ls", "temperature").out == "series\nBrussels\n"


def test_delete_series_and_collection(lakota):
    setup_temperature(lakota)
    lakota("write", "temperature/Paris", input=INPUT)
    assert lakota("delete", "temperature/Brussels").code == 0
    assert lakota("ls", "temperature").out == "series\nParis\n"
    assert lakota("delete", "temperature").code == 0
    assert lakota("ls").out == "collection\n"
    assert [f for f in files(lakota.cwd / ".lakota") if not f.startswith("00/00/")] == []


def test_columns_strings_and_pretty_ints(lakota):
    lakota("create", "other", "id int*", "label str")
    assert lakota("write", "other/s1", input="id,label\n1,one\n2,two\n").code == 0
    assert lakota("-P", "read", "other/s1").out == "  id  label\n----  -------\n   1  one\n   2  two\n"
    assert lakota("read", "other/s1", "label").out == "label\none\ntwo\n"


def test_csv_input_forms(lakota):
    lakota("create", "p", "name str*", "city str", "age int")
    data = '\ufeffage,name,city\r\n31,"Smith, Al","Says ""hi"""\r\n42,bob,"two\nlines"\r\n'
    assert lakota("write", "p/s", input=data).code == 0
    out = lakota("read", "p/s").out
    assert out == 'name,city,age\n"Smith, Al","Says ""hi""",31\nbob,"two\nlines",42\n'


def test_times_with_zones_are_utc(lakota):
    lakota("create", "t", "timestamp timestamp*", "value float")
    data = "timestamp,value\n2020-01-01T01:00:00+01:00,1\n2020-01-01T00:30:00Z,2\n2020-01-01T01:00,3\n"
    assert lakota("write", "t/s", input=data).code == 0
    assert lakota("read", "t/s", "value").out == "value\n1.0\n2.0\n3.0\n"


def test_floats_print_as_python_does(lakota):
    lakota("create", "f", "id int*", "x float")
    data = "id,x\n1,nan\n2,-inf\n3,1e-05\n4,1e16\n5,0.1\n6,-0\n"
    assert lakota("write", "f/s", input=data).code == 0
    assert lakota("read", "f/s", "x").out == "x\nnan\n-inf\n1e-05\n1e+16\n0.1\n-0.0\n"


def test_paginate_honours_before_and_limit(lakota):
    setup_temperature(lakota)
    out = lakota("read", "temperature/Brussels", "--paginate", "4").out
    assert out.count("timestamp,value") == 1 and len(out.splitlines()) == 7
    assert lakota("read", "temperature/Brussels", "--paginate", "2", "--limit", "3").out.count("\n") == 4
    assert lakota("read", "temperature/Brussels", "--paginate", "2", "--before", "2000-01-01").out == "timestamp,value\n"
    assert lakota("read", "temperature/Brussels", "--before", "2000-01-01").out == "timestamp,value\n"
    assert len(lakota("read", "temperature/Brussels", "--before", "2999-01-01").out.splitlines()) == 7


def test_composite_index_bounds(lakota):
    lakota("create", "prices", "timestamp timestamp*", "category str*", "value float")
    data = "timestamp,category,value\n2023-01-01,gas,1\n2023-01-01,oil,2\n2023-01-02,gas,3\n2023-01-02,oil,4\n"
    assert lakota("write", "prices/EU", input=data).code == 0
    out = lakota("read", "prices/EU", "--gt", "2023-01-01", "--gt", "oil", "--lt", "2023-01-02", "--lt", "oil").out
    assert out.splitlines()[1:] == ["2023-01-01T00:00:00,oil,2.0", "2023-01-02T00:00:00,gas,3.0"]


def test_date_column_bounds_compare_at_the_finer_unit(lakota):
    lakota("create", "d", "day date*", "v int")
    lakota("write", "d/s", input="day,v\n2020-06-23,1\n2020-06-24,2\n2020-06-25,3\n")
    assert lakota("read", "d/s", "v", "--gt", "2020-06-24T12:00").out == "v\n3\n"
    assert lakota("read", "d/s", "v", "--lt", "2020-06-24T12:00").out == "v\n1\n2\n"


def bad(lakota, args, data, code, *words):
    before = files(lakota.cwd)
    res = lakota(*args, input=data)
    assert res.code == code, res
    assert res.out == ""
    lines = res.err.strip().splitlines()
    assert len(lines) == 1, res.err
    for w in words:
        assert w in res.err, (w, res.err)
    assert files(lakota.cwd) == before


def test_bad_inputs_change_nothing(lakota):
    setup_temperature(lakota)
    w = ["write", "temperature/Brussels"]
    bad(lakota, w, "timestamp,value\n2020-06-22,1\n2020-06-21,2\n", EXIT_INVALID, "not sorted", "row 2")
    bad(lakota, w, "timestamp,value\n2020-06-22,1\n2020-06-22,2\n", EXIT_INVALID, "duplicated")
    bad(lakota, w, "timestamp,value\n2020-06-22,abc\n", EXIT_INVALID, "abc", "row 1", "value")
    bad(lakota, w, "timestamp,value\n2020-13-22,1\n", EXIT_INVALID, "2020-13-22", "timestamp")
    bad(lakota, w, "timestamp,value,extra\n2020-06-22,1,2\n", EXIT_INVALID, "extra")
    bad(lakota, w, "timestamp\n2020-06-22\n", EXIT_INVALID, "missing column 'value'")
    bad(lakota, w, "timestamp,value\n2020-06-22\n", EXIT_INVALID, "line 2")
    bad(lakota, w, "", EXIT_INVALID, "header")
    bad(lakota, w, 'timestamp,value\n2020-06-22,"1\n', EXIT_INVALID, "line 2", "unterminated")
    bad(lakota, ["write", "nope/x"], INPUT, EXIT_NOT_FOUND, "nope")
    bad(lakota, ["read", "temperature/Nope"], None, EXIT_NOT_FOUND, "Nope")
    bad(lakota, ["read", "temperature"], None, EXIT_INVALID, "collection/series")
    bad(lakota, ["create", "x", "id int"], None, EXIT_INVALID, "index")
    bad(lakota, ["create", "x", "id complex*"], None, EXIT_INVALID, "complex")
    bad(lakota, ["create", "x", "id int*|snappy"], None, EXIT_INVALID, "snappy")
    bad(lakota, ["create", "temperature", "id int*"], None, 5, "already exists")
    bad(lakota, ["read", "temperature/Brussels", "--closed", "middle"], None, EXIT_INVALID, "middle")
    bad(lakota, ["read", "temperature/Brussels", "--limit", "abc"], None, EXIT_INVALID, "--limit", "abc")
    bad(lakota, ["frobnicate"], None, EXIT_INVALID, "frobnicate")
    bad(lakota, ["-r", "a", "-r", "ftp://b", "ls"], None, EXIT_INVALID, "ftp")


def test_a_large_csv_is_written_in_parts_as_one_write(lakota):
    # `write` reads 2^20 rows at a time (each a row of one commit): a CSV longer than that
    # is one revision, and a row out of order in the second part is refused by its number
    # with nothing written.
    lakota("create", "big", "id int*", "v float")
    n, part = 1_100_000, 1 << 20
    rows = [f"{i},{i % 7}.5" for i in range(n)]
    swapped = rows[:]
    swapped[part], swapped[part - 1] = swapped[part - 1], swapped[part]
    bad(lakota, ["write", "big/s"], "id,v\n" + "\n".join(swapped) + "\n", EXIT_INVALID,
        f"row {part + 1}", "not sorted")
    assert lakota("write", "big/s", input="id,v\n" + "\n".join(rows) + "\n").code == 0
    assert lakota("len", "big/s").out.strip() == str(n)
    assert len([line for line in lakota("rev", "big").out.splitlines() if line.startswith("Revision")]) == 1
    out = lakota("read", "big/s", "--gt", str(part - 2), "--lt", str(part + 2)).out
    assert out.splitlines()[1:] == rows[part - 2:part + 2]


def test_corrupt_files_are_reported(lakota):
    setup_temperature(lakota)
    repo = lakota.cwd / ".lakota"
    revs = [p for p in repo.rglob("*") if p.is_file() and not str(p.relative_to(repo)).startswith("00/00")]
    revs[0].write_bytes(b"broken")
    res = lakota("read", "temperature/Brussels")
    assert res.code == 4 and revs[0].name in res.err


def test_read_into_head_ends_quietly(lakota):
    lakota("create", "big", "id int*", "x float")
    data = "id,x\n" + "".join(f"{i},{i}.5\n" for i in range(200000))
    assert lakota("write", "big/s", input=data).code == 0
    cmd = f"set -o pipefail; '{LAKOTA_BIN}' read big/s | head -n 3"
    proc = subprocess.run(["bash", "-c", cmd], cwd=lakota.cwd, capture_output=True, env={**os.environ, "TZ": "UTC"})
    assert proc.stdout.decode() == "id,x\n0,0.5\n1,1.5\n"
    assert proc.stderr == b""
    assert proc.returncode == 0


def test_help(lakota):
    res = lakota("help", "read")
    assert res.code == 0 and "--greater-than" in res.out
    assert lakota("--help").code == 0


def test_verbose_shows_storage_access(lakota):
    setup_temperature(lakota)
    res = lakota("-vv", "read", "temperature/Brussels")
    assert res.code == 0
    assert "LIST " in res.err and "READ " in res.err
    assert lakota("read", "temperature/Brussels").err == ""


def test_timing_goes_to_stderr(lakota):
    setup_temperature(lakota)
    res = lakota("-t", "read", "temperature/Brussels")
    assert res.out.startswith("timestamp,value\n")
    assert res.err.startswith("Timing (read): ") and res.err.rstrip().endswith("s")
