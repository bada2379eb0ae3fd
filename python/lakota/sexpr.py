"""
Query expressions (s-expressions such as `(= (% self.x 2) 0)`), used by `Frame.mask`,
`Frame.reduce` and `Frame.eval`.

Their evaluation is not available in this version: it comes with the query work. The
names exist so that code importing them loads.
"""

from .errors import NotAvailable

__all__ = ["AST", "Alias"]

_MESSAGE = (
    "query expressions ({what}) are not available in this version of lakota yet"
)


class Alias:
    def __init__(self, value, name):
        self.value = value
        self.name = name


class AST:
    aggregates = (
        "min",
        "max",
        "sum",
        "mean",
        "average",
        "first",
        "last",
        "count",
        "len",
        "quantile",
    )

    def __init__(self, tokens=None):
        self.tokens = tokens

    @classmethod
    def parse(cls, expr):
        raise NotAvailable(_MESSAGE.format(what=repr(expr)))

    def is_aggregate(self):
        raise NotAvailable(_MESSAGE.format(what="is_aggregate"))

    def eval(self, env=None):
        raise NotAvailable(_MESSAGE.format(what="eval"))
