#include "state.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>

#include "common/thread_pool.h"
#include "lakota/encoding/hash.h"
#include "lakota/error.h"
#include "merge.h"

namespace lakota {
namespace {

constexpr size_t kEmbedMaxSize = 1024;
// Segment files at least this large are read piecewise by range reads.
constexpr size_t kSparseReadBytes = size_t(1) << 20;
// From this raw size on, a range read bisects an index column by decoding only the blocks
// the search visits, instead of the whole array.
constexpr size_t kBlockSearchBytes = size_t(256) << 10;

}  // namespace

CollectionState::CollectionState(std::string label_, std::shared_ptr<const Schema> schema_, std::string path_,
                                 PodPtr pod_, RepoOptions options_)
    : label(std::move(label_)),
      schema(std::move(schema_)),
      path(std::move(path_)),
      pod(std::move(pod_)),
      segments(pod),
      changelog(pod->cd(path)),
      options(options_),
      kv(schema->kind() && *schema->kind() == "kv"),
      rewrite_cache(make_rewrite_cache()) {}

std::shared_ptr<const History> CollectionState::history(std::optional<int64_t> before_ms) const {
  Listing now = changelog.listing();
  std::shared_ptr<const History> h;
  {
    std::lock_guard lock(mutex_);
    bool same = history_ && (now.version ? now.version == listing_.version
                                         : !listing_.version && *now.names == *listing_.names);
    if (!same) history_ = std::make_shared<const History>(Changelog::history_of(*now.names));
    // A kept listing is not held: the pod then updates it in place rather than copy it.
    listing_ = now.version ? Listing{nullptr, now.version} : std::move(now);
    h = history_;
  }
  return before_ms ? std::make_shared<const History>(h->before(*before_ms)) : h;
}

Snapshot CollectionState::snapshot(std::optional<int64_t> before_ms) const {
  auto h = history(before_ms);
  if (h->empty()) return Snapshot{std::nullopt, Commit(schema)};
  return Snapshot{*h->state(), load_commit(*h->state())};
}

bool CollectionState::reads_merged(std::optional<int64_t> before_ms) const {
  return options.auto_merge && !before_ms && !history()->settled();
}

Snapshot CollectionState::read_snapshot(std::optional<int64_t> before_ms) const {
  if (!options.auto_merge || before_ms) return snapshot(before_ms);
  auto h = history();
  if (h->empty()) return Snapshot{std::nullopt, Commit(schema)};
  if (h->settled()) {
    {
      std::lock_guard lock(mutex_);
      merged_for_.reset();
      merged_.reset();
    }
    return Snapshot{*h->state(), load_commit(*h->state())};
  }
  auto heads = h->heads();
  // One head that the state is not: the head holds every write (settle writes it again).
  if (heads.size() == 1) return Snapshot{*h->state(), load_commit(heads[0])};
  {
    std::lock_guard lock(mutex_);
    if (merged_for_ == h && merged_) return Snapshot{*h->state(), *merged_};
  }
  try {
    Commit merged = merge_heads(*this, *h, heads);
    std::lock_guard lock(mutex_);
    merged_for_ = h;
    merged_ = merged;
    return Snapshot{*h->state(), std::move(merged)};
  } catch (const CorruptData&) {  // a damaged head: the state, as with auto-merge off
    return Snapshot{*h->state(), load_commit(*h->state())};
  }
}

Snapshot CollectionState::snapshot_of(const Query& q) const {
  if (q.revision.empty()) return read_snapshot(q.before_ms);
  if (q.before_ms) throw InvalidInput("a read takes a revision or a time (--before), not both");
  Revision rev = resolve(q.revision);
  return Snapshot{rev, load_commit(rev)};
}

Revision CollectionState::resolve(const std::string& name) const {
  auto h = history();
  auto tagged = tags().find(name);
  if (!tagged) return h->resolve(name);
  try {
    return h->resolve(*tagged);
  } catch (const Error&) {
  }
  // The tagged file may be gone (a reference trim) while a copy of its content stays.
  auto dot = tagged->find('.');
  if (dot != std::string::npos) {
    Revision r{tagged->substr(0, dot), tagged->substr(dot + 1)};
    if (auto found = h->find(r.child_digest())) return *found;
  }
  throw NotFound("tag '" + name + "' of collection '" + label + "' names revision " + *tagged +
                 ", which is no longer in the changelog");
}

Commit CollectionState::load_commit(const Revision& rev) const {
  {
    std::lock_guard lock(mutex_);
    if (cached_commit_ && cached_path_ == rev.path()) return *cached_commit_;
  }
  std::string payload = changelog.read(rev);
  Commit c = Commit::decode(schema, payload, changelog.pod()->uri() + "/" + rev.path());
  std::lock_guard lock(mutex_);
  cached_path_ = rev.path();
  cached_commit_ = c;
  return c;
}

BlobPtr CollectionState::load_array(const Commit& commit, const std::string& digest) const {
  if (auto* data = commit.embedded_data(digest)) return make_blob(*data);
  return segments.read(digest, "collection '" + label + "'");
}

std::string CollectionState::array_name(const Commit& commit, const std::string& digest) const {
  if (commit.embedded_data(digest)) return "array " + digest + " embedded in a revision of collection '" + label + "'";
  return "segment " + pod->uri() + "/" + Segments::path_of(digest);
}

std::optional<Column> CollectionState::held(const Commit& commit, size_t row, size_t column,
                                            const RecentArrays* recent) const {
  if (!recent) return std::nullopt;
  // The same digest is the same bytes, which must also be of this column's type and of the
  // row's length (a hostile commit may say otherwise: then the file decides).
  auto hit = recent->get(commit.digest(row, column));
  if (hit && hit->dtype() == (*schema)[column].dtype && hit->size() == size_t(commit.length(row))) return hit;
  return std::nullopt;
}

Column CollectionState::load_column(const Commit& commit, size_t row, size_t column, const DecodeTarget* target,
                                    const RecentArrays* recent) const {
  const std::string& digest = commit.digest(row, column);
  if (auto hit = held(commit, row, column, recent)) return place_column(*hit, target);
  BlobPtr blob = load_array(commit, digest);
  DecodeCheck check{size_t(commit.length(row)), options.verify_digests ? std::string_view(digest) : ""};
  return decode_column((*schema)[column], blob->bytes(), array_name(commit, digest), check, target);
}

std::optional<uint64_t> CollectionState::sparse_size(const Commit& commit, size_t row, size_t column) const {
  const std::string& digest = commit.digest(row, column);
  if (commit.embedded_data(digest)) return std::nullopt;
  // Values that take less than the threshold raw cannot make a file above it (blosc adds
  // a header and a block table, and stores a block raw rather than let it grow): no need
  // to ask the store (on S3 a request) for the size of a small file.
  uint64_t raw = uint64_t(commit.length(row)) * (*schema)[column].dtype.size;
  if (raw < kSparseReadBytes / 2) return std::nullopt;
  auto size = pod->size(Segments::path_of(digest));
  if (size && *size >= kSparseReadBytes) return size;
  return std::nullopt;
}

BloscArray CollectionState::open_blosc(const Commit& commit, size_t row, size_t column) const {
  const auto& def = (*schema)[column];
  const std::string& digest = commit.digest(row, column);
  std::string what = array_name(commit, digest);
  if (auto size = sparse_size(commit, row, column)) return BloscArray(pod, Segments::path_of(digest), *size, def, what);
  return BloscArray(load_array(commit, digest), def, what);
}

Column CollectionState::load_column_range(const Commit& commit, size_t row, size_t column, size_t lo, size_t hi,
                                          const DecodeTarget* target, const RecentArrays* recent) const {
  const auto& def = (*schema)[column];
  bool whole = lo == 0 && hi == size_t(commit.length(row));
  // A whole array is read whole (one request), and its digest checked.
  if (!partial_decode(def) || commit.length(row) == 0 || whole)
    return load_column(commit, row, column, whole ? target : nullptr, recent).slice(lo, hi);
  // A row that is a view of a larger array (after an overwrite): the part of it in memory.
  if (auto hit = held(commit, row, column, recent); hit && lo <= hi && hi <= hit->size()) return hit->slice(lo, hi);
  BloscArray array = open_blosc(commit, row, column);
  size_t n = array.size();
  if (n != size_t(commit.length(row))) {
    throw CorruptData(array_name(commit, commit.digest(row, column)) + ": holds " + std::to_string(n) +
                      " values, its commit says " + std::to_string(commit.length(row)));
  }
  // A whole array is read whole, and its digest checked.
  if (lo == 0 && hi == n) return load_column(commit, row, column, target, recent);
  return array.decode(lo, hi - lo);
}

namespace {

// A value as a number, for interpolation (none for strings and NaN).
std::optional<double> as_number(const Value& v) {
  double d;
  if (auto* i = std::get_if<int64_t>(&v)) d = double(*i);
  else if (auto* u = std::get_if<uint64_t>(&v)) d = double(*u);
  else if (auto* f = std::get_if<double>(&v)) d = *f;
  else return std::nullopt;
  if (!std::isfinite(d)) return std::nullopt;
  return d;
}

// Bisect in a sorted blosc-encoded array, decoding only the blocks the search visits. Which
// block to look at next is interpolated from the values seen so far (timestamps are
// usually evenly spread: one or two blocks), with a plain bisection every other step so
// that the worst case stays logarithmic.
class BlockSearch {
 public:
  // `first`, `last`: what the array's first and last values probably are (a commit row's
  // bounds), to aim the first look; they are not trusted.
  BlockSearch(BloscArray& array, Value first, Value last)
      : array_(array), n_(array.size()), per_block_(array.block_items()) {
    if (auto a = as_number(first), b = as_number(last); a && b && n_) {
      known_lo_ = {0, *a};
      known_hi_ = {n_ - 1, *b};
    }
  }
  size_t size() const { return n_; }

  // Python's bisect_left (or bisect_right when `right`) over the whole array.
  size_t bisect(const Value& v, bool right) {
    // The first block whose last value is >= v (> v when right) holds the answer; it lies
    // in blocks [lo, hi] (hi == nblocks: past the end).
    auto after = [&](int c) { return right ? c <= 0 : c < 0; };  // the value at c is before the answer
    size_t nblocks = (n_ + per_block_ - 1) / per_block_;
    size_t lo = 0, hi = nblocks;
    auto target = as_number(v);
    auto lo_at = known_lo_, hi_at = known_hi_;
    bool interpolate = true;
    while (lo < hi) {
      size_t probe = (lo + hi) / 2;
      if (interpolate && target && lo_at && hi_at && hi_at->second > lo_at->second) {
        double t = (*target - lo_at->second) / (hi_at->second - lo_at->second);
        if (!std::isfinite(t)) t = 0.5;  // bounds near the double's limits overflow: bisect
        double pos = double(lo_at->first) + std::clamp(t, 0.0, 1.0) * double(hi_at->first - lo_at->first);
        probe = std::clamp(size_t(pos) / per_block_, lo, hi - 1);
      }
      interpolate = !interpolate;
      const Column& b = block(probe);
      size_t start = probe * per_block_;
      if (after(b.compare(b.size() - 1, v))) {
        lo = probe + 1;
        if (auto x = as_number(b.value(b.size() - 1))) lo_at = {{start + b.size() - 1, *x}};
      } else if (probe == lo || after(b.compare(0, v))) {
        // The answer is in this block: the one before ends at or before its first value.
        size_t pos = right ? b.bisect_right(v, 0, b.size()) : b.bisect_left(v, 0, b.size());
        return start + pos;
      } else {
        hi = probe;
        if (auto x = as_number(b.value(0))) hi_at = {{start, *x}};
      }
    }
    return lo == nblocks ? n_ : lo * per_block_;
  }

 private:
  const Column& block(size_t k) { return array_.block(k); }

  BloscArray& array_;
  size_t n_, per_block_;
  std::optional<std::pair<size_t, double>> known_lo_, known_hi_;
};

}  // namespace

Span CollectionState::span(const Commit& commit, const RowView& view, const RecentArrays* recent) const {
  Span s{view.row, 0, 0, {}, {}};
  const auto& idx = schema->index();
  const ColumnDef& first = (*schema)[idx[0]];
  size_t length = size_t(commit.length(view.row));
  // Every row: nothing to search (each array's length is checked when it is decoded).
  if (view.start.empty() && view.stop.empty()) {
    s.hi = length;
    return s;
  }
  // One large index column, stored as lone blosc: search its blocks instead of decoding it
  // (the file itself is fetched in pieces when it is large). A small one is decoded whole
  // below, once: the read of the rows uses it again (and so is one `recent` holds).
  if (idx.size() == 1 && partial_decode(first) && length * first.dtype.size >= kBlockSearchBytes &&
      !held(commit, view.row, idx[0], recent)) {
    auto array = std::make_shared<BloscArray>(open_blosc(commit, view.row, idx[0]));
    Tuple first = commit.start(view.row), last = commit.stop(view.row);
    BlockSearch search(*array, first.empty() ? Value{} : first[0], last.empty() ? Value{} : last[0]);
    size_t n = search.size();
    if (n != length) {
      throw CorruptData(array_name(commit, commit.digest(view.row, idx[0])) + ": holds " + std::to_string(n) +
                        " values, its commit says " + std::to_string(length));
    }
    s.index.emplace_back();
    s.index_blocks = std::move(array);
    s.lo = view.start.empty() ? 0 : search.bisect(view.start[0], !view.closed.left);
    s.hi = view.stop.empty() ? n : search.bisect(view.stop[0], view.closed.right);
    if (s.hi < s.lo) s.hi = s.lo;
    return s;
  }
  std::vector<const Column*> cols;
  for (auto i : idx) s.index.emplace_back(load_column(commit, view.row, i, nullptr, recent));
  for (const auto& c : s.index) cols.push_back(&*c);
  size_t n = cols[0]->size();
  for (const auto* c : cols) {
    if (c->size() != n) throw CorruptData("collection '" + label + "': index arrays of one row differ in length");
  }
  s.lo = view.start.empty() ? 0 : index_position(cols, view.start, !view.closed.left, 0, n);
  s.hi = view.stop.empty() ? n : index_position(cols, view.stop, view.closed.right, 0, n);
  if (s.hi < s.lo) s.hi = s.lo;
  return s;
}

void CollectionState::write_segments(const std::vector<PendingSegment>& pending) const {
  std::vector<const PendingSegment*> unique;  // the same array written twice is one file
  std::set<std::string_view> seen;
  for (const auto& p : pending)
    if (seen.insert(p.ref.digest).second) unique.push_back(&p);
  parallel_for(unique.size(), pod->parallelism(),
               [&](size_t i) { segments.write(unique[i]->ref, unique[i]->encoded.data()); });
}

std::vector<std::pair<CommitRow, Embedded>> CollectionState::prepare(const std::string& series, const Frame& frame,
                                                                     const WriteOptions& options,
                                                                     std::vector<PendingSegment>* pending) const {
  const Schema& sch = *schema;
  size_t n = frame.size();
  // Rows per segment: every column's raw array must fit the segment limit.
  size_t widest = 1;
  for (const auto& c : sch.columns())
    if (c.dtype.fixed_width()) widest = std::max<size_t>(widest, c.dtype.size);
  size_t per_chunk = std::max<size_t>(1, this->options.max_segment_bytes / widest);
  std::vector<std::pair<CommitRow, Embedded>> rows;
  size_t begin = 0;
  do {
    size_t end = std::min(n, begin + per_chunk);
    Frame part = frame.slice(begin, end);
    std::vector<EncodedColumn> encoded(sch.size());
    auto encode_one = [&](size_t k) {
      const Column& column = part.columns()[k];
      // A large array stored at once goes to its file piece by piece as it is compressed.
      std::unique_ptr<PodWriter> writer;
      std::optional<EncodedColumn> streamed;
      if (!pending && segments.pod()->writes_in_pieces()) {
        streamed = encode_column_pieces(sch[k], column, this->options.encode, [&](uint64_t at, std::string_view b) {
          if (!writer) writer = segments.pod()->open_writer();
          writer->write_at(at, b);
        });
      }
      if (streamed && streamed->streamed && writer) {
        encoded[k] = std::move(*streamed);
        segments.write(SegmentRef{encoded[k].digest, &sch[k], part.size()}, *writer, encoded[k].streamed);
      } else {
        writer.reset();  // what the pieces could not make: encoded whole (blosc's bytes)
        encoded[k] = encode_column(sch[k], column, this->options.encode, /*with_digest=*/!streamed);
        if (streamed) encoded[k].digest = streamed->digest;
        bool embed = encoded[k].data().size() < kEmbedMaxSize;
        if (!embed && !pending) segments.write(SegmentRef{encoded[k].digest, &sch[k], part.size()}, encoded[k].data());
      }
      if (recent_arrays) recent_arrays->put(encoded[k].digest, column);
    };
    if (part.size() >= 65536 && sch.size() > 1) {
      parallel_for(sch.size(), sch.size(), encode_one);
    } else {
      for (size_t k = 0; k < sch.size(); ++k) encode_one(k);
    }
    CommitRow row;
    row.label = series;
    Embedded embedded;
    for (size_t k = 0; k < sch.size(); ++k) {
      row.digests.push_back(encoded[k].digest);
      if (encoded[k].size() < kEmbedMaxSize)
        embedded[encoded[k].digest] = std::make_shared<const std::string>(encoded[k].data());
      else if (pending)
        pending->push_back({SegmentRef{encoded[k].digest, &sch[k], part.size()}, std::move(encoded[k])});
    }
    row.length = int64_t(part.size());
    bool first = begin == 0, last = end == n;
    if (first && options.start) row.start = *options.start;
    else if (first) row.start = n ? index_tuple(sch, part, 0) : Tuple{};
    else row.start = rows.back().first.stop;  // continues where the previous chunk stopped
    if (last && options.stop) row.stop = *options.stop;
    else row.stop = n ? index_tuple(sch, part, part.size() - 1) : Tuple{};
    if (row.start.empty() || row.stop.empty()) throw InvalidInput("series '" + series + "': an empty write needs a start and a stop");
    Closed closed = options.closed;
    if (!first) closed = closed.with_left(false);
    if (!last) closed = closed.with_right(true);
    row.closed = closed;
    rows.emplace_back(std::move(row), std::move(embedded));
    begin = end;
  } while (begin < n);
  return rows;
}

std::vector<std::pair<CommitRow, Embedded>> CollectionState::prepare_delete(const std::string& series,
                                                                            const Tuple& start, const Tuple& stop,
                                                                            Closed closed) const {
  if (start.size() != schema->index().size() || stop.size() != schema->index().size()) {
    throw InvalidInput("delete needs one start and one stop value per index column (" +
                       std::to_string(schema->index().size()) + ")");
  }
  std::vector<Column> cols;
  for (const auto& c : schema->columns()) cols.emplace_back(c.dtype);
  WriteOptions o;
  o.start = start;
  o.stop = stop;
  o.closed = closed;
  return prepare(series, Frame(schema->names(), std::move(cols)), o);
}

bool CollectionState::commit_on(const Snapshot& base, const std::function<Commit(const Commit&)>& change,
                                bool earliest, const std::function<void()>& written, Snapshot* committed) {
  Commit next = change(base.commit);
  std::string payload = next.encode();
  auto revs = changelog.commit(payload, base.revision ? &*base.revision : nullptr, earliest);
  if (revs.empty()) return false;
  if (committed) *committed = Snapshot{revs.back(), next};
  // A kept listing taken now holds our revision: if it is exactly one change after the
  // listing our history was made of, that change is ours and nobody else wrote. (Expecting
  // "version + 1" without looking would be wrong when another thread of this handle listed
  // someone else's revision in between: its version + 1 would be taken for ours.) Only
  // for kept listings: elsewhere (S3) a listing is a request.
  bool kept;
  {
    std::lock_guard lock(mutex_);
    kept = listing_.version != 0;
  }
  Listing after = kept ? changelog.listing() : Listing{};
  if (written) {
    try {
      written();
    } catch (const Error&) {  // the write is committed: what follows must not make it look failed
    }
  }
  {
    std::lock_guard lock(mutex_);
    cached_path_ = revs.back().path();
    cached_commit_ = next;
    // When our revision extends the settled history we listed, extend it in place instead
    // of rebuilding it on the next call (which still lists the folder, and rebuilds if
    // anyone else wrote).
    const Revision& rev = revs.back();
    bool extends = revs.size() == 1 && history_ && history_->settled() &&
                   ((history_->empty() && rev.parent == kPhi && (listing_.version || listing_.names->empty())) ||
                    (!history_->empty() && base.revision && history_->state()->path() == base.revision->path() &&
                     !base.revision->revisit));
    if (extends) {
      history_ = std::make_shared<const History>(history_->extended(rev));
      if (listing_.version) {
        bool ours_alone = after.version && after.version == listing_.version + 1 &&
                          (listing_.version & 0xffffffffu) != 0xffffffffu;
        listing_ = ours_alone ? Listing{nullptr, after.version} : Listing{};
        if (!ours_alone) history_.reset();
      } else {
        auto names = std::make_shared<std::vector<std::string>>(*listing_.names);
        std::string name = rev.path();
        names->insert(std::upper_bound(names->begin(), names->end(), name), name);
        listing_.names = std::move(names);
      }
    } else {
      history_.reset();
      listing_ = {};
    }
  }
  if (options.auto_merge) {
    // The write is committed whatever happens here: a merge that fails (a damaged head,
    // storage trouble) leaves the heads for the next writer or `merge`, and readers are
    // told they diverge. It must not make a committed write look failed.
    try {
      settle();
    } catch (const Error&) {
    }
  }
  return true;
}

bool CollectionState::commit_rows(const Snapshot& base, const Rows& rows, bool earliest, Snapshot* committed) {
  if (rows.empty()) return false;
  // A concurrent gc that listed the segments of this write before its revision existed
  // soft-deletes them. Just before the revision is written every one must be there (a
  // soft-deleted one is restored; a deleted one fails the write, which commits nothing);
  // just after, any that gc buried meanwhile is restored, and gc restores what a revision
  // written during its run references. So no revision ever references a deleted segment.
  std::vector<std::string> stored;
  for (const auto& [row, emb] : rows)
    for (const auto& d : row.digests)
      if (!emb.count(d)) stored.push_back(d);
  for (const auto& d : stored) {
    if (!segments.restore(d)) {
      throw Conflict("collection '" + label + "': segment " + pod->uri() + "/" + Segments::path_of(d) +
                     " of this write was deleted before its commit (by a gc running meanwhile); nothing was "
                     "committed: write again");
    }
  }
  return commit_on(
      base,
      [&](const Commit& c) {
        Commit out = c;
        for (const auto& [row, emb] : rows) out = out.update(row, emb);
        return out;
      },
      earliest,
      [&] {
        for (const auto& d : stored) segments.restore(d);
      },
      committed);
}

std::vector<Revision> CollectionState::settle() {
  std::vector<Revision> written;
  // Each round writes a merge (or brings the state to the only head); concurrent settlers
  // that see the same heads write the same content, so rounds stop once writers stop.
  for (int round = 0; round < 32; ++round) {
    auto h = history();
    if (h->settled()) break;
    auto heads = h->heads();
    std::vector<Revision> revs;
    if (heads.size() == 1) revs = changelog.commit(changelog.read(heads[0]), h->state());
    else revs = changelog.commit_merge(merge_heads(*this, *h, heads).encode(), heads);
    if (revs.empty()) break;
    written.insert(written.end(), revs.begin(), revs.end());
  }
  return written;
}

Snapshot CollectionState::change_base() {
  auto h = history();
  if (options.auto_merge && !h->settled()) {
    try {
      settle();
    } catch (const CorruptData&) {  // a damaged head: left as reads leave it
    }
    h = history();
  }
  if (h->empty()) return Snapshot{std::nullopt, Commit(schema)};
  return Snapshot{*h->state(), load_commit(*h->state())};
}

std::string resolve_prefix(const std::string& prefix, const std::vector<std::string>& names, const std::string& what,
                           const std::string& owner) {
  std::vector<std::string> hits;
  for (const auto& n : names) {
    if (n == prefix) return n;
    if (n.compare(0, prefix.size(), prefix) == 0) hits.push_back(n);
  }
  if (hits.size() == 1) return hits[0];
  if (hits.empty()) {
    throw NotFound(what + " '" + owner + prefix + "' not found" + (names.empty() ? " (there is none)" : ""));
  }
  std::string list;
  for (size_t i = 0; i < hits.size() && i < 10; ++i) list += (i ? ", " : "") + hits[i];
  if (hits.size() > 10) list += ", ... (" + std::to_string(hits.size()) + " in all)";
  throw InvalidInput(what + " name '" + owner + prefix + "' is ambiguous (it could be " + list + ")");
}

Frame sort_frame(const Schema& schema, const Frame& frame, bool dedupe) {
  size_t n = frame.size();
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  auto cmp = [&](size_t a, size_t b) {
    for (auto k : schema.index()) {
      const Column& c = frame.columns()[k];
      int r = c.compare(a, c.value(b));
      if (r) return r;
    }
    return 0;
  };
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return cmp(a, b) < 0; });
  if (dedupe) {
    std::vector<size_t> kept;
    for (auto i : order)
      if (kept.empty() || cmp(kept.back(), i) != 0) kept.push_back(i);
    order = std::move(kept);
  }
  std::vector<Column> cols;
  for (const auto& c : frame.columns()) cols.push_back(c.take(order));
  return Frame(frame.names(), std::move(cols));
}

Frame prepare_frame(const Schema& schema, const Frame& frame, const std::string& context, size_t first_row) {
  Frame f = conform(schema, frame);
  check_sorted(schema, f, context, false, first_row);
  return f;
}

}  // namespace lakota
