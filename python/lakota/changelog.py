"""
Changelog: the revision files of a collection. Each revision is a file
`<parent>.<child>`, where `child` is `<hextime>-<sha1 of the content>`; the log is the
reference's depth-first walk of the revision tree, and its last revision is the state that
reads see. Listings are never cached: a changelog always shows the folder as it is.
"""

from collections import namedtuple
from datetime import datetime
from random import random
from time import sleep

from . import _native
from .utils import hextime

zero_hextime = "0" * 11
zero_hash = "0" * 40
phi = f"{zero_hextime}-{zero_hash}"

__all__ = ["Changelog", "Revision"]

RevDigest = namedtuple("RevDigest", ["parent", "child"])


def before_hextime(before):
    "A `before` argument (hextime text, datetime, or seconds since the epoch) as hextime"
    if before is None:
        return None
    if isinstance(before, datetime):
        return hextime(before.timestamp())
    if isinstance(before, (int, float)):
        return hextime(before)
    return str(before)


def before_ms(before):
    hx = before_hextime(before)
    if hx is None:
        return None
    try:
        return int(hx, 16)
    except ValueError:
        raise ValueError(
            f"before={before!r}: expected a datetime or a revision time (11 hex digits)"
        ) from None


class Changelog:
    "The revisions of one collection folder (a pod)"

    def __init__(self, pod):
        self.pod = pod
        self._native = _native.Changelog(pod._native_pod())

    def commit(self, payload, parents=None, _jitter=False):
        "Writes `payload` as a revision after the leaf (or under each of `parents`)"
        if not isinstance(payload, bytes):
            raise TypeError("Changelog.commit: the payload must be bytes")
        if _jitter:
            sleep(random())
        items = self._native.commit(payload, list(parents) if parents else None)
        return [Revision(self, parent, child) for parent, child, _ in items]

    def refresh(self):
        "Kept for compatibility: a changelog lists its folder on every call"

    def __iter__(self):
        yield from self.pod.ls(missing_ok=True)

    def leaf(self, before=None):
        revisions = self.log(before=before)
        return revisions[-1] if revisions else None

    def leafs(self):
        return [rev for rev in self.log() if rev.is_leaf]

    def log(self, before=None):
        "The revisions in log order (only those older than `before`, when given)"
        revs = []
        for parent, child, is_head in self._native.log():
            rev = Revision(self, parent, child)
            rev.is_leaf = is_head
            revs.append(rev)
        hx = before_hextime(before)
        if hx is not None:
            out = []
            for rev in revs:
                if not rev.epoch < hx:
                    break
                out.append(rev)
            return out
        return revs


class Revision:
    def __init__(self, changelog, parent, child):
        self.changelog = changelog
        self.parent = parent
        self.child = child
        self.is_leaf = False
        self._payload = None

    @classmethod
    def from_path(cls, changelog, path):
        parent, child = path.split(".")
        return Revision(changelog, parent, child)

    @property
    def digests(self):
        return RevDigest(*(i.split("-")[1] for i in (self.parent, self.child)))

    @property
    def path(self):
        return f"{self.parent}.{self.child}"

    @property
    def epoch(self):
        return self.child.split("-", 1)[0]

    def __repr__(self):
        return f"<Revision {self.path} {'*' if self.is_leaf else ''}>"

    def __eq__(self, other):
        return isinstance(other, Revision) and self.path == other.path

    def __hash__(self):
        return hash(self.path)

    def read(self):
        "The revision's content, checked against its digest"
        if self._payload is None:
            self._payload = self.changelog._native.read(self.parent, self.child)
        return self._payload
