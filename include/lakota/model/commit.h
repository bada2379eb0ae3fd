// Commit: the table of rows (label, start, stop, digests, length, closed) that make up the
// state of every series of a collection at one revision (FORMAT.md §4.4, §4.8, §4.9).
//
// A row is a view [start, stop] (with its closed flags) of arrays stored under `digests`,
// which hold `length` values. Rows are sorted by (label, start) and do not overlap.
// Commits are immutable values: `update` and friends return new commits that share the
// unchanged parts. Safe to share between threads.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "lakota/model/column.h"
#include "lakota/model/schema.h"

namespace lakota {

struct Closed {
  bool left = true;
  bool right = false;

  static constexpr Closed both() { return {true, true}; }
  static constexpr Closed none() { return {false, false}; }
  // Accepts BOTH/LEFT/RIGHT/NONE and their first letter, in either case.
  static Closed parse(std::string_view s);
  static Closed from_code(char c);
  char code() const;  // 'b', 'l', 'r' or 'n'
  Closed with_left(bool v) const { return {v, right}; }
  Closed with_right(bool v) const { return {left, v}; }
  bool operator==(const Closed&) const = default;
};

// Encoded arrays small enough to live in the commit, by digest.
using Embedded = std::map<std::string, std::shared_ptr<const std::string>, std::less<>>;

struct CommitRow {
  std::string label;
  Tuple start, stop;                 // one value per index column
  std::vector<std::string> digests;  // one per column, schema order
  int64_t length = 0;
  Closed closed = Closed::both();
};

// The part of a row that a read selects: positions are computed once the index is loaded.
struct RowView {
  size_t row;
  Tuple start, stop;  // empty when unbounded on that side
  Closed closed;
};

class Commit {
 public:
  explicit Commit(std::shared_ptr<const Schema> schema);
  static Commit one(std::shared_ptr<const Schema> schema, const CommitRow& row, const Embedded& embedded = {});
  // Throws CorruptData naming `what`.
  static Commit decode(std::shared_ptr<const Schema> schema, std::string_view payload, std::string_view what);
  std::string encode() const;

  const Schema& schema() const { return *schema_; }
  const std::shared_ptr<const Schema>& schema_ptr() const { return schema_; }
  size_t size() const { return label_.size(); }
  CommitRow row(size_t i) const;
  const std::string& label(size_t i) const { return label_.str(i); }
  int64_t length(size_t i) const { return length_.values<int64_t>()[i]; }
  Closed closed(size_t i) const { return Closed::from_code(closed_.str(i)[0]); }
  const std::string& digest(size_t i, size_t column) const { return digest_[column].str(i); }
  Tuple start(size_t i) const;
  Tuple stop(size_t i) const;
  int64_t total_length() const;

  // The new state after writing `row` (with `embedded` arrays) over its range.
  Commit update(const CommitRow& row, const Embedded& embedded = {}) const;
  Commit slice(size_t begin, size_t end) const;
  static Commit concat(const std::vector<Commit>& parts);
  Commit delete_labels(const std::set<std::string>& labels) const;
  Commit rename_label(const std::string& from, const std::string& to) const;

  // Sorted, distinct series labels.
  std::vector<std::string> labels() const;
  // Row positions of a label, in order.
  std::vector<size_t> match(const std::string& label) const;
  // Rows of `label` that intersect [start, stop] (empty tuples: unbounded), with the bounds
  // and flags a read applies to each (FORMAT.md §4.8).
  std::vector<RowView> select(const std::string& label, const Tuple& start, const Tuple& stop, Closed closed) const;

  const Embedded& embedded() const { return *embedded_; }
  const std::string* embedded_data(std::string_view digest) const;
  // Every digest the rows reference.
  std::set<std::string> digests() const;

 private:
  Commit with_embedded(const Embedded& extra) const;
  int compare_key(size_t i, bool use_stop, const std::string& label, const Tuple& values) const;

  std::shared_ptr<const Schema> schema_;
  Column label_;
  std::vector<Column> start_, stop_;  // per index column
  std::vector<Column> digest_;        // per column
  Column length_;
  Column closed_;
  std::shared_ptr<const Embedded> embedded_;
};

// Lexicographic position of `values` in sorted index columns (Frame.index of the reference):
// the first position not less than `values` (or greater, when `right`).
size_t index_position(const std::vector<const Column*>& index, const Tuple& values, bool right, size_t lo, size_t hi);

}  // namespace lakota
