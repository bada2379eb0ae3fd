// Column: one typed, contiguous array, immutable once built.
//
// Fixed-width columns (numbers, bools, times) are a shared little-endian buffer; slices
// share it (no copy). String columns keep numpy's width (in code points), which slicing
// keeps and concatenation takes the maximum of, because it is part of the stored bytes.
// Object columns (the registry's metadata) hold JSON-like values.
// A Column is a value: copies share their buffer, and it is safe to read from many threads.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "lakota/encoding/msgpack.h"
#include "lakota/encoding/utf8.h"
#include "lakota/model/dtype.h"

namespace lakota {

// An uninitialised byte buffer (large reads and decodes never pay for zeroing). Large
// buffers ask for transparent huge pages: a 10 M-row column then costs a few hundred page
// faults instead of tens of thousands.
struct Buffer {
  explicit Buffer(size_t n);
  // A zero-filled buffer (large ones are a mapping of their own, zeroed lazily by the
  // kernel, in huge pages).
  struct Zeroed {};
  Buffer(size_t n, Zeroed);
  // A view of memory someone else owns (a caller's array during a write): never freed
  // here; `keep` (may be null) is released with the buffer.
  struct View {};
  Buffer(std::byte* ptr, size_t n, View, std::shared_ptr<const void> keep = nullptr);
  ~Buffer();
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  struct Bytes {
    std::byte* ptr;
    std::byte* get() const { return ptr; }
  };
  size_t size;
  Bytes bytes;
  // What a view keeps alive (null for a buffer of its own).
  const std::shared_ptr<const void>& owner() const { return keep_; }

 private:
  bool owned_ = true;
  size_t mapped_ = 0;  // a mapping of its own, of this length (size may be changed)
  std::shared_ptr<const void> keep_;
};

// Number of code points in UTF-8 text.
size_t utf8_length(std::string_view s);


class Column {
 public:
  Column() = default;
  explicit Column(DType dtype);  // empty column

  // Fixed-width: `count` elements from a buffer.
  Column(DType dtype, std::shared_ptr<const Buffer> buffer, size_t count);
  template <class T>
  static Column from_vector(DType dtype, const std::vector<T>& values) {
    auto buf = std::make_shared<Buffer>(values.size() * sizeof(T));
    if (!values.empty()) std::memcpy(buf->bytes.get(), values.data(), buf->size);
    return Column(dtype, std::move(buf), values.size());
  }
  // Strings; `width` 0 means numpy's width for a new array (the longest, at least 1).
  static Column strings(std::vector<std::string> values, size_t width = 0);
  static Column objects(std::vector<Json> values);

  const DType& dtype() const { return dtype_; }
  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }

  // Fixed-width access.
  const std::byte* data() const { return buffer_ ? buffer_->bytes.get() + offset_ * dtype_.size : nullptr; }
  // The buffer the values live in (fixed-width columns), for callers that share it without
  // a copy (the Python package's arrays).
  const std::shared_ptr<const Buffer>& buffer() const { return buffer_; }
  size_t nbytes() const { return count_ * dtype_.size; }
  template <class T>
  std::span<const T> values() const {
    return {reinterpret_cast<const T*>(data()), count_};
  }
  // String access.
  const std::string& str(size_t i) const { return (*strings_)[offset_ + i]; }
  size_t width() const { return width_; }
  const std::vector<std::string>& string_storage() const { return *strings_; }
  size_t offset() const { return offset_; }
  // Object access.
  const Json& object(size_t i) const { return (*objects_)[offset_ + i]; }
  const std::vector<Json>& object_storage() const { return *objects_; }

  Column slice(size_t begin, size_t end) const;
  Column take(const std::vector<size_t>& positions) const;
  // Fixed-width parts that lie end to end in one buffer (views of one owner: a read
  // decodes its pieces into their places) are joined without a copy.
  static Column concat(const std::vector<Column>& parts);

  Value value(size_t i) const;
  int compare(size_t i, const Value& v) const;
  int compare(size_t i, size_t j) const;
  // Positions in a sorted range [lo, hi), like Python's bisect.
  size_t bisect_left(const Value& v, size_t lo, size_t hi) const;
  size_t bisect_right(const Value& v, size_t lo, size_t hi) const;
  // Same dtype and same values (bitwise for floats, so NaN equals NaN).
  bool equals(const Column& other) const;

 private:
  DType dtype_;
  size_t offset_ = 0;
  size_t count_ = 0;
  std::shared_ptr<const Buffer> buffer_;
  std::shared_ptr<const std::vector<std::string>> strings_;
  size_t width_ = 1;
  std::shared_ptr<const std::vector<Json>> objects_;
};

// Builds a one-value column of `dtype` holding `v`.
Column column_of(const DType& dtype, const Value& v);

// Calls f(T{}) with the C++ type of a fixed-width dtype's elements.
template <class F>
decltype(auto) visit_fixed(const DType& dt, F&& f) {
  switch (dt.kind) {
    case Kind::Bool: return f(uint8_t{});
    case Kind::Int:
      switch (dt.size) {
        case 1: return f(int8_t{});
        case 2: return f(int16_t{});
        case 4: return f(int32_t{});
        default: return f(int64_t{});
      }
    case Kind::UInt:
      switch (dt.size) {
        case 1: return f(uint8_t{});
        case 2: return f(uint16_t{});
        case 4: return f(uint32_t{});
        default: return f(uint64_t{});
      }
    case Kind::Float:
      if (dt.size == 4) return f(float{});
      return f(double{});
    default: return f(int64_t{});
  }
}

}  // namespace lakota
