"""
numpy arrays to and from the engine (see src/python/convert.h for the payloads).

Out of the engine, numbers and times are numpy arrays over the engine's own buffers (no
copy, read-only); strings are copied once into a numpy 'U' array. Into the engine,
contiguous arrays of the column's exact type are passed without a copy.
"""

import json

import numpy

from . import _native


def native_dtype(dt):
    "The engine's name for a numpy dtype"
    dt = numpy.dtype(dt)
    if dt.kind == "U":
        return "<U0"
    if dt.kind == "O":
        return "object"
    return str(dt)


def to_payload(arr, dt):
    "(engine dtype name, payload) of `arr` converted to numpy dtype `dt`"
    dt = numpy.dtype(dt)
    kind = dt.kind
    if kind == "O":
        return "object", [json.dumps(_jsonable(v)) for v in arr]
    if kind == "U":
        arr = numpy.asarray(arr)
        if arr.dtype.kind != "U":
            arr = arr.astype("U")
        if len(arr) == 0:
            return "<U0", None
        arr = numpy.ascontiguousarray(arr)
        width = arr.dtype.itemsize // 4
        if width == 0:
            arr = arr.astype("<U1")
            width = 1
        if arr.dtype.byteorder == ">":
            arr = arr.astype(arr.dtype.newbyteorder("<"))
        return "<U0", arr.view(numpy.uint32).reshape(len(arr), width)
    native = dt.newbyteorder("=")
    arr = numpy.ascontiguousarray(arr, dtype=native)
    if arr.ndim != 1:
        raise ValueError(f"a column must be one-dimensional, not of shape {arr.shape}")
    if len(arr) == 0:
        return str(native), None
    if kind in "Mm":
        return str(native), arr.view("i8")
    return str(native), arr


def from_payload(name, payload):
    "A numpy array from (engine dtype name, payload)"
    if payload is None:
        return numpy.empty(0, dtype=numpy.dtype(name))
    if name.startswith(("datetime64", "timedelta64")):
        return payload.view(name)
    if name.startswith("<U"):
        n, width = payload.shape
        return payload.view(f"<U{width}").reshape(n)
    if name == "object":
        out = numpy.empty(len(payload), dtype=object)
        for i, text in enumerate(payload):
            out[i] = json.loads(text)
        return out
    return payload


def _jsonable(v):
    if isinstance(v, numpy.generic):
        return v.item()
    return v


def columns_to_native(schema, columns):
    "[(name, dtype name, payload)] for the engine, in schema order"
    out = []
    for name in schema:
        if name not in columns:
            continue
        dt = schema[name].codec.dt
        out.append((name, *to_payload(columns[name], dt)))
    return out


def columns_from_native(items):
    return {name: from_payload(dt, payload) for name, dt, payload in items}


def scalar_to_native(column, value):
    """
    A bound value for the engine: a Python scalar of the column's type. A time is ticks
    of the column's unit (an int) or ISO text, which the engine reads as it reads the
    command line's bounds (a time finer than the unit is rounded into the range).
    """
    kind = column.codec.dt.kind
    if kind in "Mm":
        if isinstance(value, (int, numpy.integer)) and not isinstance(value, bool):
            return int(value)
        if isinstance(value, str):
            return value
        return str(numpy.datetime64(value))
    if isinstance(value, numpy.generic):
        value = value.item()
    if kind == "U":
        return str(value)
    if kind == "f":
        return float(value)
    if kind == "b":
        return bool(value)
    if kind in "iu":
        if isinstance(value, float) and not value.is_integer():
            raise ValueError(f"bound {value!r} of integer column {column.name!r}")
        return int(value)
    return value


def bound_to_native(schema, values):
    "Index values (a scalar, or a tuple of one per index column) for the engine"
    if values is None:
        return None
    if not isinstance(values, (list, tuple)):
        values = (values,)
    if len(values) == 0:
        return None
    idx = [schema[n] for n in schema.idx]
    if len(values) > len(idx):
        raise ValueError(
            f"{len(values)} bound values for {len(idx)} index column(s) ({', '.join(schema.idx)})"
        )
    return [scalar_to_native(col, v) for col, v in zip(idx, values)]


def bound_from_native(schema, values):
    "Index values from the engine, as numpy scalars of the index columns"
    out = []
    for col, v in zip((schema[n] for n in schema.idx), values):
        dt = col.codec.dt
        if dt.kind in "Mm":
            out.append(numpy.array([v], dtype="i8").view(dt)[0])
        else:
            out.append(dt.type(v))
    return tuple(out)

