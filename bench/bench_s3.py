"""S3 on the loopback MinIO server (run beside tests/servers.py: `make bench` does it):

1. one write of ROWS rows (timestamp, float64 random walk) and a full read;
2. a read of a series made of 100 segments, with the requests in parallel (16
   connections) and one at a time (connections=1), straight to the server and through a
   loopback proxy that delays each request by 10 ms (a store across a network);
3. a push of a repository of 1,000 revisions from disk to S3, and a pull back to disk;
4. the same write and read by the reference's S3 pod (boto3), when LAKOTA_REF_PYTHON is
   given.

Prints seconds (best of 3 for reads). Usage: python bench/bench_s3.py [ROWS] [REVISIONS]
"""
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy

from lakota import Repo, Schema

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from servers import make_bucket  # noqa: E402
from bench_python import best  # noqa: E402  (bench/ is the script's folder)

SCHEMA = Schema(timestamp="timestamp*", value="float")


def start_delay_proxy(target_port, delay):
    """A TCP proxy on a free loopback port that holds every chunk a client sends for
    `delay` seconds before passing it on: each request then takes `delay` more, as over a
    network. Returns its port; it runs until the process ends."""
    import asyncio
    import threading

    async def pipe(reader, writer, wait):
        try:
            while data := await reader.read(1 << 16):
                if wait:
                    await asyncio.sleep(wait)
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def handle(client_r, client_w):
        server_r, server_w = await asyncio.open_connection("127.0.0.1", target_port)
        await asyncio.gather(pipe(client_r, server_w, delay), pipe(server_r, client_w, 0))

    ready = threading.Event()
    port = []

    def run():
        loop = asyncio.new_event_loop()
        server = loop.run_until_complete(asyncio.start_server(handle, "127.0.0.1", 0))
        port.append(server.sockets[0].getsockname()[1])
        ready.set()
        loop.run_forever()

    threading.Thread(target=run, daemon=True).start()
    ready.wait()
    return port[0]


def timed(fn):
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def data(rows, first=1_600_000_000, seed=1):
    rng = numpy.random.default_rng(seed)
    ts = (numpy.arange(rows, dtype="i8") + first).astype("M8[s]")
    return {"timestamp": ts, "value": numpy.round(numpy.cumsum(rng.normal(size=rows)), 4)}


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    revisions = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    endpoint = os.environ["LAKOTA_TEST_S3"]
    host = endpoint.split("://")[1]
    key, secret = os.environ["LAKOTA_TEST_S3_KEY"], os.environ["LAKOTA_TEST_S3_SECRET"]
    make_bucket(endpoint, "bench")
    creds = f"key={key}&secret={secret}"
    base = f"s3://{host}/bench"
    run = str(time.time_ns())

    # 1. One big write and a full read.
    uri = f"{base}/big-{run}?{creds}"
    series = Repo(uri).create_collection(SCHEMA, "c") / "s"
    frame = data(rows)
    write = timed(lambda: series.write(frame))
    read = best(lambda: series.frame())
    print(f"S3 (MinIO on loopback), {rows:,} rows: write {write:.3f} s, full read {read:.3f} s")

    # 2. 100 segments: the same read with 16 requests in flight and with one.
    uri = f"{base}/pieces-{run}"
    pieces = Repo(f"{uri}?{creds}").create_collection(SCHEMA, "c") / "s"
    per = max(rows // 100, 1)
    for i in range(100):
        pieces.write(data(per, first=1_600_000_000 + i * per, seed=i))
    parallel = best(lambda: (Repo(f"{uri}?{creds}") / "c" / "s").frame())
    serial = best(lambda: (Repo(f"{uri}?{creds}&connections=1") / "c" / "s").frame())
    print(f"read of 100 segments ({100 * per:,} rows): parallel {parallel:.3f} s, "
          f"one request at a time {serial:.3f} s ({serial / parallel:.1f}x)")
    proxy = start_delay_proxy(int(host.split(":")[1]), 0.010)
    slow = f"s3://127.0.0.1:{proxy}/bench/pieces-{run}?{creds}"
    parallel = best(lambda: (Repo(slow) / "c" / "s").frame())
    serial = best(lambda: (Repo(slow + "&connections=1") / "c" / "s").frame())
    print(f"  the same with 10 ms per request: parallel {parallel:.3f} s, "
          f"one request at a time {serial:.3f} s ({serial / parallel:.1f}x)")

    # 3. Push 1,000 revisions from disk to S3, pull them back.
    with tempfile.TemporaryDirectory() as tmp:
        disk = Repo(f"{tmp}/src")
        s = disk.create_collection(SCHEMA, "c") / "s"
        for i in range(revisions):
            s.write(data(10, first=1_600_000_000 + i * 10, seed=i))
        remote = Repo(f"{base}/push-{run}?{creds}")
        push = timed(lambda: remote.pull(disk))
        back = Repo(f"{tmp}/back")
        pull = timed(lambda: back.pull(remote))
        assert len(back / "c" / "s") == revisions * 10
        print(f"push of {revisions:,} revisions disk -> S3 {push:.3f} s, pull S3 -> disk {pull:.3f} s")

    # 4. The reference's S3 pod, same write and read.
    ref = os.environ.get("LAKOTA_REF_PYTHON")
    if ref and Path(ref).exists():
        script = f"""
import time, numpy
from lakota import Repo, Schema
rng = numpy.random.default_rng(1)
rows = {rows}
ts = (numpy.arange(rows, dtype="i8") + 1_600_000_000).astype("M8[s]")
vs = numpy.round(numpy.cumsum(rng.normal(size=rows)), 4)
repo = Repo("{base}/ref-{run}?{creds}")
s = repo.create_collection(Schema(timestamp="timestamp*", value="float"), "c") / "s"
t = time.perf_counter(); s.write({{"timestamp": ts, "value": vs}}); w = time.perf_counter() - t
r = min((lambda t0: (s.frame(), time.perf_counter() - t0)[1])(time.perf_counter()) for _ in range(3))
print(f"reference (boto3), {{rows:,}} rows: write {{w:.3f}} s, full read {{r:.3f}} s")
"""
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        subprocess.run([ref, "-c", script], check=True, env=env)


if __name__ == "__main__":
    main()
