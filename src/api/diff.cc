#include "lakota/api/diff.h"

#include <cstring>
#include <set>

#include "lakota/error.h"
#include "state.h"

namespace lakota {
namespace {

bool same_row(const Commit& a, size_t i, const Commit& b, size_t j) {
  CommitRow x = a.row(i), y = b.row(j);
  return x.digests == y.digests && x.length == y.length && x.closed.code() == y.closed.code() &&
         compare_tuples(x.start, y.start) == 0 && compare_tuples(x.stop, y.stop) == 0;
}

// Rows of `a`'s series that `b` does not hold as they are.
std::vector<size_t> rows_not_in(const Commit& a, const Commit& b, const std::string& label) {
  std::vector<size_t> out;
  auto theirs = b.match(label);
  for (size_t i : a.match(label)) {
    bool found = false;
    for (size_t j : theirs)
      if (same_row(a, i, b, j)) {
        found = true;
        break;
      }
    if (!found) out.push_back(i);
  }
  return out;
}

int compare_keys(const Schema& schema, const Frame& fa, size_t i, const Frame& fb, size_t j) {
  for (auto k : schema.index()) {
    int c = fa.columns()[k].compare(i, fb.columns()[k].value(j));
    if (c) return c;
  }
  return 0;
}

// Same values in every column (floats bitwise: NaN equals NaN).
bool same_values(const Frame& fa, size_t i, const Frame& fb, size_t j) {
  for (size_t k = 0; k < fa.columns().size(); ++k) {
    const Column& x = fa.columns()[k];
    const Column& y = fb.columns()[k];
    if (x.dtype().fixed_width()) {
      size_t w = x.dtype().size;
      if (std::memcmp(x.data() + i * w, y.data() + j * w, w) != 0) return false;
    } else if (x.compare(i, y.value(j)) != 0) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::vector<SeriesDiff> diff(const Collection& collection, const std::string& a, const std::string& b,
                             const std::string& series, bool with_rows) {
  const CollectionState& st = *collection.state();
  const Schema& schema = *st.schema;
  Commit ca = st.load_commit(st.resolve(a));
  Commit cb = st.load_commit(st.resolve(b));
  std::set<std::string> labels;
  for (const auto& l : ca.labels()) labels.insert(l);
  for (const auto& l : cb.labels()) labels.insert(l);
  if (!series.empty()) {
    if (!labels.count(series))
      throw NotFound("series '" + collection.label() + "/" + series + "' is in neither revision");
    labels = {series};
  }
  std::vector<SeriesDiff> out;
  for (const auto& label : labels) {
    auto only_a = rows_not_in(ca, cb, label);
    auto only_b = rows_not_in(cb, ca, label);
    if (only_a.empty() && only_b.empty()) continue;
    SeriesDiff d;
    d.series = label;
    bool in_a = !ca.match(label).empty(), in_b = !cb.match(label).empty();
    d.status = in_a && in_b ? '~' : (in_b ? '+' : '-');
    // Rows can differ only within the rows the two commits do not share.
    Query q;
    q.closed = Closed::both();
    bool first = true;
    auto widen = [&](const Commit& c, size_t r) {
      if (first || compare_tuples(c.start(r), q.start) < 0) q.start = c.start(r);
      if (first || compare_tuples(c.stop(r), q.stop) > 0) q.stop = c.stop(r);
      first = false;
    };
    for (size_t r : only_a) widen(ca, r);
    for (size_t r : only_b) widen(cb, r);
    Frame fa = in_a ? read_series(st, ca, label, q) : Frame();
    Frame fb = in_b ? read_series(st, cb, label, q) : Frame();
    std::vector<size_t> take_a, take_b;  // rows of the diff, from fa or fb
    std::vector<bool> from_a;           // which side each row of the diff comes from
    size_t i = 0, j = 0, na = fa.size(), nb = fb.size();
    std::optional<DiffRange> run;
    auto close_run = [&] {
      if (run) d.ranges.push_back(std::move(*run));
      run.reset();
    };
    auto mark = [&](char op, const Frame& f, size_t row) {
      Tuple key = index_tuple(schema, f, row);
      if (!run) run = DiffRange{key, key};
      run->stop = key;
      (op == '+' ? run->added : op == '-' ? run->removed : run->changed)++;
      if (with_rows) {
        d.ops.push_back(op);
        from_a.push_back(&f == &fa);
        (&f == &fa ? take_a : take_b).push_back(row);
      }
    };
    while (i < na || j < nb) {
      int c = i == na ? 1 : (j == nb ? -1 : compare_keys(schema, fa, i, fb, j));
      if (c < 0) mark('-', fa, i++);
      else if (c > 0) mark('+', fb, j++);
      else {
        if (same_values(fa, i, fb, j)) close_run();
        else mark('~', fb, j);
        ++i, ++j;
      }
    }
    close_run();
    if (d.ranges.empty() && d.status == '~') continue;  // rewritten (a defrag), same rows
    if (with_rows) {
      // Rows of both sides, in the order they were marked: positions in fa then fb.
      std::vector<size_t> order;
      size_t ia = 0, ib = 0;
      for (bool side_a : from_a) order.push_back(side_a ? take_a[ia++] : na + take_b[ib++]);
      std::vector<Column> cols;
      for (size_t k = 0; k < schema.size(); ++k) {
        std::vector<Column> parts;
        if (na) parts.push_back(fa.columns()[k]);
        if (nb) parts.push_back(fb.columns()[k]);
        cols.push_back(parts.empty() ? Column(schema[k].dtype) : Column::concat(parts).take(order));
      }
      d.rows = Frame(schema.names(), std::move(cols));
    }
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace lakota
