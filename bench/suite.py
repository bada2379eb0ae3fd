"""The benchmark suite of issue 9: Lakota (the C++ API, the Python package, the command
line) against its peers (the reference Lakota 0.7.1 and its CLI, ArcticDB on LMDB,
PostgreSQL, Parquet files with pyarrow and with DuckDB), in one run on this machine.

    .venv/bin/python bench/suite.py [--rows N] [--peers a,b] [--tasks a,b] [--quick]

Makes the data once (build/bench/data: int64 seconds, a random walk rounded to 4
decimals, Gaussian noise), runs each peer's tasks in a fresh process of the peer's own
interpreter (bench/peers/*.py, build/lakota_bench_peer; protocol in
bench/peers/protocol.py), with our settings variants and PostgreSQL's as environment
variables; starts PostgreSQL (a temporary cluster on 127.0.0.1) and MinIO (tests/servers.py)
for the peers that need them and stops them by process id. Prints one table per workload
(time, ratio to our C++ API with default settings: > 1 means we are faster, disk, peak
memory), and writes build/bench/results.json (and results.txt, the table); a peer that is
missing or fails is reported as "failed: ..." and the suite goes on. Logs of every task:
build/bench/logs/.
"""
import argparse
import contextlib
import datetime
import glob
import itertools
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "build" / "bench"
DATA, WORK, LOGS = OUT / "data", OUT / "work", OUT / "logs"
PEERS_DIR = ROOT / "bench" / "peers"
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(PEERS_DIR))
from protocol import fit  # noqa: E402

TASKS = ["write", "read", "read_1pct", "appends", "append_latency", "batch", "small_reads", "s3_write", "s3_read"]
NEEDS = {"read": "write", "read_1pct": "write", "s3_read": "s3_write"}  # the store a task reads
BOTH = ("walk", "noise")
VARIANTS = {"write": BOTH, "read": BOTH, "read_1pct": BOTH, "appends": BOTH}  # others: walk
WRITES = {"write", "appends", "append_latency", "batch"}
READS = {"read", "read_1pct", "small_reads"}
TIMEOUT = 3600
SHORT = 8  # seconds: a run shorter than this is repeated (--repeats)
HEADER_UNITS = {"disk": "MB", "rss": "MB", "p50": "ms", "p99": "ms"}  # others: seconds


@dataclass
class Setting:
    name: str
    env: dict
    tasks: set  # the tasks it changes


DEFAULT = Setting("default", {}, set(TASKS))
OURS = [DEFAULT, Setting("fsync-off", {"LAKOTA_FSYNC": "0"}, WRITES),
        Setting("no-digest", {"LAKOTA_VERIFY": "0"}, READS),
        Setting("no-compact", {"LAKOTA_COMPACT": "0"}, {"appends", "append_latency"})]
POSTGRES = [DEFAULT, Setting("sync-commit-off", {"PGOPTIONS": "-c synchronous_commit=off"}, WRITES)]


@dataclass
class Peer:
    name: str
    command: list
    tasks: list
    settings: list = field(default_factory=lambda: [DEFAULT])


def peers():
    py, ref, others = (str(ROOT / v / "bin" / "python") for v in (".venv", ".venv-ref", ".venv-peers"))
    local = TASKS[:7]
    cli = ["write", "read", "read_1pct", "append_latency"]
    script = lambda name: str(PEERS_DIR / name)  # noqa: E731
    return [
        Peer("lakota-cpp", [str(ROOT / "build" / "lakota_bench_peer")], TASKS, OURS),
        Peer("lakota-python", [py, script("lakota_api.py")], TASKS, OURS),
        Peer("lakota-cli", [py, script("cli_peer.py")], cli, OURS),
        Peer("reference", [ref, script("lakota_api.py")], TASKS),
        Peer("reference-cli", [py, script("cli_peer.py")], cli),
        Peer("arcticdb", [others, script("arcticdb_peer.py")], TASKS),
        Peer("postgres", [others, script("postgres_peer.py")], local, POSTGRES),
        Peer("parquet", [others, script("parquet_peer.py")], local),
        Peer("duckdb", [others, script("parquet_peer.py")], local),
    ]


@dataclass
class Workload:
    number: int
    title: str
    columns: list  # (task, metric, header)
    variants: tuple = ("walk",)


def workloads(rows):
    batch, small = fit(100, 100_000, rows), fit(1000, 10_000, rows)
    return [
        Workload(1, f"one write of {rows:,} rows",
                 [("write", "write", "write"), ("write", "disk", "disk"), ("write", "rss", "peak memory")], BOTH),
        Workload(2, "full read", [("read", "read", "read"), ("read", "rss", "peak memory")], BOTH),
        Workload(3, "read of 1 % by index range", [("read_1pct", "read_1pct", "1 % read")], BOTH),
        Workload(4, "1,000 appends of 1,000 rows, then a full read (and the same rows written at once)",
                 [("appends", "appends", "appends"), ("appends", "read_after_appends", "read after"),
                  ("appends", "read_at_once", "read, written at once")]),
        Workload(5, "disk used after 1 and after 4",
                 [("write", "disk", "disk after 1"), ("appends", "disk", "disk after 4")], BOTH),
        Workload(6, "latency of a one-row append",
                 [("append_latency", "p50", "p50"), ("append_latency", "p99", "p99")]),
        Workload(7, f"{batch} series of 100,000 rows written in one batch, then all read",
                 [("batch", "batch_write", "batch write"), ("batch", "batch_read", "batch read"),
                  ("batch", "disk", "disk")]),
        Workload(8, "peak memory of 1 and 2",
                 [("write", "rss", "peak memory, write"), ("read", "rss", "peak memory, read")], BOTH),
        Workload(9, "1 and 2 on S3 (MinIO on loopback)",
                 [("s3_write", "write", "write"), ("s3_read", "read", "read"),
                  ("s3_write", "rss", "peak memory, write"), ("s3_read", "rss", "peak memory, read")]),
        Workload(10, f"1 % of each of {small:,} series of 10,000 rows", [("small_reads", "small_reads", "reads")]),
    ]


# --- Data ---

def make_data(rows):
    """DATA/ts.i8, walk.f8, noise.f8 (little-endian), unless there for the same recipe."""
    recipe = {"rows": rows, "ts": "1577836800 + i (int64 seconds)", "seed": 42,
              "walk": "round(100 + cumsum(rng.normal(0, 1, n)), 4)", "noise": "rng.normal(0, 1, n), after walk"}
    marker = DATA / "made.json"
    if marker.exists() and json.loads(marker.read_text()) == recipe:
        return
    shutil.rmtree(DATA, ignore_errors=True)
    DATA.mkdir(parents=True)
    rng = numpy.random.default_rng(42)
    (1_577_836_800 + numpy.arange(rows, dtype="<i8")).tofile(DATA / "ts.i8")
    numpy.round(100 + numpy.cumsum(rng.normal(0, 1, rows)), 4).astype("<f8").tofile(DATA / "walk.f8")
    rng.normal(0, 1, rows).astype("<f8").tofile(DATA / "noise.f8")
    marker.write_text(json.dumps(recipe))


# --- Servers ---

def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def postgres_server():
    """A PostgreSQL cluster in a temporary folder, default settings, on 127.0.0.1 at a
    free port (run as the `postgres` user when we are root: initdb refuses root); yields
    the libpq environment; stopped by its process id (fast shutdown) whatever happens."""
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    if not bins:
        raise RuntimeError("PostgreSQL is not installed (scripts/setup.sh --with-bench)")
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    folder = Path(tempfile.mkdtemp(prefix="lakota-bench-pg-"))
    if as_postgres:
        shutil.chown(folder, "postgres", "postgres")
    proc = None
    try:
        subprocess.run(as_postgres + [f"{bins[-1]}/initdb", "-D", f"{folder}/db", "-U", "postgres",
                                      "--auth=trust", "--no-sync"], check=True, capture_output=True)
        port = free_port()
        with open(folder / "log", "wb") as log:
            proc = subprocess.Popen(as_postgres + [f"{bins[-1]}/postgres", "-D", f"{folder}/db", "-h", "127.0.0.1",
                                                   "-p", str(port), "-k", str(folder)],
                                    stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + 60
        while subprocess.run([f"{bins[-1]}/pg_isready", "-q", "-h", "127.0.0.1", "-p", str(port)]).returncode:
            if proc.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"PostgreSQL did not start: {(folder / 'log').read_text()[-500:]}")
            time.sleep(0.2)
        yield {"PGHOST": "127.0.0.1", "PGPORT": str(port), "PGUSER": "postgres"}
    finally:
        if proc is not None:
            with contextlib.suppress(OSError, ValueError):
                postmaster = int((folder / "db" / "postmaster.pid").read_text().split()[0])
                os.kill(postmaster, signal.SIGINT)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def minio_server():
    """MinIO on 127.0.0.1 (tests/servers.py) with a bucket `bench`; yields a function
    giving a fresh repository URI (credentials in it, as both Lakotas read them)."""
    from servers import Servers, make_bucket
    servers = Servers().start(moto=False)
    try:
        env = servers.env
        make_bucket(env["LAKOTA_TEST_S3"], "bench")
        host, run = env["LAKOTA_TEST_S3"].split("://")[1], time.time_ns()
        yield lambda name: (f"s3://{host}/bench/{name}-{run}"
                            f"?key={env['LAKOTA_TEST_S3_KEY']}&secret={env['LAKOTA_TEST_S3_SECRET']}")
    finally:
        servers.stop()


# --- Running ---

@dataclass
class Outcome:
    peer: str
    setting: str
    variant: str
    task: str
    values: dict  # metric -> (value, unit)
    error: str = ""
    seconds: float = 0.0
    runs: int = 1


def run_task(peer, task, variant, setting, env, s3="", rep=0):
    """One task of one peer in a fresh process: its measurements, or why it failed. A
    repetition (rep > 0) of a task that writes its own store writes a store of its own; one
    that reads another task's store reads the first repetition's."""
    store = NEEDS.get(task, task)
    work = WORK / peer.name / variant / (setting.name if store == task else "default") / store
    if rep and store == task:
        work = work.with_name(f"{store}-{rep}")
    cmd = peer.command + [task, "--data", str(DATA), "--work", str(work), "--variant", variant, "--peer", peer.name]
    if s3:
        cmd += ["--s3", s3]
    outcome = Outcome(peer.name, setting.name, variant, task, {})
    log = LOGS / f"{peer.name}.{setting.name}.{variant}.{task}{f'.{rep}' if rep else ''}.log"
    t = time.perf_counter()
    try:
        with open(log, "wb") as err:
            proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=err, env=dict(env, **setting.env),
                                  timeout=TIMEOUT, cwd=ROOT)
        for line in proc.stdout.decode(errors="replace").splitlines():
            with contextlib.suppress(ValueError, KeyError, TypeError):
                m = json.loads(line)
                outcome.values[m["metric"]] = (m["value"], m["unit"])
        if proc.returncode:
            lines = [x for x in log.read_text(errors="replace").splitlines() if x.strip()]
            outcome.error = lines[-1].strip() if lines else f"exit {proc.returncode}"
    except FileNotFoundError as e:
        outcome.error = f"{e.filename} is missing"
    except subprocess.TimeoutExpired:
        outcome.error = f"no answer within {TIMEOUT} s"
    outcome.seconds = time.perf_counter() - t
    return outcome


def show(value, unit):
    if unit == "bytes":
        return f"{value / 1e6:.1f}"
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}" if value >= 10 else f"{value:.3g}"


def plan(peer, selected_tasks):
    """The (task, variant, setting) runs of a peer, stores written before they are read."""
    tasks = set(selected_tasks) | {NEEDS[t] for t in selected_tasks if t in NEEDS}
    return [(task, variant, setting) for task in TASKS if task in tasks and task in peer.tasks
            for variant in VARIANTS.get(task, ("walk",)) for setting in peer.settings if task in setting.tasks]


def server_of(peer, task):
    return minio_server if task.startswith("s3_") else postgres_server if peer.name == "postgres" else None


def median_outcome(runs):
    """The runs of one step as one outcome: the median of each measurement (the lower
    middle of an even count), the first error, the total time."""
    first = runs[0]
    values = {}
    for metric, (_, unit) in first.values.items():
        got = sorted(r.values[metric][0] for r in runs if metric in r.values)
        values[metric] = (got[(len(got) - 1) // 2], unit)
    error = next((r.error for r in runs if r.error), "")
    return Outcome(first.peer, first.setting, first.variant, first.task, values, error,
                   sum(r.seconds for r in runs), len(runs))


def run_all(selected_peers, selected_tasks, env, repeats):
    """Every run, the S3 ones last; a server runs only for the runs that need it. Runs with
    no server that took less than SHORT seconds are run again, `repeats` times in all, in
    rounds (every such step once, then again, each round starting at another step), so
    that a slow spell of the machine falls on one run of a step rather than on all of its
    runs; each step reports its medians."""
    steps = [(peer, *run) for peer in selected_peers for run in plan(peer, selected_tasks)]
    steps.sort(key=lambda step: step[1].startswith("s3_"))
    runs = [[] for _ in steps]  # the outcomes of each step
    counter = itertools.count(1)

    def done(i, o, rep):
        runs[i].append(o)
        got = ", ".join(f"{m} {show(v, u)} {'MB' if u == 'bytes' else u}" for m, (v, u) in o.values.items())
        label = f"[{next(counter)}/{len(steps)}]" if rep == 0 else f"[again {rep + 1}/{repeats}]"
        print(f"{label} {o.peer} {o.setting} {o.variant} {o.task}: {got}"
              f"{'  failed: ' + o.error if o.error else ''}  ({o.seconds:.1f} s)", file=sys.stderr, flush=True)

    indexed = list(enumerate(steps))
    for server, group in itertools.groupby(indexed, key=lambda item: server_of(item[1][0], item[1][1])):
        group = list(group)
        with contextlib.ExitStack() as stack:
            try:
                handle = stack.enter_context(server()) if server else None
            except Exception as e:
                for i, (peer, task, variant, setting) in group:
                    done(i, Outcome(peer.name, setting.name, variant, task, {}, f"{server.__name__}: {e}"), 0)
                continue
            for rep in range(repeats if server is None else 1):
                # Round 1 in plan order (stores are written before they are read); later
                # rounds start further along, so that no peer always runs first, right after
                # the previous round's last steps.
                turn = rep * len(group) // max(1, repeats)
                for i, (peer, task, variant, setting) in group[turn:] + group[:turn]:
                    if rep and (runs[i][0].error or runs[i][0].seconds >= SHORT):
                        continue
                    s3 = handle(f"{peer.name}-{variant}") if server is minio_server else ""
                    done(i, run_task(peer, task, variant, setting,
                                     dict(env, **handle) if server is postgres_server else env, s3, rep), rep)
    return [median_outcome(r) for r in runs]


# --- Report ---

def records(outcomes, rows):
    """One record per workload and measurement (a measurement shown by two workloads,
    such as the disk after a write, is in both)."""
    out = []
    for w in workloads(rows):
        for o in outcomes:
            for task, metric, _ in w.columns:
                if o.task == task and o.variant in w.variants and metric in o.values:
                    value, unit = o.values[metric]
                    out.append({"workload": w.number, "task": task, "metric": metric, "peer": o.peer,
                                "setting": o.setting, "variant": o.variant, "value": value, "unit": unit,
                                "runs": o.runs})
    return out


def table(outcomes, rows, repeats=1):
    """The plain-text table: one block per workload, one line per peer, setting and data."""
    order = {(p.name, s.name): (i, j) for i, p in enumerate(peers()) for j, s in enumerate(p.settings)}
    blocks = []
    for w in workloads(rows):
        lines = []
        for variant in w.variants:
            mine = [o for o in outcomes if o.variant == variant and o.task in {c[0] for c in w.columns}]
            if not mine:
                continue
            base = {}
            for name in ("lakota-python", "lakota-cpp"):  # the C++ API, else the Python package
                for o in mine:
                    if o.peer == name and o.setting == "default":
                        base.update({(o.task, m): v for m, (v, _) in o.values.items()})
            keys = sorted({(o.peer, o.setting) for o in mine}, key=order.get)
            for peer, setting in keys:
                cells, errors = [peer, setting, variant], []
                for task, metric, _ in w.columns:
                    o = next((o for o in mine if (o.peer, o.setting, o.task) == (peer, setting, task)), None)
                    if o is None:  # a setting that does not change this task: blank
                        cells += ["", ""]
                        continue
                    if o.error and o.error not in errors:
                        errors.append(o.error)
                    if metric in o.values:
                        value, unit = o.values[metric]
                        ratio = value / base[(task, metric)] if base.get((task, metric)) else None
                        cells += [show(value, unit), f"{ratio:.2f}" if ratio is not None else "-"]
                    else:
                        cells += ["-", "-"]
                lines.append((cells, "  failed: " + "; ".join(errors) if errors else ""))
        if not lines:
            continue
        header = ["peer", "setting", "data"]
        for task, metric, name in w.columns:
            header += [f"{name} {HEADER_UNITS.get(metric, 's')}", "ratio"]
        widths = [max(len(str(c[0][i])) for c in lines + [(header, "")]) for i in range(len(header))]
        fmt = lambda cells: "  ".join(  # noqa: E731
            str(c).ljust(widths[i]) if i < 3 else str(c).rjust(widths[i]) for i, c in enumerate(cells)).rstrip()
        blocks.append("\n".join([f"{w.number}. {w.title}", fmt(header)] + [fmt(c) + e for c, e in lines]))
    return ("ratio: the peer's figure over our C++ API's with default settings (the Python package's where the"
            " C++ API has none), same data: > 1, we are faster or smaller. MB = 10^6 bytes."
            + (f" Runs shorter than {SHORT} s without a server: the median of {repeats} runs." if repeats > 1 else "")
            + "\n\n" + "\n\n".join(blocks))


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next(int(line.split()[1]) * 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal:"))
    return {"uname": " ".join(platform.uname()), "cpu": cpu, "cores": os.cpu_count(), "memory_bytes": memory}


def main():
    names = [p.name for p in peers()]
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, help="rows of the data (default 10,000,000; --quick: 1,000,000)")
    ap.add_argument("--peers", default=",".join(names), help=f"a subset of {','.join(names)}")
    ap.add_argument("--tasks", default=",".join(TASKS), help=f"a subset of {','.join(TASKS)}")
    ap.add_argument("--quick", action="store_true", help="1,000,000 rows, fewer repeats and one-row appends")
    ap.add_argument("--repeats", type=int, help=f"runs of each step shorter than {SHORT} s, medians reported"
                    " (default 3; --quick: 1)")
    args = ap.parse_args()
    rows = args.rows or (1_000_000 if args.quick else 10_000_000)
    selected = [p for p in peers() if p.name in args.peers.split(",")]
    tasks = args.tasks.split(",")
    unknown = (set(args.peers.split(",")) - set(names)) | (set(tasks) - set(TASKS))
    if unknown:
        ap.error(f"unknown peers or tasks: {', '.join(sorted(unknown))}")

    started = time.perf_counter()
    make_data(rows)
    # Stores are removed once every run is timed, never in between: ext4 without a journal
    # (this machine's) skips inodes freed in the last minutes when it creates files, and a
    # file creation after many deletions costs 0.3-0.8 ms instead of 0.03 ms. A previous
    # run's stores are moved aside and removed at the end too.
    trash = OUT / "trash"
    if WORK.exists():
        trash.mkdir(parents=True, exist_ok=True)
        WORK.rename(trash / f"work-{time.time_ns()}")
    LOGS.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items()
           if k != "PYTHONPATH" and not k.startswith(("LAKOTA_", "PG"))}
    env["TZ"] = "UTC"
    if args.quick:
        env["LAKOTA_BENCH_QUICK"] = "1"
    repeats = args.repeats or (1 if args.quick else 3)
    outcomes = run_all(selected, tasks, env, max(1, repeats))
    seconds = time.perf_counter() - started
    shutil.rmtree(WORK, ignore_errors=True)
    shutil.rmtree(trash, ignore_errors=True)

    text = table(outcomes, rows, repeats)
    print(text)
    print(f"\n{rows:,} rows; the suite took {seconds / 60:.1f} min")
    (OUT / "results.txt").write_text(text + "\n")
    result = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
              "machine": machine(), "rows": rows, "quick": args.quick, "repeats": repeats, "seconds": round(seconds, 1),
              "records": records(outcomes, rows),
              "failures": [{"peer": o.peer, "setting": o.setting, "variant": o.variant, "task": o.task,
                            "error": o.error} for o in outcomes if o.error]}
    (OUT / "results.json").write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {OUT / 'results.json'}", file=sys.stderr)


if __name__ == "__main__":
    main()
