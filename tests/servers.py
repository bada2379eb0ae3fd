"""The S3 servers the tests run against, on 127.0.0.1 at free ports.

- MinIO (built once from the Go module proxy by `scripts/setup.sh --with-minio`, at the
  version pinned in scripts/minio.version): it checks every signature, honours
  If-None-Match and enforces the multipart rules.
- moto in server mode (from the project's virtual environment): quick to start, accepts
  any signature; the reference's own S3 fixtures were written for it.

    python tests/servers.py run -- COMMAND...

starts both, runs COMMAND with their addresses in the environment, and stops them by
their process ids, whatever COMMAND does:

    LAKOTA_TEST_S3        http://127.0.0.1:PORT   (MinIO)
    LAKOTA_TEST_S3_KEY    access key of MinIO's root user
    LAKOTA_TEST_S3_SECRET its secret
    LAKOTA_TEST_S3_BUCKET a bucket created for the tests
    LAKOTA_TEST_MOTO      http://127.0.0.1:PORT   (moto)

pytest's conftest starts them the same way when the variables are not set.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEY = "lakota-test"
SECRET = "lakota-test-secret"
BUCKET = "lakota-test"


def minio_binary():
    version = (ROOT / "scripts" / "minio.version").read_text().strip()
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return cache / "lakota-tools" / f"minio-{version}" / "minio"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(url, proc, what, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} stopped at start (exit {proc.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except Exception:
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not answer at {url} within {timeout} s")


class Servers:
    """MinIO and moto on loopback; `stop()` kills them by pid and removes MinIO's data."""

    def __init__(self):
        self.procs = []
        self.data = None
        self.env = {}

    def start(self, moto=True):
        try:
            self._start_minio()
            if moto:
                self._start_moto()
        except BaseException:
            self.stop()
            raise
        return self

    def _start_minio(self):
        binary = minio_binary()
        if not binary.exists():
            subprocess.run([str(ROOT / "scripts" / "setup.sh"), "--with-minio"], check=True)
        self.data = tempfile.mkdtemp(prefix="lakota-minio-")
        port, console = free_port(), free_port()
        env = dict(os.environ, MINIO_ROOT_USER=KEY, MINIO_ROOT_PASSWORD=SECRET,
                   MINIO_BROWSER="off", MINIO_UPDATE="off")
        log = open(os.path.join(self.data, "..", os.path.basename(self.data) + ".log"), "wb")
        proc = subprocess.Popen(
            [str(binary), "server", "--quiet", "--address", f"127.0.0.1:{port}",
             "--console-address", f"127.0.0.1:{console}", os.path.join(self.data, "disk")],
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append(proc)
        self.log = log.name
        endpoint = f"http://127.0.0.1:{port}"
        wait_until(endpoint + "/minio/health/ready", proc, "MinIO")
        self.env.update(LAKOTA_TEST_S3=endpoint, LAKOTA_TEST_S3_KEY=KEY,
                        LAKOTA_TEST_S3_SECRET=SECRET, LAKOTA_TEST_S3_BUCKET=BUCKET)
        make_bucket(endpoint, BUCKET)

    def _start_moto(self):
        port = free_port()
        proc = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "python"), "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        self.procs.append(proc)
        endpoint = f"http://127.0.0.1:{port}"
        wait_until(endpoint + "/moto-api/", proc, "moto")
        self.env["LAKOTA_TEST_MOTO"] = endpoint

    def stop(self):
        for proc in self.procs:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for proc in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self.procs = []
        if self.data:
            shutil.rmtree(self.data, ignore_errors=True)
            try:
                os.unlink(self.log)
            except OSError:
                pass
            self.data = None


def s3_client(endpoint, key=KEY, secret=SECRET):
    import boto3
    from botocore.config import Config
    return boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=key,
                        aws_secret_access_key=secret, region_name="us-east-1",
                        config=Config(retries={"max_attempts": 10}))


def make_bucket(endpoint, bucket, key=KEY, secret=SECRET):
    """Creates `bucket` (PUT /bucket, signed with SigV4 by hand: no boto3 needed, so that
    any of the project's interpreters can call it). An existing one is fine."""
    import datetime
    import hashlib
    import hmac
    import urllib.error

    host = endpoint.split("://", 1)[1]
    now = datetime.datetime.now(datetime.timezone.utc)
    date, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    empty = hashlib.sha256(b"").hexdigest()
    canonical = f"PUT\n/{bucket}\n\nhost:{host}\nx-amz-content-sha256:{empty}\nx-amz-date:{date}\n\n" \
                f"host;x-amz-content-sha256;x-amz-date\n{empty}"
    scope = f"{day}/us-east-1/s3/aws4_request"
    to_sign = f"AWS4-HMAC-SHA256\n{date}\n{scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    k = ("AWS4" + secret).encode()
    for part in (day, "us-east-1", "s3", "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest()
    request = urllib.request.Request(f"{endpoint}/{bucket}", method="PUT", data=b"", headers={
        "x-amz-date": date, "x-amz-content-sha256": empty,
        "Authorization": f"AWS4-HMAC-SHA256 Credential={key}/{scope},"
                         f"SignedHeaders=host;x-amz-content-sha256;x-amz-date,Signature={signature}"})
    try:
        urllib.request.urlopen(request, timeout=30).close()
    except urllib.error.HTTPError as e:
        if e.code != 409:  # BucketAlreadyOwnedByYou
            raise


def main(argv):
    if len(argv) < 3 or argv[1] != "run" or "--" not in argv:
        print(__doc__)
        return 2
    command = argv[argv.index("--") + 1:]
    servers = Servers().start()
    try:
        env = dict(os.environ, **servers.env)
        return subprocess.call(command, env=env)
    finally:
        servers.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
