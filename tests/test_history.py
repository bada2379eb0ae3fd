"""History and concurrency from the command line (issue 6): concurrent processes never
hide each other's writes, merges hold every head's writes and read the same in the
reference, and a repository the reference merged stays right for both."""
import concurrent.futures
import textwrap

from conftest import REF_PYTHON, ROOT, norm, run

SCHEMA = ["id int*", "x float"]
WRITERS, WRITES, ROWS = 6, 5, 40


def block(writer, k, rows=ROWS, base=None):
    start = (k * WRITERS + writer) * rows
    base = writer * 1000 + k if base is None else base
    return "id,x\n" + "".join(f"{i},{base + (i - start) / 1000}\n" for i in range(start, start + rows))


def in_parallel(fn, n=WRITERS):
    with concurrent.futures.ThreadPoolExecutor(n) as pool:
        return list(pool.map(fn, range(n)))


def test_concurrent_processes_keep_every_write(lakota, ref):
    assert lakota("create", "c", *SCHEMA).code == 0

    def writer(w):
        codes = []
        for k in range(WRITES):
            codes.append(lakota("write", "c/shared", input=block(w, k)).code)
            codes.append(lakota("write", f"c/own{w}", input=block(w, k)).code)
            codes.append(lakota("create", f"made-{w}-{k}", *SCHEMA).code)
        return codes

    assert all(code == 0 for codes in in_parallel(writer) for code in codes)
    res = lakota("len", "c/shared")
    assert res.out.strip() == str(WRITERS * WRITES * ROWS), res
    assert "warning" not in res.err
    ids = [int(line.split(",")[0]) for line in lakota("read", "c/shared").out.splitlines()[1:]]
    assert ids == list(range(WRITERS * WRITES * ROWS))
    for w in range(WRITERS):
        assert lakota("len", f"c/own{w}").out.strip() == str(WRITES * ROWS)
    names = lakota("ls").out.split()[1:]
    assert sorted(names) == sorted(["c"] + [f"made-{w}-{k}" for w in range(WRITERS) for k in range(WRITES)])
    # The reference reads the same rows and the same collections.
    assert norm(ref("read", "c/shared").out) == lakota("read", "c/shared").out
    assert norm(ref("read", "c/own3").out) == lakota("read", "c/own3").out
    assert sorted(ref("ls").out.split()[1:]) == sorted(names)


def diverge(lakota, ref, first, second, base=None):
    """Two heads made the reference's way: write in A, push to B, write in each, pull."""
    assert ref("-r", "repo_A", "create", "c", *SCHEMA).code == 0
    if base:
        assert ref("-r", "repo_A", "write", "c/s", input=base).code == 0
    assert ref("-r", "repo_A", "push", "repo_B").code == 0
    assert ref("-r", "repo_A", "write", "c/s", input=first).code == 0
    assert ref("-r", "repo_B", "write", "c/s", input=second).code == 0
    assert ref("-r", "repo_A", "pull", "repo_B").code == 0


def rows_of(text):
    return {int(line.split(",")[0]): float(line.split(",")[1]) for line in norm(text).splitlines()[1:]}


def test_merge_of_partial_overwrites_reads_the_same_in_the_reference(lakota, ref):
    # The reference's own merge crashes on this history.
    base = "id,x\n" + "".join(f"{i},{i}\n" for i in range(100))
    first = "id,x\n" + "".join(f"{i},{1000 + i}\n" for i in range(10, 20))
    second = "id,x\n" + "".join(f"{i},{2000 + i}\n" for i in range(80, 90))
    diverge(lakota, ref, first, second, base)
    res = lakota("-r", "repo_A", "read", "c/s")
    assert "2 heads" in res.err and "lakota merge c" in res.err
    expected = {i: float(1000 + i if 10 <= i < 20 else 2000 + i if 80 <= i < 90 else i) for i in range(100)}
    # Both heads' writes, merged in memory until the merge is written (auto-merge on).
    assert "this read shows them merged" in res.err
    assert rows_of(res.out) == expected
    # Auto-merge off: the state, one head's writes, as the reference reads it.
    res = lakota("-r", "repo_A", "read", "c/s", env={"LAKOTA_AUTO_MERGE": "0"})
    assert "this state misses some writes" in res.err
    assert rows_of(res.out) == rows_of(ref("-r", "repo_A", "read", "c/s").out) != expected
    assert "*" in lakota("-r", "repo_A", "rev", "c").out
    res = lakota("-r", "repo_A", "merge")
    assert res.code == 0 and res.out == "" and "merged collection 'c'" in res.err
    ours = rows_of(lakota("-r", "repo_A", "read", "c/s").out)
    assert ours == expected
    assert rows_of(ref("-r", "repo_A", "read", "c/s").out) == expected
    res = lakota("-r", "repo_A", "merge", "c")
    assert res.code == 0 and "nothing to merge" in res.err
    res = lakota("-r", "repo_A", "-q", "merge", "c")
    assert res.code == 0 and res.err == "" and res.out == ""
    assert "warning" not in lakota("-r", "repo_A", "read", "c/s").err


def test_a_write_after_a_reference_merge_with_one_hextime_is_seen_by_both(lakota, ref, tmp_path):
    diverge(lakota, ref, block(0, 0), block(1, 0))
    # The reference's merge writes one file per head; give both the same hextime, as two
    # writes within one millisecond do.
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(ROOT / 'tests')!r})
        import ref_env
        import lakota.changelog as changelog
        from lakota import Repo
        changelog.hextime = lambda *a: "{'1' * 11}"
        Repo({str(tmp_path / 'repo_A')!r}).collection("c").merge()
        """
    )
    assert run([REF_PYTHON, "-c", script], cwd=tmp_path).code == 0
    names = [p.name for p in (tmp_path / "repo_A").rglob("*") if p.name.count(".") == 1]
    children = [n.split(".")[1] for n in names if n.split(".")[1].startswith("1" * 11)]
    assert len(children) == 2 and children[0] == children[1]  # one child reached twice
    assert lakota("-r", "repo_A", "write", "c/s", input=block(2, 0)).code == 0
    expected = {**rows_of(block(0, 0)), **rows_of(block(1, 0)), **rows_of(block(2, 0))}
    assert rows_of(lakota("-r", "repo_A", "read", "c/s").out) == expected
    assert rows_of(ref("-r", "repo_A", "read", "c/s").out) == expected
    # And the next write too.
    assert lakota("-r", "repo_A", "write", "c/s", input=block(3, 0)).code == 0
    expected.update(rows_of(block(3, 0)))
    assert rows_of(ref("-r", "repo_A", "read", "c/s").out) == expected
    assert rows_of(lakota("-r", "repo_A", "read", "c/s").out) == expected


def test_merge_without_names_merges_the_registry_and_every_collection(lakota, ref):
    # Collections created on each side: the reference leaves two registry heads.
    assert ref("-r", "repo_A", "create", "c", *SCHEMA).code == 0
    assert ref("-r", "repo_A", "push", "repo_B").code == 0
    assert ref("-r", "repo_A", "create", "mine", *SCHEMA).code == 0
    assert ref("-r", "repo_B", "create", "theirs", *SCHEMA).code == 0
    assert ref("-r", "repo_A", "pull", "repo_B").code == 0
    assert "the registry has 2 heads" in lakota("-r", "repo_A", "ls").err
    assert lakota("-r", "repo_A", "merge").code == 0
    assert lakota("-r", "repo_A", "ls").out.split()[1:] == ["c", "mine", "theirs"]
    assert ref("-r", "repo_A", "ls").out.split()[1:] == ["c", "mine", "theirs"]
    assert lakota("-r", "repo_A", "merge", "nosuch").code == 3


def test_auto_merge_can_be_switched_off(lakota):
    assert lakota("create", "c", *SCHEMA).code == 0
    env = {"LAKOTA_AUTO_MERGE": "0"}

    def writer(w):
        return lakota("write", "c/s", input=block(w, 0), env=env).code

    assert in_parallel(writer) == [0] * WRITERS
    res = lakota("merge", "c")
    assert res.code == 0
    assert lakota("len", "c/s").out.strip() == str(WRITERS * ROWS)


def test_read_a_revision_and_revert_to_it(lakota, ref):
    assert lakota("create", "c", *SCHEMA).code == 0
    assert lakota("write", "c/s", input="id,x\n1,1\n2,2\n").code == 0
    first = lakota("rev", "c").out.split("Revision: ")[1].split("\n")[0].split(".")[1].rstrip("*")
    assert lakota("write", "c/s", input="id,x\n2,20\n3,3\n").code == 0
    assert lakota("read", "c/s", "--rev", first[12:20]).out == "id,x\n1,1.0\n2,2.0\n"
    assert lakota("read", "c/s", "--rev", first).out == "id,x\n1,1.0\n2,2.0\n"
    res = lakota("revert", "c", first[12:18])
    assert res.code == 0 and res.out == ""
    assert lakota("read", "c/s").out == "id,x\n1,1.0\n2,2.0\n"
    assert norm(ref("read", "c/s").out) == "id,x\n1,1.0\n2,2.0\n"
    assert lakota("rev", "c").out.count("Revision:") == 3  # history kept
    assert "nothing to revert" in lakota("revert", "c", first[12:18]).err
    assert lakota("revert", "c", "ffffffffff").code == 3
    assert lakota("read", "c/s", "--rev", "xyz").code == 2


def test_tags_survive_the_reference(lakota, ref):
    """Tags live where the reference neither misreads nor deletes them: it reads, writes and
    gc's a repository with tags, and the tags still name their revisions afterwards."""
    assert lakota("create", "c", *SCHEMA).code == 0
    assert lakota("write", "c/s", input=block(0, 0)).code == 0
    assert lakota("tag", "c", "v1").code == 0
    tagged = lakota("read", "c/s", "--tag", "v1").out
    assert lakota("write", "c/s", input=block(1, 0)).code == 0
    assert lakota("tag", "c").out.splitlines()[1].startswith("v1,")

    assert norm(ref("read", "c/s").out) == lakota("read", "c/s").out
    assert ref("write", "c/s", input=block(2, 0)).code == 0
    assert ref("rev", "c").code == 0
    for _ in range(2):
        res = ref("gc")
        assert res.code == 0 and res.out.strip() == "0 segments deleted", res
    assert ref("ls").out.split()[1:] == ["c"]

    assert lakota("read", "c/s", "--tag", "v1").out == tagged
    assert lakota("len", "c/s").out.strip() == str(3 * ROWS)
    assert lakota("tag", "c", "v2").code == 0
    added = lakota("-v", "diff", "c", "v1", "v2").out.splitlines()[1:]
    assert len(added) == 2 * ROWS and all(line.startswith("+,s,") for line in added)


def test_tag_and_diff_errors(lakota):
    assert lakota("create", "c", *SCHEMA).code == 0
    res = lakota("tag", "c", "v1")
    assert res.code != 0 and "no revision" in res.err
    assert lakota("write", "c/s", input=block(0, 0)).code == 0
    assert lakota("tag", "c", "v1").code == 0
    res = lakota("tag", "c", "v1")
    assert res.code != 0 and "already exists" in res.err and "tag -d" in res.err
    res = lakota("read", "c/s", "--tag", "v2")
    assert res.code != 0 and "tag 'v2' not found" in res.err
    res = lakota("tag", "-d", "c", "v2")
    assert res.code != 0 and "not found" in res.err
    res = lakota("diff", "c", "v1", "abcd")
    assert res.code != 0 and "abcd" in res.err
    assert lakota("tag", "-d", "c", "v1").code == 0
    assert lakota("tag", "c").out == "tag,revision,date\n"


def test_diff_from_the_command_line(lakota):
    assert lakota("create", "c", *SCHEMA).code == 0
    assert lakota("write", "c/s", input="id,x\n1,1\n2,2\n3,3\n").code == 0
    assert lakota("tag", "c", "a").code == 0
    assert lakota("write", "c/s", input="id,x\n2,20\n3,3\n4,4\n").code == 0
    assert lakota("tag", "c", "b").code == 0
    assert lakota("diff", "c", "a", "b").out == (
        "series,change,start,stop,added,removed,changed\ns,~,2,2,0,0,1\ns,~,4,4,1,0,0\n")
    assert lakota("diff", "-v", "c", "a", "b", "s").out == "change,series,id,x\n~,s,2,20.0\n+,s,4,4.0\n"
    assert lakota("diff", "c", "b", "b").out == "series,change,start,stop,added,removed,changed\n"


def test_push_and_pull_with_the_reference_both_ways(lakota, ref, tmp_path):
    csv1 = "id,x\n1,1\n2,2\n3,3\n"
    # The reference writes and pushes; we pull its copy and read the same rows.
    assert ref("-r", "ref_A", "create", "c", *SCHEMA).code == 0
    assert ref("-r", "ref_A", "write", "c/s", input=csv1).code == 0
    assert ref("-r", "ref_A", "push", "ref_B").code == 0
    res = lakota("-r", "ours", "pull", "ref_B")
    assert res.code == 0 and res.out == "", res
    assert "pulled 1 collection(s)" in res.err
    assert lakota("-r", "ours", "read", "c/s").out == norm(ref("-r", "ref_A", "read", "c/s").out)

    # We write and push back; the reference reads and pulls what we pushed.
    assert lakota("-r", "ours", "write", "c/s", input="id,x\n3,30\n4,4\n").code == 0
    assert lakota("-r", "ours", "create", "d", *SCHEMA).code == 0
    assert lakota("-r", "ours", "-q", "push", "ref_B").err == ""
    expected = lakota("-r", "ours", "read", "c/s").out
    assert norm(ref("-r", "ref_B", "read", "c/s").out) == expected
    assert ref("-r", "ref_A", "pull", "ref_B").code == 0
    assert norm(ref("-r", "ref_A", "read", "c/s").out) == expected
    assert sorted(ref("-r", "ref_A", "ls").out.split()[1:]) == ["c", "d"]

    # Both write, both pull: the same merged rows everywhere.
    assert ref("-r", "ref_A", "write", "c/s", input="id,x\n5,5\n").code == 0
    assert lakota("-r", "ours", "write", "c/s", input="id,x\n1,10\n").code == 0
    assert lakota("-r", "ours", "pull", "ref_A").code == 0
    merged = lakota("-r", "ours", "read", "c/s").out
    assert merged == "id,x\n1,10.0\n2,2.0\n3,30.0\n4,4.0\n5,5.0\n"
    assert lakota("-r", "ours", "push", "ref_A").code == 0
    assert norm(ref("-r", "ref_A", "read", "c/s").out) == merged
    assert lakota("-r", "ref_A", "rev").err == ""  # one registry head


def test_pull_keeps_both_collections_created_under_one_name(lakota, ref):
    """The reference keeps one and orphans the other's data; we merge both histories."""
    assert lakota("-r", "X", "create", "temperature", *SCHEMA).code == 0
    assert lakota("-r", "Y", "create", "temperature", *SCHEMA).code == 0
    assert lakota("-r", "X", "write", "temperature/s", input="id,x\n1,1\n2,2\n").code == 0
    assert lakota("-r", "Y", "write", "temperature/s", input="id,x\n2,20\n3,3\n").code == 0
    assert lakota("-r", "Y", "write", "temperature/t", input="id,x\n1,1\n").code == 0
    assert lakota("-r", "X", "pull", "Y").code == 0
    out = lakota("-r", "X", "read", "temperature/s").out
    assert out.splitlines()[1:] in (["1,1.0", "2,20.0", "3,3.0"], ["1,1.0", "2,2.0", "3,3.0"])
    assert lakota("-r", "X", "ls", "temperature").out.split()[1:] == ["s", "t"]
    assert norm(ref("-r", "X", "read", "temperature/s").out) == out

    assert lakota("-r", "Z", "create", "temperature", "id int*", "x int").code == 0
    res = lakota("-r", "X", "pull", "Z")
    assert res.code == 5 and "different schemas" in res.err and "x int64" in res.err, res
    res = lakota("-r", "X", "pull", "nowhere")
    assert res.code != 0 and "no repository at nowhere" in res.err, res
    res = lakota("-r", "X", "pull", "Y", "nosuch")
    assert res.code != 0 and "collection 'nosuch' not found" in res.err, res
