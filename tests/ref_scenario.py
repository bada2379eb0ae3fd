"""Applies a scenario (JSON lines, see driver/scenario.cc) to a repository with the
reference implementation's Python API. Run with the reference's virtual environment."""
import csv
import io
import json
import sys

import ref_env  # noqa: F401  (the zstd level of the reference's time)
from lakota import Repo, Schema


def frame(text):
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], [r for r in rows[1:] if r]
    return {name: [r[k] for r in body] for k, name in enumerate(header)}


def main(uri, path):
    repo = Repo(uri)
    for line in open(path):
        if not line.strip():
            continue
        op = json.loads(line)
        if op["op"] == "create":
            cols = dict(c.split(" ", 1) for c in op["columns"])
            repo.create_collection(Schema(**cols), op["collection"])
        elif op["op"] in ("write", "delete"):
            clct_name, series_name = op["series"].split("/", 1)
            series = repo / clct_name / series_name
            if op["op"] == "write":
                schema = series.schema
                start = schema.deserialize(tuple(op["start"])) if "start" in op else None
                stop = schema.deserialize(tuple(op["stop"])) if "stop" in op else None
                series.write(frame(op["csv"]), start=start, stop=stop, closed=op.get("closed", "b"))
            else:
                schema = series.schema
                start = schema.deserialize(tuple(op["start"]))
                stop = schema.deserialize(tuple(op["stop"]))
                series.delete(start, stop, closed=op.get("closed", "b"))
        elif op["op"] == "batch":
            clct = repo / op["collection"]
            with clct.multi():
                for w in op["writes"]:
                    (clct / w["series"]).write(frame(w["csv"]))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
