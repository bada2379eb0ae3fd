"""
Helpers and settings, with the names and behaviour of the reference's `lakota.utils`.
"""

import bisect
import logging
import sys
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from enum import Flag
from hashlib import sha1
from itertools import islice
from pathlib import PurePosixPath
from threading import Lock
from time import perf_counter, time

from numpy import arange, array, datetime64, minimum, searchsorted

from . import _native

default_hash = sha1
hexhash_len = 40
head = lambda it, n=1: list(islice(it, 0, n))
tail = lambda it, n=1: deque(it, maxlen=n)
skip = lambda it, n: list(islice(it, n, None))

logger = logging.getLogger("lakota")


@dataclass
class Settings:
    # Kept for compatibility: the engine runs its storage requests in parallel itself.
    threaded: bool = True
    debug: bool = False
    verify_ssl: bool = True
    # Arrays whose encoded size is below this live inside the revision (the engine's rule).
    embed_max_size: int = 1024
    # Rows per page of `Series.paginate` and per chunk written by `defrag`.
    page_len: int = 500_000
    # `defrag` rewrites a series made of more chunks than this.
    defrag_max_chunk: int = 4
    # Seconds a soft-deleted segment waits before `gc` deletes it; trim's default is
    # twice this ago.
    timeout: int = 600
    max_threads: int = 10
    # A writer whose commit made a second head merges it at once, so that readers see
    # every write (the reference leaves heads until `merge`). New in this implementation;
    # LAKOTA_AUTO_MERGE=0 in the environment turns it off by default.
    auto_merge: bool = _native.default_auto_merge()
    # Check the digest of every array a read decodes whole (LAKOTA_VERIFY=0: off).
    verify_digests: bool = _native.default_verify_digests()


settings = Settings()


def pivot(records, keys):
    "Convert a list of dicts into a dict of lists"
    if not records:
        return {}
    keys = list(records[0])
    return {k: [r[k] for r in records] for k in keys}


def chunky(collection, size=100):
    "Yield lists of `size` items (the last one shorter)"
    it = iter(collection)
    while True:
        chunk = head(it, size)
        if not chunk:
            break
        yield chunk


def hexdigest(*data):
    digest = default_hash()
    for datum in data:
        digest.update(datum)
    return digest.hexdigest()


def hextime(timestamp=None):
    "Milliseconds since the epoch, as 11 hex digits (the time part of a revision name)"
    timestamp = time() if timestamp is None else timestamp
    return hex(int(timestamp * 1000))[2:].rjust(11, "0")


def strpt(time_str):
    if isinstance(time_str, datetime):
        return time_str
    if not time_str:
        return None
    return datetime.fromisoformat(time_str)


def drange(start, end, delta, right_closed=False):
    "Times from `start` to `end` (excluded) every `delta`, as datetime64[s]"
    start = strpt(start)
    end = strpt(end)
    return arange(start, end, delta).astype("M8[s]")


def paginate(start, stop, **delta_kw):
    step = start
    delta = timedelta(**delta_kw)
    if delta.total_seconds() <= 0:
        raise ValueError("paginate: the step must be longer than zero")
    while True:
        next_step = step + delta
        yield step, min(next_step, stop)
        if next_step >= stop:
            break
        step = next_step


def hashed_path(digest, depth=2):
    "12345678 -> (PurePosixPath('12/34'), '5678')"
    if len(digest) <= 2 * depth:
        raise ValueError(f"hashed_path: digest {digest!r} is too short")
    folder = PurePosixPath(".")
    for _ in range(depth):
        prefix, digest = digest[:2], digest[2:]
        folder = folder / prefix
    return folder, digest


def pretty_nb(number):
    prefixes = "yzafpnum_kMGTPEZY"
    factors = [1000**i for i in range(-8, 8)]
    if number == 0:
        return 0
    if number < 0:
        return "-" + pretty_nb(-number)
    idx = bisect.bisect_right(factors, number) - 1
    prefix = prefixes[idx]
    return "%.2f%s" % (number / factors[idx], "" if prefix == "_" else prefix)


@contextmanager
def timeit(title=""):
    "Print how long the block took, on stderr"
    start = perf_counter()
    yield
    delta = perf_counter() - start
    print(title, pretty_nb(delta) + "s", file=sys.stderr)


class Pool:
    """
    A thread pool for independent jobs: `submit` them inside `with Pool() as pool:`,
    read `pool.results` after the block. Runs them inline when `settings.threaded` is
    off (or when another Pool is already running, as the reference does).
    """

    _lock = Lock()
    _pool = None

    def __init__(self):
        self.threaded = False
        self.futures = []
        self.results = []

    def __enter__(self):
        if settings.threaded:
            self.threaded = Pool._lock.acquire(blocking=False)
        return self

    def submit(self, fn, *a, **kw):
        if self.threaded:
            if Pool._pool is None:
                Pool._pool = ThreadPoolExecutor(settings.max_threads)
            self.futures.append(Pool._pool.submit(fn, *a, **kw))
        else:
            self.results.append(fn(*a, **kw))

    def __exit__(self, type, value, traceback):
        if self.threaded:
            try:
                self.results = [fut.result() for fut in self.futures]
            finally:
                Pool._lock.release()
                self.threaded = False


def floor(arr, unit):
    "Floor a datetime64 array to 'Y', 'M', 'D', 'h', 'm' or 's'"
    if unit not in ("Y", "M", "D", "h", "m", "s"):
        raise ValueError(f"floor: unknown unit {unit!r} (one of Y, M, D, h, m, s)")
    return arr.astype(f"M8[{unit}]")


def day_of_week_num(arr):
    return (arr.astype("M8[D]").view("int64") - 4) % 7


_tz_cache = {}


def as_tz(arr, tz_name):
    "Convert naive UTC datetime64 values to naive local times of time zone `tz_name`"
    from zoneinfo import ZoneInfo

    arr = array(arr, dtype="M8[s]")
    if tz_name not in _tz_cache:
        _tz_cache[tz_name] = ZoneInfo(tz_name)
    tz = _tz_cache[tz_name]
    out = arr.copy()
    # Offsets change rarely: compute one per distinct day and hour.
    hours = arr.astype("M8[h]")
    for hour in set(hours.tolist()):
        if hour is None:
            continue
        offset = hour.replace(tzinfo=timezone.utc).astimezone(tz).utcoffset()
        mask = hours == datetime64(hour, "h")
        out[mask] = arr[mask] + int(offset.total_seconds())
    return out


class Interval:
    labels = ["m", "h", "D", "W", "M", "Y", None]
    durations = [60, 3600, 86_400, 604_800, 2_592_000, 31_536_000]

    @classmethod
    def bisect(cls, nb_seconds):
        return cls.labels[bisect.bisect_right(cls.durations, nb_seconds)]


class Closed(Flag):
    "Which ends of a range are included"

    NONE = n = 0
    RIGHT = r = 1
    LEFT = l = 2
    BOTH = b = 3

    @classmethod
    def cast(cls, value):
        if isinstance(value, cls):
            return value
        try:
            return Closed[value]
        except KeyError:
            pass
        if isinstance(value, str) and value.upper() in cls.__members__:
            return Closed[value.upper()]
        raise ValueError(
            f"closed={value!r}: expected one of 'left', 'right', 'both', 'none' "
            "(or l, r, b, n)"
        )

    @property
    def short(self):
        return self.name[0].lower()

    @property
    def left(self):
        return bool(self & Closed.LEFT)

    @property
    def right(self):
        return bool(self & Closed.RIGHT)

    def set_left(self, value):
        return self | Closed.LEFT if value else self & Closed.RIGHT

    def set_right(self, value):
        return self | Closed.RIGHT if value else self & Closed.LEFT
