"""S3 from the outside: our signer against botocore's, the command line on MinIO, its
errors for bad settings, and the reference implementation's own S3 pod (boto3) reading
what we write and the other way round."""
import json
import os
import random
import string
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import LAKOTA_BIN, REF_PYTHON, ROOT, norm, run

BUILD = Path(LAKOTA_BIN).parent


# --- the signer, against botocore's ---

def random_text(rng, alphabet, n):
    return "".join(rng.choice(alphabet) for _ in range(n))


def test_sigv4_matches_botocore():
    """500 random requests (keys with spaces, '+', '=', '/', unicode; query parameters;
    headers with runs of spaces; session tokens) signed by both."""
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    rng = random.Random(42)
    key_chars = string.ascii_letters + string.digits + " +=/-_.~!$&'()*,;:@%" + "éß漢😀"
    lines, expected = [], []
    for i in range(500):
        method = rng.choice(["GET", "PUT", "HEAD", "DELETE", "POST"])
        path = "/bucket/" + random_text(rng, key_chars, rng.randint(1, 30)).lstrip("/")
        query = []
        for _ in range(rng.randint(0, 4)):
            name = rng.choice(["prefix", "list-type", "delimiter", "continuation-token", "uploadId",
                               "partNumber", "max-keys", "x-id", "a b", "k/ey"])
            if name not in [q[0] for q in query]:
                query.append((name, random_text(rng, key_chars, rng.randint(0, 12))))
        body = random_text(rng, string.printable, rng.randint(0, 64)) if method in ("PUT", "POST") else ""
        host = rng.choice(["127.0.0.1:9000", "bucket.s3.eu-west-3.amazonaws.com"])
        date = f"2026{rng.randint(1, 12):02}{rng.randint(1, 28):02}T{rng.randint(0, 23):02}{rng.randint(0, 59):02}00Z"
        region = rng.choice(["us-east-1", "eu-west-3", "ap-southeast-2"])
        key, secret = "AKIA" + random_text(rng, string.ascii_uppercase, 16), random_text(rng, key_chars[:70], 40)
        token = random_text(rng, string.ascii_letters + "/+=", 30) if rng.random() < 0.3 else ""
        from hashlib import sha256
        payload = sha256(body.encode()).hexdigest()
        headers = [("host", host), ("x-amz-date", date), ("x-amz-content-sha256", payload)]
        if token:
            headers.append(("x-amz-security-token", token))
        if rng.random() < 0.5:
            headers.append(("x-amz-meta-note", "  " + random_text(rng, string.ascii_letters + "  ", 20) + " "))
        if method == "GET" and rng.random() < 0.5:
            headers.append(("Range", f"bytes=0-{rng.randint(1, 999)}"))
        if method == "PUT" and rng.random() < 0.5:
            headers.append(("If-None-Match", "*"))
        lines.append(json.dumps({"method": method, "path": path, "query": query, "headers": headers, "body": body,
                                 "key": key, "secret": secret, "token": token, "date": date, "region": region}))
        # botocore: the same request, its URL encoded by Python's quote.
        qs = "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in query)
        url = f"http://{host}{quote(path, safe='/~')}" + (f"?{qs}" if qs else "")
        request = AWSRequest(method=method, url=url, data=body.encode(),
                             headers={k: v for k, v in headers if k != "host"})
        auth = S3SigV4Auth(Credentials(key, secret, token or None), "s3", region)
        request.context["timestamp"] = date
        auth._modify_request_before_signing(request)
        canonical = auth.canonical_request(request)
        signature = auth.signature(auth.string_to_sign(request, canonical), request)
        expected.append(signature)
    proc = subprocess.run([str(BUILD / "lakota_sigv4")], input="\n".join(lines).encode(), capture_output=True,
                          check=True)
    ours = [line.rsplit("Signature=", 1)[1] for line in proc.stdout.decode().splitlines()]
    mismatches = [(json.loads(lines[i]), ours[i], expected[i]) for i in range(len(lines)) if ours[i] != expected[i]]
    assert len(ours) == 500
    assert not mismatches, mismatches[:2]


# --- the command line on MinIO ---

@pytest.fixture
def s3_cli(s3_env, tmp_path):
    """Runs our CLI with the test server's credentials in the environment."""
    env = {"AWS_ACCESS_KEY_ID": s3_env["LAKOTA_TEST_S3_KEY"], "AWS_SECRET_ACCESS_KEY": s3_env["LAKOTA_TEST_S3_SECRET"],
           "HOME": str(tmp_path)}

    def call(*args, input=None, binary=LAKOTA_BIN, extra=None):
        return run([binary], *args, input=input, cwd=tmp_path, env=dict(env, **(extra or {})))

    call.env = env
    return call


def bare(uri):
    return uri.split("?")[0]


def test_cli_quickstart_on_s3(s3_cli, s3_uri):
    repo = bare(s3_uri)
    assert s3_cli("-r", repo, "create", "temperature", "timestamp timestamp*", "value float").code == 0
    csv = "timestamp,value\n2020-01-01,1.5\n2020-01-02,2.5\n"
    assert s3_cli("-r", repo, "write", "temperature/Brussels", input=csv).code == 0
    out = s3_cli("-r", repo, "read", "temperature/Brussels")
    assert out.code == 0, out
    assert out.out == "timestamp,value\n2020-01-01T00:00:00,1.5\n2020-01-02T00:00:00,2.5\n"
    assert s3_cli("-r", repo, "ls").out.split() == ["collection", "temperature"]
    # Through a local cache: several -r, the first one local.
    cached = s3_cli("-r", "cache", "-r", repo, "read", "temperature/Brussels")
    assert cached.out == out.out
    assert any((Path(s3_cli.env["HOME"]) / "cache").rglob("*"))
    assert s3_cli("-r", "cache", "-r", repo, "write", "temperature/Brussels",
                  input="timestamp,value\n2020-01-03,3.5\n").code == 0
    assert s3_cli("-r", repo, "len", "temperature/Brussels").out.strip() == "3"
    assert s3_cli("-r", repo, "verify").code == 0
    assert s3_cli("-r", repo, "gc").code == 0


def test_cli_errors_for_bad_settings(s3_cli, s3_env, s3_uri, tmp_path):
    host = s3_env["LAKOTA_TEST_S3"].split("://")[1]
    bucket = s3_env["LAKOTA_TEST_S3_BUCKET"]

    def fails(code, *words, args=(), extra=None):
        r = s3_cli(*args, extra=extra)
        assert r.code == code, r
        lines = r.err.strip().splitlines()
        assert len(lines) == 1, r.err
        for w in words:
            assert w in lines[0], (w, lines[0])
        assert s3_env["LAKOTA_TEST_S3_SECRET"] not in lines[0], "a message shows the secret"
        return lines[0]

    # An unknown bucket: not found (3), naming it.
    fails(3, "no-such-bucket", "does not exist", host, args=("-r", f"s3://{host}/no-such-bucket/x", "ls"))
    # Wrong credentials: access denied (7), naming the key to check.
    fails(7, "refused", "InvalidAccessKeyId", "credentials", args=("-r", bare(s3_uri), "ls"),
          extra={"AWS_ACCESS_KEY_ID": "nobody"})
    fails(7, "SignatureDoesNotMatch", args=("-r", bare(s3_uri), "ls"), extra={"AWS_SECRET_ACCESS_KEY": "wrong"})
    # An unreachable endpoint: storage error (6), naming it, after a few quick retries.
    fails(6, "127.0.0.1:9", "cannot connect", "check the endpoint",
          args=("-r", f"s3://127.0.0.1:9/{bucket}/x", "ls"), extra={"AWS_MAX_ATTEMPTS": "2"})
    # Malformed URIs and options: invalid input (2).
    fails(2, "names no bucket", args=("-r", f"s3://{host}/", "ls"))
    fails(2, "unknown option 'regoin'", "secret=***",
          args=("-r", f"s3://{host}/{bucket}?secret={s3_env['LAKOTA_TEST_S3_SECRET']}&key=k&regoin=x", "ls"))
    fails(2, "not a bucket name", args=("-r", f"s3://{host}/a/x", "ls"))
    fails(2, "endpoint", args=("-r", f"s3:///{bucket}/x?endpoint_url=ftp://h", "ls"))
    fails(2, "no AWS credentials", args=("-r", f"s3://{host}/{bucket}/x", "ls"),
          extra={"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""})
    fails(2, "profile 'ghost'", args=("-r", f"s3://{host}/{bucket}/x?profile=ghost", "ls"))
    # None of them wrote anything.
    from servers import s3_client
    keys = [o["Key"] for o in s3_client(s3_env["LAKOTA_TEST_S3"]).list_objects_v2(
        Bucket=bucket, Prefix=bare(s3_uri).split("/", 4)[4]).get("Contents", [])]
    assert keys == []


def test_region_mismatch_names_the_region(s3_env, tmp_path):
    """A MinIO of region eu-west-3, asked with the default region: the error names the
    bucket's region and how to set it."""
    sys.path.insert(0, str(ROOT / "tests"))
    import servers
    import socket
    data = tmp_path / "minio"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, MINIO_ROOT_USER=servers.KEY, MINIO_ROOT_PASSWORD=servers.SECRET, MINIO_REGION="eu-west-3",
               MINIO_BROWSER="off")
    proc = subprocess.Popen([str(servers.minio_binary()), "server", "--quiet", "--address", f"127.0.0.1:{port}",
                             str(data)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        servers.wait_until(f"http://127.0.0.1:{port}/minio/health/ready", proc, "MinIO")
        uri = f"s3://127.0.0.1:{port}/bkt/x?key={servers.KEY}&secret={servers.SECRET}"
        r = run([LAKOTA_BIN], "-r", uri, "ls", cwd=tmp_path)
        assert r.code == 2, r
        assert "region 'eu-west-3'" in r.err and "region=eu-west-3" in r.err, r.err
        r = run([LAKOTA_BIN], "-r", uri + "&region=eu-west-3", "ls", cwd=tmp_path)
        assert r.code == 3 and "bucket 'bkt' does not exist" in r.err, r
    finally:
        proc.kill()
        proc.wait()


# --- the reference's S3 pod (boto3) and ours, on the same bucket ---

def ref_cli(s3_cli, *args, input=None):
    """Runs the reference's CLI with the same credentials, in the same folder."""
    return run([REF_PYTHON, "-m", "lakota"], *args, input=input, cwd=s3_cli.env["HOME"], env=s3_cli.env)


def test_reference_reads_what_we_write_on_s3_and_back(s3_cli, s3_uri, tmp_path):
    repo = bare(s3_uri)
    rows = "".join(f"2020-01-01T00:{m:02}:00,{m * 0.5}\n" for m in range(60))
    assert s3_cli("-r", repo, "create", "t", "timestamp timestamp*", "value float").code == 0
    assert s3_cli("-r", repo, "write", "t/ours", input="timestamp,value\n" + rows).code == 0
    theirs = ref_cli(s3_cli, "-r", repo, "read", "t/ours")
    assert theirs.code == 0, theirs
    assert norm(theirs.out) == s3_cli("-r", repo, "read", "t/ours").out
    # The reference writes a series; we read it.
    assert ref_cli(s3_cli, "-r", repo, "write", "t/theirs", input="timestamp,value\n2021-01-01,7\n").code == 0
    assert s3_cli("-r", repo, "read", "t/theirs").out == "timestamp,value\n2021-01-01T00:00:00,7.0\n"
    # Push from S3 to a folder and pull back into another prefix, with both implementations.
    assert s3_cli("-r", repo, "push", str(tmp_path / "disk")).code == 0
    assert norm(ref_cli(s3_cli, "-r", str(tmp_path / "disk"), "read", "t/ours").out) == norm(theirs.out)
    second = repo + "-copy"
    assert ref_cli(s3_cli, "-r", second, "pull", str(tmp_path / "disk")).code == 0
    assert s3_cli("-r", second, "read", "t/ours").out == norm(theirs.out)
    assert ref_cli(s3_cli, "-r", str(tmp_path / "disk2"), "pull", repo).code == 0
    assert s3_cli("-r", str(tmp_path / "disk2"), "read", "t/theirs").out == "timestamp,value\n2021-01-01T00:00:00,7.0\n"
    third = repo + "-third"
    assert s3_cli("-r", third, "pull", str(tmp_path / "disk2")).code == 0
    assert norm(ref_cli(s3_cli, "-r", third, "read", "t/ours").out) == norm(theirs.out)
    # The reference's gc on a bucket we wrote (it must not trip on anything of ours).
    gc = ref_cli(s3_cli, "-r", repo, "gc")
    assert gc.code == 0, gc
    assert s3_cli("-r", repo, "verify").code == 0
