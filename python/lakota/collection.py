"""
Collection: a schema and the series that follow it, with one changelog.

```python
clct = repo / "temperature"
clct.ls()                       # series labels
series = clct / "Brussels"      # or clct.series("Brussels")
with clct.multi():              # one commit for all the writes inside
    for label, df in ...:
        (clct / label).write(df)
clct.pull(remote_clct)          # copy another repository's collection
clct.defrag(); clct.trim()      # fewer, larger chunks; drop old revisions
```
"""

import json
from contextlib import contextmanager
from datetime import datetime
from threading import Lock
from warnings import warn

from numpy import full

from .changelog import Changelog, Revision, before_ms
from .errors import InvalidInput, NotAvailable
from .frame import Frame
from .schema import Schema
from .series import KVSeries, Series
from .utils import settings

__all__ = ["Collection"]


class Collection:
    def __init__(self, native, repo, schema=None):
        self._native = native
        self.repo = repo
        self.pod = repo.pod
        self.label = native.label
        self.schema = schema or Schema.loads(json.loads(native.schema))
        self.changelog = Changelog(repo.pod.cd(native.path))
        self._batch = None
        self._batch_lock = Lock()

    def __repr__(self):
        return f"<Collection {self.label}>"

    @property
    def batch(self):
        "The batch that `multi()` collects writes in (None outside of it)"
        return self._batch

    def series(self, label):
        label = label.strip()
        if len(label) == 0:
            raise ValueError(f"Invalid label: '{label}'")
        cls = KVSeries if self.schema.kind == "kv" else Series
        return cls(label, self)

    def __truediv__(self, name):
        return self.series(name)

    def __iter__(self):
        return (self.series(n) for n in self.ls())

    def ls(self, before=None):
        "Labels of the series, sorted"
        return self._native.ls(before_ms(before))

    def delete(self, *labels):
        "Removes series (unknown labels are ignored)"
        self._native.delete(set(labels))

    def rename(self, from_label, to_label):
        "Renames a series; an existing series `to_label` is replaced by it"
        self._native.rename(from_label, to_label, True)

    def refresh(self):
        "Kept for compatibility: every read lists the changelog afresh"

    def _new_state(self):
        leaf = self.changelog.leaf()
        return [leaf] if leaf else []

    def _revisions(self, items):
        return [Revision(self.changelog, parent, child) for parent, child, _ in items]

    # --- several writes, one commit ---

    @contextmanager
    def multi(self, root=None):
        """
        Collects the writes of the block and commits them as one revision when it ends;
        nothing is committed when the block raises. Threads may write inside the block.
        """
        if root:
            raise NotAvailable("Collection.multi(root=True) is not available in this version")
        with self._batch_lock:
            batch = _Batch(self._native.batch())
            self._batch = batch
            try:
                yield batch
                batch.flush(self)
            finally:
                self._batch = None

    # --- history ---

    def merge(self, *heads):
        """
        Reunites the heads (concurrent writes) into one revision; returns the revisions
        written (none when there is one head). All heads are merged.
        """
        return self._revisions(self._native.merge())

    def heads(self):
        "One revision per head (more than one: concurrent writes not merged yet)"
        return self._revisions(self._native.heads())

    def revert(self, revision):
        "A new revision with the content of `revision` (a name, hextime-sha1 or tag)"
        return self._native.revert(revision)

    def tag(self, name, revision=""):
        "Names a revision (the current state when not given); returns its file name"
        return self._native.tag(name, revision)

    def untag(self, name):
        self._native.untag(name)

    def tags(self):
        "{name: revision file name}"
        return dict(self._native.tags())

    def resolve(self, name):
        "The revision a name (tag, revision name, or digest prefix) designates"
        parent, child, _ = self._native.resolve(name)
        return Revision(self.changelog, parent, child)

    def diff(self, a, b, series="", rows=False):
        """
        What changed between revisions `a` and `b`: a list of dicts, one per series that
        differs, with its status ('+' added, '-' removed, '~' changed), the index ranges
        that differ, and (with `rows`) the differing rows and their change.
        """
        out = []
        for label, status, ranges, frame, ops in self._native.diff(a, b, series, rows):
            item = {
                "series": label,
                "status": status,
                "ranges": [
                    {"start": s, "stop": e, "added": ad, "removed": rm, "changed": ch}
                    for s, e, ad, rm, ch in ranges
                ],
            }
            if rows:
                from ._arrays import columns_from_native

                item["rows"] = Frame(self.schema, columns_from_native(frame))
                item["ops"] = list(ops)
            out.append(item)
        return out

    # --- synchronisation ---

    def push(self, remote, shallow=False):
        return remote.pull(self, shallow=shallow)

    def pull(self, remote, shallow=False):
        "Copies the revisions and data of `remote` (a Collection of another repository)"
        if not isinstance(remote, Collection):
            raise TypeError("Collection.pull: a Collection instance is required")
        if remote.label != self.label:
            raise InvalidInput(
                f"cannot pull collection '{remote.label}' into '{self.label}': "
                "push and pull copy a collection under its own label"
            )
        from . import _native

        return _native.pull(self.repo._native, remote.repo._native, [self.label], shallow)

    # --- maintenance ---

    def squash(self, trim=None, max_chunk=settings.defrag_max_chunk):
        "defrag then trim (trim=False: no trim). Deprecated: use defrag and trim."
        warn("Collection.squash is deprecated: use Collection.trim and Collection.defrag")
        revs = self.defrag(max_chunk=max_chunk)
        if trim is not False:
            self.trim(trim)
        return revs

    def trim(self, before=None):
        """
        Drops the revisions older than `before` (default: twice `settings.timeout` ago)
        from the start of the log, keeping the state, heads and tagged revisions. Returns
        the number of revisions dropped.
        """
        if before is None:
            before = datetime.now().timestamp() - 2 * settings.timeout
        return len(self._native.trim(before_ms(before)))

    def defrag(self, max_chunk=settings.defrag_max_chunk):
        "Rewrites series made of more than `max_chunk` small chunks; returns new revisions"
        if max_chunk <= 0:
            raise ValueError("Parameter 'max_chunk' must be bigger than 0")
        before = {r.path for r in self.changelog.log()}
        self._native.defrag(max_chunk, settings.page_len)
        return [r for r in self.changelog.log() if r.path not in before]

    def digests(self, revisions=None):
        "Digests of the arrays stored in segment files"
        seen = set()
        for label in self.ls():
            for sgm in self.series(label).segments():
                seen.update(sgm.digests)
        return iter(seen)

    def clone(self, other_collection, rename=None, defaults=None):
        """
        Copies every series into `other_collection` (empty), renaming columns
        (`rename`: {old: new}) and filling the columns it lacks with `defaults` (or zeros).
        """
        if other_collection.changelog.leaf():
            raise ValueError("Clone can only be saved into an empty collection")
        other_schema = other_collection.schema
        new2old = {new: old for old, new in (rename or {}).items()}
        defaults = defaults or {}
        with other_collection.multi():
            for series in self:
                frm = series.frame()
                cols = {}
                for col in other_schema:
                    old = new2old.get(col, col)
                    if old in frm:
                        cols[col] = frm[old]
                    else:
                        value = defaults.get(col, other_schema[col].zero())
                        cols[col] = other_schema[col].cast(full(len(frm), value))
                out = Frame(other_schema, cols)
                if not out.is_sorted():
                    out = out.sorted()
                other_collection.series(series.label).write(out)


class _Batch:
    "The writes of a `multi()` block"

    def __init__(self, native):
        self._native = native
        self._lock = Lock()  # the engine's batch is filled from one thread at a time
        self.revs = []

    def write(self, collection, label, columns, start, stop, closed):
        with self._lock:
            self._native.write(collection, label, columns, start, stop, closed)

    def delete_range(self, collection, label, start, stop, closed):
        with self._lock:
            self._native.delete_range(collection, label, start, stop, closed)

    def update(self, label, columns):
        with self._lock:
            self._native.update(label, columns)

    def delete_keys(self, collection, label, keys):
        with self._lock:
            self._native.delete_keys(collection, label, keys)

    def flush(self, collection):
        if self._native.commit():
            self.revs = collection._new_state()
