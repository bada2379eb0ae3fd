// msgpack, as msgpack-python 1.0 writes it with use_bin_type=True: smallest integer and
// string forms (str8 included), bin for bytes. Built on msgpack-c's C API.
//
// Also the numcodecs `msgpack2` framing of numpy arrays — [v0, ..., vn-1, dtype.str, [n]] —
// for string and object arrays, and the commit document of FORMAT.md §4.4.
// Writers and documents are single-threaded objects; the functions are pure.
#pragma once

#include <msgpack.h>

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lakota {

using Json = nlohmann::ordered_json;

class MsgWriter {
 public:
  MsgWriter();
  ~MsgWriter();
  MsgWriter(const MsgWriter&) = delete;
  MsgWriter& operator=(const MsgWriter&) = delete;

  void array(size_t n);
  void map(size_t n);
  void str(std::string_view s);
  void bin(std::string_view b);
  void nil();
  void boolean(bool b);
  void integer(int64_t v);
  void uinteger(uint64_t v);
  void float64(double v);
  void json(const Json& value);
  std::string take() { return std::move(out_); }
  void reserve(size_t n) { out_.reserve(n); }

 private:
  static int append(void* data, const char* buf, size_t len);
  std::string out_;
  msgpack_packer packer_;
};

// A parsed msgpack document; objects point into it and live as long as it does.
class MsgDoc {
 public:
  // Throws CorruptData naming `what` when `data` is not exactly one msgpack object.
  MsgDoc(std::string_view data, std::string_view what);
  ~MsgDoc();
  MsgDoc(const MsgDoc&) = delete;
  MsgDoc& operator=(const MsgDoc&) = delete;
  const msgpack_object& root() const { return unpacked_.data; }

 private:
  msgpack_unpacked unpacked_;
};

std::string_view msg_bytes(const msgpack_object& o, std::string_view what);  // str or bin
const msgpack_object* msg_get(const msgpack_object& map, std::string_view key);
// Throws CorruptData naming `what` for a string that is not UTF-8.
Json msg_to_json(const msgpack_object& o, std::string_view what);

// numcodecs msgpack2 of a numpy unicode array of numpy width `width` (code points).
std::string msgpack2_encode_strings(const std::vector<std::string>& values, size_t begin, size_t end, size_t width);
// numcodecs msgpack2 of a numpy object array.
std::string msgpack2_encode_objects(const std::vector<Json>& values, size_t begin, size_t end);

struct Msgpack2Array {
  std::string dtype;               // numpy dtype.str, "<U8" or "|O"
  std::vector<std::string> strings;  // when every item is a string
  std::vector<Json> objects;         // otherwise
  bool all_strings = true;
};
Msgpack2Array msgpack2_decode(std::string_view data, std::string_view what);

// The commit document (FORMAT.md §4.4): named binary fields, in this order.
struct CommitDocument {
  using Fields = std::vector<std::pair<std::string, std::string>>;
  Fields start, stop, digest;  // per column, schema order
  std::string length, closed, label;
  Fields embedded;  // sorted by digest
};
// The same, as views of bytes owned elsewhere (what the encoder takes).
struct CommitDocumentView {
  using Fields = std::vector<std::pair<std::string_view, std::string_view>>;
  Fields start, stop, digest;
  std::string_view length, closed, label;
  Fields embedded;
};
std::string encode_commit_document(const CommitDocumentView& doc);
CommitDocument decode_commit_document(std::string_view data, std::string_view what);

}  // namespace lakota
