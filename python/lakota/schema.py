"""
Schemas: the typed columns of a collection, some of them the index.

```python
Schema(timestamp="timestamp*", value="float")
Schema(["timestamp timestamp*", "value float"])     # the command line's form
Schema.kv(label="str*", value="int")                 # key-value: writes upsert by key
```

A column definition is a type (an alias: `timestamp`, `date`, `float`, `int`, `str`, or a
numpy name: `float32`, `uint8`, `M8[ms]`, ...), a `*` for an index column, and optionally
codecs after a `|` (`"float|zstd"`).
"""

import json
from datetime import date, datetime

from numpy import asarray, datetime_data, dtype, issubdtype, ndarray

from . import _native
from ._arrays import from_payload, native_dtype, to_payload

ALIASES = {
    "date": "M8[D]",
    "timestamp": "M8[s]",
    "float": "f8",
    "int": "i8",
    "str": "U",
}

DTYPES = [dtype(s) for s in ("datetime64[s]", "int64", "float64", "U", "O")]

# Conversions of numpy types to Python types (`Frame.records`, `SchemaColumn.map_dtype`)
DTYPE_MAP = {
    "default": {
        dtype("M8[D]"): date,
        dtype("M8[s]"): datetime,
        dtype("float64"): float,
        dtype("int64"): int,
    },
    "epoch": {
        dtype("M8[D]"): ["M8[s]", int],
        dtype("M8[s]"): int,
        dtype("float64"): float,
        dtype("int64"): int,
    },
}

__all__ = ["Schema", "SchemaColumn", "Codec", "ALIASES"]


class Codec:
    "A column type and its chain of codecs (encoding done by the engine)"

    def __init__(self, dt, *codec_names):
        self.dt = dtype(ALIASES.get(dt, dt)) if isinstance(dt, str) else dtype(dt)
        if codec_names:
            self.codec_names = list(codec_names)
        else:
            self.codec_names = list(_native.default_codecs(native_dtype(self.dt)))

    def encode(self, arr, with_digest=False):
        "The array's encoded bytes (and, with `with_digest`, its digest)"
        name, payload = to_payload(arr, self.dt)
        data, digest = _native.encode_array(name, self.codec_names, payload)
        return (data, digest) if with_digest else data

    def decode(self, data):
        if len(data) == 0:
            return asarray([], dtype=self.dt)
        name, payload = _native.decode_array(
            native_dtype(self.dt), self.codec_names, bytes(data)
        )
        arr = from_payload(name, payload)
        if self.dt.kind in "Mm" and arr.dtype != self.dt:
            arr = arr.astype(self.dt)
        return arr

    def __eq__(self, other):
        return (
            list(self.codec_names) == list(other.codec_names)
            and _same_type(self.dt, other.dt)
        )

    def __repr__(self):
        return f"<Codec {self.dt}:{', '.join(self.codec_names)}>"


def _same_type(a, b):
    # 'U' arrays of any width are one column type
    if a.kind == "U" and b.kind == "U":
        return True
    return a == b


class SchemaColumn:
    def __init__(self, name, dt, codecs=(), idx=False):
        self.name = name
        self.codec = Codec(dt, *codecs)
        self.idx = bool(idx)

    @classmethod
    def from_ui(cls, name, definition):
        "A column from its definition text (`'timestamp*'`, `'float32|zstd'`)"
        if isinstance(definition, dtype) or isinstance(definition, type):
            definition = str(dtype(definition))
        if not isinstance(definition, str):
            raise ValueError(
                f"column {name!r}: a definition is a text such as 'float' or 'timestamp*', "
                f"not {definition!r}"
            )
        dt_name, codecs, idx = _native.parse_column(name, definition)
        return SchemaColumn(name, dt_name, codecs=codecs, idx=idx)

    def cast(self, arr):
        "`arr` as a numpy array of this column's type"
        if isinstance(arr, ndarray) and issubdtype(arr.dtype, self.codec.dt):
            return arr
        if self.codec.dt.kind == "O":
            out = asarray(arr, dtype=object)
            return out
        return asarray(arr, dtype=self.codec.dt)

    def map_dtype(self, arr, style="default"):
        "`arr` converted to Python types: 'default' (datetime, date) or 'epoch' (ints)"
        mapping = DTYPE_MAP[style]
        dts = mapping.get(self.codec.dt)
        if dts is None:
            return arr
        dts = dts if isinstance(dts, (list, tuple)) else [dts]
        for dt in dts:
            arr = arr.astype(dt)
        return arr

    def cast_scalar(self, value):
        dt = self.codec.dt
        if dt.kind in "Mm":  # in the column's unit, whatever the value's
            return dt.type(value, datetime_data(dt)[0])
        return dt.type(value)

    def dumps(self):
        return {
            "dt": native_dtype(self.codec.dt),
            "codecs": list(self.codec.codec_names),
            "idx": self.idx,
        }

    def zero(self):
        return "" if self.codec.dt.kind == "U" else 0

    def __eq__(self, other):
        return (
            isinstance(other, SchemaColumn)
            and self.name == other.name
            and self.idx == other.idx
            and self.codec == other.codec
        )

    def __repr__(self):
        return f"<SchemaColumn {self.name} {self.codec.dt}{'*' if self.idx else ''}>"


class Schema:
    def __init__(self, *definitions, **columns):
        self.kind = None
        self.columns = {}
        items = []
        for d in definitions:
            # Schema(["timestamp timestamp*", "value float"]) or Schema([("x", "int*")])
            for item in [d] if isinstance(d, str) else d:
                if isinstance(item, str):
                    name, _, definition = item.strip().partition(" ")
                    items.append((name, definition.strip()))
                else:
                    items.append(tuple(item))
        items.extend(columns.items())
        for name, definition in items:
            if name in self.columns:
                raise ValueError(f"Invalid schema, column {name!r} is defined twice")
            if not isinstance(definition, SchemaColumn):
                definition = SchemaColumn.from_ui(name, definition)
            self.columns[name] = definition

        self.idx = {n: c for n, c in self.columns.items() if c.idx}
        self.non_idx = {n: c for n, c in self.columns.items() if not c.idx}
        if len(self.idx) == 0:
            raise ValueError("Invalid schema, no index defined")
        _native.check_schema(self._native_json())  # codecs that fit their types

    def clone(self, *keep):
        cols = keep or list(self)
        return Schema(**{c: self[c] for c in cols})

    @classmethod
    def kv(cls, *definitions, **columns):
        schema = Schema(*definitions, **columns)
        schema.kind = "kv"
        return schema

    @classmethod
    def from_frame(cls, frame, idx_columns=None):
        "A schema from the names and types of a frame's columns (a dict or a DataFrame)"
        idx_columns = idx_columns or list(frame)
        col_defs = {}
        for name in frame:
            arr = frame[name]
            dt = getattr(arr, "dtype", None)
            if not isinstance(dt, dtype):  # a list, or a pandas extension type
                dt = asarray(arr).dtype
            col_defs[name] = SchemaColumn(name, dt, [], name in idx_columns)
        return Schema(**col_defs)

    def serialize(self, values):
        if values is None or (isinstance(values, (list, tuple)) and not values):
            return tuple()
        if not isinstance(values, (list, tuple)):
            values = (values,)
        return tuple(str(val) for _, val in zip(self.columns.values(), values))

    def deserialize(self, values=tuple()):
        if values is None or (isinstance(values, (list, tuple)) and not values):
            return tuple()
        if not isinstance(values, (list, tuple)):
            values = (values,)
        return tuple(
            col.cast_scalar(val) for col, val in zip(self.columns.values(), values)
        )

    @classmethod
    def loads(cls, data):
        if isinstance(data, (str, bytes)):
            data = json.loads(data)
        columns = {
            name: SchemaColumn(name, opts["dt"], opts.get("codecs", ()), opts.get("idx", False))
            for name, opts in data["columns"].items()
        }
        if data.get("kind") == "kv":
            return Schema.kv(**columns)
        return Schema(**columns)

    def dumps(self):
        return {
            "kind": self.kind,
            "columns": {c.name: c.dumps() for c in self.columns.values()},
        }

    def _native_json(self):
        return json.dumps(self.dumps())

    def __iter__(self):
        return iter(self.columns.keys())

    def __contains__(self, name):
        return name in self.columns

    def __len__(self):
        return len(self.columns)

    def __repr__(self):
        cols = [f"{c.name} {c.codec.dt}{'*' if c.idx else ''}" for c in self.columns.values()]
        return "<Schema {}>".format(" ".join(cols))

    def __eq__(self, other):
        if not isinstance(other, Schema):
            return NotImplemented
        return self.kind == other.kind and list(self.columns.values()) == list(
            other.columns.values()
        )

    def __hash__(self):
        return hash(tuple(self.columns))

    def cast(self, df=None):
        "A dict of numpy arrays of the schema's types, from a dict-like `df`"
        if df is None:
            df = {}
            columns = list(self)
        else:
            columns = [c for c in df if c in self]
        return {name: self[name].cast(df.get(name, [])) for name in columns}

    def __getitem__(self, name):
        return self.columns[name]

    def row(self, df, pos, full=True):
        "The values of row `pos` (of the index columns only, unless `full`)"
        cols = self.columns if full else self.idx
        return tuple(df[n][pos] for n in cols)

    def __matmul__(self, labels):
        if not isinstance(labels, (list, tuple)):
            labels = [labels]
        return SeriesDefinition(self, labels)


class SeriesDefinition:
    def __init__(self, schema, labels):
        self.schema = schema
        self.labels = labels
