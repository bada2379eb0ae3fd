"""
Repo: a storage location holding collections.

```python
repo = Repo()                         # in memory
repo = Repo("my-data-folder")         # a local folder (or "file:///path")
repo = Repo(pod=POD.from_uri(...))
clct = repo.create_collection(Schema(timestamp="timestamp*", value="float"), "temperature")
repo.ls()                             # collection labels
clct = repo / "temperature"           # None when there is no such collection
repo.pull(other_repo)                 # copy the collections of another repository
hard, soft = repo.gc()                # delete data that no revision references
```
"""

import json
from datetime import datetime

from . import _native
from .collection import Collection
from .errors import NotFound
from .pod import POD
from .schema import Schema
from .utils import settings

__all__ = ["Repo"]


class Repo:
    schema = Schema.kv(label="str*", meta="O")

    def __init__(self, uri=None, pod=None):
        """
        `uri`: a path or URI (see `lakota.pod`), or a list of them (a cache); `pod`: a
        `lakota.pod.POD` instead.
        """
        pod = pod or POD.from_uri(uri)
        self.pod = pod
        self._native = _native.Repo(
            pod._native_pod(),
            auto_merge=settings.auto_merge,
            verify_digests=settings.verify_digests,
        )
        self.registry = Collection(self._native.registry, self, schema=Repo.schema)

    def __repr__(self):
        return f"<Repo {self.pod._native_pod().uri}>"

    def ls(self):
        "Labels of the collections, sorted"
        return self._native.ls()

    def __iter__(self):
        return self.search()

    def search(self, label=None, namespace="collection"):
        "The collections (only `label`'s, when given)"
        if label:
            found = self._native.find(label)
            items = [found] if found is not None else []
        else:
            items = self._native.collections()
        for native in items:
            yield Collection(native, self)

    def __truediv__(self, name):
        return self.collection(name)

    def collection(self, label, from_frm=None, namespace="collection"):
        "The collection `label`, or None when there is none"
        native = self._native.find(label)
        if native is None:
            return None
        return Collection(native, self)

    def create_collection(self, schema, *labels, raise_if_exists=True, namespace="collection"):
        """
        Creates collections of `schema`; returns the collection (or the list of them
        when several labels are given). An existing label raises ValueError unless
        `raise_if_exists` is False.
        """
        if not isinstance(schema, Schema):
            raise TypeError("The schema parameter must be an instance of lakota.Schema")
        if not labels:
            raise ValueError("create_collection: give at least one label")
        clean = []
        for label in labels:
            label = label.strip()
            if len(label) == 0:
                raise ValueError(f"Invalid label: {label!r}")
            clean.append(label)
        natives = self._native.create_collections(
            schema._native_json(), clean, exist_ok=not raise_if_exists
        )
        res = [Collection(n, self) for n in natives]
        return res[0] if len(labels) == 1 else res

    def delete(self, *labels, namespace="collection"):
        "Removes collections and their data (unknown labels are ignored)"
        self._native.delete(list(labels))

    def rename(self, from_label, to_label, namespace="collection"):
        "Changes the label of a collection"
        self._native.rename(from_label, to_label)

    def refresh(self):
        "Kept for compatibility: every read lists the repository afresh"

    def push(self, remote, *labels, shallow=False):
        "Copies collections (all, or `labels`) to `remote`"
        return remote.pull(self, *labels, shallow=shallow)

    def pull(self, remote, *labels, shallow=False):
        """
        Copies the collections of `remote` (all, or `labels`): their revisions, data and
        tags. `shallow` copies only the current state. A collection whose schema differs
        on the two sides raises ValueError before anything is written.
        """
        if not isinstance(remote, Repo):
            raise TypeError("Repo.pull: a Repo instance is required")
        return _native.pull(self._native, remote._native, list(labels), shallow)

    def merge(self):
        "Merges the registry (collections created or deleted concurrently)"
        return self.registry.merge()

    def gc(self, dry_run=False):
        """
        Deletes the data files no revision references, in two phases: soft-deleted
        (renamed) first, deleted `settings.timeout` seconds later. Returns
        (hard deletions, soft deletions).
        """
        report = _native.gc(self._native, dry_run, int(settings.timeout * 1000))
        return report["hard_deleted"], report["soft_deleted"]

    def verify(self):
        """
        Recomputes every digest of the repository; returns the list of problems found
        (empty when everything is sound), each naming its file.
        """
        return _native.verify(self._native)["problems"]

    def export_collections(self, dest, collections=None, file_type="csv"):
        "Writes collections to `dest` (a pod or URI): _schema.json and one CSV per series"
        if file_type != "csv":
            raise ValueError(f'Unsupported file type "{file_type}" (only csv)')
        if not isinstance(dest, POD):
            dest = POD.from_uri(dest)
        _native.export_collections(self._native, dest._native_pod(), list(collections or []))

    def import_collections(self, src, collections=None):
        "Reads collections exported by `export_collections` (from a pod or URI)"
        if not isinstance(src, POD):
            src = POD.from_uri(src)
        _native.import_collections(self._native, src._native_pod(), list(collections or []))
