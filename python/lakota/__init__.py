"""
# Lakota

A version-control system for numerical series, inspired by Git: series of typed columns
written and read by index range, every write a commit in a changelog, kept in memory, in
a local folder or (later) on S3. This package is the Python face of a C++ engine, and a
drop-in for the API of the reference Lakota (0.7.1).

``` python
from lakota import Repo, Schema

ts_schema = Schema(timestamp="timestamp*", value="float")
repo = Repo("my-data-folder")
clct = repo.create_collection(ts_schema, "temperature")
series = clct.series("Brussels")
series.write({"timestamp": ["2020-01-01", "2020-01-02"], "value": [1, 2]})
print(series.df(stop="2020-01-02"))
```
"""

from . import _native
from .changelog import Changelog, Revision, phi
from .collection import Collection
from .errors import (
    Conflict,
    CorruptData,
    Error,
    InternalError,
    InvalidInput,
    NotAvailable,
    NotFound,
    StorageError,
)
from .frame import Frame
from .pod import POD, CachePOD, FilePOD, MemPOD, S3POD
from .repo import Repo
from .schema import Schema
from .series import KVSeries, Series

__version__ = _native.version

__all__ = [
    "Repo",
    "Schema",
    "Collection",
    "Series",
    "KVSeries",
    "Frame",
    "POD",
    "MemPOD",
    "FilePOD",
    "S3POD",
    "CachePOD",
    "Changelog",
    "Revision",
    "Error",
    "InvalidInput",
    "NotFound",
    "Conflict",
    "CorruptData",
    "StorageError",
    "InternalError",
    "NotAvailable",
]
