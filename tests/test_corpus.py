"""Every series of every repository of the corpus, read with our CLI, matches the
reference's expected read exactly (line ends aside)."""
import pytest

from conftest import CORPUS, LAKOTA_BIN, norm, run

CASES = sorted(
    (repo.name, csv.parent.name, csv.stem)
    for repo in (CORPUS / "_expected").iterdir()
    for csv in repo.glob("*/*.csv")
)


def test_corpus_is_there():
    assert len(CASES) >= 15


@pytest.mark.parametrize("repo,collection,series", CASES)
def test_read_matches_expected(repo, collection, series):
    expected = (CORPUS / "_expected" / repo / collection / f"{series}.csv").read_text()
    res = run([LAKOTA_BIN], "-r", CORPUS / repo, "read", f"{collection}/{series}")
    assert res.code == 0, res.err
    assert norm(res.out) == norm(expected)


@pytest.mark.parametrize("repo", sorted(p.name for p in CORPUS.iterdir() if not p.name.startswith("_")))
def test_ls_lists_every_expected_collection(repo):
    res = run([LAKOTA_BIN], "-r", CORPUS / repo, "ls")
    assert res.code == 0, res.err
    expected = sorted(p.name for p in (CORPUS / "_expected" / repo).iterdir() if p.is_dir())
    assert res.out.splitlines() == ["collection"] + expected
