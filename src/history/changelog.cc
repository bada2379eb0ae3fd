#include "lakota/history/changelog.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "lakota/encoding/hash.h"
#include "lakota/error.h"

namespace lakota {

const std::string kPhi = "00000000000-" + std::string(40, '0');

namespace {

bool is_revision_part(std::string_view s) {
  if (s.size() != 52 || s[11] != '-') return false;
  for (size_t i = 0; i < 11; ++i)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return false;
  return is_hex_digest(s.substr(12));
}

}  // namespace

int64_t Revision::epoch_ms() const { return parse_hextime(std::string_view(child).substr(0, 11)); }
std::string Revision::child_digest() const { return child.substr(12); }
std::string Revision::parent_digest() const { return parent.substr(12); }

std::vector<Revision> Changelog::log_of(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  std::map<std::string, std::vector<Revision>> children;
  std::vector<std::string> parent_order;
  std::set<std::string> all_children;
  for (const auto& name : names) {
    auto dot = name.find('.');
    if (dot == std::string::npos || name.find('.', dot + 1) != std::string::npos) continue;
    std::string parent = name.substr(0, dot), child = name.substr(dot + 1);
    if (!is_revision_part(parent) || !is_revision_part(child) || parent == child) continue;
    all_children.insert(child);
    auto [it, inserted] = children.try_emplace(parent);
    if (inserted) parent_order.push_back(parent);
    it->second.push_back({parent, child, false});
  }
  std::vector<Revision> stack;
  for (const auto& p : parent_order) {
    if (all_children.count(p)) continue;
    const auto& kids = children[p];
    stack.insert(stack.end(), kids.begin(), kids.end());
  }
  std::reverse(stack.begin(), stack.end());
  std::vector<Revision> out;
  std::set<std::string> seen;
  while (!stack.empty()) {
    Revision rev = std::move(stack.back());
    stack.pop_back();
    bool first_visit = seen.insert(rev.child).second;
    const std::vector<Revision>* kids = nullptr;
    if (first_visit) {
      auto it = children.find(rev.child);
      if (it != children.end()) kids = &it->second;
    }
    // A child seen before (a merge written under several heads) is not a new head.
    rev.is_leaf = first_visit && (!kids || kids->empty());
    if (kids) stack.insert(stack.end(), kids->rbegin(), kids->rend());
    out.push_back(std::move(rev));
  }
  return out;
}

std::vector<Revision> Changelog::log() const { return log_of(pod_->ls()); }

std::vector<Revision> Changelog::before(const std::vector<Revision>& log, int64_t before_ms) {
  std::vector<Revision> out;
  std::string limit = hextime(before_ms);
  for (const auto& rev : log) {
    if (!(rev.child.compare(0, 11, limit) < 0)) break;
    out.push_back(rev);
  }
  return out;
}

std::optional<Revision> Changelog::leaf() const {
  auto revs = log();
  if (revs.empty()) return std::nullopt;
  return revs.back();
}

std::string Changelog::read(const Revision& rev) const {
  std::string expected = rev.child_digest();
  for (int attempt = 1;; ++attempt) {
    std::string payload = pod_->read(rev.path());
    if (sha1_hex(payload) == expected) return payload;
    if (attempt == 4) {
      throw CorruptData("revision " + pod_->uri() + "/" + rev.path() +
                        ": content does not match its sha1 (the file is corrupt or still being written)");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100 * attempt));
  }
}

std::vector<Revision> Changelog::commit(std::string_view payload, const std::vector<std::string>& parents) {
  std::string key = sha1_hex(payload);
  std::vector<Revision> out;
  int64_t last = 0;
  for (const auto& parent : parents) {
    if (parent != kPhi && parent.substr(12) == key) continue;  // same content as its parent
    int64_t t = std::max(now_ms(), last + 1);
    if (parent != kPhi) t = std::max(t, parse_hextime(std::string_view(parent).substr(0, 11)) + 1);
    last = t;
    Revision rev{parent, hextime(t) + "-" + key, true};
    pod_->write(rev.path(), payload);
    out.push_back(rev);
  }
  return out;
}

}  // namespace lakota
