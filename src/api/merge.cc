#include "merge.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "lakota/error.h"
#include "state.h"

namespace lakota {
namespace {

bool same_row(const CommitRow& a, const CommitRow& b) {
  return a.label == b.label && a.length == b.length && a.closed == b.closed && a.digests == b.digests &&
         a.start.size() == b.start.size() && a.stop.size() == b.stop.size() && compare_tuples(a.start, b.start) == 0 &&
         compare_tuples(a.stop, b.stop) == 0;
}

// Is head row `h` what is left of root row `r` after the head's own writes cut it? Stored
// arrays are named by their content, so a view of the same arrays inside the root row's
// range is a piece of it.
bool is_piece_of(const CommitRow& h, const CommitRow& r) {
  return h.length > 0 && h.label == r.label && h.length == r.length && h.digests == r.digests &&
         compare_tuples(h.start, r.start) >= 0 && compare_tuples(h.stop, r.stop) <= 0;
}

// An index range with its closed flags.
struct Interval {
  Tuple lo, hi;
  Closed closed;
};

bool is_empty(const Interval& i) {
  int c = compare_tuples(i.lo, i.hi);
  return c > 0 || (c == 0 && !(i.closed.left && i.closed.right));
}

// The parts of `a` outside `b` (none, one or two).
std::vector<Interval> subtract(const Interval& a, const Interval& b) {
  int c = compare_tuples(b.hi, a.lo);
  if (c < 0 || (c == 0 && !(b.closed.right && a.closed.left))) return {a};
  c = compare_tuples(b.lo, a.hi);
  if (c > 0 || (c == 0 && !(b.closed.left && a.closed.right))) return {a};
  std::vector<Interval> out;
  Interval before{a.lo, b.lo, {a.closed.left, !b.closed.left}};
  Interval after{b.hi, a.hi, {!b.closed.right, a.closed.right}};
  for (auto* i : {&before, &after})
    if (!is_empty(*i)) out.push_back(std::move(*i));
  return out;
}

// Rows of one series in a commit: they are contiguous (rows are sorted by label).
struct SeriesRows {
  const Commit* commit = nullptr;
  size_t begin = 0, end = 0;

  size_t size() const { return end - begin; }
  CommitRow row(size_t k) const { return commit->row(begin + k); }
  Commit slice() const { return commit->slice(begin, end); }
};

SeriesRows rows_of(const Commit& c, const std::string& label) {
  auto pos = c.match(label);
  if (pos.empty()) return {&c, 0, 0};
  return {&c, pos.front(), pos.back() + 1};
}

bool same_rows(const SeriesRows& a, const SeriesRows& b) {
  if (a.size() != b.size()) return false;
  for (size_t k = 0; k < a.size(); ++k)
    if (!same_row(a.row(k), b.row(k))) return false;
  return true;
}

Embedded embedded_of(const Commit& c, const CommitRow& row) {
  Embedded out;
  for (const auto& d : row.digests)
    if (c.embedded().count(d)) out[d] = c.embedded().find(d)->second;
  return out;
}

// The changes `head` made to the rows `root_rows` of one series, applied to `acc`: rows of
// its own overwrite their ranges, and ancestor data it no longer holds is deleted.
Commit apply_head(const CollectionState& st, const std::string& label, Commit acc,
                  const std::vector<CommitRow>& root_rows, const SeriesRows& head) {
  if (head.size() == 0) return acc.delete_labels({label});  // the head deleted the series
  std::vector<CommitRow> rows;
  for (size_t k = 0; k < head.size(); ++k) rows.push_back(head.row(k));
  auto views_of = [&](const CommitRow& r) {
    return std::any_of(rows.begin(), rows.end(), [&](const CommitRow& h) { return h.digests == r.digests; });
  };
  // Ancestor data the head holds no view of any more, that no new row of its covers
  // either (the series was dropped and written again): the head removed it.
  for (const auto& r : root_rows) {
    if (r.length == 0 || views_of(r)) continue;
    for (auto& [row, emb] : st.prepare_delete(label, r.start, r.stop, r.closed)) acc = acc.update(row, emb);
  }
  for (const auto& r : rows) {
    if (r.length > 0) {
      bool old = std::any_of(root_rows.begin(), root_rows.end(), [&](const CommitRow& o) { return is_piece_of(r, o); });
      if (!old) acc = acc.update(r, embedded_of(*head.commit, r));
      continue;
    }
    // A range delete. Empty rows all look alike (a delete inside a deleted range leaves
    // the same rows as no delete), so a head's deletes count where the ancestor was not
    // empty already: there they removed rows it saw, or ranges nothing had written.
    std::vector<Interval> parts{{r.start, r.stop, r.closed}};
    for (const auto& o : root_rows) {
      if (o.length > 0) continue;
      std::vector<Interval> next;
      for (const auto& p : parts)
        for (auto& q : subtract(p, {o.start, o.stop, o.closed})) next.push_back(std::move(q));
      parts = std::move(next);
    }
    for (const auto& p : parts)
      for (auto& [row, emb] : st.prepare_delete(label, p.lo, p.hi, p.closed)) acc = acc.update(row, emb);
  }
  return acc;
}

std::vector<CommitRow> rows_vector(const SeriesRows& rows) {
  std::vector<CommitRow> out;
  for (size_t k = 0; k < rows.size(); ++k) out.push_back(rows.row(k));
  return out;
}

// Row-wise merge of one series: `root` and the heads that changed it, in log order.
Commit merge_rows(const CollectionState& st, const std::string& label, const SeriesRows& root,
                  const std::vector<SeriesRows>& heads) {
  Commit acc = root.slice();
  auto root_rows = rows_vector(root);
  for (const auto& head : heads) acc = apply_head(st, label, std::move(acc), root_rows, head);
  return acc;
}

bool same_cell(const Column& a, size_t i, const Column& b, size_t j) {
  if (a.dtype().kind == Kind::Object) return a.object(i) == b.object(j);
  if (a.dtype().kind == Kind::Str) return a.str(i) == b.str(j);
  return a.dtype().size == b.dtype().size &&
         std::memcmp(a.data() + i * a.dtype().size, b.data() + j * b.dtype().size, a.dtype().size) == 0;
}

// Key-by-key merge of one key-value series.
Commit merge_keys(const CollectionState& st, const std::string& label, const SeriesRows& root,
                  const std::vector<SeriesRows>& heads) {
  const Schema& sch = *st.schema;
  std::vector<Frame> frames;
  frames.push_back(read_series(st, *root.commit, label, {}));
  for (const auto& h : heads) frames.push_back(read_series(st, *h.commit, label, {}));
  auto less = [](const Tuple& a, const Tuple& b) { return compare_tuples(a, b) < 0; };
  auto same_values = [&](size_t fa, size_t i, size_t fb, size_t j) {
    for (size_t c = 0; c < sch.size(); ++c)
      if (!same_cell(frames[fa].columns()[c], i, frames[fb].columns()[c], j)) return false;
    return true;
  };
  std::map<Tuple, size_t, decltype(less)> root_keys(less);
  std::map<Tuple, std::pair<size_t, size_t>, decltype(less)> result(less);  // key -> (frame, position)
  for (size_t i = 0; i < frames[0].size(); ++i) {
    Tuple key = index_tuple(sch, frames[0], i);
    root_keys[key] = i;
    result[key] = {0, i};
  }
  for (size_t f = 1; f < frames.size(); ++f) {
    std::set<Tuple, decltype(less)> present(less);
    for (size_t i = 0; i < frames[f].size(); ++i) {
      Tuple key = index_tuple(sch, frames[f], i);
      auto r = root_keys.find(key);
      if (r == root_keys.end() || !same_values(0, r->second, f, i)) result[key] = {f, i};
      present.insert(std::move(key));
    }
    for (const auto& [key, pos] : root_keys)
      if (!present.count(key)) result.erase(key);  // deleted by this head
  }
  if (result.empty()) return Commit(st.schema);
  std::vector<size_t> offset{0};
  for (const auto& f : frames) offset.push_back(offset.back() + f.size());
  std::vector<size_t> order;
  for (const auto& [key, src] : result) order.push_back(offset[src.first] + src.second);
  Frame all = Frame::concat(frames);
  std::vector<Column> cols;
  for (const auto& c : all.columns()) cols.push_back(c.take(order));
  Commit out(st.schema);
  for (const auto& [row, emb] : st.prepare(label, Frame(all.names(), std::move(cols)), {})) out = out.update(row, emb);
  return out;
}

// Does `commit` show the values `parent` shows, its rows cut differently (a compaction, or a
// rewrite of the same values)? Rows that differ are compared by value, over the range they
// span.
bool same_values(const CollectionState& st, const Commit& commit, const Commit& parent) {
  auto labels = commit.labels();
  if (labels != parent.labels()) return false;
  for (const auto& label : labels) {
    SeriesRows a = rows_of(commit, label), b = rows_of(parent, label);
    if (same_rows(a, b)) continue;
    size_t front = 0, back = 0;
    while (front < a.size() && front < b.size() && same_row(a.row(front), b.row(front))) ++front;
    while (back < a.size() - front && back < b.size() - front &&
           same_row(a.row(a.size() - 1 - back), b.row(b.size() - 1 - back)))
      ++back;
    Query q;  // the hull of the rows that differ, bounds included
    q.closed = Closed::both();
    auto widen = [&](const CommitRow& r) {
      if (q.start.empty() || compare_tuples(r.start, q.start) < 0) q.start = r.start;
      if (q.stop.empty() || compare_tuples(r.stop, q.stop) > 0) q.stop = r.stop;
    };
    for (size_t k = front; k + back < a.size(); ++k) widen(a.row(k));
    for (size_t k = front; k + back < b.size(); ++k) widen(b.row(k));
    if (!read_series(st, commit, label, q).equals(read_series(st, parent, label, q))) return false;
  }
  return true;
}

// Written at its parent's time + 1 ms: only a defrag or an automatic compaction is (see
// Changelog::commit, `earliest`); both rewrite their parent's values.
bool is_rewrite_time(const Revision& rev) { return rev.epoch_ms() == Revision{"", rev.parent}.epoch_ms() + 1; }

// Row `r` narrowed to [start, stop] (with `closed`); none when nothing of it is left.
std::optional<CommitRow> clip(CommitRow r, const Tuple& start, const Tuple& stop, Closed closed) {
  int c = compare_tuples(r.start, start);
  if (c < 0) r.start = start, r.closed.left = closed.left;
  else if (c == 0) r.closed.left = r.closed.left && closed.left;
  c = compare_tuples(r.stop, stop);
  if (c > 0) r.stop = stop, r.closed.right = closed.right;
  else if (c == 0) r.closed.right = r.closed.right && closed.right;
  c = compare_tuples(r.start, r.stop);
  if (c > 0 || (c == 0 && !(r.closed.left && r.closed.right))) return std::nullopt;
  return r;
}

// The rows each merged row of a rewrite replaced: (label, digests) of the merged row -> the
// rows of the rewritten revision within its range, with their embedded arrays.
using Rewrites = std::map<std::pair<std::string, std::vector<std::string>>, std::vector<std::pair<CommitRow, Embedded>>>;

// What rewrite revision `r` merged: for each of its merged rows, the rows of its parent in
// that row's range. Empty when `r` shows other values than its parent. None when its
// parent is not in `history` (a trim removed it; a pull may bring it back).
std::optional<Rewrites> rewrite_rows(const CollectionState& st, const History& history, const Revision& r) {
  auto parent = history.find(r.parent_digest());
  if (!parent) return std::nullopt;
  Rewrites out;
  Commit after = st.load_commit(r), before = st.load_commit(*parent);
  if (!same_values(st, after, before)) return out;
  for (const auto& label : after.labels()) {
    SeriesRows a = rows_of(after, label), b = rows_of(before, label);
    auto old_rows = rows_vector(b);
    for (size_t k = 0; k < a.size(); ++k) {
      CommitRow merged = a.row(k);
      // An empty row is a delete, not a merge: all empty rows of a series share their
      // digests, so one taken as merged would stand for every delete of the series.
      if (merged.length == 0) continue;
      if (std::any_of(old_rows.begin(), old_rows.end(), [&](const CommitRow& o) { return same_row(o, merged); }))
        continue;
      auto& into = out[{label, merged.digests}];
      if (!into.empty()) continue;  // the same merged row written twice
      for (const auto& o : old_rows) {
        if (o.digests == merged.digests) continue;  // a piece of itself: nothing to put back
        if (auto piece = clip(o, merged.start, merged.stop, merged.closed)) into.emplace_back(*piece, embedded_of(before, o));
      }
      if (into.empty()) out.erase({label, merged.digests});
    }
  }
  return out;
}

}  // namespace

// Revisions never change (their names hold their content's digest and their parent's), so
// what rewrite_rows finds for one holds for good.
struct RewriteCache {
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<const Rewrites>> by_revision;  // revision path ->
};

std::shared_ptr<RewriteCache> make_rewrite_cache() { return std::make_shared<RewriteCache>(); }

namespace {

// The rewrites (defrags, automatic compactions) the heads descend from: revisions at their
// parent's time + 1 ms that show their parent's values. All of them, not only those after
// the common ancestor: an earlier merge expanded the heads, while the ancestor may still
// hold a merged row. Each revision is looked at once per collection handle (the cache).
Rewrites rewrites_of(const CollectionState& st, const History& history, const std::vector<Revision>& heads) {
  std::map<std::string, std::vector<const Revision*>> holders;  // content -> revisions holding it
  for (const auto& r : history.log()) holders[r.child_digest()].push_back(&r);
  std::set<std::string> seen;
  std::vector<std::string> todo;
  for (const auto& h : heads) todo.push_back(h.child_digest());
  std::vector<const Revision*> found;
  while (!todo.empty()) {
    std::string c = todo.back();
    todo.pop_back();
    if (!seen.insert(c).second) continue;
    auto it = holders.find(c);
    if (it == holders.end()) continue;
    for (const Revision* r : it->second) {
      if (is_rewrite_time(*r)) found.push_back(r);
      todo.push_back(r->parent_digest());
    }
  }
  Rewrites out;
  RewriteCache& cache = *st.rewrite_cache;
  for (const Revision* r : found) {
    std::shared_ptr<const Rewrites> rows;
    {
      std::lock_guard lock(cache.mutex);
      auto it = cache.by_revision.find(r->path());
      if (it != cache.by_revision.end()) rows = it->second;
    }
    if (!rows) {
      auto computed = rewrite_rows(st, history, *r);
      if (!computed) continue;
      rows = std::make_shared<const Rewrites>(std::move(*computed));
      std::lock_guard lock(cache.mutex);
      cache.by_revision.emplace(r->path(), rows);
    }
    for (const auto& [key, replaced] : *rows) out.emplace(key, replaced);  // the first found stands
  }
  // Forget revisions the history no longer leads to (a trim removed them).
  std::set<std::string> live;
  for (const Revision* r : found) live.insert(r->path());
  std::lock_guard lock(cache.mutex);
  for (auto it = cache.by_revision.begin(); it != cache.by_revision.end();)
    it = live.count(it->first) ? std::next(it) : cache.by_revision.erase(it);
  return out;
}

// `commit` with every row a rewrite merged (and every piece of one) put back as the rows it
// replaced, within the same range: what each writer wrote, with its own bounds, so that a
// merged row, which spans the gaps between the rows it replaced, never hides what a
// concurrent write put there or changed in them.
Commit expand_rewrites(const Commit& commit, const Rewrites& rewrites) {
  if (rewrites.empty()) return commit;
  std::vector<Commit> parts;
  std::function<void(const CommitRow&, const Embedded&, int)> add = [&](const CommitRow& r, const Embedded& emb, int depth) {
    auto it = rewrites.find({r.label, r.digests});
    if (it == rewrites.end() || depth > 64) {
      parts.push_back(Commit::one(commit.schema_ptr(), r, emb));
      return;
    }
    for (const auto& [o, o_emb] : it->second)
      if (auto piece = clip(o, r.start, r.stop, r.closed)) add(*piece, o_emb, depth + 1);
  };
  for (size_t i = 0; i < commit.size(); ++i) {
    CommitRow r = commit.row(i);
    add(r, embedded_of(commit, r), 0);
  }
  return parts.empty() ? Commit(commit.schema_ptr()) : Commit::concat(parts);
}

}  // namespace

Commit merge_heads(const CollectionState& st, const History& history, const std::vector<Revision>& heads) {
  auto ancestor = history.common_ancestor(heads);
  Rewrites rewrites = heads.size() > 1 && !st.kv ? rewrites_of(st, history, heads) : Rewrites{};
  std::vector<Commit> commits;
  for (const auto& h : heads) commits.push_back(expand_rewrites(st.load_commit(h), rewrites));
  std::optional<Commit> root;  // expanded alike
  if (ancestor) root = expand_rewrites(st.load_commit(*ancestor), rewrites);
  Commit empty(st.schema);
  const Commit& base = root ? *root : empty;

  std::set<std::string> labels;
  for (const auto& l : base.labels()) labels.insert(l);
  for (const auto& c : commits)
    for (const auto& l : c.labels()) labels.insert(l);

  // Runs of series taken as they are from one commit become one slice.
  std::vector<Commit> parts;
  SeriesRows run;
  auto flush = [&]() {
    if (run.commit && run.size()) parts.push_back(run.slice());
    run = {};
  };
  auto take = [&](const SeriesRows& rows) {
    if (rows.size() == 0) return;
    if (run.commit == rows.commit && run.end == rows.begin) {
      run.end = rows.end;
      return;
    }
    flush();
    run = rows;
  };
  for (const auto& label : labels) {
    SeriesRows root_rows = rows_of(base, label);
    std::vector<SeriesRows> changed;
    for (const auto& c : commits) {
      SeriesRows rows = rows_of(c, label);
      if (!same_rows(rows, root_rows)) changed.push_back(rows);
    }
    bool alike = std::all_of(changed.begin(), changed.end(), [&](const SeriesRows& r) { return same_rows(r, changed[0]); });
    if (changed.empty()) {
      take(root_rows);
    } else if (alike) {
      take(changed[0]);
    } else {
      flush();
      parts.push_back(st.kv ? merge_keys(st, label, root_rows, changed) : merge_rows(st, label, root_rows, changed));
    }
  }
  flush();
  if (parts.empty()) return empty;
  return Commit::concat(parts);
}

}  // namespace lakota
