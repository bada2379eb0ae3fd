"""
Frame: columns of equal length, as numpy arrays, following a schema. What reads return
and writes take; `df()` makes a pandas DataFrame of it.
"""

from collections import defaultdict

import json

from numpy import (
    arange,
    argsort,
    array_equal,
    ascontiguousarray,
    concatenate,
    cumsum,
    datetime_data,
    frombuffer,
    ndarray,
    packbits,
    rec,
    searchsorted,
    zeros,
)

from . import _native

from .errors import NotAvailable
from .schema import Schema
from .utils import Closed, pivot

__all__ = ["Frame"]


def _dataframe_class():
    try:
        from pandas import DataFrame
    except ImportError:
        return None
    return DataFrame


def _is_dataframe(obj):
    cls = type(obj)
    return cls.__name__ == "DataFrame" and cls.__module__.startswith("pandas")


class Frame:
    "A table of numpy columns following `schema`"

    def __init__(self, schema, columns=None):
        self.schema = schema
        if isinstance(columns, Frame):
            columns = columns.columns
        elif _is_dataframe(columns):
            columns = {c: columns[c].values for c in columns}
        self.columns = schema.cast(columns)
        self.env = {}

    @classmethod
    def from_records(cls, schema, records):
        return Frame(schema, pivot(records, list(schema)))

    def df(self, *columns):
        "A pandas DataFrame of the columns (pandas is an optional dependency)"
        DataFrame = _dataframe_class()
        if DataFrame is None:
            raise ModuleNotFoundError(
                "Frame.df() needs pandas, which is not installed: pip install pandas"
            )
        names = [c for c in self.schema.columns if c in self.columns]
        if columns:
            names = [c for c in names if c in columns]
        data = {c: self.columns[c] for c in names}
        if all(a.flags.writeable for a in data.values()):
            # Arrays of this frame alone (Series.df reads them so): no copy.
            return DataFrame(data, copy=False)
        # Read-only arrays (the engine's shared buffers): a DataFrame the user can edit
        # needs its own copy, as the reference's.
        return DataFrame(data, copy=True)

    def arrow(self):
        """
        The frame for Arrow consumers (pyarrow, polars, DuckDB), through the Arrow
        PyCapsule interface: `pyarrow.table(frm.arrow())`, `polars.DataFrame(frm.arrow())`.
        Numeric and time columns are shared without a copy; pyarrow is not needed.
        """
        return ArrowData(self)

    def __arrow_c_stream__(self, requested_schema=None):
        return ArrowData(self).__arrow_c_stream__(requested_schema)

    def __arrow_c_array__(self, requested_schema=None):
        return ArrowData(self).__arrow_c_array__(requested_schema)

    def argsort(self, *sort_columns):
        sort_columns = sort_columns or list(self.schema.idx)
        if len(sort_columns) == 1:
            return argsort(self[sort_columns[0]], kind="mergesort")
        arr = rec.fromarrays([self[n] for n in sort_columns], names=list(sort_columns))
        return argsort(arr, kind="mergesort")

    def is_sorted(self):
        "True when the index does not decrease (equal keys allowed)"
        idx_cols = list(self.schema.idx)
        if len(idx_cols) == 1:
            arr = self[idx_cols[0]]
            return bool((arr[1:] >= arr[:-1]).all())
        sort_mask = self.argsort()
        return bool((sort_mask == arange(len(sort_mask))).all())

    @classmethod
    def concat(cls, *frames):
        if len(frames) == 0:
            return None
        if len(frames) == 1:
            return frames[0]
        schema = frames[0].schema
        names = list(frames[0])
        cols = defaultdict(list)
        for frm in frames:
            if not frm.schema == schema:
                raise ValueError("Unable to concat frames with different schema")
            for name in names:
                arr = frm[name]
                if len(arr) == 0:
                    continue
                cols[name].append(arr)
        out = {}
        for name in names:
            parts = cols[name]
            out[name] = concatenate(parts) if parts else frames[0][name][:0]
        return Frame(schema, out)

    def sorted(self, *sort_columns):
        return self.mask(self.argsort(*sort_columns))

    def mask(self, mask, env=None):
        "The rows a boolean array (or an array of positions) selects"
        if isinstance(mask, str):
            mask = self.eval(mask, env=env)
        cols = {}
        for name, arr in self.columns.items():
            cols[name] = arr[mask] if len(arr) else arr
        return Frame(self.schema, cols)

    def eval(self, expr, env=None):
        raise NotAvailable(
            f"query expressions ({expr!r}) are not available in this version of lakota yet"
        )

    def reduce(self, *col_list, **col_dict):
        raise NotAvailable("Frame.reduce is not available in this version of lakota yet")

    @property
    def empty(self):
        return len(self) == 0

    def slice_index(self, start=None, stop=None, closed="l"):
        "Positions of index values `start` and `stop` (`closed`: l, r, b or n)"
        closed = Closed.cast(closed)
        idx_start = idx_stop = None
        if start is not None and len(_as_tuple(start)):
            idx_start = self.index(start, right=not closed.left)
        if stop is not None and len(_as_tuple(stop)):
            idx_stop = self.index(stop, right=closed.right)
        return idx_start, idx_stop

    def index(self, values, right=False):
        "Position of index values (a prefix of the index) in the sorted frame"
        values = _as_tuple(values)
        if not values:
            return None
        lo, hi = 0, len(self)
        for name, val in zip(self.schema.idx, values):
            arr = self.columns[name][lo:hi]
            val = self.schema[name].cast_scalar(val)
            new_lo = lo + int(searchsorted(arr, val, side="left"))
            hi = lo + int(searchsorted(arr, val, side="right"))
            lo = new_lo
        return hi if right else lo

    def slice(self, start=None, stop=None):
        "Rows from position `start` to `stop` (as Python slices)"
        slc = slice(*(slice(start, stop).indices(len(self))))
        return Frame(self.schema, {n: a[slc] for n, a in self.columns.items()})

    def islice(self, start=None, stop=None, closed="l"):
        "Rows between index values `start` and `stop`"
        return self.slice(*self.slice_index(start, stop, closed))

    def __eq__(self, other):
        if isinstance(other, Frame):
            other = other.columns
        other = self.schema.cast(other)
        return all(array_equal(self[c], other[c]) for c in self.schema.columns)

    def get(self, name, default=None):
        return self.columns.get(name, default)

    def __contains__(self, column):
        return column in self.columns

    def __len__(self):
        if not self.columns:
            return 0
        return len(next(iter(self.columns.values())))

    def keys(self):
        return list(self.columns)

    def values(self, map_dtype=None):
        if not map_dtype:
            return list(self.columns.values())
        return [self.schema[k].map_dtype(self[k], style=map_dtype) for k in self.keys()]

    def records(self, map_dtype="default"):
        "Rows as dicts; `map_dtype`: 'default' (Python types), 'epoch' or None (numpy)"
        keys = self.keys()
        for vals in zip(*self.values(map_dtype=map_dtype)):
            yield dict(zip(keys, vals))

    def start(self):
        "Index values of the first row"
        return self.schema.row(self, pos=0, full=False)

    def stop(self):
        "Index values of the last row"
        return self.schema.row(self, pos=-1, full=False)

    def __setitem__(self, name, arr):
        arr = self.schema[name].cast(arr)
        if self.columns and len(arr) != len(self):
            raise ValueError(
                f"column {name!r} has {len(arr)} values, the frame {len(self)} rows"
            )
        self.columns[name] = arr

    def __getitem__(self, by):
        if isinstance(by, slice):
            start = by.start and self.schema.deserialize(by.start)
            stop = by.stop and self.schema.deserialize(by.stop)
            return self.islice(start, stop)
        if isinstance(by, ndarray):
            return self.mask(by)
        if isinstance(by, list):
            cols = {c: self[c] for c in by}
            return Frame(Schema.from_frame(cols), cols)
        if by in self.columns:
            return self.columns[by]
        raise KeyError(by)

    def drop(self, *columns):
        return self.select([c for c in self.columns if c not in columns])

    def __iter__(self):
        return iter(self.columns)

    def select(self, keep):
        if not keep:
            return self
        if isinstance(keep, str):
            keep = [keep]
        return Frame(self.schema, {k: v for k, v in self.columns.items() if k in keep})

    def __repr__(self):
        return "\n".join(f"{name}-> {self[name]}" for name in self)


def _as_tuple(values):
    if values is None:
        return ()
    if isinstance(values, (list, tuple)):
        return tuple(values)
    return (values,)


_ARROW_NUMBERS = {
    ("i", 1): "c", ("i", 2): "s", ("i", 4): "i", ("i", 8): "l",
    ("u", 1): "C", ("u", 2): "S", ("u", 4): "I", ("u", 8): "L",
    ("f", 2): "e", ("f", 4): "f", ("f", 8): "g",
}
_ARROW_TIME_UNITS = {"s": "s", "ms": "m", "us": "u", "ns": "n"}


def _utf8(name, texts):
    "An Arrow utf8 (or large utf8) column from Python strings"
    encoded = [t.encode() for t in texts]
    lengths = [len(e) for e in encoded]
    total = sum(lengths)
    large = total >= 2**31
    offsets = zeros(len(encoded) + 1, dtype="i8" if large else "i4")
    if encoded:
        offsets[1:] = cumsum(lengths)
    data = frombuffer(b"".join(encoded) or b"\0", dtype="u1")
    return (name, "U" if large else "u", len(encoded), [offsets, data])


def _arrow_column(name, arr):
    "(name, Arrow format, length, buffers) of a numpy column"
    kind, size, n = arr.dtype.kind, arr.dtype.itemsize, len(arr)
    if (kind, size) in _ARROW_NUMBERS:
        return (name, _ARROW_NUMBERS[kind, size], n,
                [ascontiguousarray(arr, dtype=arr.dtype.newbyteorder("="))])
    if kind == "b":  # Arrow booleans are bits
        return (name, "b", n, [packbits(arr.astype(bool), bitorder="little")])
    if kind == "M":
        unit = datetime_data(arr.dtype)[0]
        if unit == "D":
            return (name, "tdD", n, [arr.view("i8").astype("i4")])
        if unit not in _ARROW_TIME_UNITS:
            arr, unit = arr.astype("M8[s]"), "s"
        return (name, f"ts{_ARROW_TIME_UNITS[unit]}:", n, [ascontiguousarray(arr).view("i8")])
    if kind == "U":
        return _utf8(name, arr.tolist())
    if kind == "O":
        return _utf8(name, [json.dumps(v) if not isinstance(v, str) else v for v in arr.tolist()])
    raise TypeError(f"column {name!r}: no Arrow type for {arr.dtype}")


class ArrowData:
    "A frame exported through the Arrow PyCapsule interface"

    def __init__(self, frame):
        self.frame = frame

    def _columns(self):
        frm = self.frame
        return [_arrow_column(c, frm.columns[c]) for c in frm.schema.columns if c in frm.columns]

    def __arrow_c_array__(self, requested_schema=None):
        return _native.arrow_array(self._columns())

    def __arrow_c_stream__(self, requested_schema=None):
        return _native.arrow_stream(self._columns())

    def __len__(self):
        return len(self.frame)

    def __repr__(self):
        return f"<ArrowData {len(self.frame)} rows: {', '.join(self.frame)}>"
