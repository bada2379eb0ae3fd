#include "lakota/model/column.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <new>
#include "lakota/error.h"
#include "lakota/memory.h"

namespace lakota {

Buffer::Buffer(size_t n) : size(n) {
  bytes.ptr = static_cast<std::byte*>(allocate_uninitialised(n, 4 * kHugePage));
}

Buffer::Buffer(size_t n, Zeroed) : size(n) {
  if (n >= 2 * kHugePage) {
    bytes.ptr = static_cast<std::byte*>(map_zeroed(n));
    mapped_ = n;
    return;
  }
  void* p = std::calloc(n ? n : 1, 1);
  if (!p) throw std::bad_alloc();
  bytes.ptr = static_cast<std::byte*>(p);
}

Buffer::Buffer(std::byte* ptr, size_t n, View, std::shared_ptr<const void> keep)
    : size(n), bytes{ptr}, owned_(false), keep_(std::move(keep)) {}

Buffer::~Buffer() {
  if (mapped_) unmap(bytes.ptr, mapped_);
  else if (owned_) std::free(bytes.ptr);
}

size_t utf8_length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

Column::Column(DType dtype) : dtype_(dtype) {
  if (dtype.kind == Kind::Str) strings_ = std::make_shared<const std::vector<std::string>>();
  else if (dtype.kind == Kind::Object) objects_ = std::make_shared<const std::vector<Json>>();
}

Column::Column(DType dtype, std::shared_ptr<const Buffer> buffer, size_t count)
    : dtype_(dtype), count_(count), buffer_(std::move(buffer)) {}

Column Column::strings(std::vector<std::string> values, size_t width) {
  Column c(DType{Kind::Str, 0, TimeUnit::None});
  if (width == 0) {
    width = 1;
    for (const auto& s : values) width = std::max(width, utf8_length(s));
  }
  c.count_ = values.size();
  c.width_ = width;
  c.strings_ = std::make_shared<const std::vector<std::string>>(std::move(values));
  return c;
}

Column Column::objects(std::vector<Json> values) {
  Column c(DType{Kind::Object, 0, TimeUnit::None});
  c.count_ = values.size();
  c.objects_ = std::make_shared<const std::vector<Json>>(std::move(values));
  return c;
}

Column Column::slice(size_t begin, size_t end) const {
  end = std::min(end, count_);
  begin = std::min(begin, end);
  Column c = *this;
  c.offset_ = offset_ + begin;
  c.count_ = end - begin;
  return c;
}

Column Column::take(const std::vector<size_t>& positions) const {
  if (dtype_.kind == Kind::Str) {
    std::vector<std::string> out;
    out.reserve(positions.size());
    for (auto p : positions) out.push_back(str(p));
    return strings(std::move(out), width_);
  }
  if (dtype_.kind == Kind::Object) {
    std::vector<Json> out;
    out.reserve(positions.size());
    for (auto p : positions) out.push_back(object(p));
    return objects(std::move(out));
  }
  size_t sz = dtype_.size;
  auto buf = std::make_shared<Buffer>(positions.size() * sz);
  for (size_t i = 0; i < positions.size(); ++i) std::memcpy(buf->bytes.get() + i * sz, data() + positions[i] * sz, sz);
  return Column(dtype_, std::move(buf), positions.size());
}

Column Column::concat(const std::vector<Column>& parts) {
  if (parts.empty()) throw Error("cannot concatenate zero columns");
  const DType dt = parts[0].dtype();
  size_t total = 0;
  const Column* only = nullptr;
  size_t nonempty = 0;
  for (const auto& p : parts) {
    if (!(p.dtype() == dt)) throw Error("cannot concatenate columns of types " + dt.name() + " and " + p.dtype().name());
    total += p.size();
    if (!p.empty()) {
      only = &p;
      ++nonempty;
    }
  }
  if (nonempty == 0) return parts[0].slice(0, 0);
  if (nonempty == 1) return *only;
  if (dt.kind == Kind::Str) {
    std::vector<std::string> out;
    out.reserve(total);
    size_t width = 1;
    for (const auto& p : parts) {
      if (p.empty()) continue;
      width = std::max(width, p.width());
      for (size_t i = 0; i < p.size(); ++i) out.push_back(p.str(i));
    }
    return strings(std::move(out), width);
  }
  if (dt.kind == Kind::Object) {
    std::vector<Json> out;
    out.reserve(total);
    for (const auto& p : parts)
      for (size_t i = 0; i < p.size(); ++i) out.push_back(p.object(i));
    return objects(std::move(out));
  }
  {
    // End to end in one owner's memory: a view of the whole.
    const Column* first = nullptr;
    const std::byte* end = nullptr;
    bool adjacent = true;
    for (const auto& p : parts) {
      if (p.empty()) continue;
      const auto* at = static_cast<const std::byte*>(p.data());
      if (!p.buffer() || !p.buffer()->owner() || (first && (p.buffer()->owner() != first->buffer()->owner() || at != end))) {
        adjacent = false;
        break;
      }
      if (!first) first = &p;
      end = at + p.nbytes();
    }
    if (adjacent && first) {
      auto* at = const_cast<std::byte*>(static_cast<const std::byte*>(first->data()));
      auto view = std::make_shared<Buffer>(at, total * dt.size, Buffer::View{}, first->buffer()->owner());
      return Column(dt, std::move(view), total);
    }
  }
  auto buf = std::make_shared<Buffer>(total * dt.size);
  size_t pos = 0;
  for (const auto& p : parts) {
    if (p.empty()) continue;
    std::memcpy(buf->bytes.get() + pos, p.data(), p.nbytes());
    pos += p.nbytes();
  }
  return Column(dt, std::move(buf), total);
}

Value Column::value(size_t i) const {
  switch (dtype_.kind) {
    case Kind::Str: return str(i);
    case Kind::Object: throw InvalidInput("object values have no order");
    case Kind::Float:
      return visit_fixed(dtype_, [&](auto t) -> Value { return double(values<decltype(t)>()[i]); });
    case Kind::UInt: return visit_fixed(dtype_, [&](auto t) -> Value { return uint64_t(values<decltype(t)>()[i]); });
    default: return visit_fixed(dtype_, [&](auto t) -> Value { return int64_t(values<decltype(t)>()[i]); });
  }
}

int Column::compare(size_t i, const Value& v) const {
  switch (dtype_.kind) {
    case Kind::Str:
      if (auto* s = std::get_if<std::string>(&v)) {
        int c = str(i).compare(*s);
        return c < 0 ? -1 : (c > 0 ? 1 : 0);
      }
      return compare_values(value(i), v);
    case Kind::Time:
    case Kind::Int:
      if (dtype_.size == 8)
        if (auto* x = std::get_if<int64_t>(&v)) {
          int64_t a = values<int64_t>()[i];
          return a < *x ? -1 : (a > *x ? 1 : 0);
        }
      return compare_values(value(i), v);
    default: return compare_values(value(i), v);
  }
}

int Column::compare(size_t i, size_t j) const {
  if (dtype_.kind == Kind::Str) {
    int c = str(i).compare(str(j));
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  return compare_values(value(i), value(j));
}

size_t Column::bisect_left(const Value& v, size_t lo, size_t hi) const {
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (compare(mid, v) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

size_t Column::bisect_right(const Value& v, size_t lo, size_t hi) const {
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (compare(mid, v) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

bool Column::equals(const Column& other) const {
  if (!(dtype_ == other.dtype_) || count_ != other.count_) return false;
  if (dtype_.kind == Kind::Str) {
    for (size_t i = 0; i < count_; ++i)
      if (str(i) != other.str(i)) return false;
    return true;
  }
  if (dtype_.kind == Kind::Object) {
    for (size_t i = 0; i < count_; ++i)
      if (object(i) != other.object(i)) return false;
    return true;
  }
  return count_ == 0 || std::memcmp(data(), other.data(), nbytes()) == 0;
}

Column column_of(const DType& dt, const Value& v) {
  if (dt.kind == Kind::Str) {
    auto* s = std::get_if<std::string>(&v);
    return Column::strings({s ? *s : std::string()});
  }
  if (dt.kind == Kind::Object) throw InvalidInput("cannot build an object column from a scalar");
  auto buf = std::make_shared<Buffer>(dt.size);
  visit_fixed(dt, [&](auto t) {
    using T = decltype(t);
    T x{};
    if (auto* i = std::get_if<int64_t>(&v)) x = T(*i);
    else if (auto* u = std::get_if<uint64_t>(&v)) x = T(*u);
    else if (auto* d = std::get_if<double>(&v)) x = T(*d);
    std::memcpy(buf->bytes.get(), &x, sizeof(T));
  });
  return Column(dt, std::move(buf), 1);
}

}  // namespace lakota
