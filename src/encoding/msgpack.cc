#include "lakota/encoding/msgpack.h"

#include <cstring>

#include "lakota/encoding/utf8.h"
#include "lakota/error.h"

namespace lakota {

MsgWriter::MsgWriter() { msgpack_packer_init(&packer_, this, &MsgWriter::append); }

MsgWriter::~MsgWriter() = default;

int MsgWriter::append(void* data, const char* buf, size_t len) {
  static_cast<MsgWriter*>(data)->out_.append(buf, len);
  return 0;
}

void MsgWriter::array(size_t n) { msgpack_pack_array(&packer_, n); }
void MsgWriter::map(size_t n) { msgpack_pack_map(&packer_, n); }
void MsgWriter::str(std::string_view s) {
  msgpack_pack_str(&packer_, s.size());
  msgpack_pack_str_body(&packer_, s.data(), s.size());
}
void MsgWriter::bin(std::string_view b) {
  msgpack_pack_bin(&packer_, b.size());
  msgpack_pack_bin_body(&packer_, b.data(), b.size());
}
void MsgWriter::nil() { msgpack_pack_nil(&packer_); }
void MsgWriter::boolean(bool b) { b ? msgpack_pack_true(&packer_) : msgpack_pack_false(&packer_); }
void MsgWriter::integer(int64_t v) { msgpack_pack_int64(&packer_, v); }
void MsgWriter::uinteger(uint64_t v) { msgpack_pack_uint64(&packer_, v); }
void MsgWriter::float64(double v) { msgpack_pack_double(&packer_, v); }

void MsgWriter::json(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null: nil(); break;
    case Json::value_t::boolean: boolean(value.get<bool>()); break;
    case Json::value_t::number_integer: integer(value.get<int64_t>()); break;
    case Json::value_t::number_unsigned: uinteger(value.get<uint64_t>()); break;
    case Json::value_t::number_float: float64(value.get<double>()); break;
    case Json::value_t::string: str(value.get_ref<const std::string&>()); break;
    case Json::value_t::binary: {
      const auto& b = value.get_binary();
      bin(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
      break;
    }
    case Json::value_t::array:
      array(value.size());
      for (const auto& item : value) json(item);
      break;
    case Json::value_t::object:
      map(value.size());
      for (const auto& [k, v] : value.items()) {
        str(k);
        json(v);
      }
      break;
    default: throw InvalidInput("cannot encode value " + value.dump());
  }
}


namespace {

// Walks one msgpack object before msgpack-c allocates anything for it: every container
// must fit the bytes that remain (each element takes at least one), so no claimed size
// allocates more than the input justifies, and nesting stays within kMaxDepth.
constexpr size_t kMaxDepth = 32;

void check_msgpack(std::string_view data, std::string_view what) {
  auto bad = [&](const std::string& why) { throw CorruptData(std::string(what) + ": not a valid msgpack document (" + why + ")"); };
  const auto* p = reinterpret_cast<const uint8_t*>(data.data());
  size_t n = data.size(), pos = 0;
  auto need = [&](size_t k) {
    if (k > n - pos) bad("truncated at byte " + std::to_string(pos));
  };
  auto be = [&](size_t at, int bytes) {
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | p[at + i];
    return v;
  };
  std::vector<uint64_t> open;  // items still expected in each open container
  uint64_t pending = 1;        // items still expected in all
  while (pending) {
    need(1);
    uint8_t b = p[pos];
    uint64_t items = 0;  // a container's element count (2 per map entry)
    bool container = false;
    size_t head = 1, body = 0;
    if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3) {
    } else if (b <= 0x8f) {
      container = true, items = 2 * uint64_t(b & 0x0f);
    } else if (b <= 0x9f) {
      container = true, items = b & 0x0f;
    } else if (b <= 0xbf) {
      body = b & 0x1f;
    } else {
      switch (b) {
        case 0xc4: case 0xd9: need(2), head = 2, body = p[pos + 1]; break;
        case 0xc5: case 0xda: need(3), head = 3, body = be(pos + 1, 2); break;
        case 0xc6: case 0xdb: need(5), head = 5, body = be(pos + 1, 4); break;
        case 0xc7: need(2), head = 3, body = p[pos + 1]; break;
        case 0xc8: need(3), head = 4, body = be(pos + 1, 2); break;
        case 0xc9: need(5), head = 6, body = be(pos + 1, 4); break;
        case 0xca: case 0xce: case 0xd2: head = 5; break;
        case 0xcb: case 0xcf: case 0xd3: head = 9; break;
        case 0xcc: case 0xd0: head = 2; break;
        case 0xcd: case 0xd1: head = 3; break;
        case 0xd4: head = 3; break;
        case 0xd5: head = 4; break;
        case 0xd6: head = 6; break;
        case 0xd7: head = 10; break;
        case 0xd8: head = 18; break;
        case 0xdc: need(3), head = 3, container = true, items = be(pos + 1, 2); break;
        case 0xdd: need(5), head = 5, container = true, items = be(pos + 1, 4); break;
        case 0xde: need(3), head = 3, container = true, items = 2 * be(pos + 1, 2); break;
        case 0xdf: need(5), head = 5, container = true, items = 2 * be(pos + 1, 4); break;
        default: bad("unknown type byte at byte " + std::to_string(pos));
      }
    }
    need(head);
    pos += head;
    need(body);
    pos += body;
    --pending;
    if (!open.empty()) --open.back();
    if (container && items) {
      if (pending + items > n - pos) bad("a container claims more items than the bytes left");
      if (open.size() == kMaxDepth) bad("nested deeper than " + std::to_string(kMaxDepth) + " levels");
      open.push_back(items);
      pending += items;
    }
    while (!open.empty() && open.back() == 0) open.pop_back();
  }
  if (pos != n) bad(std::to_string(n - pos) + " bytes after the document");
}

}  // namespace

MsgDoc::MsgDoc(std::string_view data, std::string_view what) {
  check_msgpack(data, what);
  msgpack_unpacked_init(&unpacked_);
  size_t off = 0;
  auto rc = msgpack_unpack_next(&unpacked_, data.data(), data.size(), &off);
  if (rc != MSGPACK_UNPACK_SUCCESS || off != data.size()) {
    msgpack_unpacked_destroy(&unpacked_);
    throw CorruptData(std::string(what) + ": not a valid msgpack document");
  }
}

MsgDoc::~MsgDoc() { msgpack_unpacked_destroy(&unpacked_); }

std::string_view msg_bytes(const msgpack_object& o, std::string_view what) {
  if (o.type == MSGPACK_OBJECT_STR) return {o.via.str.ptr, o.via.str.size};
  if (o.type == MSGPACK_OBJECT_BIN) return {o.via.bin.ptr, o.via.bin.size};
  throw CorruptData(std::string(what) + ": expected bytes");
}

const msgpack_object* msg_get(const msgpack_object& map, std::string_view key) {
  if (map.type != MSGPACK_OBJECT_MAP) return nullptr;
  for (uint32_t i = 0; i < map.via.map.size; ++i) {
    const auto& kv = map.via.map.ptr[i];
    if (kv.key.type == MSGPACK_OBJECT_STR && std::string_view(kv.key.via.str.ptr, kv.key.via.str.size) == key)
      return &kv.val;
  }
  return nullptr;
}

namespace {

// A msgpack string as JSON text must be UTF-8 (msgpack-python writes nothing else).
std::string utf8_string(const msgpack_object_str& s, std::string_view what) {
  std::string out(s.ptr, s.size);
  if (!utf8_valid(out)) throw CorruptData(std::string(what) + ": a string is not valid UTF-8");
  return out;
}

}  // namespace

Json msg_to_json(const msgpack_object& o, std::string_view what) {
  switch (o.type) {
    case MSGPACK_OBJECT_NIL: return nullptr;
    case MSGPACK_OBJECT_BOOLEAN: return o.via.boolean;
    case MSGPACK_OBJECT_POSITIVE_INTEGER: return o.via.u64;
    case MSGPACK_OBJECT_NEGATIVE_INTEGER: return o.via.i64;
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64: return o.via.f64;
    case MSGPACK_OBJECT_STR: return utf8_string(o.via.str, what);
    case MSGPACK_OBJECT_BIN:
      return Json::binary(std::vector<uint8_t>(o.via.bin.ptr, o.via.bin.ptr + o.via.bin.size));
    case MSGPACK_OBJECT_ARRAY: {
      Json out = Json::array();
      for (uint32_t i = 0; i < o.via.array.size; ++i) out.push_back(msg_to_json(o.via.array.ptr[i], what));
      return out;
    }
    case MSGPACK_OBJECT_MAP: {
      Json out = Json::object();
      for (uint32_t i = 0; i < o.via.map.size; ++i) {
        const auto& kv = o.via.map.ptr[i];
        std::string key = kv.key.type == MSGPACK_OBJECT_STR
                              ? utf8_string(kv.key.via.str, what)
                              : msg_to_json(kv.key, what).dump(-1, ' ', false, Json::error_handler_t::replace);
        out[key] = msg_to_json(kv.val, what);
      }
      return out;
    }
    default: return nullptr;
  }
}

std::string msgpack2_encode_strings(const std::vector<std::string>& values, size_t begin, size_t end, size_t width) {
  MsgWriter w;
  w.array(end - begin + 2);
  for (size_t i = begin; i < end; ++i) w.str(values[i]);
  w.str("<U" + std::to_string(width));
  w.array(1);
  w.integer(int64_t(end - begin));
  return w.take();
}

std::string msgpack2_encode_objects(const std::vector<Json>& values, size_t begin, size_t end) {
  MsgWriter w;
  w.array(end - begin + 2);
  for (size_t i = begin; i < end; ++i) w.json(values[i]);
  w.str("|O");
  w.array(1);
  w.integer(int64_t(end - begin));
  return w.take();
}

Msgpack2Array msgpack2_decode(std::string_view data, std::string_view what) {
  MsgDoc doc(data, what);
  const auto& root = doc.root();
  if (root.type != MSGPACK_OBJECT_ARRAY || root.via.array.size < 2)
    throw CorruptData(std::string(what) + ": not a msgpack2 array");
  const auto& arr = root.via.array;
  Msgpack2Array out;
  out.dtype = std::string(msg_bytes(arr.ptr[arr.size - 2], what));
  const auto& shape = arr.ptr[arr.size - 1];
  size_t n = arr.size - 2;
  if (shape.type != MSGPACK_OBJECT_ARRAY || shape.via.array.size != 1 ||
      shape.via.array.ptr[0].type != MSGPACK_OBJECT_POSITIVE_INTEGER || shape.via.array.ptr[0].via.u64 != n) {
    throw CorruptData(std::string(what) + ": msgpack2 shape does not match its " + std::to_string(n) + " items");
  }
  for (size_t i = 0; i < n; ++i)
    if (arr.ptr[i].type != MSGPACK_OBJECT_STR) out.all_strings = false;
  if (out.all_strings) {
    out.strings.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      out.strings.emplace_back(arr.ptr[i].via.str.ptr, arr.ptr[i].via.str.size);
      if (!utf8_valid(out.strings.back())) throw CorruptData(std::string(what) + ": a string is not valid UTF-8");
    }
  } else {
    out.objects.reserve(n);
    for (size_t i = 0; i < n; ++i) out.objects.push_back(msg_to_json(arr.ptr[i], what));
  }
  return out;
}

std::string encode_commit_document(const CommitDocumentView& doc) {
  MsgWriter w;
  size_t total = 256 + doc.length.size() + doc.closed.size() + doc.label.size();
  for (const auto* f : {&doc.start, &doc.stop, &doc.digest, &doc.embedded})
    for (const auto& [k, v] : *f) total += k.size() + v.size() + 10;
  w.reserve(total);
  w.array(3);
  w.map(7);
  auto fields = [&](const char* key, const CommitDocumentView::Fields& f) {
    w.str(key);
    w.map(f.size());
    for (const auto& [name, value] : f) {
      w.str(name);
      w.bin(value);
    }
  };
  fields("start", doc.start);
  fields("stop", doc.stop);
  fields("digest", doc.digest);
  w.str("length");
  w.bin(doc.length);
  w.str("closed");
  w.bin(doc.closed);
  w.str("label");
  w.bin(doc.label);
  fields("embedded", doc.embedded);
  w.str("|O");
  w.array(1);
  w.integer(1);
  return w.take();
}

CommitDocument decode_commit_document(std::string_view data, std::string_view what) {
  MsgDoc doc(data, what);
  const auto& root = doc.root();
  if (root.type != MSGPACK_OBJECT_ARRAY || root.via.array.size != 3 || root.via.array.ptr[0].type != MSGPACK_OBJECT_MAP)
    throw CorruptData(std::string(what) + ": not a commit document");
  const auto& map = root.via.array.ptr[0];
  auto need = [&](std::string_view key) -> const msgpack_object& {
    auto* o = msg_get(map, key);
    if (!o) throw CorruptData(std::string(what) + ": commit has no '" + std::string(key) + "' field");
    return *o;
  };
  auto fields = [&](std::string_view key, bool required) {
    CommitDocument::Fields out;
    const msgpack_object* o = msg_get(map, key);
    if (!o) {
      if (required) throw CorruptData(std::string(what) + ": commit has no '" + std::string(key) + "' field");
      return out;
    }
    if (o->type == MSGPACK_OBJECT_NIL) return out;
    if (o->type != MSGPACK_OBJECT_MAP) throw CorruptData(std::string(what) + ": commit field '" + std::string(key) + "' is not a map");
    for (uint32_t i = 0; i < o->via.map.size; ++i) {
      const auto& kv = o->via.map.ptr[i];
      out.emplace_back(std::string(msg_bytes(kv.key, what)), std::string(msg_bytes(kv.val, what)));
    }
    return out;
  };
  CommitDocument out;
  out.start = fields("start", true);
  out.stop = fields("stop", true);
  out.digest = fields("digest", true);
  out.length = std::string(msg_bytes(need("length"), what));
  out.closed = std::string(msg_bytes(need("closed"), what));
  out.label = std::string(msg_bytes(need("label"), what));
  out.embedded = fields("embedded", false);
  return out;
}

}  // namespace lakota
