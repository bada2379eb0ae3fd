"""Our CLI prints what the reference CLI prints for the same repository: tables (-P),
revisions, lengths and listings, on every corpus repository (line ends aside)."""
import pytest

from conftest import CORPUS, LAKOTA_BIN, REF_PYTHON, norm, run

REPOS = ["tiny", "ts_float", "multi_index", "strings", "int_index", "squash", "squash_before", "multi_series"]


def commands(repo):
    yield ("ls",)
    yield ("-P", "ls")
    yield ("rev",)
    collections = run([LAKOTA_BIN], "-r", CORPUS / repo, "ls").out.split()[1:]
    for c in collections:
        yield ("rev", c, "-e")
        yield ("rev", c, "-ee")
        yield ("len", c)
        yield ("-P", "ls", c)
        for s in run([LAKOTA_BIN], "-r", CORPUS / repo, "ls", c).out.split()[1:]:
            yield ("-P", "read", f"{c}/{s}")
            yield ("len", f"{c}/{s}")
            yield ("read", f"{c}/{s}", "--tail", "3")
            yield ("-P", "read", f"{c}/{s}", "--limit", "5", "--offset", "2")


@pytest.mark.parametrize("repo", REPOS)
def test_same_output_as_the_reference(repo):
    count = 0
    for args in commands(repo):
        ours = run([LAKOTA_BIN], "-r", CORPUS / repo, *args)
        theirs = run([REF_PYTHON, "-m", "lakota"], "-r", CORPUS / repo, *args)
        assert theirs.code == 0, theirs
        assert ours.code == 0, ours
        assert norm(ours.out) == norm(theirs.out), args
        count += 1
    assert count >= 6
