"""gc, trim, defrag, squash and verify from the command line (issue 6), and with the
reference: each reads, trims and collects a repository the other wrote."""
import glob
import os

from conftest import norm

SCHEMA = ["id int*", "x float"]


def rows(first, n, value):
    return "id,x\n" + "".join(f"{i},{value + (i * 7919 % 1000) / 1000}\n" for i in range(first, first + n))


def segment_files(repo):
    return sorted(p for p in glob.glob(f"{repo}/??/??/*") if os.path.isfile(p))


def test_gc_trim_defrag_verify(lakota, ref):
    repo = str(lakota.cwd / ".lakota")
    assert lakota("create", "c", *SCHEMA).code == 0
    for k in range(6):
        assert lakota("write", "c/s", input=rows(k * 500, 500, k)).code == 0
    assert lakota("write", "c/s", input=rows(0, 200, 9)).code == 0  # overwrites a part
    assert lakota("tag", "c", "v1").code == 0
    content = lakota("read", "c/s").out
    tagged = content

    res = lakota("defrag", "c")
    assert res.code == 0 and res.out == "" and "defragmented 1 series" in res.err, res
    assert lakota("read", "c/s").out == content
    assert lakota("-q", "defrag", "c").err == ""
    assert norm(ref("read", "c/s").out) == content

    # Nothing is older than 20 minutes: the default trim drops nothing.
    assert lakota("trim", "c").err.startswith("trimmed 0 revision(s)")
    dry = lakota("trim", "c", "--before", "2100-01-01", "--dry-run")
    assert dry.code == 0 and len(dry.out.splitlines()) == 6, dry  # stops at the tag
    res = lakota("trim", "c", "--before", "2100-01-01")
    assert "trimmed 6 revision(s)" in res.err, res
    assert lakota("read", "c/s").out == content
    assert lakota("read", "c/s", "--tag", "v1").out == tagged

    # The tagged revision holds the small chunks: gc keeps them.
    res = lakota("gc", "--timeout", "0")
    assert res.out == "0 segments deleted\n" and "soft-deleted 0" in res.err, res
    assert lakota("read", "c/s", "--tag", "v1").out == tagged

    assert lakota("tag", "-d", "c", "v1").code == 0
    assert "trimmed 1 revision(s)" in lakota("trim", "c", "--before", "2100-01-01").err
    before = segment_files(repo)
    res = lakota("gc")
    assert res.out == "0 segments deleted\n" and "soft-deleted 6" in res.err, res
    assert lakota("read", "c/s").out == content
    res = lakota("gc", "--timeout", "0")
    assert res.out == "6 segments deleted\n", res
    assert len(segment_files(repo)) == len(before) - 6
    assert lakota("read", "c/s").out == content

    # The reference reads, writes and collects what we left.
    assert norm(ref("read", "c/s").out) == content
    assert ref("write", "c/s", input=rows(5000, 10, 1)).code == 0
    assert ref("gc").out.strip() == "0 segments deleted"
    res = lakota("verify")
    assert res.code == 0 and res.out == "" and "no problem" in res.err, res
    assert lakota("len", "c/s").out.strip() == "3010"


def test_squash_and_registry_maintenance(lakota):
    assert lakota("create", "c", *SCHEMA).code == 0
    for k in range(6):
        assert lakota("create", f"d{k}", *SCHEMA).code == 0
        assert lakota("write", "c/s", input=rows(k * 10, 10, k)).code == 0
    content = lakota("read", "c/s").out
    res = lakota("squash", "-a", "--before", "2100-01-01")
    assert res.code == 0 and res.out == "", res
    assert "defragmented 2 series" in res.err and "trimmed" in res.err, res  # c/s and the registry
    assert lakota("read", "c/s").out == content
    rev = lakota("rev", "c").out
    assert rev.count("Revision:") == 1, rev
    assert lakota("rev").out.count("Revision:") == 1
    assert len(lakota("ls").out.split()) == 8


def test_verify_names_each_problem(lakota):
    repo = lakota.cwd / ".lakota"
    assert lakota("create", "c", *SCHEMA).code == 0
    assert lakota("write", "c/s", input=rows(0, 3000, 1)).code == 0
    segment = segment_files(str(repo))[0]
    data = bytearray(open(segment, "rb").read())
    data[len(data) // 2] ^= 1
    open(segment, "wb").write(bytes(data))
    res = lakota("verify")
    assert res.code == 4, res
    assert os.path.relpath(segment, repo) in res.out and "damaged" in res.out, res
    assert "1 problem(s)" in res.err
    os.remove(segment)
    res = lakota("verify")
    assert res.code == 4 and "is missing" in res.out, res


def test_our_gc_on_a_repository_the_reference_wrote(lakota, ref):
    assert ref("create", "c", *SCHEMA).code == 0
    for k in range(4):
        assert ref("write", "c/s", input=rows(0, 2000, k)).code == 0  # each overwrites the last
    content = norm(ref("read", "c/s").out)
    assert ref("trim", "c", "--before", "2100-01-01").code == 0
    assert lakota("gc").code == 0
    res = lakota("gc", "--timeout", "0")
    assert res.out.strip() == "3 segments deleted", res
    assert norm(ref("read", "c/s").out) == content
    assert lakota("read", "c/s").out == content
    assert lakota("verify").code == 0
    assert ref("gc").out.strip() == "0 segments deleted"
