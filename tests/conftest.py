"""Shared fixtures: our `lakota` binary, the reference CLI (a test oracle in its own
virtual environment), and helpers to run them."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "lakota-format" / "corpus"
LAKOTA_BIN = os.environ.get("LAKOTA_BIN", str(ROOT / "build" / "lakota"))
REF_PYTHON = os.environ.get("LAKOTA_REF_PYTHON", str(ROOT / ".venv-ref" / "bin" / "python"))


class Result:
    def __init__(self, proc):
        self.code = proc.returncode
        self.out = proc.stdout.decode()
        self.err = proc.stderr.decode()

    def __repr__(self):
        return f"<exit {self.code} out={self.out!r} err={self.err!r}>"


def run(cmd, *args, input=None, cwd=None, env=None):
    full_env = dict(os.environ)
    full_env.pop("LAKOTA_REPO", None)
    # Our package's path must not reach the reference's interpreter.
    full_env.pop("PYTHONPATH", None)
    full_env["TZ"] = "UTC"
    if env:
        full_env.update(env)
    if isinstance(input, str):
        input = input.encode()
    proc = subprocess.run(
        list(cmd) + [str(a) for a in args],
        input=input,
        capture_output=True,
        cwd=cwd,
        env=full_env,
        timeout=300,
    )
    return Result(proc)


@pytest.fixture
def lakota(tmp_path):
    """Runs our CLI in a fresh folder."""

    def call(*args, input=None, env=None):
        return run([LAKOTA_BIN], *args, input=input, cwd=tmp_path, env=env)

    call.cwd = tmp_path
    return call


@pytest.fixture
def ref(tmp_path):
    """Runs the reference CLI (lakota 0.7.1) in the same folder."""
    if not Path(REF_PYTHON).exists():
        pytest.fail(f"reference implementation missing at {REF_PYTHON}: run scripts/setup.sh --with-python")

    def call(*args, input=None, env=None):
        return run([REF_PYTHON, "-m", "lakota"], *args, input=input, cwd=tmp_path, env=env)

    call.cwd = tmp_path
    return call


PACKAGE_DIR = ROOT / "python"


def run_python(script, cwd, python=None, env=None):
    """Runs a Python script with our package (the in-place build, or the installed one
    when LAKOTA_TEST_INSTALLED is set), or with `python` (the reference's interpreter)."""
    extra = dict(env or {})
    if python is None:
        python = os.environ.get("LAKOTA_TEST_PYTHON", sys.executable)
        if not os.environ.get("LAKOTA_TEST_INSTALLED"):
            extra["PYTHONPATH"] = str(PACKAGE_DIR)
    return run([python, "-c", script], cwd=cwd, env=extra)


def norm(text):
    """CSV from Python's csv module ends lines in CRLF; ours in LF."""
    return text.replace("\r\n", "\n")


# --- S3: the MinIO and moto servers of tests/servers.py ---

_servers = None


@pytest.fixture(scope="session")
def s3_env():
    """The test S3 servers' settings (LAKOTA_TEST_S3...): those of the servers `make test`
    started, or of servers started here for this session."""
    global _servers
    keys = ("LAKOTA_TEST_S3", "LAKOTA_TEST_S3_KEY", "LAKOTA_TEST_S3_SECRET", "LAKOTA_TEST_S3_BUCKET", "LAKOTA_TEST_MOTO")
    if all(os.environ.get(k) for k in keys):
        yield {k: os.environ[k] for k in keys}
        return
    sys.path.insert(0, str(ROOT / "tests"))
    from servers import Servers

    _servers = Servers().start()
    try:
        yield dict(_servers.env)
    finally:
        _servers.stop()


_prefix_counter = [0]


@pytest.fixture
def s3_uri(s3_env):
    """A fresh repository URI on the MinIO server: s3://host:port/bucket/<unique prefix>.
    The credentials are in the URI, so that both implementations read it alike."""
    _prefix_counter[0] += 1
    host = s3_env["LAKOTA_TEST_S3"].split("://", 1)[1]
    prefix = f"py-{os.getpid()}-{_prefix_counter[0]}"
    return (f"s3://{host}/{s3_env['LAKOTA_TEST_S3_BUCKET']}/{prefix}"
            f"?key={s3_env['LAKOTA_TEST_S3_KEY']}&secret={s3_env['LAKOTA_TEST_S3_SECRET']}")
