// The Arrow C data interface (https://arrow.apache.org/docs/format/CDataInterface.html)
// and its PyCapsule protocol: a frame as a struct array, or as a stream of one batch, whose
// buffers are the caller's numpy arrays (no copy). pyarrow, polars and DuckDB read it
// without this package depending on any of them.
#include "arrow.h"

#include <nanobind/ndarray.h>
#include <nanobind/stl/string.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "lakota/error.h"

extern "C" {
struct ArrowSchema {
  const char* format;
  const char* name;
  const char* metadata;
  int64_t flags;
  int64_t n_children;
  struct ArrowSchema** children;
  struct ArrowSchema* dictionary;
  void (*release)(struct ArrowSchema*);
  void* private_data;
};

struct ArrowArray {
  int64_t length;
  int64_t null_count;
  int64_t offset;
  int64_t n_buffers;
  int64_t n_children;
  const void** buffers;
  struct ArrowArray** children;
  struct ArrowArray* dictionary;
  void (*release)(struct ArrowArray*);
  void* private_data;
};

struct ArrowArrayStream {
  int (*get_schema)(struct ArrowArrayStream*, struct ArrowSchema* out);
  int (*get_next)(struct ArrowArrayStream*, struct ArrowArray* out);
  const char* (*get_last_error)(struct ArrowArrayStream*);
  void (*release)(struct ArrowArrayStream*);
  void* private_data;
};
}

namespace lakota::py {

using namespace nb::literals;

namespace {

constexpr int64_t kNullable = 2;  // ARROW_FLAG_NULLABLE

struct Field {
  std::string name, format;
  int64_t length = 0;
  std::vector<const void*> buffers;  // validity (null: no nulls), then the data buffers
};

// Everything an export points to: the field descriptions, and references to the numpy
// arrays holding the buffers. Shared by every struct of the export (parent and children,
// which a consumer may release in any order); the last release drops the arrays, taking
// the GIL to do so (consumers release from any thread).
struct Export {
  std::vector<Field> fields;
  std::vector<PyObject*> arrays;
  int64_t length = 0;
  ~Export() {
    if (arrays.empty() || !Py_IsInitialized()) return;
    PyGILState_STATE g = PyGILState_Ensure();
    for (PyObject* a : arrays) Py_DECREF(a);
    PyGILState_Release(g);
  }
};
using ExportPtr = std::shared_ptr<Export>;

// private_data of each struct: its share of the export, plus what the struct owns.
struct SchemaPrivate {
  ExportPtr owner;
  std::vector<ArrowSchema*> children;
};
struct ArrayPrivate {
  ExportPtr owner;
  std::vector<ArrowArray*> children;
  std::vector<const void*> buffers;
};

void release_schema(ArrowSchema* s) {
  if (!s || !s->release) return;
  auto* p = static_cast<SchemaPrivate*>(s->private_data);
  for (ArrowSchema* c : p->children) {
    if (c->release) c->release(c);
    delete c;
  }
  delete p;
  s->release = nullptr;
}

void release_array(ArrowArray* a) {
  if (!a || !a->release) return;
  auto* p = static_cast<ArrayPrivate*>(a->private_data);
  for (ArrowArray* c : p->children) {
    if (c->release) c->release(c);
    delete c;
  }
  delete p;
  a->release = nullptr;
}

void fill_schema(ArrowSchema* out, const ExportPtr& ex) {
  auto* p = new SchemaPrivate{ex, {}};
  for (const Field& f : ex->fields) {
    auto* c = new ArrowSchema{};
    c->format = f.format.c_str();
    c->name = f.name.c_str();
    c->flags = kNullable;
    c->release = release_schema;
    c->private_data = new SchemaPrivate{ex, {}};
    p->children.push_back(c);
  }
  *out = ArrowSchema{};
  out->format = "+s";
  out->name = "";
  out->n_children = int64_t(p->children.size());
  out->children = p->children.data();
  out->release = release_schema;
  out->private_data = p;
}

void fill_array(ArrowArray* out, const ExportPtr& ex) {
  auto* p = new ArrayPrivate{ex, {}, {nullptr}};
  for (const Field& f : ex->fields) {
    auto* c = new ArrowArray{};
    auto* cp = new ArrayPrivate{ex, {}, f.buffers};
    c->length = f.length;
    c->n_buffers = int64_t(cp->buffers.size());
    c->buffers = cp->buffers.data();
    c->release = release_array;
    c->private_data = cp;
    p->children.push_back(c);
  }
  *out = ArrowArray{};
  out->length = ex->length;
  out->n_buffers = 1;
  out->buffers = p->buffers.data();
  out->n_children = int64_t(p->children.size());
  out->children = p->children.data();
  out->release = release_array;
  out->private_data = p;
}

// The stream: one batch, then the end.
struct StreamPrivate {
  ExportPtr ex;
  bool done = false;
};

int stream_schema(ArrowArrayStream* s, ArrowSchema* out) {
  fill_schema(out, static_cast<StreamPrivate*>(s->private_data)->ex);
  return 0;
}

int stream_next(ArrowArrayStream* s, ArrowArray* out) {
  auto* p = static_cast<StreamPrivate*>(s->private_data);
  if (p->done) {
    *out = ArrowArray{};  // release == nullptr: the end of the stream
    return 0;
  }
  p->done = true;
  fill_array(out, p->ex);
  return 0;
}

const char* stream_error(ArrowArrayStream*) { return nullptr; }

void stream_release(ArrowArrayStream* s) {
  if (!s || !s->release) return;
  delete static_cast<StreamPrivate*>(s->private_data);
  s->release = nullptr;
}

ExportPtr make_export(nb::handle columns) {
  auto ex = std::make_shared<Export>();
  bool first = true;
  for (nb::handle item : columns) {
    auto t = nb::cast<nb::tuple>(item);
    if (t.size() != 4) throw InvalidInput("arrow: a column is (name, format, length, buffers)");
    Field f;
    f.name = nb::cast<std::string>(t[0]);
    f.format = nb::cast<std::string>(t[1]);
    f.length = nb::cast<int64_t>(t[2]);
    f.buffers.push_back(nullptr);  // no validity bitmap: no nulls
    for (nb::handle buf : t[3]) {
      auto arr = nb::cast<nb::ndarray<nb::ro, nb::c_contig, nb::device::cpu>>(buf, false);
      f.buffers.push_back(arr.data());
      ex->arrays.push_back(buf.ptr());
      Py_INCREF(buf.ptr());
    }
    if (first) ex->length = f.length;
    else if (f.length != ex->length) throw InvalidInput("arrow: columns of different lengths");
    first = false;
    ex->fields.push_back(std::move(f));
  }
  return ex;
}

template <class T>
nb::capsule capsule_of(T* value, const char* name) {
  return nb::capsule(value, name, [](void* p) noexcept {
    // Called with the GIL held; a struct still owned by nobody is released here.
    auto* v = static_cast<T*>(p);
    if (v->release) v->release(v);
    delete v;
  });
}

}  // namespace

void bind_arrow(nb::module_& m) {
  m.def(
      "arrow_array",
      [](nb::handle columns) {
        ExportPtr ex = make_export(columns);
        auto* schema = new ArrowSchema{};
        auto* array = new ArrowArray{};
        fill_schema(schema, ex);
        fill_array(array, ex);
        return nb::make_tuple(capsule_of(schema, "arrow_schema"),
                              capsule_of(array, "arrow_array"));
      },
      "columns"_a,
      "(schema, array) PyCapsules of a struct array over the columns [(name, format, length, buffers)]");
  m.def(
      "arrow_stream",
      [](nb::handle columns) {
        auto* s = new ArrowArrayStream{};
        s->get_schema = stream_schema;
        s->get_next = stream_next;
        s->get_last_error = stream_error;
        s->release = stream_release;
        s->private_data = new StreamPrivate{make_export(columns)};
        return capsule_of(s, "arrow_array_stream");
      },
      "columns"_a, "An arrow_array_stream PyCapsule of one batch");
}

}  // namespace lakota::py
