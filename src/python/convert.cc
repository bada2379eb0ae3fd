#include "convert.h"

#include <nanobind/ndarray.h>
#include <nanobind/stl/string.h>

#include <cstring>

#include "lakota/error.h"
#include "lakota/model/parse.h"

namespace lakota::py {

namespace {

using ReadOnlyArray = nb::ndarray<nb::numpy, nb::ro>;

nb::capsule keep_alive(std::shared_ptr<const Buffer> buffer) {
  auto* held = new std::shared_ptr<const Buffer>(std::move(buffer));
  return nb::capsule(held, [](void* p) noexcept { delete static_cast<std::shared_ptr<const Buffer>*>(p); });
}

nb::dlpack::dtype dlpack_of(const DType& dt) {
  if (dt.kind == Kind::Bool) return nb::dtype<bool>();
  return visit_fixed(dt, [](auto v) { return nb::dtype<decltype(v)>(); });
}

// Code points of valid UTF-8 (the engine checks what it stores).
void decode_utf8(const std::string& s, uint32_t* out) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    uint32_t c = *p++;
    int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    if (more) c &= (0x3F >> more);
    for (; more > 0 && p < end; --more) c = (c << 6) | (*p++ & 0x3F);
    *out++ = c;
  }
}

void encode_utf8(uint32_t c, std::string& out, size_t row) {
  if (c < 0x80) {
    out += char(c);
  } else if (c < 0x800) {
    out += char(0xC0 | (c >> 6));
    out += char(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    if (c >= 0xD800 && c < 0xE000)
      throw InvalidInput("row " + std::to_string(row + 1) + ": a string holds a lone surrogate (U+" +
                         std::to_string(c) + "), which UTF-8 cannot store");
    out += char(0xE0 | (c >> 12));
    out += char(0x80 | ((c >> 6) & 0x3F));
    out += char(0x80 | (c & 0x3F));
  } else if (c < 0x110000) {
    out += char(0xF0 | (c >> 18));
    out += char(0x80 | ((c >> 12) & 0x3F));
    out += char(0x80 | ((c >> 6) & 0x3F));
    out += char(0x80 | (c & 0x3F));
  } else {
    throw InvalidInput("row " + std::to_string(row + 1) + ": code point " + std::to_string(c) + " is not Unicode");
  }
}

nb::object strings_to_py(const Column& column) {
  size_t n = column.size(), w = std::max<size_t>(column.width(), 1);
  auto buffer = std::make_shared<Buffer>(n * w * sizeof(uint32_t), Buffer::Zeroed{});
  auto* cells = reinterpret_cast<uint32_t*>(buffer->bytes.get());
  for (size_t i = 0; i < n; ++i) {
    const std::string& s = column.str(i);
    if (utf8_length(s) > w) throw Error("string longer than its column's width");
    decode_utf8(s, cells + i * w);
  }
  size_t shape[2] = {n, w};
  nb::ndarray<nb::numpy, uint32_t> arr(cells, 2, shape, keep_alive(buffer));
  return arr.cast();
}

Column strings_from_py(nb::handle payload) {
  auto arr = nb::cast<nb::ndarray<const uint32_t, nb::ndim<2>, nb::c_contig, nb::device::cpu>>(payload, false);
  size_t n = arr.shape(0), w = arr.shape(1);
  const uint32_t* cells = arr.data();
  std::vector<std::string> values(n);
  for (size_t i = 0; i < n; ++i) {
    const uint32_t* row = cells + i * w;
    size_t len = w;
    while (len > 0 && row[len - 1] == 0) --len;  // numpy pads with NULs
    std::string& s = values[i];
    s.reserve(len);
    for (size_t j = 0; j < len; ++j) encode_utf8(row[j], s, i);
  }
  return Column::strings(std::move(values), std::max<size_t>(w, 1));
}

}  // namespace

nb::tuple column_to_py(const Column& column, bool writeable) {
  const DType& dt = column.dtype();
  nb::str name(dt.name().c_str());
  if (column.empty()) return nb::make_tuple(name, nb::none());
  if (dt.kind == Kind::Str) return nb::make_tuple(name, strings_to_py(column));
  if (dt.kind == Kind::Object) {
    nb::list texts;
    for (size_t i = 0; i < column.size(); ++i) texts.append(nb::str(column.object(i).dump().c_str()));
    return nb::make_tuple(name, texts);
  }
  size_t shape[1] = {column.size()};
  void* data = const_cast<std::byte*>(column.data());
  if (writeable) {
    nb::ndarray<nb::numpy> arr(data, 1, shape, keep_alive(column.buffer()), nullptr, dlpack_of(dt));
    return nb::make_tuple(name, arr.cast());
  }
  ReadOnlyArray arr(data, 1, shape, keep_alive(column.buffer()), nullptr, dlpack_of(dt));
  return nb::make_tuple(name, arr.cast());
}

Column column_from_py(const std::string& dtype, nb::handle payload) {
  DType dt = DType::parse(dtype);
  if (payload.is_none()) return Column(dt);
  if (dt.kind == Kind::Str) return strings_from_py(payload);
  if (dt.kind == Kind::Object) {
    std::vector<Json> values;
    for (nb::handle item : payload) {
      try {
        values.push_back(Json::parse(nb::cast<std::string>(item)));
      } catch (const Json::exception& e) {
        throw InvalidInput(std::string("an object value is not JSON: ") + e.what());
      }
    }
    return Column::objects(std::move(values));
  }
  // No conversion: a temporary copy would die with `arr`, leaving the view dangling.
  auto arr = nb::cast<nb::ndarray<nb::ro, nb::ndim<1>, nb::c_contig, nb::device::cpu>>(payload, false);
  if (arr.itemsize() != dt.size)
    throw InvalidInput("an array of " + std::to_string(arr.itemsize()) + "-byte values for a column of " +
                       dt.name());
  size_t n = arr.shape(0);
  if (n == 0) return Column(dt);
  auto view = std::make_shared<Buffer>(static_cast<std::byte*>(const_cast<void*>(arr.data())), n * dt.size,
                                       Buffer::View{});
  return Column(dt, std::move(view), n);
}

nb::list frame_to_py(const Frame& frame, bool writeable) {
  nb::list out;
  for (size_t i = 0; i < frame.names().size(); ++i) {
    nb::tuple col = column_to_py(frame.columns()[i], writeable);
    out.append(nb::make_tuple(nb::str(frame.names()[i].c_str()), col[0], col[1]));
  }
  return out;
}

Frame frame_from_py(nb::handle columns) {
  std::vector<std::string> names;
  std::vector<Column> cols;
  for (nb::handle item : columns) {
    auto t = nb::cast<nb::tuple>(item);
    if (t.size() != 3) throw InvalidInput("a column is (name, dtype, payload)");
    names.push_back(nb::cast<std::string>(t[0]));
    cols.push_back(column_from_py(nb::cast<std::string>(t[1]), t[2]));
  }
  return Frame(std::move(names), std::move(cols));
}

namespace {

// `closed`, when given, is the range's: a rounded last value makes its side inclusive.
Tuple tuple_of(const Schema& schema, nb::handle values, bool lower, Closed* closed) {
  Tuple out;
  if (values.is_none()) return out;
  const auto& index = schema.index();
  auto items = nb::cast<nb::sequence>(values);
  size_t count = nb::len(items);
  if (count > index.size())
    throw InvalidInput("more bound values than index columns (" + std::to_string(index.size()) + ")");
  size_t i = 0;
  for (nb::handle v : items) {
    const ColumnDef& def = schema[index[i++]];
    if (def.dtype.kind == Kind::Time && nb::isinstance<nb::str>(v)) {
      std::string text = nb::cast<std::string>(v);
      bool inclusive = false;
      out.push_back(parse_bound(text, def.dtype, lower, inclusive, "bound '" + text + "' of column '" + def.name + "'"));
      if (inclusive && closed && i == count) *closed = lower ? closed->with_left(true) : closed->with_right(true);
      continue;
    }
    try {
      switch (def.dtype.kind) {
        case Kind::Str: out.emplace_back(nb::cast<std::string>(v)); break;
        case Kind::Float: out.emplace_back(nb::cast<double>(v)); break;
        case Kind::UInt: out.emplace_back(nb::cast<uint64_t>(v)); break;
        case Kind::Bool: out.emplace_back(int64_t(nb::cast<bool>(v))); break;
        default: out.emplace_back(nb::cast<int64_t>(v)); break;
      }
    } catch (const nb::cast_error&) {
      throw InvalidInput("bound value " + nb::cast<std::string>(nb::repr(v)) + " does not fit index column '" +
                         def.name + "' (" + def.dtype.name() + ")");
    }
  }
  return out;
}

}  // namespace

Tuple tuple_from_py(const Schema& schema, nb::handle values) { return tuple_of(schema, values, true, nullptr); }

Bounds bounds_from_py(const Schema& schema, nb::handle start, nb::handle stop, const std::string& closed) {
  Bounds b;
  b.closed = Closed::parse(closed);
  b.start = tuple_of(schema, start, true, &b.closed);
  b.stop = tuple_of(schema, stop, false, &b.closed);
  return b;
}

nb::tuple tuple_to_py(const Tuple& values) {
  nb::list out;
  for (const Value& v : values) {
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, std::monostate>) out.append(nb::none());
          else if constexpr (std::is_same_v<T, std::string>) out.append(nb::str(x.c_str(), x.size()));
          else out.append(nb::cast(x));
        },
        v);
  }
  return nb::tuple(out);
}

}  // namespace lakota::py
