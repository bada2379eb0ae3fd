"""
Pods: where a repository's files live. `POD.from_uri` opens one from a URI:

| URI                         | pod                                          |
|-----------------------------|----------------------------------------------|
| `memory://` (or nothing)    | `MemPOD`, in this process's memory           |
| `some/path`, `file:///rel`, | `FilePOD`, a local folder                    |
| `file:////abs`              |                                              |
| `s3:///bucket/prefix`,      | `S3POD`, a bucket of AWS S3 or of any        |
| `s3://host:port/bucket/pfx` | S3-compatible store (README, "S3")           |
| a list `[local, remote]`    | `CachePOD`: reads through `local`, writes    |
|                             | through to `remote`                          |

The file operations (`ls`, `read`, `write`, `rm`, `mv`, `walk`, `cd`) behave as the
reference's: a missing file or folder raises `FileNotFoundError`, `write` does not
overwrite an existing file unless `force=True`.
"""

import errno
import os
from pathlib import Path, PurePosixPath
from urllib.parse import quote, urlsplit

from . import _native
from .errors import NotAvailable, NotFound

__all__ = ["POD", "FilePOD", "MemPOD", "S3POD", "CachePOD", "HttpPOD"]


def _join(prefix, relpath):
    "Join and normalise a relative path ('.' and empty parts dropped)"
    parts = [p for p in str(prefix).split("/") if p not in ("", ".")]
    for p in str(relpath).split("/"):
        if p in ("", "."):
            continue
        if p == "..":
            raise ValueError(f"path {relpath!r}: '..' is not allowed in a pod")
        parts.append(p)
    return "/".join(parts)


class POD:
    "Base class of pods"

    protocol = None
    # In a bucket, folders are only key prefixes: listing one that holds nothing gives an
    # empty list, as the reference's S3 pod does, instead of FileNotFoundError.
    _folders_are_prefixes = False

    def __init__(self, native, prefix="", path="."):
        self._root = native  # the pod at the root of the location
        self._prefix = prefix  # this pod's folder in it
        self.path = path

    @classmethod
    def from_uri(cls, uri=None, **kwargs):
        if uri and isinstance(uri, (tuple, list)):
            if len(uri) > 1:
                return CachePOD(
                    local=POD.from_uri(uri[0]), remote=POD.from_uri(uri[1:])
                )
            return POD.from_uri(uri[0])
        if isinstance(uri, os.PathLike):
            uri = os.fspath(uri)
        if not uri or uri == ":memory:":
            return MemPOD(".")
        scheme = urlsplit(uri).scheme
        if scheme == "s3":
            return S3POD(uri)
        if scheme in ("http", "https"):
            return HttpPOD(uri)
        # Paths, file:// and memory:// URIs: read by the engine, as the command line reads -r.
        native = _native.pod_from_uri(uri)
        if native.uri.startswith("memory://"):
            return MemPOD._wrap(native, PurePosixPath("."))
        return FilePOD._wrap(native, Path(native.uri))

    @classmethod
    def _wrap(cls, native, path):
        pod = object.__new__(cls)
        POD.__init__(pod, native, "", path)
        return pod

    # The engine's view of this pod.
    def _native_pod(self):
        return self._root.cd(self._prefix) if self._prefix else self._root

    def _full(self, relpath):
        return _join(self._prefix, relpath)

    def cd(self, *others):
        rel = "/".join(str(o) for o in others)
        pod = self._wrap(self._root, self.path / rel)
        pod._prefix = self._full(rel)
        return pod

    def __truediv__(self, relpath):
        return self.cd(relpath)

    def __repr__(self):
        return f"<{type(self).__name__} {self._native_pod().uri}>"

    def isdir(self, relpath="."):
        return self._root.isdir(self._full(relpath))

    def isfile(self, relpath):
        full = self._full(relpath)
        return self._root.size(full) is not None and not self._root.isdir(full)

    def exists(self, relpath):
        full = self._full(relpath)
        return self._root.isdir(full) or self._root.size(full) is not None

    def ls(self, relpath=".", missing_ok=False):
        full = self._full(relpath)
        if not self._root.isdir(full):
            if self._root.size(full) is not None:
                raise NotADirectoryError(errno.ENOTDIR, "Not a directory", full)
            if missing_ok or self._folders_are_prefixes or (not full and not self._prefix):
                return []
            raise FileNotFoundError(errno.ENOENT, "No such file or directory", full)
        return self._root.ls(full)

    def read(self, relpath, mode="rb"):
        full = self._full(relpath)
        try:
            data = self._root.read(full)
        except NotFound:
            raise FileNotFoundError(errno.ENOENT, "No such file", full) from None
        return data.decode() if "b" not in mode else data

    def write(self, relpath, data, mode="wb", force=False):
        "Writes a file; returns its size, or None when it existed (and `force` is off)"
        if isinstance(data, str):
            data = data.encode()
        data = bytes(data)
        if self._root.write(self._full(relpath), data, force):
            return len(data)
        return None

    def rm(self, relpath=".", recursive=False, missing_ok=False):
        full = self._full(relpath)
        if not recursive and self._root.isdir(full) and self._root.ls(full):
            raise OSError(errno.ENOTEMPTY, "Directory not empty", full)
        if not self._root.rm(full, recursive):
            if not missing_ok:
                raise FileNotFoundError(errno.ENOENT, "No such file or directory", full)

    def rm_many(self, pathes, recursive=False):
        for path in pathes:
            self.rm(path, recursive=recursive)

    def mv(self, from_path, to_path, missing_ok=False):
        src, dst = self._full(from_path), self._full(to_path)
        if not self._root.mv(src, dst) and not missing_ok:
            raise FileNotFoundError(errno.ENOENT, "No such file", src)

    def walk(self, max_depth=None):
        "Paths of the files below this pod, at most `max_depth` folders deep"
        if max_depth is not None and max_depth <= 0:
            return []
        paths = self._root.walk(self._prefix, 0)
        if self._prefix:
            cut = len(self._prefix) + 1
            paths = [p[cut:] for p in paths]
        if max_depth is None:
            return paths
        # max_depth counts the parts of a path: 'a/b' is at depth 2
        return [p for p in paths if p.count("/") < max_depth]

    @property
    def size(self):
        return sum(self._root.size(self._full(p)) or 0 for p in self.walk())


class MemPOD(POD):
    """
    Files in this process's memory. `lru_size` is accepted for compatibility; this pod
    keeps everything (no LRU eviction).
    """

    protocol = "memory"

    def __init__(self, path=".", lru_size=None):
        super().__init__(_native.memory_pod(), "", PurePosixPath(path))


class FilePOD(POD):
    "Files in a local folder (created on the first write)"

    protocol = "file"

    def __init__(self, path):
        path = Path(path)
        super().__init__(_native.file_pod(str(path)), "", path)


class _Unavailable(POD):
    _what = ""

    def __init__(self, *args, **kwargs):
        raise NotAvailable(
            f"{self._what} is not available in this version of lakota yet"
        )


class S3POD(POD):
    """
    A bucket of AWS S3 or of an S3-compatible store (MinIO, Ceph, R2...). Built from an
    `s3://` URI, or with the reference's arguments: `S3POD("bucket/prefix",
    netloc="host:port", profile=..., verify=..., key=..., secret=..., token=...)`.
    """

    protocol = "s3"
    _folders_are_prefixes = True

    def __init__(self, path, netloc=None, profile=None, verify=True, client=None,
                 key=None, secret=None, token=None):
        if client is not None:
            raise NotAvailable("S3POD(client=...): a boto3 client cannot drive this engine; "
                               "give the endpoint, region and credentials instead")
        path = str(path)
        if path.startswith("s3://"):
            uri = path
        else:
            options = {"profile": profile, "key": key, "secret": secret, "token": token}
            query = [f"{k}={quote(v, safe='')}" for k, v in options.items() if v]
            if not verify:
                query.append("verify=false")
            uri = f"s3://{netloc or ''}/{path.lstrip('/')}" + ("?" + "&".join(query) if query else "")
        native = _native.pod_from_uri(uri)
        parts = [p for p in urlsplit(uri).path.split("/") if p]
        super().__init__(native, "", PurePosixPath(*parts[1:]) if len(parts) > 1 else PurePosixPath("."))
        self.bucket = PurePosixPath(parts[0]) if parts else None


class CachePOD(POD):
    """
    `local` (a folder or memory) in front of `remote`: reads are served by the local
    copy when it has the file, writes go to the remote then to the local copy, and what
    exists is always asked of the remote.
    """

    def __init__(self, local, remote):
        self.local = local
        self.remote = remote
        self.protocol = f"{local.protocol}+{remote.protocol}"
        self._folders_are_prefixes = remote._folders_are_prefixes
        native = _native.cache_pod(local._native_pod(), remote._native_pod())
        super().__init__(native, "", local.path)

    def cd(self, *others):
        return CachePOD(self.local.cd(*others), self.remote.cd(*others))


class HttpPOD(_Unavailable):
    "A repository served by `lakota serve` (not available in this version yet)"
    protocol = "http"
    _what = "the HTTP pod (http:// URIs)"
