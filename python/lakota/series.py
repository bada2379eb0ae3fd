"""
Series: one sorted table of a collection, written and read by index range.

```python
series = repo / "temperature" / "Brussels"
series.write({"timestamp": [...], "value": [...]})
series.frame(start="2020-01-01", stop="2020-02-01")       # a Frame
series.df(start="2020-01-01", closed="both")              # a pandas DataFrame
```

`closed` says which bounds a read includes: "left" (the default: start included, stop
excluded), "right", "both" or "none" (or their first letter). `before` reads the
collection as it was at that time (a datetime, or a revision's hextime).
"""

from .changelog import Revision, before_ms
from .errors import NotAvailable
from .frame import Frame
from ._arrays import (
    bound_from_native,
    bound_to_native,
    columns_from_native,
    columns_to_native,
)
from .utils import Closed, settings

__all__ = ["Series", "KVSeries", "Segment"]


def _closed_code(closed):
    return Closed.cast(closed).short


def _select_list(select):
    if not select:
        return []
    if isinstance(select, str):
        return [select]
    return list(select)


class Segment:
    "One row of a commit: a chunk of a series, stored as one array per column"

    def __init__(self, series, start, stop, length, closed, digests):
        self.series = series
        self.start = start
        self.stop = stop
        self.length = length
        self.closed = closed
        self.digests = digests

    def __len__(self):
        return self.length

    def __repr__(self):
        return f"<Segment {self.start}-{self.stop} ({self.length} rows)>"


class Series:
    def __init__(self, label, collection):
        self.collection = collection
        self.schema = collection.schema
        self.pod = collection.pod
        self.changelog = collection.changelog
        self.label = label
        self._native = collection._native.series(label)

    def __repr__(self):
        return f"<Series {self.collection.label}/{self.label}>"

    # --- writes ---

    def _columns(self, frame):
        if not isinstance(frame, Frame) or frame.schema != self.schema:
            frame = Frame(self.schema, frame)
        return columns_to_native(self.schema, frame.columns)

    def write(self, frame, start=None, stop=None, closed="b", root=False):
        """
        Writes `frame` (a dict of lists or arrays, a DataFrame or a Frame) over its index
        range, or over [`start`, `stop`] when given. Returns the revisions written (an
        empty list when nothing changed).
        """
        columns = self._columns(frame)
        start = bound_to_native(self.schema, start)
        stop = bound_to_native(self.schema, stop)
        code = _closed_code(closed)
        batch = self.collection._batch
        if batch is not None:
            batch.write(self.collection._native, self.label, columns, start, stop, code)
            return None
        written = self._native.write(columns, start, stop, code, root)
        if written is None:
            return []
        return [Revision(self.collection.changelog, *written)]

    def update(self, frame):
        "Replaces the values of the columns `frame` holds, on the rows of its index"
        columns = self._columns(frame)
        batch = self.collection._batch
        if batch is not None:
            batch.update(self.label, columns)
            return None
        if not self._native.update(columns):
            return []
        return self.collection._new_state()

    def delete(self, start, stop, closed="b", root=False):
        "Removes the rows between `start` and `stop`"
        if root:
            raise NotAvailable("Series.delete(root=True) is not available in this version")
        start = bound_to_native(self.schema, start)
        stop = bound_to_native(self.schema, stop)
        batch = self.collection._batch
        if batch is not None:
            batch.delete_range(self.collection._native, self.label, start, stop, _closed_code(closed))
            return None
        if not self._native.delete_range(start, stop, _closed_code(closed)):
            return []
        return self.collection._new_state()

    # --- reads ---

    def _read(self, start=None, stop=None, before=None, closed="LEFT", limit=None,
              offset=None, select=None, revision="", tail=None, writeable=False):
        items = self._native.read(
            bound_to_native(self.schema, start),
            bound_to_native(self.schema, stop),
            _closed_code(closed),
            before_ms(before),
            revision or "",
            _select_list(select),
            limit,
            offset or 0,
            tail,
            writeable,
        )
        return Frame(self.schema, columns_from_native(items))

    def frame(self, start=None, stop=None, before=None, closed="LEFT", limit=None,
              offset=None, select=None):
        "The rows between `start` and `stop`, as a Frame"
        return self._read(start, stop, before, closed, limit, offset, select)

    def df(self, start=None, stop=None, before=None, closed="LEFT", limit=None,
           offset=None, select=None):
        """
        The rows between `start` and `stop`, as a pandas DataFrame. Numeric and time
        columns are the read's own buffers, handed to pandas without a copy.
        """
        frm = self._read(start, stop, before, closed, limit, offset, select, writeable=True)
        return frm.df()

    def arrow(self, start=None, stop=None, before=None, closed="LEFT", limit=None,
              offset=None, select=None):
        """
        The rows between `start` and `stop` for Arrow consumers (Arrow PyCapsule
        interface): `pyarrow.table(series.arrow())`, `polars.DataFrame(series.arrow())`,
        DuckDB's `FROM`. Numeric and time columns are the engine's buffers, not copies.
        """
        return self.frame(start, stop, before, closed, limit, offset, select).arrow()

    def tail(self, length, start=None, stop=None, before=None, closed="LEFT",
             limit=None, offset=None, select=None):
        "The last `length` rows (of the range, when given)"
        if length <= 0:
            raise ValueError("length argument must be > 0")
        return self._read(start, stop, before, closed, limit, offset, select, tail=length)

    def paginate(self, step=settings.page_len, start=None, stop=None, before=None,
                 closed="LEFT", limit=None, offset=None, select=None):
        """
        Frames of at most `step` rows, in index order. Every page comes from one state of
        the collection: the one when the first page is read (or as of `before`).
        """
        if step <= 0:
            raise ValueError("step argument must be > 0")
        return self._paginate(step, start, stop, before, closed, limit, offset or 0, select)

    def _paginate(self, step, start, stop, before, closed, limit, offset, select):
        leaf = self.changelog.leaf(before=before)
        if leaf is None:
            return
        revision = leaf.path
        select = _select_list(select)
        idx = list(self.schema.idx)
        read_cols = select + [c for c in idx if c not in select] if select else []
        closed = Closed.cast(closed)
        while limit is None or limit > 0:
            count = step if limit is None else min(step, limit)
            frm = self._read(start, stop, None, closed, count, offset, read_cols, revision=revision)
            if frm.empty:
                break
            offset = 0
            if limit is not None:
                limit -= len(frm)
            yield frm.select(select) if select else frm
            if len(frm) < count:
                break
            start = frm.stop()
            closed = closed.set_left(False)

    def segments(self, start=None, stop=None, before=None, closed="LEFT", from_ci=None):
        "The chunks (commit rows) of the series that hold rows of the range"
        if from_ci is not None:
            raise NotAvailable("Series.segments(from_ci=...) is not available in this version")
        out = []
        for s, e, length, code, digests in self.collection._native.segments(
            self.label,
            bound_to_native(self.schema, start),
            bound_to_native(self.schema, stop),
            _closed_code(closed),
            before_ms(before),
        ):
            out.append(
                Segment(self, bound_from_native(self.schema, s), bound_from_native(self.schema, e),
                        length, Closed.cast(code), digests)
            )
        return out

    def __len__(self):
        return self._native.length()

    def __bool__(self):
        return self._native.exists()


class KVSeries(Series):
    "A series of a key-value collection: writes upsert rows by key"

    def delete(self, *keys, **kw):
        """
        Removes the rows of these keys (each a value, or a tuple of index values).
        `delete(start=..., stop=...)` removes a range, as for other series.
        """
        if kw:
            return super().delete(*keys, **kw)
        if not keys:
            return None
        native_keys = [bound_to_native(self.schema, k) for k in keys]
        batch = self.collection._batch
        if batch is not None:
            batch.delete_keys(self.collection._native, self.label, native_keys)
            return None
        if not self._native.delete_keys(native_keys):
            return []
        return self.collection._new_state()
