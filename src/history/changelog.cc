#include "lakota/history/changelog.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "lakota/encoding/hash.h"
#include "lakota/error.h"

namespace lakota {

const std::string kPhi = "00000000000-" + std::string(40, '0');

namespace {

bool is_revision_part(std::string_view s) {
  return s.size() == 52 && s[11] == '-' && is_lower_hex(s.substr(0, 11)) && is_hex_digest(s.substr(12));
}

int64_t time_of(std::string_view part) { return parse_hextime(part.substr(0, 11)); }
std::string_view content_of(std::string_view part) { return part.substr(12); }

// The graph of a log: revisions are edges from a parent name to a child name; several
// names may hold one content (a merge is written under each head).
// Names are views into the log's revisions, which outlive the graph.
struct Graph {
  std::unordered_map<std::string_view, std::vector<std::string_view>> parents;  // child name -> parent names
  std::unordered_set<std::string_view> has_children;  // names some revision was written on

  explicit Graph(const std::vector<Revision>& log) {
    parents.reserve(log.size());
    has_children.reserve(log.size());
    for (const auto& r : log) {
      parents[r.child].push_back(r.parent);
      has_children.insert(r.parent);
    }
  }

  bool is_ancestor(std::string_view ancestor, std::string_view name) const {
    std::vector<std::string_view> stack{name};
    std::unordered_set<std::string_view> seen{name};
    while (!stack.empty()) {
      auto it = parents.find(stack.back());
      stack.pop_back();
      if (it == parents.end()) continue;
      for (const auto& p : it->second) {
        if (p == ancestor) return true;
        if (seen.insert(p).second) stack.push_back(p);
      }
    }
    return false;
  }
};

}  // namespace

int64_t Revision::epoch_ms() const { return time_of(child); }
std::string Revision::child_digest() const { return child.substr(12); }
std::string Revision::parent_digest() const { return parent.substr(12); }

History::History(std::vector<Revision> log) : size_(log.size()) {
  Graph g(log);
  // Names that hold each content and carry later revisions.
  std::unordered_map<std::string_view, std::vector<const std::string*>> continued;
  for (const auto& r : log)
    if (g.has_children.count(r.child)) continued[content_of(r.child)].push_back(&r.child);
  // A name nothing was written on is a head, unless its content was continued from
  // another name that is not its ancestor (a copy of a merge that another copy carries on;
  // a content that comes back after a revert is continued from an ancestor, so it stays).
  std::unordered_map<std::string_view, bool> head_of;
  head_of.reserve(log.size());
  for (auto& r : log) {
    auto [it, fresh] = head_of.try_emplace(r.child, false);
    if (fresh && !g.has_children.count(r.child)) {
      bool superseded = false;
      auto c = continued.find(content_of(r.child));
      if (c != continued.end()) {
        for (const auto* name : c->second)
          if (*name != r.child && !g.is_ancestor(*name, r.child)) superseded = true;
      }
      it->second = !superseded;
    }
    r.is_head = it->second;
  }
  std::map<std::string_view, size_t> last;  // content -> position of its last head revision
  for (size_t i = 0; i < log.size(); ++i)
    if (log[i].is_head) last[content_of(log[i].child)] = i;
  for (const auto& [content, i] : last) heads_.push_back(i);
  std::sort(heads_.begin(), heads_.end());
  base_ = std::make_shared<const std::vector<Revision>>(std::move(log));
}

History& History::operator=(History&& other) noexcept {
  base_ = std::move(other.base_);
  tail_ = std::move(other.tail_);
  whole_ = std::move(other.whole_);
  size_ = std::exchange(other.size_, 0);
  heads_ = std::move(other.heads_);
  other.heads_.clear();
  return *this;
}

std::vector<Revision> History::build() const {
  std::vector<Revision> out;
  out.reserve(size_);
  out = *base_;
  size_t first = out.size();
  out.resize(size_);
  for (const Tail* t = tail_.get(); t; t = t->prev.get()) out[first + t->length - 1] = t->rev;
  // Written on the state each time: the last revision is the only head.
  for (auto& r : out) r.is_head = false;
  out.back().is_head = true;
  return out;
}

const std::vector<Revision>& History::log() const& {
  static const std::vector<Revision> none;
  if (!tail_) return base_ ? *base_ : none;
  std::call_once(whole_->once, [&] { whole_->log = build(); });
  return whole_->log;
}

const Revision* History::state() const {
  if (tail_) return &tail_->rev;
  return empty() ? nullptr : &base_->back();
}

std::vector<Revision> History::heads() const {
  std::vector<Revision> out;
  for (auto i : heads_) out.push_back(at(i));
  return out;
}

bool History::settled() const {
  if (heads_.size() > 1) return false;
  return heads_.empty() || content_of(at(heads_[0]).child) == content_of(state()->child);
}

History History::extended(Revision rev) const {
  // A long tail is folded into a new base now and then: reading it (log()) walks it, and
  // freeing it frees one node after the other, recursively (256 deep at most).
  constexpr size_t kLongestTail = 256;
  History out;
  if (tail_ && tail_->length >= kLongestTail) {
    out.base_ = std::make_shared<const std::vector<Revision>>(build());
  } else {
    out.base_ = base_ ? base_ : std::make_shared<const std::vector<Revision>>();
    out.tail_ = tail_;
  }
  rev.is_head = true;
  rev.revisit = false;
  size_t length = out.tail_ ? out.tail_->length + 1 : 1;
  out.tail_ = std::make_shared<const Tail>(Tail{std::move(rev), std::move(out.tail_), length});
  out.whole_ = std::make_shared<Whole>();
  out.size_ = size_ + 1;
  out.heads_ = {out.size_ - 1};
  return out;
}

std::optional<Revision> History::find(std::string_view digest) const {
  const auto& all = log();
  for (auto it = all.rbegin(); it != all.rend(); ++it)
    if (content_of(it->child) == digest) return *it;
  return std::nullopt;
}

std::optional<Revision> History::common_ancestor(const std::vector<Revision>& revs) const {
  if (revs.empty()) return std::nullopt;
  const auto& all = log();
  // Contents and their parent contents, over every name that holds them.
  std::unordered_map<std::string_view, std::set<std::string_view>> up;
  std::unordered_map<std::string_view, int64_t> newest;
  for (const auto& r : all) {
    up[content_of(r.child)].insert(content_of(r.parent));
    auto& t = newest[content_of(r.child)];
    t = std::max(t, time_of(r.child));
  }
  auto ancestors = [&](std::string_view start) {
    std::set<std::string_view> seen;
    std::vector<std::string_view> stack{start};
    while (!stack.empty()) {
      auto it = up.find(stack.back());
      stack.pop_back();
      if (it == up.end()) continue;
      for (auto p : it->second)
        if (seen.insert(p).second) stack.push_back(p);
    }
    return seen;
  };
  std::set<std::string_view> common = ancestors(content_of(revs[0].child));
  for (size_t i = 1; i < revs.size() && !common.empty(); ++i) {
    auto a = ancestors(content_of(revs[i].child));
    std::set<std::string_view> both;
    std::set_intersection(common.begin(), common.end(), a.begin(), a.end(), std::inserter(both, both.begin()));
    common = std::move(both);
  }
  std::optional<std::string_view> best;
  for (auto c : common) {
    auto t = newest.find(c);  // only contents some revision still holds can be read
    if (t == newest.end()) continue;
    if (!best || t->second > newest[*best]) best = c;
  }
  if (!best) return std::nullopt;
  return find(*best);
}

Revision History::resolve(std::string_view name) const {
  const auto& all = log();
  auto dot = name.find('.');
  if (dot != std::string_view::npos) {
    for (const auto& r : all)
      if (r.path() == name) return r;
    throw NotFound("revision '" + std::string(name) + "' not found");
  }
  if (is_revision_part(name)) {
    for (auto it = all.rbegin(); it != all.rend(); ++it)
      if (it->child == name) return *it;
    throw NotFound("revision '" + std::string(name) + "' not found");
  }
  bool hex = name.size() >= 4 && name.size() <= 40 &&
             std::all_of(name.begin(), name.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
  if (!hex) {
    throw InvalidInput("'" + std::string(name) +
                       "' is not a revision name (a file name parent.child, a child hextime-sha1, or 4 to 40 "
                       "lowercase hex digits of a sha1)");
  }
  std::map<std::string_view, const Revision*> hits;  // content -> its last revision
  for (const auto& r : all)
    if (content_of(r.child).substr(0, name.size()) == name) hits[content_of(r.child)] = &r;
  if (hits.empty()) throw NotFound("no revision's sha1 starts with '" + std::string(name) + "'");
  if (hits.size() > 1) {
    std::string list;
    size_t n = 0;
    for (const auto& [content, r] : hits) {
      if (n++ == 10) break;
      list += (list.empty() ? "" : ", ") + std::string(content.substr(0, 12));
    }
    throw InvalidInput("revision '" + std::string(name) + "' is ambiguous (" + std::to_string(hits.size()) +
                       " contents start with it: " + list + (hits.size() > 10 ? ", ..." : "") + ")");
  }
  return *hits.begin()->second;
}

History History::before(int64_t before_ms) const {
  std::vector<Revision> out;
  std::string limit = hextime(before_ms);
  for (const auto& rev : log()) {
    if (!(rev.child.compare(0, 11, limit) < 0)) break;
    out.push_back(rev);
  }
  return History(std::move(out));
}

History Changelog::history_of(const std::vector<std::string>& listed) {
  std::vector<std::string> sorted;
  if (!std::is_sorted(listed.begin(), listed.end())) {
    sorted = listed;
    std::sort(sorted.begin(), sorted.end());
  }
  const auto& names = sorted.empty() ? listed : sorted;
  // Views into `names`, which outlive this analysis; strings only for the log it returns.
  using Edge = std::pair<std::string_view, std::string_view>;  // parent, child
  std::unordered_map<std::string_view, std::vector<Edge>> children;
  std::vector<std::string_view> parent_order;
  std::unordered_set<std::string_view> all_children;
  children.reserve(names.size());
  all_children.reserve(names.size());
  for (const auto& full : names) {
    std::string_view name = full;
    auto dot = name.find('.');
    if (dot == std::string_view::npos || name.find('.', dot + 1) != std::string_view::npos) continue;
    std::string_view parent = name.substr(0, dot), child = name.substr(dot + 1);
    if (!is_revision_part(parent) || !is_revision_part(child) || parent == child) continue;
    all_children.insert(child);
    auto [it, inserted] = children.try_emplace(parent);
    if (inserted) parent_order.push_back(parent);
    it->second.emplace_back(parent, child);
  }
  std::vector<Edge> stack;
  for (auto p : parent_order) {
    if (all_children.count(p)) continue;
    const auto& kids = children[p];
    stack.insert(stack.end(), kids.begin(), kids.end());
  }
  std::reverse(stack.begin(), stack.end());
  std::vector<Revision> out;
  out.reserve(names.size());
  std::unordered_set<std::string_view> seen;
  seen.reserve(names.size());
  while (!stack.empty()) {
    auto [parent, child] = stack.back();
    stack.pop_back();
    Revision rev{std::string(parent), std::string(child)};
    rev.revisit = !seen.insert(child).second;
    if (!rev.revisit) {
      auto it = children.find(child);
      if (it != children.end()) stack.insert(stack.end(), it->second.rbegin(), it->second.rend());
    }
    out.push_back(std::move(rev));
  }
  return History(std::move(out));
}

std::optional<Revision> Changelog::leaf() const {
  History h = history();
  if (h.empty()) return std::nullopt;
  return *h.state();
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

std::vector<Revision> Changelog::write_under(std::string_view payload, const std::vector<Revision>& bases,
                                             bool earliest) {
  std::string key = sha1_hex(payload);
  std::vector<Revision> out;
  int64_t last = 0;
  auto write = [&](const std::string& parent, int64_t after) {
    // base + 1 ms is kept for `earliest` revisions (a defrag): any other revision on the same
    // base comes after it in the log, even when hextimes run ahead of the clock.
    int64_t t = earliest ? std::max(last + 1, after + 1) : std::max({now_ms(), last + 1, after + 2});
    last = t;
    Revision rev{parent, hextime(t) + "-" + key};
    pod_->write(rev.path(), payload);
    out.push_back(std::move(rev));
  };
  for (const auto& base : bases) {
    if (content_of(base.child) == key) continue;  // the base holds this content already
    write(base.child, time_of(base.child));
    // The log expands a revisited child under its first visit, where nothing written on it
    // would ever be the state: write it again under the parent, after the revisit.
    if (base.revisit) write(base.parent, time_of(base.child));
  }
  return out;
}

std::vector<Revision> Changelog::commit(std::string_view payload, const Revision* base, bool earliest) {
  if (!base) {
    Revision rev{kPhi, hextime(now_ms()) + "-" + sha1_hex(payload)};
    pod_->write(rev.path(), payload);
    return {rev};
  }
  // After a revisit the revision must be the last child of its parent: no earliest time.
  return write_under(payload, {*base}, earliest && !base->revisit);
}

std::vector<Revision> Changelog::commit_merge(std::string_view payload, const std::vector<Revision>& parents) {
  return write_under(payload, parents, false);
}

}  // namespace lakota
