#include "lakota/model/commit.h"

#include <algorithm>
#include <cctype>
#include <deque>

#include "lakota/encoding/hash.h"
#include "lakota/error.h"

namespace lakota {
namespace {

const DType kStr{Kind::Str, 0, TimeUnit::None};
const DType kInt64{Kind::Int, 8, TimeUnit::None};

const ColumnDef& str_def() {
  static const ColumnDef def{"", kStr, {"msgpack2", "zstd"}, false};
  return def;
}
const ColumnDef& len_def() {
  static const ColumnDef def{"length", kInt64, {"blosc"}, false};
  return def;
}

}  // namespace

Closed Closed::parse(std::string_view s) {
  std::string u;
  for (char c : s) u += char(std::toupper(static_cast<unsigned char>(c)));
  if (u == "BOTH" || u == "B") return both();
  if (u == "LEFT" || u == "L") return {true, false};
  if (u == "RIGHT" || u == "R") return {false, true};
  if (u == "NONE" || u == "N") return none();
  throw InvalidInput("invalid closed value '" + std::string(s) + "' (expected LEFT, RIGHT, BOTH, NONE or l, r, b, n)");
}

Closed Closed::from_code(char c) {
  switch (c) {
    case 'b': return both();
    case 'l': return {true, false};
    case 'r': return {false, true};
    case 'n': return none();
  }
  throw CorruptData(std::string("invalid closed flag '") + c + "' in a commit");
}

char Closed::code() const { return left ? (right ? 'b' : 'l') : (right ? 'r' : 'n'); }

Commit::Commit(std::shared_ptr<const Schema> schema)
    : schema_(std::move(schema)),
      label_(kStr),
      length_(kInt64),
      closed_(kStr),
      embedded_(std::make_shared<const Embedded>()) {
  for (auto i : schema_->index()) {
    start_.emplace_back((*schema_)[i].dtype);
    stop_.emplace_back((*schema_)[i].dtype);
  }
  for (size_t i = 0; i < schema_->size(); ++i) digest_.emplace_back(kStr);
}

Commit Commit::one(std::shared_ptr<const Schema> schema, const CommitRow& row, const Embedded& embedded) {
  const auto& idx = schema->index();
  if (row.start.size() != idx.size() || row.stop.size() != idx.size()) {
    throw InvalidInput("a commit row needs " + std::to_string(idx.size()) + " start and stop values, one per index column");
  }
  if (row.digests.size() != schema->size()) throw InvalidInput("a commit row needs one digest per column");
  Commit c(schema);
  c.label_ = Column::strings({row.label});
  for (size_t k = 0; k < idx.size(); ++k) {
    c.start_[k] = column_of((*schema)[idx[k]].dtype, row.start[k]);
    c.stop_[k] = column_of((*schema)[idx[k]].dtype, row.stop[k]);
  }
  for (size_t k = 0; k < schema->size(); ++k) c.digest_[k] = Column::strings({row.digests[k]});
  c.length_ = Column::from_vector<int64_t>(kInt64, {row.length});
  c.closed_ = Column::strings({std::string(1, row.closed.code())});
  c.embedded_ = std::make_shared<const Embedded>(embedded);
  return c;
}

Commit Commit::decode(std::shared_ptr<const Schema> schema, std::string_view payload, std::string_view what) {
  auto doc = decode_commit_document(payload, what);
  Commit c(schema);
  auto bad = [&](const std::string& why) { throw CorruptData(std::string(what) + ": " + why); };
  auto field = [&](const CommitDocument::Fields& f, const std::string& name, const char* key) -> const std::string& {
    for (const auto& [n, v] : f)
      if (n == name) return v;
    throw CorruptData(std::string(what) + ": commit has no " + key + " for column '" + name + "'");
  };
  auto decode = [&](const ColumnDef& def, std::string_view bytes, const std::string& name, std::optional<size_t> n) {
    return decode_column(def, bytes, std::string(what) + ", commit field " + name, DecodeCheck{n, {}});
  };
  c.label_ = decode(str_def(), doc.label, "'label'", std::nullopt);
  size_t n = c.label_.size();
  const auto& idx = schema->index();
  for (size_t k = 0; k < idx.size(); ++k) {
    const auto& def = (*schema)[idx[k]];
    c.start_[k] = decode(def, field(doc.start, def.name, "start"), "'start' of column '" + def.name + "'", n);
    c.stop_[k] = decode(def, field(doc.stop, def.name, "stop"), "'stop' of column '" + def.name + "'", n);
  }
  for (size_t k = 0; k < schema->size(); ++k) {
    const auto& name = (*schema)[k].name;
    c.digest_[k] = decode(str_def(), field(doc.digest, name, "digest"), "'digest' of column '" + name + "'", n);
  }
  c.length_ = decode(len_def(), doc.length, "'length'", n);
  c.closed_ = decode(str_def(), doc.closed, "'closed'", n);
  for (size_t i = 0; i < n; ++i) {
    const auto& lbl = c.label_.str(i);
    if (lbl.empty() || utf8_error(lbl) != std::string::npos) bad("row " + std::to_string(i + 1) + " has an invalid label");
    const auto& f = c.closed_.str(i);
    if (f.size() != 1 || std::string_view("blrn").find(f[0]) == std::string_view::npos)
      bad("row " + std::to_string(i + 1) + " has an invalid closed flag");
    if (c.length_.values<int64_t>()[i] < 0) bad("row " + std::to_string(i + 1) + " has a negative length");
    for (const auto& col : c.digest_)
      if (!is_hex_digest(col.str(i))) bad("row " + std::to_string(i + 1) + " has an invalid digest");
  }
  auto emb = std::make_shared<Embedded>();
  for (auto& [k, v] : doc.embedded) {
    if (!is_hex_digest(k)) bad("an embedded array has an invalid digest");
    (*emb)[k] = std::make_shared<const std::string>(std::move(v));
  }
  c.embedded_ = std::move(emb);
  return c;
}

std::string Commit::encode() const {
  // Encoded fields live here while the document views them.
  std::deque<std::string> store;
  EncodeOptions as_reference;  // a commit's fields are the reference's, byte for byte
  as_reference.reference_below = SIZE_MAX;
  auto enc = [&](const ColumnDef& def, const Column& c) -> std::string_view {
    store.push_back(std::string(encode_column(def, c, as_reference, false).data()));
    return store.back();
  };
  CommitDocumentView doc;
  const auto& idx = schema_->index();
  for (size_t k = 0; k < idx.size(); ++k) {
    const auto& def = (*schema_)[idx[k]];
    doc.start.emplace_back(def.name, enc(def, start_[k]));
    doc.stop.emplace_back(def.name, enc(def, stop_[k]));
  }
  for (size_t k = 0; k < schema_->size(); ++k) doc.digest.emplace_back((*schema_)[k].name, enc(str_def(), digest_[k]));
  doc.length = enc(len_def(), length_);
  doc.closed = enc(str_def(), closed_);
  doc.label = enc(str_def(), label_);
  // Only the embedded arrays this commit references, sorted by digest.
  std::vector<std::string_view> used;
  for (const auto& col : digest_)
    for (size_t i = 0; i < col.size(); ++i)
      if (embedded_->count(col.str(i))) used.push_back(col.str(i));
  std::sort(used.begin(), used.end());
  used.erase(std::unique(used.begin(), used.end()), used.end());
  for (auto d : used) doc.embedded.emplace_back(d, *embedded_->find(d)->second);
  return encode_commit_document(doc);
}

Tuple Commit::start(size_t i) const {
  Tuple t;
  for (const auto& c : start_) t.push_back(c.value(i));
  return t;
}

Tuple Commit::stop(size_t i) const {
  Tuple t;
  for (const auto& c : stop_) t.push_back(c.value(i));
  return t;
}

CommitRow Commit::row(size_t i) const {
  CommitRow r;
  r.label = label(i);
  r.start = start(i);
  r.stop = stop(i);
  for (const auto& d : digest_) r.digests.push_back(d.str(i));
  r.length = length(i);
  r.closed = closed(i);
  return r;
}

int64_t Commit::total_length() const {
  int64_t total = 0;
  for (auto v : length_.values<int64_t>()) total += v;
  return total;
}

Commit Commit::slice(size_t begin, size_t end) const {
  Commit c = *this;
  c.label_ = label_.slice(begin, end);
  for (auto& col : c.start_) col = col.slice(begin, end);
  for (auto& col : c.stop_) col = col.slice(begin, end);
  for (auto& col : c.digest_) col = col.slice(begin, end);
  c.length_ = length_.slice(begin, end);
  c.closed_ = closed_.slice(begin, end);
  return c;
}

Commit Commit::concat(const std::vector<Commit>& parts) {
  if (parts.empty()) throw Error("cannot concatenate zero commits");
  std::vector<const Commit*> live;
  for (const auto& p : parts)
    if (p.size()) live.push_back(&p);
  // Parts cut from one commit share its map: merge each map once.
  std::vector<const Embedded*> maps;
  for (const auto& p : parts)
    if (std::find(maps.begin(), maps.end(), p.embedded_.get()) == maps.end()) maps.push_back(p.embedded_.get());
  auto emb = maps.size() == 1 ? std::make_shared<Embedded>(*maps[0]) : std::make_shared<Embedded>();
  if (maps.size() > 1)
    for (const auto* m : maps) emb->insert(m->begin(), m->end());
  if (live.empty()) {
    Commit c = parts[0];
    c.embedded_ = emb;
    return c;
  }
  Commit c = *live[0];
  auto gather = [&](auto member) {
    std::vector<Column> cols;
    for (auto* p : live) cols.push_back(p->*member);
    return Column::concat(cols);
  };
  c.label_ = gather(&Commit::label_);
  c.length_ = gather(&Commit::length_);
  c.closed_ = gather(&Commit::closed_);
  auto gather_vec = [&](auto member, size_t k) {
    std::vector<Column> cols;
    for (auto* p : live) cols.push_back((p->*member)[k]);
    return Column::concat(cols);
  };
  for (size_t k = 0; k < c.start_.size(); ++k) {
    c.start_[k] = gather_vec(&Commit::start_, k);
    c.stop_[k] = gather_vec(&Commit::stop_, k);
  }
  for (size_t k = 0; k < c.digest_.size(); ++k) c.digest_[k] = gather_vec(&Commit::digest_, k);
  c.embedded_ = emb;
  return c;
}

Commit Commit::with_embedded(const Embedded& extra) const {
  if (extra.empty()) return *this;
  Commit c = *this;
  auto emb = std::make_shared<Embedded>(*embedded_);
  for (const auto& [k, v] : extra) (*emb)[k] = v;
  c.embedded_ = emb;
  return c;
}

int Commit::compare_key(size_t i, bool use_stop, const std::string& lbl, const Tuple& values) const {
  int c = label_.str(i).compare(lbl);
  if (c) return c < 0 ? -1 : 1;
  const auto& cols = use_stop ? stop_ : start_;
  size_t n = std::min(cols.size(), values.size());
  for (size_t k = 0; k < n; ++k) {
    int d = cols[k].compare(i, values[k]);
    if (d) return d;
  }
  if (cols.size() == values.size()) return 0;
  return cols.size() < values.size() ? -1 : 1;
}

namespace {

// Does row `r` hold values before the new range starts (after it stops)?
bool has_head(const CommitRow& r, const CommitRow& n) {
  int c = compare_tuples(r.start, n.start);
  return c < 0 || (c == 0 && r.closed.left && !n.closed.left);
}

bool has_tail(const CommitRow& r, const CommitRow& n) {
  int c = compare_tuples(r.stop, n.stop);
  return c > 0 || (c == 0 && r.closed.right && !n.closed.right);
}

// Closed intervals that meet, even at one point.
bool touches(const CommitRow& r, const CommitRow& n) {
  return compare_tuples(r.start, n.stop) <= 0 && compare_tuples(r.stop, n.start) >= 0;
}

}  // namespace

// Every row of the label that meets the new range is cut: its part before the range (head)
// and its part after (tail) stay as views of the same arrays, the rest goes. The layout is
// the reference's (so commits get its bytes) with three corrections: a value a row hid at
// its bound stays hidden, a point is never given to both the head and the tail of a row,
// and every row that meets the range is cut (the reference cuts one on each side only).
Commit Commit::update(const CommitRow& nrow, const Embedded& embedded) const {
  if (compare_tuples(nrow.start, nrow.stop) > 0) {
    throw InvalidInput("invalid range for series '" + nrow.label + "': start is after stop");
  }
  if (nrow.start.size() != schema_->index().size() || nrow.stop.size() != schema_->index().size()) {
    throw InvalidInput("a commit row needs one start and one stop value per index column");
  }
  Commit inner = one(schema_, nrow, embedded);
  size_t n = size();
  // An empty commit may still hold the arrays of rows it dropped (a rename moves rows out
  // and back in): keep them, encode() writes only those the rows reference.
  if (n == 0) return inner.with_embedded(*embedded_);
  const Commit& base = *this;

  // The reference's choice of head row decides whether it keeps an empty [t, t] tail row
  // (it tests the head row's flags, not the tail's): needed for identical bytes.
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (compare_key(mid, true, nrow.label, nrow.start) <= 0) lo = mid + 1;
    else hi = mid;
  }
  size_t head_index = (lo > 0 && compare_key(lo - 1, true, nrow.label, nrow.start) == 0) ? lo - 1 : std::min(lo, n - 1);
  // Its test compares a flag string with an enum, so it holds only when the head row was
  // cut (which makes its flags an enum) and left closed on both sides.
  bool keep_empty_tail = false;
  {
    CommitRow r = row(head_index);
    if (r.label == nrow.label && compare_tuples(r.start, nrow.start) <= 0 && compare_tuples(nrow.start, r.stop) <= 0)
      keep_empty_tail = r.closed.with_right(!nrow.closed.left) == Closed::both();
  }
  // The reference's tail row: the first row starting at the new stop, else the one before.
  lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (compare_key(mid, false, nrow.label, nrow.stop) < 0) lo = mid + 1;
    else hi = mid;
  }
  size_t ref_tail = (lo < n && compare_key(lo, false, nrow.label, nrow.stop) == 0) ? lo : (lo > 0 ? lo - 1 : 0);

  std::vector<size_t> cut;
  for (auto i : match(nrow.label))
    if (touches(row(i), nrow)) cut.push_back(i);
  size_t first, last;
  if (cut.empty()) {
    lo = 0, hi = n;
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      if (compare_key(mid, false, nrow.label, nrow.start) < 0) lo = mid + 1;
      else hi = mid;
    }
    first = last = lo;
  } else {
    first = cut.front();
    last = cut.back() + 1;
  }

  std::vector<Commit> parts{base.slice(0, first)};
  bool point = compare_tuples(nrow.start, nrow.stop) == 0;
  std::set<size_t> head_has_point;
  for (auto i : cut) {
    CommitRow r = row(i);
    if (!has_head(r, nrow)) continue;
    bool stop_inside = compare_tuples(r.stop, nrow.start) > 0;
    r.closed = r.closed.with_right(!nrow.closed.left && (stop_inside || r.closed.right));
    r.stop = nrow.start;
    if (compare_tuples(r.start, r.stop) == 0 && !(r.closed == Closed::both())) continue;
    if (point && r.closed.right) head_has_point.insert(i);
    parts.push_back(one(schema_, r));
  }
  parts.push_back(inner);
  for (auto i : cut) {
    CommitRow r = row(i);
    if (!has_tail(r, nrow)) {
      // The reference still leaves an empty [stop, stop] view of its tail row (it tests the
      // head row's flags): kept for identical commits, it shows nothing.
      if (i == ref_tail && keep_empty_tail && compare_tuples(r.stop, nrow.stop) == 0 &&
          compare_tuples(r.start, nrow.stop) <= 0 && nrow.closed.right) {
        r.start = nrow.stop;
        r.closed = r.closed.with_left(false);
        parts.push_back(one(schema_, r));
      }
      continue;
    }
    bool start_inside = compare_tuples(r.start, nrow.stop) < 0;
    bool left = !nrow.closed.right && (start_inside || r.closed.left) && !head_has_point.count(i);
    r.closed = r.closed.with_left(left);
    r.start = nrow.stop;
    if (compare_tuples(r.start, r.stop) == 0 && !(r.closed == Closed::both()) && !keep_empty_tail) continue;
    parts.push_back(one(schema_, r));
  }
  parts.push_back(base.slice(last, n));
  Commit out = concat(parts);
  // Only the arrays its rows reference: the arrays of the rows it overwrote go, so that a
  // commit appended to many times does not carry (and copy at every update) all of them.
  auto kept = std::make_shared<Embedded>();
  for (const auto& col : out.digest_)
    for (size_t i = 0; i < col.size(); ++i) {
      const std::string& d = col.str(i);
      if (kept->count(d)) continue;
      if (auto it = embedded.find(d); it != embedded.end()) kept->emplace(d, it->second);
      else if (auto jt = embedded_->find(d); jt != embedded_->end()) kept->emplace(d, jt->second);
    }
  out.embedded_ = std::move(kept);
  return out;
}

Commit Commit::delete_labels(const std::set<std::string>& labels) const {
  std::vector<size_t> keep;
  for (size_t i = 0; i < size(); ++i)
    if (!labels.count(label(i))) keep.push_back(i);
  Commit c = *this;
  c.label_ = label_.take(keep);
  for (auto& col : c.start_) col = col.take(keep);
  for (auto& col : c.stop_) col = col.take(keep);
  for (auto& col : c.digest_) col = col.take(keep);
  c.length_ = length_.take(keep);
  c.closed_ = closed_.take(keep);
  return c;
}

Commit Commit::rename_label(const std::string& from, const std::string& to) const {
  auto rows = match(from);
  Commit out = delete_labels({from});
  for (auto i : rows) {
    CommitRow r = row(i);
    r.label = to;
    Embedded arrays;  // update keeps only the arrays its rows reference: hand them over
    for (const auto& d : r.digests)
      if (auto it = embedded_->find(d); it != embedded_->end()) arrays.emplace(d, it->second);
    out = out.update(r, arrays);
  }
  return out;
}

std::vector<std::string> Commit::labels() const {
  std::vector<std::string> out;
  for (size_t i = 0; i < size(); ++i)
    if (out.empty() || out.back() != label(i)) out.push_back(label(i));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<size_t> Commit::match(const std::string& lbl) const {
  std::vector<size_t> out;
  // Rows are sorted by label: bisect, then scan.
  size_t lo = label_.bisect_left(lbl, 0, size());
  for (size_t i = lo; i < size() && label(i) == lbl; ++i) out.push_back(i);
  if (out.empty()) {
    // Tolerate commits whose rows are not sorted (written by other tools).
    for (size_t i = 0; i < size(); ++i)
      if (label(i) == lbl) out.push_back(i);
  }
  return out;
}

std::vector<RowView> Commit::select(const std::string& lbl, const Tuple& qstart, const Tuple& qstop, Closed closed) const {
  if (qstart.empty()) closed = closed.with_left(true);
  if (qstop.empty()) closed = closed.with_right(true);
  std::vector<RowView> out;
  for (auto i : match(lbl)) {
    Tuple a = start(i), b = stop(i);
    Closed f = this->closed(i);
    if (!qstart.empty()) {
      int c_stop = compare_tuples(qstart, b);
      int c_start = compare_tuples(qstart, a);
      if (c_stop > 0) continue;
      if (!f.right && c_stop == 0) continue;
      if (c_start > 0) {
        f = f.with_left(closed.left);
        a = qstart;
      } else if (c_start == 0 && f.left) {
        f = f.with_left(closed.left);
      }
    }
    if (!qstop.empty()) {
      int c_start = compare_tuples(qstop, a);
      int c_stop = compare_tuples(qstop, b);
      if (c_start < 0) continue;
      if (!f.left && c_start == 0) continue;
      if (c_stop < 0) {
        f = f.with_right(closed.right);
        b = qstop;
      } else if (c_stop == 0 && f.right) {
        f = f.with_right(closed.right);
      }
    }
    out.push_back({i, std::move(a), std::move(b), f});
  }
  return out;
}

const std::string* Commit::embedded_data(std::string_view digest) const {
  auto it = embedded_->find(digest);
  return it == embedded_->end() ? nullptr : it->second.get();
}

std::set<std::string> Commit::digests() const {
  std::set<std::string> out;
  for (const auto& col : digest_)
    for (size_t i = 0; i < col.size(); ++i) out.insert(col.str(i));
  return out;
}

size_t index_position(const std::vector<const Column*>& index, const Tuple& values, bool right, size_t lo, size_t hi) {
  size_t n = std::min(index.size(), values.size());
  for (size_t k = 0; k < n; ++k) {
    lo = index[k]->bisect_left(values[k], lo, hi);
    hi = index[k]->bisect_right(values[k], lo, hi);
  }
  return right ? hi : lo;
}

}  // namespace lakota
