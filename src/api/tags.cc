#include "tags.h"

#include "lakota/api/collection.h"
#include "lakota/encoding/utf8.h"
#include "lakota/error.h"

namespace lakota {
namespace {

// Longest tag name: its hex form must fit a file name (255 bytes) with room to spare.
constexpr size_t kMaxTagBytes = 120;

std::string to_hex(const std::string& s) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::optional<std::string> from_hex(const std::string& h) {
  if (h.size() % 2) return std::nullopt;
  auto val = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < h.size(); i += 2) {
    int a = val(h[i]), b = val(h[i + 1]);
    if (a < 0 || b < 0) return std::nullopt;
    out += char(a * 16 + b);
  }
  return out;
}

std::string strip_slashes(const std::string& path) {
  std::string out;
  for (char c : path)
    if (c != '/') out += c;
  return out;
}

}  // namespace

Tags::Tags(PodPtr root, const std::string& collection_path)
    : root_(std::move(root)), folder_(std::string(kFolder) + "/" + strip_slashes(collection_path)) {}

void Tags::check_name(const std::string& name) {
  if (name.empty()) throw InvalidInput("a tag name cannot be empty");
  if (name.size() > kMaxTagBytes)
    throw InvalidInput("tag name '" + name.substr(0, 20) + "...' is too long (" + std::to_string(name.size()) +
                       " bytes, at most " + std::to_string(kMaxTagBytes) + ")");
  if (!utf8_valid(name)) throw InvalidInput("tag name '" + name + "' is not valid UTF-8");
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f) throw InvalidInput("tag name '" + name + "' holds a control character");
}

std::vector<Tag> Tags::list() const {
  std::vector<Tag> out;
  for (const auto& file : root_->ls(folder_)) {
    auto name = from_hex(file);
    if (!name) continue;
    try {
      out.push_back(Tag{*name, root_->read(folder_ + "/" + file)});
    } catch (const NotFound&) {  // deleted meanwhile
    }
  }
  return out;
}

std::optional<std::string> Tags::find(const std::string& name) const {
  if (name.empty() || name.size() > kMaxTagBytes) return std::nullopt;
  try {
    return root_->read(folder_ + "/" + to_hex(name));
  } catch (const NotFound&) {
    return std::nullopt;
  }
}

void Tags::add(const std::string& name, const std::string& revision, const std::string& collection) {
  check_name(name);
  if (!root_->write(folder_ + "/" + to_hex(name), revision)) {
    auto old = find(name);
    throw Conflict("tag '" + name + "' already exists in collection '" + collection + "'" +
                   (old ? " (on revision " + *old + ")" : "") + ": delete it first (lakota tag -d " + collection +
                   " " + name + ")");
  }
}

bool Tags::remove(const std::string& name) {
  if (name.empty() || name.size() > kMaxTagBytes) return false;
  return root_->rm(folder_ + "/" + to_hex(name));
}

void Tags::remove_all() { root_->rm(folder_, true); }

}  // namespace lakota
