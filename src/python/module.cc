// lakota._native: the engine for the Python package. Thin bindings: argument conversion
// (convert.h), the GIL released around engine work, and engine errors raised as the
// classes of lakota.errors. The Python API the users see (python/lakota) is built on this.
#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/set.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/string_view.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include <set>

#include "arrow.h"
#include "convert.h"
#include "lakota/api/diff.h"
#include "lakota/api/exchange.h"
#include "lakota/api/maintenance.h"
#include "lakota/api/repo.h"
#include "lakota/api/sync.h"
#include "lakota/error.h"
#include "lakota/storage/s3.h"
#include "lakota/text/csv_frame.h"

namespace nb = nanobind;
using namespace nb::literals;
using namespace lakota;
using lakota::py::frame_from_py;
using lakota::py::frame_to_py;
using lakota::py::bounds_from_py;
using lakota::py::tuple_from_py;
using lakota::py::tuple_to_py;

namespace {

// The exception classes of lakota.errors, looked up when first needed (the Python package
// imports this module before it defines them).
PyObject* error_class(const char* name) {
  nb::object cls = nb::module_::import_("lakota.errors").attr(name);
  return cls.release().ptr();  // kept for the life of the process
}

void translate(const std::exception_ptr& p, void*) {
  static PyObject* internal = nullptr;
  static PyObject* invalid = nullptr;
  static PyObject* not_found = nullptr;
  static PyObject* corrupt = nullptr;
  static PyObject* conflict = nullptr;
  static PyObject* storage = nullptr;
  static PyObject* denied = nullptr;
  auto raise = [](PyObject*& cls, const char* name, const char* what) {
    if (!cls) cls = error_class(name);
    PyErr_SetString(cls, what);
  };
  try {
    std::rethrow_exception(p);
  } catch (const Error& e) {
    switch (e.kind()) {
      case ErrorKind::InvalidInput: raise(invalid, "InvalidInput", e.what()); break;
      case ErrorKind::NotFound: raise(not_found, "NotFound", e.what()); break;
      case ErrorKind::CorruptData: raise(corrupt, "CorruptData", e.what()); break;
      case ErrorKind::Conflict: raise(conflict, "Conflict", e.what()); break;
      case ErrorKind::Storage: raise(storage, "StorageError", e.what()); break;
      case ErrorKind::AccessDenied: raise(denied, "AccessDenied", e.what()); break;
      default: raise(internal, "InternalError", e.what()); break;
    }
  }
}

nb::tuple revision_to_py(const Revision& r) { return nb::make_tuple(r.parent, r.child, r.is_head); }

nb::list revisions_to_py(const std::vector<Revision>& revs) {
  nb::list out;
  for (const auto& r : revs) out.append(revision_to_py(r));
  return out;
}

Query make_query(const Schema& schema, nb::handle start, nb::handle stop, const std::string& closed,
                 std::optional<int64_t> before_ms, const std::string& revision, std::vector<std::string> select,
                 std::optional<size_t> limit, size_t offset) {
  auto b = bounds_from_py(schema, start, stop, closed);
  Query q;
  q.start = std::move(b.start);
  q.stop = std::move(b.stop);
  q.closed = b.closed;
  q.before_ms = before_ms;
  q.revision = revision;
  q.select = std::move(select);
  q.limit = limit;
  q.offset = offset;
  return q;
}

WriteOptions write_options(const Schema& schema, nb::handle start, nb::handle stop, const std::string& closed,
                           bool root = false) {
  auto b = bounds_from_py(schema, start, stop, closed);
  WriteOptions o;
  if (!start.is_none()) o.start = std::move(b.start);
  if (!stop.is_none()) o.stop = std::move(b.stop);
  o.closed = b.closed;
  o.root = root;
  return o;
}

std::string schema_json(const Schema& s) { return s.to_json().dump(); }
Schema schema_from_json(const std::string& text) {
  Json j;
  try {
    j = Json::parse(text);
  } catch (const Json::exception& e) {
    throw InvalidInput(std::string("schema: not JSON: ") + e.what());
  }
  try {
    return Schema::from_json(j);
  } catch (const CorruptData& e) {  // from a caller, not from storage
    throw InvalidInput(e.what());
  }
}

nb::dict sync_report(const SyncReport& r) {
  nb::dict d;
  d["collections"] = r.collections;
  d["revisions"] = r.revisions;
  d["segments"] = r.segments;
  d["restored"] = r.restored;
  d["repaired"] = r.repaired;
  d["tags"] = r.tags;
  d["bytes"] = r.bytes;
  d["warnings"] = r.warnings;
  return d;
}

}  // namespace

NB_MODULE(_native, m) {
  m.doc() = "The Lakota engine (C++), for the lakota package";
  m.attr("version") = LAKOTA_VERSION;
  nb::register_exception_translator(translate);

  // ---- pods ----
  nb::class_<Pod>(m, "Pod")
      .def("ls", &Pod::ls, "path"_a = "", nb::call_guard<nb::gil_scoped_release>())
      .def(
          "read",
          [](const Pod& p, const std::string& path) {
            std::string data;
            {
              nb::gil_scoped_release release;
              data = p.read(path);
            }
            return nb::bytes(data.data(), data.size());
          },
          "path"_a)
      .def(
          "write",
          [](Pod& p, const std::string& path, nb::bytes data, bool overwrite) {
            std::string_view view(static_cast<const char*>(data.data()), data.size());
            nb::gil_scoped_release release;
            return p.write(path, view, overwrite);
          },
          "path"_a, "data"_a, "overwrite"_a = false)
      .def("rm", &Pod::rm, "path"_a, "recursive"_a = false, nb::call_guard<nb::gil_scoped_release>())
      .def("mv", &Pod::mv, "src"_a, "dst"_a, nb::call_guard<nb::gil_scoped_release>())
      .def("isdir", &Pod::isdir, "path"_a, nb::call_guard<nb::gil_scoped_release>())
      .def("size", &Pod::size, "path"_a, nb::call_guard<nb::gil_scoped_release>())
      .def("cd", &Pod::cd, "path"_a)
      .def("walk", &Pod::walk, "path"_a = "", "max_depth"_a = 0, nb::call_guard<nb::gil_scoped_release>())
      .def_prop_ro("uri", &Pod::uri);
  // Opening an S3 pod reads ~/.aws files: no GIL needed.
  m.def("pod_from_uri", &pod_from_uri, "uri"_a, nb::call_guard<nb::gil_scoped_release>());
  m.def("cache_pod", &make_cache_pod, "local"_a, "remote"_a);
  m.def("memory_pod", &make_memory_pod);
  m.def("file_pod", [](const std::string& root) { return make_file_pod(root); }, "root"_a);

  // ---- schemas and codecs ----
  m.def(
      "parse_column",
      [](const std::string& name, const std::string& definition) {
        ColumnDef d = ColumnDef::parse(name, definition);
        return nb::make_tuple(d.dtype.name(), d.codecs, d.idx);
      },
      "name"_a, "definition"_a);
  m.def("default_codecs", [](const std::string& dt) { return ColumnDef::default_codecs(DType::parse(dt)); });
  m.def("check_schema", [](const std::string& json) { return schema_json(schema_from_json(json)); });
  m.def(
      "encode_array",
      [](const std::string& dt, const std::vector<std::string>& codecs, nb::handle payload) {
        ColumnDef def{"array", DType::parse(dt), codecs, false};
        Column col = py::column_from_py(dt, payload);
        EncodedColumn enc;
        {
          nb::gil_scoped_release release;
          enc = encode_column(def, col);
        }
        return nb::make_tuple(nb::bytes(enc.data().data(), enc.data().size()), enc.digest);
      },
      "dt"_a, "codecs"_a, "payload"_a);
  m.def(
      "decode_array",
      [](const std::string& dt, const std::vector<std::string>& codecs, nb::bytes data) {
        ColumnDef def{"array", DType::parse(dt), codecs, false};
        std::string_view bytes(static_cast<const char*>(data.data()), data.size());
        Column col;
        {
          nb::gil_scoped_release release;
          col = decode_column(def, bytes, "array");
        }
        return py::column_to_py(col);
      },
      "dt"_a, "codecs"_a, "data"_a);

  // ---- changelog ----
  nb::class_<Changelog>(m, "Changelog")
      .def(nb::init<PodPtr>(), "pod"_a)
      .def(
          "log",
          [](const Changelog& c) {
            History h;
            {
              nb::gil_scoped_release release;
              h = c.history();
            }
            return revisions_to_py(h.log());
          })
      .def(
          "read",
          [](const Changelog& c, const std::string& parent, const std::string& child) {
            std::string data;
            {
              nb::gil_scoped_release release;
              data = c.read(Revision{parent, child});
            }
            return nb::bytes(data.data(), data.size());
          },
          "parent"_a, "child"_a)
      .def(
          "commit",
          [](Changelog& c, nb::bytes payload, std::optional<std::vector<std::string>> parents) {
            std::string data(static_cast<const char*>(payload.data()), payload.size());
            std::vector<Revision> revs;
            {
              nb::gil_scoped_release release;
              if (parents) {
                std::vector<Revision> bases;
                for (const auto& p : *parents) bases.push_back(Revision{"", p});
                revs = c.commit_merge(data, bases);
              } else {
                auto leaf = c.leaf();
                revs = c.commit(data, leaf ? &*leaf : nullptr);
              }
            }
            return revisions_to_py(revs);
          },
          "payload"_a, "parents"_a = nb::none());

  // ---- repositories ----
  nb::class_<Repo>(m, "Repo")
      .def(
          "__init__",
          [](Repo* self, PodPtr pod, bool auto_merge, bool verify_digests) {
            RepoOptions o;
            o.auto_merge = auto_merge;
            o.verify_digests = verify_digests;
            new (self) Repo(std::move(pod), o);
          },
          "pod"_a, "auto_merge"_a = RepoOptions::default_auto_merge(),
          "verify_digests"_a = RepoOptions::default_verify_digests())
      .def_prop_ro("pod", &Repo::pod)
      .def("ls", &Repo::ls, nb::call_guard<nb::gil_scoped_release>())
      .def("collections", &Repo::collections, nb::call_guard<nb::gil_scoped_release>())
      .def("find", &Repo::find, "label"_a, nb::call_guard<nb::gil_scoped_release>())
      .def(
          "create_collections",
          [](Repo& r, const std::string& schema, const std::vector<std::string>& labels, bool exist_ok) {
            Schema s = schema_from_json(schema);
            nb::gil_scoped_release release;
            return r.create_collections(s, labels, exist_ok);
          },
          "schema"_a, "labels"_a, "exist_ok"_a = false)
      .def("delete", &Repo::delete_collections, "labels"_a, nb::call_guard<nb::gil_scoped_release>())
      .def("rename", &Repo::rename_collection, "src"_a, "dst"_a, nb::call_guard<nb::gil_scoped_release>())
      .def_prop_ro("registry", &Repo::registry);

  m.def(
      "pull",
      [](Repo& dest, const Repo& src, const std::vector<std::string>& labels, bool shallow) {
        SyncOptions o;
        o.labels = labels;
        o.shallow = shallow;
        SyncReport r;
        {
          nb::gil_scoped_release release;
          r = pull(dest, src, o);
        }
        return sync_report(r);
      },
      "dest"_a, "src"_a, "labels"_a = std::vector<std::string>{}, "shallow"_a = false);
  m.def(
      "gc",
      [](const Repo& repo, bool dry_run, int64_t timeout_ms) {
        GcOptions o;
        o.dry_run = dry_run;
        o.timeout_ms = timeout_ms;
        GcReport r;
        {
          nb::gil_scoped_release release;
          r = gc(repo, o);
        }
        nb::dict d;
        d["segments"] = r.segments;
        d["soft_deleted"] = r.soft_deleted;
        d["hard_deleted"] = r.hard_deleted;
        d["restored"] = r.restored;
        d["bytes_freed"] = r.bytes_freed;
        return d;
      },
      "repo"_a, "dry_run"_a = false, "timeout_ms"_a = kGcTimeoutMs);
  m.def(
      "verify",
      [](const Repo& repo) {
        VerifyReport r;
        {
          nb::gil_scoped_release release;
          r = verify(repo);
        }
        nb::dict d;
        d["revisions"] = r.revisions;
        d["segments"] = r.segments;
        d["arrays"] = r.arrays;
        d["bytes"] = r.bytes;
        d["problems"] = r.problems;
        d["notes"] = r.notes;
        return d;
      },
      "repo"_a);
  m.def(
      "export_collections",
      [](const Repo& repo, const PodPtr& dest, const std::vector<std::string>& labels) {
        nb::gil_scoped_release release;
        auto r = export_collections(repo, dest, labels, text::csv_format());
        return std::make_tuple(r.collections, r.series, r.rows);
      },
      "repo"_a, "dest"_a, "labels"_a = std::vector<std::string>{});
  m.def(
      "import_collections",
      [](Repo& repo, const PodPtr& src, const std::vector<std::string>& labels) {
        nb::gil_scoped_release release;
        auto r = import_collections(repo, src, labels, {text::csv_format()});
        return std::make_tuple(r.collections, r.series, r.rows);
      },
      "repo"_a, "src"_a, "labels"_a = std::vector<std::string>{});

  // ---- collections ----
  nb::class_<Collection>(m, "Collection")
      .def_prop_ro("label", &Collection::label)
      .def_prop_ro("path", &Collection::path)
      .def_prop_ro("schema", [](const Collection& c) { return schema_json(c.schema()); })
      .def_prop_ro("kind", [](const Collection& c) { return c.schema().kind(); })
      .def("changelog", &Collection::changelog)
      .def("ls", &Collection::ls, "before_ms"_a = nb::none(), nb::call_guard<nb::gil_scoped_release>())
      .def("series", &Collection::series, "label"_a)
      .def("delete", &Collection::delete_series, "labels"_a, nb::call_guard<nb::gil_scoped_release>())
      .def("rename", &Collection::rename_series, "src"_a, "dst"_a, "replace"_a = false,
           nb::call_guard<nb::gil_scoped_release>())
      .def("batch", &Collection::batch)
      .def(
          "log",
          [](const Collection& c) {
            History h;
            {
              nb::gil_scoped_release release;
              h = c.history();
            }
            return revisions_to_py(h.log());
          })
      .def("heads", [](const Collection& c) {
        std::vector<Revision> h;
        {
          nb::gil_scoped_release release;
          h = c.heads();
        }
        return revisions_to_py(h);
      })
      .def("diverged", &Collection::diverged, "before_ms"_a = nb::none(), nb::call_guard<nb::gil_scoped_release>())
      .def("merge",
           [](Collection& c) {
             std::vector<Revision> revs;
             {
               nb::gil_scoped_release release;
               revs = c.merge();
             }
             return revisions_to_py(revs);
           })
      .def("revert", &Collection::revert, "name"_a, nb::call_guard<nb::gil_scoped_release>())
      .def("resolve", [](const Collection& c, const std::string& name) { return revision_to_py(c.resolve(name)); })
      .def("tags",
           [](const Collection& c) {
             std::vector<std::pair<std::string, std::string>> out;
             for (const auto& t : c.tags()) out.emplace_back(t.name, t.revision);
             return out;
           })
      .def(
          "tag", [](Collection& c, const std::string& name, const std::string& rev) { return c.tag(name, rev).path(); },
          "name"_a, "revision"_a = "")
      .def("untag", &Collection::untag, "name"_a)
      .def(
          "segments",
          [](const Collection& c, const std::string& label, nb::handle start, nb::handle stop,
             const std::string& closed, std::optional<int64_t> before_ms) {
            auto b = bounds_from_py(c.schema(), start, stop, closed);
            std::optional<Commit> commit;
            {
              nb::gil_scoped_release release;
              commit = c.leaf_commit(before_ms);
            }
            nb::list out;
            if (!commit) return out;
            for (const RowView& v : commit->select(label, b.start, b.stop, b.closed)) {
              CommitRow row = commit->row(v.row);
              out.append(nb::make_tuple(tuple_to_py(row.start), tuple_to_py(row.stop), row.length,
                                        std::string(1, row.closed.code()), row.digests));
            }
            return out;
          },
          "label"_a, "start"_a = nb::none(), "stop"_a = nb::none(), "closed"_a = "l", "before_ms"_a = nb::none())
      .def(
          "defrag",
          [](const Collection& c, size_t max_chunk, size_t page_len, bool dry_run) {
            DefragOptions o;
            o.max_chunk = max_chunk;
            o.page_len = page_len;
            o.dry_run = dry_run;
            DefragReport r;
            {
              nb::gil_scoped_release release;
              r = defrag(c, o);
            }
            nb::dict d;
            d["series"] = r.series;
            d["rows_before"] = r.rows_before;
            d["rows_after"] = r.rows_after;
            d["yielded"] = r.yielded;
            return d;
          },
          "max_chunk"_a = 4, "page_len"_a = 500000, "dry_run"_a = false)
      .def(
          "trim",
          [](const Collection& c, std::optional<int64_t> before_ms, bool dry_run) {
            TrimOptions o;
            o.before_ms = before_ms;
            o.dry_run = dry_run;
            nb::gil_scoped_release release;
            return trim(c, o);
          },
          "before_ms"_a = nb::none(), "dry_run"_a = false)
      .def(
          "diff",
          [](const Collection& c, const std::string& a, const std::string& b, const std::string& series,
             bool rows) {
            std::vector<SeriesDiff> ds;
            {
              nb::gil_scoped_release release;
              ds = diff(c, a, b, series, rows);
            }
            nb::list out;
            for (const auto& d : ds) {
              nb::list ranges;
              for (const auto& r : d.ranges)
                ranges.append(nb::make_tuple(tuple_to_py(r.start), tuple_to_py(r.stop), r.added, r.removed, r.changed));
              nb::object frame = nb::none();
              if (rows) frame = frame_to_py(d.rows);
              out.append(nb::make_tuple(d.series, std::string(1, d.status), ranges, frame,
                                        std::string(d.ops.begin(), d.ops.end())));
            }
            return out;
          },
          "a"_a, "b"_a, "series"_a = "", "rows"_a = false);

  // ---- series ----
  nb::class_<Series>(m, "Series")
      .def_prop_ro("label", &Series::label)
      .def(
          "write",
          [](Series& s, nb::handle columns, nb::handle start, nb::handle stop, const std::string& closed,
             bool root) {
            Frame f = frame_from_py(columns);
            WriteOptions o = write_options(s.schema(), start, stop, closed, root);
            Revision rev;
            bool wrote;
            {
              nb::gil_scoped_release release;
              wrote = s.write(f, o, &rev);
            }
            // The revision written, (parent, child); None when nothing changed.
            return wrote ? nb::object(nb::make_tuple(rev.parent, rev.child)) : nb::none();
          },
          "columns"_a, "start"_a = nb::none(), "stop"_a = nb::none(), "closed"_a = "b", "root"_a = false)
      .def(
          "update",
          [](Series& s, nb::handle columns) {
            Frame f = frame_from_py(columns);
            nb::gil_scoped_release release;
            return s.update(f);
          },
          "columns"_a)
      .def(
          "delete_range",
          [](Series& s, nb::handle start, nb::handle stop, const std::string& closed) {
            auto b = bounds_from_py(s.schema(), start, stop, closed);
            nb::gil_scoped_release release;
            return s.delete_range(b.start, b.stop, b.closed);
          },
          "start"_a, "stop"_a, "closed"_a = "b")
      .def(
          "delete_keys",
          [](Series& s, nb::handle keys) {
            std::vector<Tuple> ks;
            for (nb::handle k : keys) ks.push_back(tuple_from_py(s.schema(), k));
            nb::gil_scoped_release release;
            return s.delete_keys(ks);
          },
          "keys"_a)
      .def(
          "read",
          [](const Series& s, nb::handle start, nb::handle stop, const std::string& closed,
             std::optional<int64_t> before_ms, const std::string& revision, std::vector<std::string> select,
             std::optional<size_t> limit, size_t offset, std::optional<size_t> tail, bool writeable) {
            Query q = make_query(s.schema(), start, stop, closed, before_ms, revision, std::move(select), limit, offset);
            Frame f;
            {
              nb::gil_scoped_release release;
              f = tail ? s.tail(*tail, q) : s.read(q);
            }
            // A read's columns are buffers of their own (decoded or gathered for this read,
            // cached nowhere): `writeable` hands them out for writing (to pandas).
            return frame_to_py(f, writeable);
          },
          "start"_a = nb::none(), "stop"_a = nb::none(), "closed"_a = "l", "before_ms"_a = nb::none(),
          "revision"_a = "", "select"_a = std::vector<std::string>{}, "limit"_a = nb::none(), "offset"_a = 0,
          "tail"_a = nb::none(), "writeable"_a = false)
      .def(
          "length",
          [](const Series& s, nb::handle start, nb::handle stop, const std::string& closed,
             std::optional<int64_t> before_ms, const std::string& revision) {
            Query q = make_query(s.schema(), start, stop, closed, before_ms, revision, {}, std::nullopt, 0);
            nb::gil_scoped_release release;
            return s.length(q);
          },
          "start"_a = nb::none(), "stop"_a = nb::none(), "closed"_a = "l", "before_ms"_a = nb::none(),
          "revision"_a = "")
      .def("exists", &Series::exists, nb::call_guard<nb::gil_scoped_release>());

  nb::class_<Batch>(m, "Batch")
      .def(
          "write",
          [](Batch& b, const Collection& c, const std::string& series, nb::handle columns, nb::handle start,
             nb::handle stop, const std::string& closed) {
            Frame f = frame_from_py(columns);
            WriteOptions o = write_options(c.schema(), start, stop, closed);
            nb::gil_scoped_release release;
            b.write(series, f, o);
          },
          "collection"_a, "series"_a, "columns"_a, "start"_a = nb::none(), "stop"_a = nb::none(), "closed"_a = "b")
      .def(
          "delete_range",
          [](Batch& b, const Collection& c, const std::string& series, nb::handle start, nb::handle stop,
             const std::string& closed) {
            auto r = bounds_from_py(c.schema(), start, stop, closed);
            nb::gil_scoped_release release;
            b.delete_range(series, r.start, r.stop, r.closed);
          },
          "collection"_a, "series"_a, "start"_a, "stop"_a, "closed"_a = "b")
      .def(
          "update",
          [](Batch& b, const std::string& series, nb::handle columns) {
            Frame f = frame_from_py(columns);
            nb::gil_scoped_release release;
            b.update(series, f);
          },
          "series"_a, "columns"_a)
      .def(
          "delete_keys",
          [](Batch& b, const Collection& c, const std::string& series, nb::handle keys) {
            std::vector<Tuple> ks;
            for (nb::handle k : keys) ks.push_back(tuple_from_py(c.schema(), k));
            nb::gil_scoped_release release;
            b.delete_keys(series, ks);
          },
          "collection"_a, "series"_a, "keys"_a)
      .def("commit", &Batch::commit, nb::call_guard<nb::gil_scoped_release>())
      .def("__len__", &Batch::size);

  py::bind_arrow(m);
  m.def("default_auto_merge", &RepoOptions::default_auto_merge);
  m.def("default_verify_digests", &RepoOptions::default_verify_digests);
}
