#include "lakota/model/schema.h"

#include <cctype>
#include <set>

#include "common/thread_pool.h"
#include "lakota/encoding/hash.h"
#include "lakota/error.h"

namespace lakota {
namespace {

// From this size on, an array's digest is hashed on a thread of its own while the array is
// compressed (sha1 runs at about 2 GB/s: 40 ms for 80 MB).
constexpr size_t kHashBesideBytes = size_t(1) << 20;
// Encoded arrays under this size are embedded in their commit (api/state.cc, kEmbedMaxSize).
constexpr size_t kReferenceEmbedBytes = 1024;
// Arrays from this size are compressed and stored by pieces of kPieceBytes (see
// encode_column_pieces): writing a piece overlaps compressing the next, and one piece of
// memory serves them all (a fresh output buffer of the array's size costs page faults).
constexpr size_t kPiecesFromBytes = size_t(16) << 20;
constexpr size_t kPieceBytes = size_t(4) << 20;

std::vector<std::string> tokenize(const std::string& def) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) out.push_back(std::move(cur));
    cur.clear();
  };
  for (char c : def) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == ',') flush();
    else if (c == '|' || c == '*') {
      flush();
      out.emplace_back(1, c);
    } else cur += c;
  }
  flush();
  return out;
}

bool known_codec(const std::string& c) {
  return c == "blosc" || c == "msgpack2" || c == "vlen-utf8" || is_byte_codec(c);
}

void check_codecs(const ColumnDef& col) {
  if (col.codecs.empty()) throw InvalidInput("column '" + col.name + "': empty codec list");
  for (size_t i = 0; i < col.codecs.size(); ++i) {
    const auto& c = col.codecs[i];
    if (!known_codec(c)) {
      throw InvalidInput("column '" + col.name + "': unknown codec '" + c +
                         "' (supported: blosc, msgpack2, vlen-utf8, zstd, lz4, zlib, gzip, bz2, lzma)");
    }
    if (c == "msgpack2" && (i != 0 || col.dtype.fixed_width())) {
      throw InvalidInput("column '" + col.name + "': codec msgpack2 must come first, and only for str or object columns");
    }
    if (c == "vlen-utf8" && (i != 0 || col.dtype.kind != Kind::Str)) {
      throw InvalidInput("column '" + col.name + "': codec vlen-utf8 must come first, and only for str columns");
    }
  }
  if (!col.dtype.fixed_width() && col.codecs[0] != "msgpack2" && col.codecs[0] != "vlen-utf8") {
    throw InvalidInput("column '" + col.name + "': a " + col.dtype.name() +
                       " column needs msgpack2 as its first codec (as in 'str|msgpack2 zstd')");
  }
}

}  // namespace

std::vector<std::string> ColumnDef::default_codecs(const DType& dt) {
  if (dt.fixed_width()) return {"blosc"};
  return {"msgpack2", "zstd"};
}

ColumnDef ColumnDef::parse(const std::string& name, const std::string& definition) {
  auto tokens = tokenize(definition);
  if (tokens.empty() || tokens[0] == "|" || tokens[0] == "*") {
    throw InvalidInput("column '" + name + "': definition '" + definition + "' has no type (as in 'value float')");
  }
  ColumnDef col;
  col.name = name;
  try {
    col.dtype = DType::parse(tokens[0]);
  } catch (const InvalidInput& e) {
    throw InvalidInput("column '" + name + "': " + e.what());
  }
  bool in_codecs = false;
  for (size_t i = 1; i < tokens.size(); ++i) {
    const auto& t = tokens[i];
    if (t == "|") in_codecs = true;
    else if (t == "*") {
      if (col.idx || in_codecs) throw InvalidInput("column '" + name + "': misplaced '*' in definition '" + definition + "'");
      col.idx = true;
    }
    else if (in_codecs) col.codecs.push_back(t);
    else throw InvalidInput("column '" + name + "': unexpected '" + t + "' in definition '" + definition + "'");
  }
  // Nothing after '|' means the default codecs, as the reference reads it.
  if (col.codecs.empty()) col.codecs = default_codecs(col.dtype);
  return col;
}

Schema::Schema(std::vector<ColumnDef> columns, std::optional<std::string> kind)
    : columns_(std::move(columns)), kind_(std::move(kind)) {
  std::set<std::string> seen;
  for (size_t i = 0; i < columns_.size(); ++i) {
    const auto& c = columns_[i];
    if (c.name.empty()) throw InvalidInput("invalid schema: a column has an empty name");
    if (!seen.insert(c.name).second) throw InvalidInput("invalid schema: column '" + c.name + "' appears twice");
    check_codecs(c);
    if (c.idx) {
      if (c.dtype.kind == Kind::Object) throw InvalidInput("invalid schema: object column '" + c.name + "' cannot be an index");
      index_.push_back(i);
    }
  }
  if (index_.empty()) {
    throw InvalidInput("invalid schema: no index column (mark one with '*', as in 'timestamp timestamp*')");
  }
}

Schema Schema::parse(const std::vector<std::pair<std::string, std::string>>& definitions) {
  std::vector<ColumnDef> cols;
  for (const auto& [name, def] : definitions) cols.push_back(ColumnDef::parse(name, def));
  return Schema(std::move(cols));
}

Schema Schema::kv(const std::vector<std::pair<std::string, std::string>>& definitions) {
  return Schema(parse(definitions).columns(), std::string("kv"));
}

Schema Schema::from_json(const Json& j) {
  try {
    std::vector<ColumnDef> cols;
    for (const auto& [name, opts] : j.at("columns").items()) {
      ColumnDef c;
      c.name = name;
      c.dtype = DType::parse(opts.at("dt").get<std::string>());
      c.codecs = opts.at("codecs").get<std::vector<std::string>>();
      c.idx = opts.at("idx").get<bool>();
      cols.push_back(std::move(c));
    }
    std::optional<std::string> kind;
    if (j.contains("kind") && j["kind"].is_string()) kind = j["kind"].get<std::string>();
    return Schema(std::move(cols), kind);
  } catch (const Json::exception& e) {
    throw CorruptData(std::string("invalid schema document: ") + e.what());
  } catch (const InvalidInput& e) {
    throw CorruptData(std::string("invalid schema document: ") + e.what());
  }
}

Json Schema::to_json() const {
  Json cols = Json::object();
  for (const auto& c : columns_) {
    Json col = Json::object();
    col["dt"] = c.dtype.name();
    col["codecs"] = c.codecs;
    col["idx"] = c.idx;
    cols[c.name] = col;
  }
  Json out = Json::object();
  out["kind"] = kind_ ? Json(*kind_) : Json(nullptr);
  out["columns"] = cols;
  return out;
}

std::optional<size_t> Schema::find(std::string_view name) const {
  for (size_t i = 0; i < columns_.size(); ++i)
    if (columns_[i].name == name) return i;
  return std::nullopt;
}

size_t Schema::position(std::string_view name) const {
  auto p = find(name);
  if (!p) {
    std::string names;
    for (const auto& c : columns_) names += (names.empty() ? "" : ", ") + c.name;
    throw InvalidInput("unknown column '" + std::string(name) + "' (columns: " + names + ")");
  }
  return *p;
}

std::vector<std::string> Schema::names() const {
  std::vector<std::string> out;
  for (const auto& c : columns_) out.push_back(c.name);
  return out;
}

std::vector<std::string> Schema::index_names() const {
  std::vector<std::string> out;
  for (auto i : index_) out.push_back(columns_[i].name);
  return out;
}

BloscCodec EncodeOptions::codec_for(const ColumnDef& def, size_t nbytes) const {
  if (nbytes < reference_below) return BloscCodec{"zstd", 5, 0};
  auto it = columns.find(def.name);
  if (it != columns.end()) return it->second;
  Kind k = def.dtype.kind;
  bool integers = k == Kind::Int || k == Kind::UInt || k == Kind::Time || k == Kind::Bool;
  if (integers && nbytes < reference_below_integers) return BloscCodec{"zstd", 5, 0};
  return def.idx ? index : blosc;
}

EncodedColumn encode_column(const ColumnDef& def, const Column& column, const EncodeOptions& options, bool with_digest) {
  if (!(column.dtype() == def.dtype)) {
    throw InvalidInput("column '" + def.name + "': got " + column.dtype().name() + " values for a " + def.dtype.name() +
                       " column");
  }
  EncodedColumn out;
  if (column.empty()) {
    out.digest = std::string(kEmptyDigest);
    return out;
  }
  std::string bytes;
  size_t step = 0;
  if (def.dtype.kind == Kind::Str && def.codecs[0] == "vlen-utf8") {
    bytes = vlen_utf8_encode(column.string_storage(), column.offset(), column.offset() + column.size());
    step = 1;
  } else if (def.dtype.kind == Kind::Str) {
    bytes = msgpack2_encode_strings(column.string_storage(), column.offset(), column.offset() + column.size(),
                                    column.width());
    step = 1;
  } else if (def.dtype.kind == Kind::Object) {
    bytes = msgpack2_encode_objects(column.object_storage(), column.offset(), column.offset() + column.size());
    step = 1;
  } else {
    // The digest of a large array is hashed beside its compression (both read the values).
    Task<std::string> digest;
    bool beside = with_digest && column.nbytes() >= kHashBesideBytes;
    if (beside) digest = run_beside([&] { return sha1_hex(column.data(), column.nbytes()); });
    else if (with_digest) out.digest = sha1_hex(column.data(), column.nbytes());
    try {
      if (def.codecs[0] == "blosc") {
        BloscCodec codec = options.codec_for(def, column.nbytes());
        BloscParams p;
        p.compressor = codec.compressor.c_str();
        p.clevel = codec.clevel;
        p.blocksize = codec.blocksize;
        if (beside) p.threads = 1;  // the hash has the other core
        if (column.nbytes() >= kHashBesideBytes && def.codecs.size() == 1) {
          auto buf = std::make_shared<Buffer>(column.nbytes() + 16);
          buf->size = blosc_encode_into(column.data(), column.nbytes(), def.dtype.size, p, buf->bytes.get());
          out.buffer = std::move(buf);
        } else {
          bytes = blosc_encode(column.data(), column.nbytes(), def.dtype.size, p);
        }
        // So small that its commit embeds it (a constant column, regular timestamps): the
        // reference's bytes, so that the commit is the reference's too.
        if ((out.buffer ? out.buffer->size : bytes.size()) < kReferenceEmbedBytes && !(codec == BloscCodec{"zstd", 5, 0})) {
          BloscParams ref;
          ref.compressor = "zstd";
          ref.clevel = 5;
          out.buffer.reset();
          bytes = blosc_encode(column.data(), column.nbytes(), def.dtype.size, ref);
        }
      } else {
        bytes = byte_encode(def.codecs[0], std::string_view(reinterpret_cast<const char*>(column.data()), column.nbytes()));
      }
    } catch (...) {
      digest.wait();  // it reads the column: never leave it running
      throw;
    }
    if (beside) out.digest = digest.get();
    step = 1;
  }
  for (; step < def.codecs.size(); ++step) {
    const auto& c = def.codecs[step];
    if (c == "blosc") bytes = blosc_encode(bytes.data(), bytes.size(), 1);
    else bytes = byte_encode(c, bytes);
  }
  if (with_digest && !def.dtype.fixed_width()) out.digest = sha1_hex(bytes);
  if (!out.buffer) out.bytes = std::move(bytes);
  return out;
}

std::optional<EncodedColumn> encode_column_pieces(const ColumnDef& def, const Column& column,
                                                  const EncodeOptions& options,
                                                  const std::function<void(uint64_t, std::string_view)>& sink) {
  if (!def.dtype.fixed_width() || def.dtype.kind == Kind::Str || def.dtype.kind == Kind::Object ||
      def.codecs.size() != 1 || def.codecs[0] != "blosc" || !(column.dtype() == def.dtype) ||
      column.nbytes() < kPiecesFromBytes)
    return std::nullopt;
  BloscCodec codec = options.codec_for(def, column.nbytes());
  if (codec.blocksize == 0 || kPieceBytes % codec.blocksize) return std::nullopt;
  BloscParams p;
  p.compressor = codec.compressor.c_str();
  p.clevel = codec.clevel;
  p.blocksize = codec.blocksize;
  Task<std::string> digest = run_beside([&] { return sha1_hex(column.data(), column.nbytes()); });
  size_t size;
  try {
    size = blosc_encode_pieces(column.data(), column.nbytes(), def.dtype.size, p, kPieceBytes, sink);
  } catch (...) {
    digest.wait();  // it reads the column: never leave it running
    throw;
  }
  EncodedColumn out;
  out.digest = digest.get();
  if (size >= kReferenceEmbedBytes) out.streamed = size;  // else 0, or so small that its commit embeds it
  return out;
}

namespace {

Column fixed_from_bytes(const ColumnDef& def, std::string_view raw, std::string_view what) {
  if (raw.size() % def.dtype.size) {
    throw CorruptData(std::string(what) + ": " + std::to_string(raw.size()) + " bytes is not a whole number of " +
                      def.dtype.name() + " values");
  }
  auto buf = std::make_shared<Buffer>(raw.size());
  std::memcpy(buf->bytes.get(), raw.data(), raw.size());
  return Column(def.dtype, std::move(buf), raw.size() / def.dtype.size);
}

}  // namespace

namespace {

[[noreturn]] void wrong_count(std::string_view what, size_t found, size_t expected) {
  throw CorruptData(std::string(what) + ": holds " + std::to_string(found) + " values, its commit says " +
                    std::to_string(expected));
}

// numpy's width of a "<U{k}" dtype string; 0 for an object array.
size_t string_width(const std::string& dtype, std::string_view what) {
  if (dtype == "|O") return 0;
  if (dtype.size() < 3 || dtype.compare(0, 2, "<U") != 0 || dtype.size() > 12 ||
      dtype.find_first_not_of("0123456789", 2) != std::string::npos) {
    throw CorruptData(std::string(what) + ": unknown array type '" + dtype + "' (expected <U followed by a width)");
  }
  return std::stoul(dtype.substr(2));
}

Column decode_unchecked(const ColumnDef& def, std::string_view bytes, std::string_view what,
                        std::optional<size_t> count, const DecodeTarget* target = nullptr) {
  if (bytes.empty()) {
    if (count && *count) wrong_count(what, 0, *count);
    return Column(def.dtype);
  }
  size_t raw_size = def.dtype.fixed_width() && count ? *count * def.dtype.size : SIZE_MAX;
  // Undo the codecs after the first, last first.
  std::string tmp;
  std::string_view cur = bytes;
  for (size_t i = def.codecs.size(); i-- > 1;) {
    const auto& c = def.codecs[i];
    if (c == "blosc") {
      auto info = blosc_info(cur, 1, what);
      Buffer out(info.nbytes);  // not touched before blosc writes it
      blosc_decode(cur, info, out.bytes.get(), what);
      tmp.assign(reinterpret_cast<const char*>(out.bytes.get()), info.nbytes);
    } else {
      tmp = byte_decode(c, cur, what);
    }
    cur = tmp;
  }
  const auto& first = def.codecs[0];
  if (first == "vlen-utf8") {
    auto strings = vlen_utf8_decode(cur, what);
    if (count && strings.size() != *count) wrong_count(what, strings.size(), *count);
    return Column::strings(std::move(strings));
  }
  if (!def.dtype.fixed_width()) {
    auto arr = msgpack2_decode(cur, what);
    size_t n = arr.all_strings ? arr.strings.size() : arr.objects.size();
    if (count && n != *count) wrong_count(what, n, *count);
    if (def.dtype.kind == Kind::Str) {
      if (!arr.all_strings) throw CorruptData(std::string(what) + ": expected an array of strings");
      return Column::strings(std::move(arr.strings), string_width(arr.dtype, what));
    }
    if (arr.all_strings) {
      std::vector<Json> objs(arr.strings.begin(), arr.strings.end());
      return Column::objects(std::move(objs));
    }
    return Column::objects(std::move(arr.objects));
  }
  Column out;
  if (first == "blosc") {
    auto info = blosc_info(cur, def.dtype.size, what);
    if (count && info.nbytes != raw_size) wrong_count(what, info.nbytes / def.dtype.size, *count);
    std::shared_ptr<Buffer> buf;
    if (target && target->at && target->size == info.nbytes && def.codecs.size() == 1)
      buf = std::make_shared<Buffer>(target->at, info.nbytes, Buffer::View{}, target->owner);
    else
      buf = std::make_shared<Buffer>(info.nbytes);
    blosc_decode(cur, info, buf->bytes.get(), what);
    out = Column(def.dtype, std::move(buf), info.nbytes / def.dtype.size);
  } else {
    out = fixed_from_bytes(def, byte_decode(first, cur, what, raw_size), what);
  }
  if (count && out.size() != *count) wrong_count(what, out.size(), *count);
  return out;
}

}  // namespace

std::string stored_digest(const ColumnDef& def, const Column& decoded, std::string_view bytes) {
  if (bytes.empty()) return std::string(kEmptyDigest);
  if (def.dtype.fixed_width()) return sha1_hex(decoded.data(), decoded.nbytes());
  return sha1_hex(bytes);
}

Column decode_column(const ColumnDef& def, std::string_view bytes, std::string_view what, const DecodeCheck& check,
                     const DecodeTarget* target) {
  if (check.digest.empty()) return decode_unchecked(def, bytes, what, check.count, target);
  std::string found;
  Column out;
  if (!def.dtype.fixed_width() && bytes.size() >= (1 << 16)) {
    // The digest of a string array is that of its bytes: hash while decoding.
    auto hash = run_beside([&] { return sha1_hex(bytes); });
    try {
      out = decode_unchecked(def, bytes, what, check.count);
    } catch (...) {
      hash.wait();
      throw;
    }
    found = hash.get();
  } else {
    out = decode_unchecked(def, bytes, what, check.count, target);
    found = stored_digest(def, out, bytes);
  }
  if (found != check.digest) {
    throw CorruptData(std::string(what) + ": content does not match its digest " + std::string(check.digest) +
                      " (the file is damaged)");
  }
  return out;
}

bool partial_decode(const ColumnDef& def) {
  return def.dtype.fixed_width() && def.codecs.size() == 1 && def.codecs[0] == "blosc";
}

size_t encoded_length(const ColumnDef& def, std::string_view bytes, std::string_view what) {
  if (bytes.empty()) return 0;
  if (!partial_decode(def)) return decode_column(def, bytes, what).size();
  return blosc_info(bytes, def.dtype.size, what).nbytes / def.dtype.size;
}

Column decode_column_range(const ColumnDef& def, std::string_view bytes, size_t start, size_t count,
                           std::string_view what) {
  if (!partial_decode(def) || bytes.empty()) {
    Column all = decode_column(def, bytes, what);
    if (start > all.size() || count > all.size() - start) {
      throw CorruptData(std::string(what) + ": holds " + std::to_string(all.size()) + " values, the read needs " +
                        std::to_string(start + count));
    }
    return all.slice(start, start + count);
  }
  auto info = blosc_info(bytes, def.dtype.size, what);
  if (start > info.nbytes / def.dtype.size || count > info.nbytes / def.dtype.size - start) {
    throw CorruptData(std::string(what) + ": holds " + std::to_string(info.nbytes / def.dtype.size) +
                      " values, the read needs " + std::to_string(start + count));
  }
  auto buf = std::make_shared<Buffer>(count * def.dtype.size);
  blosc_decode_items(bytes, info, start, count, buf->bytes.get(), what);
  return Column(def.dtype, std::move(buf), count);
}

}  // namespace lakota
