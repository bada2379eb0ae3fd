"""
Errors of the Lakota engine, as Python exceptions.

Every error the engine raises is a `lakota.Error`; each kind is also the built-in
exception Python code expects for it, so that `except ValueError` or `except OSError`
catch what they should:

| class           | also a                  | raised for                                        |
|-----------------|-------------------------|---------------------------------------------------|
| `InvalidInput`  | `ValueError`            | bad input: a value, a schema, an unsorted index   |
| `NotFound`      | `KeyError`, `ValueError`| an unknown collection, series, revision or file   |
| `Conflict`      | `ValueError`            | an existing name, a concurrent change, a schema   |
|                 |                         | that differs between two repositories             |
| `CorruptData`   | `OSError`               | stored data that fails its checks                 |
| `StorageError`  | `OSError`               | the storage backend failed                        |
| `AccessDenied`  | `StorageError`,         | the store refused the credentials (S3 403)        |
|                 | `PermissionError`       |                                                   |
| `InternalError` | `RuntimeError`          | a bug of the engine                               |

`NotFound` and `Conflict` are also `ValueError` because the reference raises
`ValueError` in those cases. The message is the engine's, unchanged.
"""

__all__ = [
    "Error",
    "InvalidInput",
    "NotFound",
    "Conflict",
    "CorruptData",
    "StorageError",
    "AccessDenied",
    "InternalError",
    "NotAvailable",
]


class Error(Exception):
    "Base class of the errors of Lakota"

    def __str__(self):
        # KeyError would quote its message
        return str(self.args[0]) if self.args else ""


class InvalidInput(Error, ValueError):
    "Bad input from the caller"


class NotFound(Error, KeyError, ValueError):
    "A collection, series, revision or file that does not exist"


class Conflict(Error, ValueError):
    "An existing name, or a concurrent change that prevents the operation"


class CorruptData(Error, OSError):
    "Stored data that does not decode or does not match its checksum"


class StorageError(Error, OSError):
    "The storage backend failed"


class AccessDenied(StorageError, PermissionError):
    "The store refused the credentials, or what they allow"


class InternalError(Error, RuntimeError):
    "A bug, or a resource failure, of the engine itself"


class NotAvailable(Error, NotImplementedError):
    "A feature that this version does not have yet"
