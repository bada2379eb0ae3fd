#include "lakota/api/collection.h"

#include <algorithm>
#include <set>

#include "compact.h"
#include "lakota/error.h"
#include "state.h"

namespace lakota {

const std::string& Collection::label() const { return state_->label; }
const Schema& Collection::schema() const { return *state_->schema; }
const std::string& Collection::path() const { return state_->path; }
Changelog Collection::changelog() const { return state_->changelog; }

Series Collection::series(const std::string& label) const { return Series(state_, label); }

Series Collection::series_by_prefix(const std::string& prefix) const {
  return Series(state_, resolve_prefix(prefix, ls(), "series", label() + "/"));
}

std::vector<std::string> Collection::ls(std::optional<int64_t> before_ms) const {
  return state_->read_snapshot(before_ms).commit.labels();
}

void Collection::delete_series(const std::set<std::string>& labels) {
  if (labels.empty()) return;
  Snapshot base = state_->change_base();
  if (!base.revision) return;
  state_->commit_on(base, [&](const Commit& c) { return c.delete_labels(labels); });
}

void Collection::rename_series(const std::string& from, const std::string& to, bool replace) {
  Snapshot base = state_->change_base();
  if (base.commit.match(from).empty()) throw NotFound("series '" + label() + "/" + from + "' not found");
  if (from == to) return;
  if (!replace && !base.commit.match(to).empty())
    throw Conflict("series '" + label() + "/" + to + "' already exists");
  Series(state_, to);  // validates the new label
  state_->commit_on(base, [&](const Commit& c) { return c.delete_labels({to}).rename_label(from, to); });
}

std::optional<Commit> Collection::leaf_commit(std::optional<int64_t> before_ms) const {
  Snapshot snap = state_->read_snapshot(before_ms);
  if (!snap.revision) return std::nullopt;
  return snap.commit;
}

History Collection::history() const { return *state_->history(); }
std::vector<Revision> Collection::heads() const { return state_->history()->heads(); }
bool Collection::diverged(std::optional<int64_t> before_ms) const { return !state_->history(before_ms)->settled(); }
bool Collection::reads_merged(std::optional<int64_t> before_ms) const { return state_->reads_merged(before_ms); }
std::vector<Revision> Collection::merge() { return state_->settle(); }

bool Collection::revert(const std::string& name) {
  Revision target = state_->resolve(name);
  Commit old = state_->load_commit(target);
  Snapshot base = state_->change_base();
  return state_->commit_on(base, [&](const Commit&) { return old; });
}

Revision Collection::resolve(const std::string& name) const { return state_->resolve(name); }

std::vector<Tag> Collection::tags() const {
  auto out = state_->tags().list();
  std::sort(out.begin(), out.end(), [](const Tag& a, const Tag& b) { return a.name < b.name; });
  return out;
}

Revision Collection::tag(const std::string& name, const std::string& revision) {
  Tags::check_name(name);
  Revision rev;
  if (revision.empty()) {
    auto h = state_->history();
    if (h->empty()) throw NotFound("collection '" + label() + "' has no revision to tag");
    rev = *h->state();
  } else {
    rev = state_->resolve(revision);
  }
  state_->tags().add(name, rev.path(), label());
  return rev;
}

void Collection::untag(const std::string& name) {
  if (!state_->tags().remove(name)) throw NotFound("tag '" + name + "' not found in collection '" + label() + "'");
}

std::vector<std::pair<Revision, Commit>> Collection::revisions() const {
  std::vector<std::pair<Revision, Commit>> out;
  for (const auto& rev : state_->log()) out.emplace_back(rev, state_->load_commit(rev));
  return out;
}

const Snapshot& Batch::base() {
  if (!base_) base_ = std::make_shared<const Snapshot>(state_->change_base());
  return *base_;
}

void Batch::write(const std::string& series, const Frame& frame, const WriteOptions& options) {
  Series s(state_, series);
  std::vector<PendingSegment> segments;  // joins the batch only with its rows
  auto rows = write_rows(*state_, base().commit, s.label(), frame, options, &segments);
  // A copy of this batch shares the list until one of them writes (copy on write).
  if (!pending_) pending_ = std::make_shared<PendingSegments>();
  else if (pending_.use_count() > 1) pending_ = std::make_shared<PendingSegments>(*pending_);
  for (auto& r : rows) rows_.push_back(std::move(r));
  for (auto& p : segments) pending_->list.push_back(std::move(p));
}

void Batch::delete_range(const std::string& series, const Tuple& start, const Tuple& stop, Closed closed) {
  Series s(state_, series);
  for (auto& r : state_->prepare_delete(s.label(), start, stop, closed)) rows_.push_back(std::move(r));
}

void Batch::update(const std::string& series, const Frame& frame) {
  Series s(state_, series);
  for (auto& r : update_rows(*state_, base().commit, s.label(), frame)) rows_.push_back(std::move(r));
}

void Batch::delete_keys(const std::string& series, const std::vector<Tuple>& keys) {
  Series s(state_, series);
  for (auto& r : delete_key_rows(*state_, base().commit, s.label(), keys)) rows_.push_back(std::move(r));
}

bool Batch::commit() {
  auto rows = std::move(rows_);
  rows_.clear();
  auto pending = std::move(pending_);  // the next batch starts afresh, even after an error
  if (rows.empty()) return false;
  if (pending) state_->write_segments(pending->list);
  base();
  auto snap = std::move(base_);  // the next batch reads the state afresh, even after an error
  std::set<std::string> written_labels;
  for (const auto& [row, emb] : rows) written_labels.insert(row.label);
  std::vector<std::string> labels(written_labels.begin(), written_labels.end());
  Snapshot written{std::nullopt, Commit(state_->schema)};
  if (!state_->commit_rows(*snap, rows, false, &written)) return false;
  compact_after_write(*state_, written, labels);
  return true;
}

}  // namespace lakota
