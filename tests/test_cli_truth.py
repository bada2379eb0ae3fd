"""The command line says the truth (issue 5): unknown commands, failed writes to stdout,
empty repository URIs, ambiguous prefixes, columns the CLI cannot write, control bytes in
messages, and damaged repositories each give one line on stderr and a documented exit code."""
import os
import subprocess

from conftest import LAKOTA_BIN
from test_cli import EXIT_INVALID, EXIT_NOT_FOUND, INPUT, bad, setup_temperature

EXIT_CORRUPT, EXIT_STORAGE = 4, 6


def test_unknown_and_later_commands_are_usage_errors(lakota):
    for cmd in ["push", "pull", "serve", "frobnicate"]:
        res = lakota(cmd)
        assert res.code == EXIT_INVALID, (cmd, res)
        assert res.err.count("\n") == 1 and (cmd in res.err or "remote" in res.err), res.err
    assert "not available in this version" in lakota("serve").err
    assert "unknown command 'frobnicate'" in lakota("frobnicate", "x").err


def test_a_failed_write_to_stdout_is_an_error(lakota):
    setup_temperature(lakota)
    for args in (["read", "temperature/Brussels"], ["ls"], ["rev", "temperature", "-e"], ["len", "temperature"]):
        with open("/dev/full", "w") as full:
            proc = subprocess.run([LAKOTA_BIN, *args], stdout=full, stderr=subprocess.PIPE, cwd=lakota.cwd)
        assert proc.returncode == EXIT_STORAGE, args
        assert b"standard output" in proc.stderr


def test_an_empty_repository_uri_is_an_error(lakota):
    res = lakota("-r", "", "create", "t", "id int*")
    assert res.code == EXIT_INVALID and "empty" in res.err
    res = lakota("create", "t", "id int*", env={**os.environ, "LAKOTA_REPO": ""})
    assert res.code == EXIT_INVALID and "LAKOTA_REPO" in res.err
    assert not (lakota.cwd / ".lakota").exists()


def test_ambiguous_prefixes_name_the_candidates(lakota):
    setup_temperature(lakota)
    assert lakota("write", "temperature/Bruges", input=INPUT).code == 0
    res = lakota("read", "temperature/Bru")
    assert res.code == EXIT_INVALID and "ambiguous" in res.err
    assert "Bruges" in res.err and "Brussels" in res.err
    assert lakota("create", "temp2", "id int*").code == 0
    res = lakota("ls", "temp")
    assert res.code == EXIT_INVALID and "temperature" in res.err and "temp2" in res.err
    assert lakota("read", "temperature/Brus").code == 0


def test_create_refuses_what_the_cli_cannot_write(lakota):
    bad(lakota, ["create", "x", "id int*", "o object"], None, EXIT_INVALID, "object")
    bad(lakota, ["create", "x", "id int**"], None, EXIT_INVALID, "'*'")


def test_messages_escape_control_bytes(lakota):
    setup_temperature(lakota)
    res = lakota("read", "temperature/Bad\x01Name\x1b[31m")
    assert res.code == EXIT_NOT_FOUND
    assert "\x01" not in res.err and "\x1b" not in res.err and "\\x01" in res.err and "\\x1b" in res.err
    res = lakota("write", "temperature/Brussels", input="timestamp,value\n2020-06-22,1\x002\n")
    assert res.code == EXIT_INVALID and "\x00" not in res.err and res.err.count("\n") == 1


def test_invalid_utf8_is_refused(lakota):
    assert lakota("create", "names", "id int*", "name str").code == 0
    proc = subprocess.run([LAKOTA_BIN, "write", "names/s"], input=b"id,name\n1,ok\n2,bad\xff\n",
                          capture_output=True, cwd=lakota.cwd)
    assert proc.returncode == EXIT_INVALID and b"row 2" in proc.stderr and b"UTF-8" in proc.stderr


def test_damaged_segments_and_layouts_exit_4_or_6(lakota):
    lakota("create", "big", "id int*", "x float")
    data = "id,x\n" + "".join(f"{i},{i * 0.37}\n" for i in range(5000))
    assert lakota("write", "big/s", input=data).code == 0
    repo = lakota.cwd / ".lakota"
    segments = sorted((p for p in repo.rglob("*") if p.is_file() and p.stat().st_size > 1000),
                      key=lambda p: p.stat().st_size)
    seg = segments[-1]  # the float values
    good = seg.read_bytes()
    flipped = bytearray(good)
    flipped[3] ^= 0x01  # the typesize byte of the blosc header
    seg.write_bytes(bytes(flipped))
    for args in (["read", "big/s", "--limit", "3"], ["read", "big/s"], ["read", "big/s", "--tail", "2"]):
        res = lakota(*args)
        assert res.code == EXIT_CORRUPT, (args, res)
        assert seg.name in res.err
    flipped = bytearray(good)
    flipped[len(good) // 2] ^= 0x10
    seg.write_bytes(bytes(flipped))
    res = lakota("read", "big/s")
    assert res.code == EXIT_CORRUPT and seg.name in res.err, res
    seg.write_bytes(good[: len(good) // 2])
    assert lakota("read", "big/s").code == EXIT_CORRUPT
    seg.write_bytes(good)
    assert lakota("len", "big/s").out == "5000\n"
    # A file where the repository, the registry or a collection folder should be.
    (lakota.cwd / "some-file").write_text("x")
    res = lakota("-r", "some-file", "ls")
    assert res.code == EXIT_STORAGE and "not a folder" in res.err
    registry = repo / "00" / "00"
    os.rename(registry, lakota.cwd / "registry-moved")
    registry.write_text("x")
    res = lakota("ls")
    assert res.code == EXIT_STORAGE and "00/00" in res.err
