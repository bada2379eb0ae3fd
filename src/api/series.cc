#include "lakota/api/series.h"

#include <algorithm>
#include <cmath>

#include "common/thread_pool.h"
#include "lakota/api/collection.h"
#include "lakota/error.h"
#include "compact.h"
#include "state.h"

namespace lakota {
namespace {

// Reads of fewer rows are done by the caller alone: handing work to another thread costs
// tens of microseconds here, and its first touch of fresh memory more. Measured on a 1 %
// read (100,000 rows of two columns): 1.33 ms alone, 1.0 to 2.6 ms with the columns split.
constexpr size_t kParallelRows = size_t(1) << 18;

// Rows from which a read is split between threads. A piece read whole with its digests
// checked is hashed as well as decoded: worth splitting when 4 times smaller (100,000
// rows: 1.0 ms split, 1.45 ms alone; workload 7's reads).
size_t parallel_rows(const CollectionState& st, bool whole) {
  return whole && st.options.verify_digests ? kParallelRows / 4 : kParallelRows;
}

std::vector<size_t> selected_columns(const Schema& schema, const std::vector<std::string>& select) {
  std::vector<size_t> out;
  if (select.empty()) {
    for (size_t i = 0; i < schema.size(); ++i) out.push_back(i);
    return out;
  }
  for (const auto& name : select) out.push_back(schema.position(name));
  return out;
}

std::vector<std::string> names_of(const Schema& schema, const std::vector<size_t>& cols) {
  std::vector<std::string> out;
  for (auto c : cols) out.push_back(schema[c].name);
  return out;
}

Frame empty_frame(const Schema& schema, const std::vector<size_t>& cols) {
  std::vector<Column> out;
  for (auto c : cols) out.emplace_back(schema[c].dtype);
  return Frame(names_of(schema, cols), std::move(out));
}

// The columns `cols` of span positions [lo, hi); with `targets` (one per column), where
// arrays read whole may be decoded. `among_pieces`: other pieces of the read are being
// loaded side by side (a remote pod's requests are then in flight already).
Frame load_frame(const CollectionState& st, const Commit& ci, const Span& s, const std::vector<size_t>& cols, size_t lo,
                 size_t hi, const std::vector<DecodeTarget>* targets = nullptr, const RecentArrays* recent = nullptr,
                 bool among_pieces = false) {
  std::vector<Column> out(cols.size());
  const auto& idx = st.schema->index();
  auto load = [&](size_t k) {
    size_t c = cols[k];
    auto it = std::find(idx.begin(), idx.end(), c);
    bool whole = lo == 0 && hi == size_t(ci.length(s.row));  // read whole, its digest checked
    size_t at = size_t(it - idx.begin());
    // The searched index column's blocks serve its first selection only: a BloscArray is
    // used by one thread at a time (a column selected twice reads its own copy).
    bool first = std::find(cols.begin(), cols.end(), c) == cols.begin() + std::ptrdiff_t(k);
    if (at < s.index.size() && s.index[at]) out[k] = s.index[at]->slice(lo, hi);
    else if (it == idx.begin() && s.index_blocks && first && !whole) out[k] = s.index_blocks->decode(lo, hi - lo);
    else out[k] = st.load_column_range(ci, s.row, c, lo, hi, targets ? &(*targets)[k] : nullptr, recent);
  };
  // Large columns decode (and have their digests checked) side by side, and a remote pod's
  // requests are in flight together (as many as it takes at once).
  if (hi - lo >= parallel_rows(st, lo == 0 && hi == size_t(ci.length(s.row))) && cols.size() > 1) {
    parallel_for(cols.size(), cols.size(), load);
  } else if (st.pod->remote() && !among_pieces && cols.size() > 1) {
    parallel_for(cols.size(), std::min(cols.size(), st.pod->parallelism()), load);
  } else {
    for (size_t k = 0; k < cols.size(); ++k) load(k);
  }
  for (size_t k = 0; k < cols.size(); ++k) {
    if (out[k].size() != hi - lo) {
      throw CorruptData("collection '" + st.label + "': column '" + (*st.schema)[cols[k]].name +
                        "' is shorter than its index in segment " + ci.digest(s.row, cols[k]));
    }
  }
  return Frame(names_of(*st.schema, cols), std::move(out));
}

void check_query(const Schema& schema, const Query& q) {
  if (q.start.size() > schema.index().size() || q.stop.size() > schema.index().size()) {
    throw InvalidInput("a bound has more values than the " + std::to_string(schema.index().size()) + " index column(s)");
  }
  for (const auto* bound : {&q.start, &q.stop})
    for (const auto& v : *bound)
      if (auto* d = std::get_if<double>(&v); d && std::isnan(*d)) throw InvalidInput("NaN is never an index value, so never a bound");
}

}  // namespace

Series::Series(std::shared_ptr<CollectionState> collection, std::string label)
    : state_(std::move(collection)), label_(std::move(label)) {
  auto b = label_.find_first_not_of(" \t\r\n"), e = label_.find_last_not_of(" \t\r\n");
  label_ = b == std::string::npos ? "" : label_.substr(b, e - b + 1);
  if (label_.empty()) throw InvalidInput("invalid series label: it is empty");
  if (label_.find('\0') != std::string::npos) throw InvalidInput("invalid series label: it holds a NUL character");
  if (!utf8_valid(label_)) throw InvalidInput("invalid series label '" + label_ + "': it is not valid UTF-8");
}

const Schema& Series::schema() const { return *state_->schema; }

Rows write_rows(const CollectionState& st, const Commit& base, const std::string& label, const Frame& input,
                const WriteOptions& options, std::vector<PendingSegment>* pending) {
  const Schema& sch = *st.schema;
  std::string context = "series '" + st.label + "/" + label + "'";
  if (st.kv && !options.start && !options.stop) {
    // Key-value collections upsert: new values win, other keys stay.
    Frame frame = conform(sch, input);
    check_index_values(sch, frame, context);
    frame = sort_frame(sch, frame, true);
    if (frame.empty()) return {};
    Query q;
    q.start = index_tuple(sch, frame, 0);
    q.stop = index_tuple(sch, frame, frame.size() - 1);
    q.closed = Closed::both();
    Frame db = read_series(st, base, label, q);
    if (!db.empty()) {
      if (db.equals(frame)) return {};
      frame = sort_frame(sch, Frame::concat({frame, db}), true);
    }
    return st.prepare(label, frame, {}, pending);
  }
  return st.prepare(label, prepare_frame(sch, input, context), options, pending);
}

bool Series::write(const Frame& input, const WriteOptions& options, Revision* revision) {
  Snapshot base = options.root ? Snapshot{std::nullopt, Commit(state_->schema)} : state_->snapshot();
  Snapshot written{std::nullopt, Commit(state_->schema)};
  if (!state_->commit_rows(base, write_rows(*state_, base.commit, label_, input, options), false, &written)) return false;
  if (revision && written.revision) *revision = *written.revision;
  compact_after_write(*state_, written, {label_});
  return true;
}

bool Series::write_parts(const std::function<std::optional<Frame>()>& next, Revision* revision) {
  const Schema& sch = *state_->schema;
  if (state_->kv) {
    std::vector<Frame> parts;
    while (auto part = next()) parts.push_back(std::move(*part));
    return !parts.empty() && write(Frame::concat(parts), {}, revision);
  }
  std::string context = "series '" + state_->label + "/" + label_ + "'";
  Rows rows;
  std::vector<PendingSegment> pending;
  std::optional<Frame> tail;  // the last row of the frames so far
  size_t seen = 0;            // their rows
  while (auto part = next()) {
    Frame frame = prepare_frame(sch, *part, context, seen);
    if (frame.empty()) continue;
    // The index goes on increasing across frames (the message numbers rows as one frame's).
    if (tail) check_sorted(sch, Frame::concat({*tail, frame.slice(0, 1)}), context, false, seen - 1);
    // Each frame continues where the previous one stopped, as the rows of one large write.
    WriteOptions options;
    if (tail) {
      options.start = index_tuple(sch, *tail, 0);
      options.closed = Closed{false, true};
    }
    for (auto& r : state_->prepare(label_, frame, options, &pending)) rows.push_back(std::move(r));
    // A copy of the last row: the frame's memory may be reused by the next one.
    std::vector<Column> last_row;
    for (const auto& c : frame.columns()) last_row.push_back(c.take({frame.size() - 1}));
    tail = Frame(frame.names(), std::move(last_row));
    seen += frame.size();
  }
  if (rows.empty()) return false;
  state_->write_segments(pending);
  pending.clear();
  Snapshot base = state_->snapshot();
  Snapshot written{std::nullopt, Commit(state_->schema)};
  if (!state_->commit_rows(base, rows, false, &written)) return false;
  if (revision && written.revision) *revision = *written.revision;
  compact_after_write(*state_, written, {label_});
  return true;
}

bool Series::delete_range(const Tuple& start, const Tuple& stop, Closed closed) {
  auto rows = state_->prepare_delete(label_, start, stop, closed);
  return state_->commit_rows(state_->snapshot(), rows);
}

bool Series::update(const Frame& input) {
  Snapshot base = state_->change_base();
  return state_->commit_rows(base, update_rows(*state_, base.commit, label_, input));
}

Rows update_rows(const CollectionState& st, const Commit& base, const std::string& label, const Frame& input) {
  const Schema& sch = *st.schema;
  std::string context = "series '" + st.label + "/" + label + "'";
  std::vector<std::string> idx_names = sch.index_names();
  for (const auto& n : idx_names)
    if (!input.find(n)) throw InvalidInput(context + ": update needs the index column '" + n + "'");
  // Cast the given columns through a schema of just those columns, in the schema's order
  // (a composite index compares in that order, whatever the frame's).
  for (const auto& n : input.names()) sch.position(n);
  std::vector<ColumnDef> defs;
  for (const auto& def : sch.columns())
    if (input.find(def.name)) defs.push_back(def);
  Schema partial(defs);
  Frame frame = prepare_frame(partial, input, context);
  if (frame.empty()) return {};
  Query q;
  q.start = index_tuple(partial, frame, 0);
  q.stop = index_tuple(partial, frame, frame.size() - 1);
  q.closed = Closed::both();
  Frame db = read_series(st, base, label, q);
  std::vector<Column> out;
  // Rows of the frame before, inside and after the stored range.
  size_t n = frame.size();
  size_t head = 0, tail = n;
  if (!db.empty()) {
    Tuple db_start, db_stop;
    for (const auto& name : idx_names) {
      db_start.push_back(db[name].value(0));
      db_stop.push_back(db[name].value(db.size() - 1));
    }
    while (head < n && compare_tuples(index_tuple(partial, frame, head), db_start) < 0) ++head;
    while (tail > head && compare_tuples(index_tuple(partial, frame, tail - 1), db_stop) > 0) --tail;
    if (tail - head != db.size()) throw InvalidInput(context + ": update frame is not aligned with the stored index");
    for (const auto& name : idx_names)
      if (!frame[name].slice(head, tail).equals(db[name])) throw InvalidInput(context + ": update frame is not aligned with the stored index");
  } else {
    tail = head = n;
  }
  for (const auto& def : sch.columns()) {
    if (const Column* given = frame.find(def.name)) {
      out.push_back(*given);
      continue;
    }
    // Zero values outside the stored range, stored values inside.
    std::vector<Column> parts;
    auto zeros = [&](size_t count) {
      if (def.dtype.kind == Kind::Str) return Column::strings(std::vector<std::string>(count), 1);
      if (def.dtype.kind == Kind::Object) return Column::objects(std::vector<Json>(count));
      auto buf = std::make_shared<Buffer>(count * def.dtype.size);
      std::memset(buf->bytes.get(), 0, count * def.dtype.size);
      return Column(def.dtype, std::move(buf), count);
    };
    parts.push_back(zeros(head));
    if (!db.empty()) parts.push_back(db[def.name]);
    parts.push_back(zeros(n - tail));
    out.push_back(Column::concat(parts));
  }
  WriteOptions o;
  o.start = q.start;
  o.stop = q.stop;
  return st.prepare(label, Frame(sch.names(), std::move(out)), o);
}

bool Series::delete_keys(const std::vector<Tuple>& keys) {
  Snapshot base = state_->change_base();
  return state_->commit_rows(base, delete_key_rows(*state_, base.commit, label_, keys));
}

Rows delete_key_rows(const CollectionState& st, const Commit& base, const std::string& label,
                     const std::vector<Tuple>& keys) {
  const Schema& sch = *st.schema;
  if (keys.empty()) return {};
  for (const auto& k : keys)
    if (k.size() != sch.index().size()) throw InvalidInput("each key needs one value per index column");
  auto less = [](const Tuple& a, const Tuple& b) { return compare_tuples(a, b) < 0; };
  std::vector<Tuple> sorted = keys;
  std::sort(sorted.begin(), sorted.end(), less);
  Query q;
  q.start = sorted.front();
  q.stop = sorted.back();
  q.closed = Closed::both();
  Frame db = read_series(st, base, label, q);
  std::vector<size_t> keep;
  for (size_t i = 0; i < db.size(); ++i) {
    Tuple key = index_tuple(sch, db, i);
    if (!std::binary_search(sorted.begin(), sorted.end(), key, less)) keep.push_back(i);
  }
  if (keep.size() == db.size()) return {};
  // The reference rebuilds these arrays from Python values: string widths start afresh.
  std::vector<Column> cols;
  for (const auto& c : db.columns()) {
    Column kept = c.take(keep);
    if (kept.dtype().kind == Kind::Str) {
      std::vector<std::string> values;
      for (size_t i = 0; i < kept.size(); ++i) values.push_back(kept.str(i));
      kept = Column::strings(std::move(values));
    }
    cols.push_back(std::move(kept));
  }
  WriteOptions o;
  o.start = q.start;
  o.stop = q.stop;
  return st.prepare(label, Frame(db.names(), std::move(cols)), o);
}

Frame Series::read(const Query& q) const { return read_series(*state_, state_->snapshot_of(q).commit, label_, q); }

Frame read_series(const CollectionState& st, const Commit& ci, const std::string& label, const Query& q,
                  const RecentArrays* recent) {
  const Schema& sch = *st.schema;
  check_query(sch, q);
  auto cols = selected_columns(sch, q.select);
  std::vector<Frame> parts;
  size_t skip = q.offset;
  std::optional<size_t> left = q.limit;
  auto views = ci.select(label, q.start, q.stop, q.closed);
  size_t workers = st.pod->parallelism();
  // Threads for the pieces: on a local pod, a small read (a compaction's, most often) is
  // done by the caller alone, as handing a piece to a thread costs tens of microseconds.
  // The pieces of a read of several are mostly read whole.
  bool large = st.pod->remote();
  for (size_t i = 0, rows = 0; i < views.size() && !large; ++i)
    large = (rows += size_t(std::max<int64_t>(ci.length(views[i].row), 0))) >= parallel_rows(st, true);
  size_t threads = large ? workers : 1;
  if (!left && skip == 0 && views.size() > 1 && workers > 1) {
    // Every piece is read: fetch and decode them side by side (on S3, the requests of a
    // read are in flight together), each into its place in one buffer per fixed-width
    // column, so that joining them copies nothing.
    std::vector<std::optional<Span>> spans(views.size());
    parallel_for(views.size(), threads, [&](size_t i) { spans[i] = st.span(ci, views[i], recent); });
    // Lengths come from the commit: a damaged or hostile one must not size or place a
    // decode. Pieces beyond blosc's limit, sums that overflow, or memory that cannot be had
    // leave every piece to decode on its own (and fail there, naming its file).
    std::vector<size_t> first(views.size());
    size_t total = 0;
    bool in_place = true;
    for (size_t i = 0; i < views.size() && in_place; ++i) {
      first[i] = total;
      size_t n = spans[i]->hi > spans[i]->lo ? spans[i]->hi - spans[i]->lo : 0;
      in_place = n <= kBloscMaxBytes && !__builtin_add_overflow(total, n, &total);
    }
    std::vector<std::shared_ptr<Buffer>> whole(cols.size());
    for (size_t k = 0; k < cols.size() && in_place && total; ++k) {
      size_t bytes;
      if (!sch[cols[k]].dtype.fixed_width()) continue;
      if (__builtin_mul_overflow(total, sch[cols[k]].dtype.size, &bytes)) {
        in_place = false;
        break;
      }
      try {
        whole[k] = std::make_shared<Buffer>(bytes);
      } catch (const std::bad_alloc&) {
        in_place = false;
      }
    }
    if (!in_place) std::fill(whole.begin(), whole.end(), nullptr);
    std::vector<std::optional<Frame>> loaded(views.size());
    parallel_for(views.size(), threads, [&](size_t i) {
      const Span& s = *spans[i];
      if (s.hi <= s.lo) return;
      std::vector<DecodeTarget> targets(cols.size());
      for (size_t k = 0; k < cols.size(); ++k) {
        if (!whole[k]) continue;
        size_t width = sch[cols[k]].dtype.size;
        targets[k] = {whole[k]->bytes.get() + first[i] * width, (s.hi - s.lo) * width, whole[k]};
      }
      loaded[i] = load_frame(st, ci, s, cols, s.lo, s.hi, &targets, recent, threads > 1);
    });
    for (auto& f : loaded)
      if (f) parts.push_back(std::move(*f));
  } else if (!(left && *left == 0)) {
    for (const auto& view : views) {
      Span s = st.span(ci, view, recent);
      size_t n = s.hi - s.lo;
      if (skip >= n) {
        skip -= n;
        continue;
      }
      size_t lo = s.lo + skip;
      skip = 0;
      size_t hi = s.hi;
      if (left) hi = std::min(hi, lo + *left);
      if (hi > lo) parts.push_back(load_frame(st, ci, s, cols, lo, hi, nullptr, recent));
      if (left) {
        *left -= hi - lo;
        if (*left == 0) break;
      }
    }
  }
  if (parts.empty()) return empty_frame(sch, cols);
  return Frame::concat(parts);
}

Frame Series::tail(size_t count, const Query& q) const {
  if (count == 0) throw InvalidInput("tail needs a length above 0");
  check_query(schema(), q);
  auto cols = selected_columns(schema(), q.select);
  Snapshot snap = state_->snapshot_of(q);
  std::vector<Frame> parts;
  {
    const Commit& ci = snap.commit;
    auto views = ci.select(label_, q.start, q.stop, q.closed);
    size_t need = count;
    for (auto it = views.rbegin(); it != views.rend() && need > 0; ++it) {
      Span s = state_->span(ci, *it);
      size_t n = s.hi - s.lo;
      size_t lo = n > need ? s.hi - need : s.lo;
      if (s.hi > lo) parts.push_back(load_frame(*state_, ci, s, cols, lo, s.hi));
      need -= s.hi - lo;
    }
    std::reverse(parts.begin(), parts.end());
  }
  Frame out = parts.empty() ? empty_frame(schema(), cols) : Frame::concat(parts);
  if (q.limit || q.offset) {
    size_t begin = std::min(q.offset, out.size());
    size_t end = q.limit ? std::min(out.size(), begin + *q.limit) : out.size();
    out = out.slice(begin, end);
  }
  return out;
}

void Series::paginate(size_t step, const Query& q, const std::function<bool(const Frame&)>& page) const {
  if (step == 0) throw InvalidInput("paginate needs a page size above 0");
  check_query(schema(), q);
  auto cols = selected_columns(schema(), q.select);
  Snapshot snap = state_->snapshot_of(q);
  const Commit& ci = snap.commit;
  size_t skip = q.offset;
  std::optional<size_t> left = q.limit;
  std::vector<Frame> pending;
  size_t pending_rows = 0;
  auto flush = [&]() {
    if (pending.empty()) return true;
    Frame f = Frame::concat(pending);
    pending.clear();
    pending_rows = 0;
    return page(f);
  };
  for (const auto& view : ci.select(label_, q.start, q.stop, q.closed)) {
    if (left && *left == 0) break;
    Span s = state_->span(ci, view);
    size_t pos = s.lo;
    if (skip) {
      size_t k = std::min(skip, s.hi - s.lo);
      skip -= k;
      pos += k;
    }
    while (pos < s.hi) {
      size_t take = std::min(s.hi - pos, step - pending_rows);
      if (left) take = std::min(take, *left);
      if (take == 0) break;
      pending.push_back(load_frame(*state_, ci, s, cols, pos, pos + take));
      pending_rows += take;
      pos += take;
      if (left) *left -= take;
      if (pending_rows == step && !flush()) return;
      if (left && *left == 0) break;
    }
  }
  flush();
}

size_t Series::length(const Query& q) const {
  check_query(schema(), q);
  Snapshot snap = state_->snapshot_of(q);
  size_t total = 0;
  for (const auto& view : snap.commit.select(label_, q.start, q.stop, q.closed)) {
    Span s = state_->span(snap.commit, view);
    total += s.hi - s.lo;
  }
  return total;
}

bool Series::exists() const {
  return !state_->read_snapshot().commit.match(label_).empty();
}

}  // namespace lakota
