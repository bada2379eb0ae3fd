#include "lakota/model/commit.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <map>

#include "lakota/error.h"

namespace lakota {
namespace {

const DType kI8 = DType::parse("int");

std::shared_ptr<const Schema> int_schema() {
  return std::make_shared<const Schema>(Schema::parse({{"k", "int*"}, {"v", "int"}}));
}

std::string digest_name(int n) {
  std::string s = std::to_string(n);
  return std::string(40 - s.size(), '0') + s;
}

// What a commit makes visible for a label, given the arrays behind each digest.
std::map<int64_t, int> visible(const Commit& ci, const std::string& label, const std::map<std::string, std::vector<int64_t>>& arrays,
                               const std::map<std::string, int>& tags) {
  std::map<int64_t, int> out;
  for (const auto& view : ci.select(label, {}, {}, Closed::both())) {
    const std::string& d = ci.digest(view.row, 0);
    Column keys = Column::from_vector(kI8, arrays.at(d));
    std::vector<const Column*> idx{&keys};
    size_t lo = index_position(idx, view.start, !view.closed.left, 0, keys.size());
    size_t hi = index_position(idx, view.stop, view.closed.right, 0, keys.size());
    for (size_t i = lo; i < hi; ++i) {
      int64_t k = arrays.at(d)[i];
      EXPECT_FALSE(out.count(k)) << "key " << k << " visible twice";
      out[k] = tags.at(d);
    }
  }
  return out;
}

bool in_range(int64_t k, int64_t a, int64_t b, Closed c) {
  return (c.left ? k >= a : k > a) && (c.right ? k <= b : k < b);
}

RC_GTEST_PROP(CommitUpdate, MatchesANaiveModel, ()) {
  auto schema = int_schema();
  Commit ci(schema);
  std::map<std::string, std::map<int64_t, int>> model;
  std::map<std::string, std::vector<int64_t>> arrays;
  std::map<std::string, int> tags;
  int steps = *rc::gen::inRange(1, 12);
  const char* codes = "blrn";
  for (int step = 0; step < steps; ++step) {
    std::string label = *rc::gen::element<std::string>("a", "b", "c");
    Closed closed = Closed::from_code(codes[*rc::gen::inRange(0, 4)]);
    bool is_delete = *rc::gen::inRange(0, 4) == 0;
    std::vector<int64_t> keys;
    int64_t a, b;
    if (is_delete) {
      a = *rc::gen::inRange<int64_t>(0, 30);
      b = *rc::gen::inRange<int64_t>(a, 31);
    } else {
      auto raw = *rc::gen::nonEmpty(rc::gen::container<std::set<int64_t>>(rc::gen::inRange<int64_t>(0, 30)));
      keys.assign(raw.begin(), raw.end());
      a = keys.front();
      b = keys.back();
    }
    std::string d = digest_name(step);
    arrays[d] = keys;
    tags[d] = step;
    CommitRow row{label, {a}, {b}, {d, d}, int64_t(keys.size()), closed};
    ci = ci.update(row);
    auto& m = model[label];
    for (auto it = m.begin(); it != m.end();) it = in_range(it->first, a, b, closed) ? m.erase(it) : std::next(it);
    for (auto k : keys)
      if (in_range(k, a, b, closed)) m[k] = step;
    // Invariants: rows sorted by (label, start) and not overlapping.
    for (size_t i = 1; i < ci.size(); ++i) {
      int c = ci.label(i - 1).compare(ci.label(i));
      RC_ASSERT(c <= 0);
      if (c == 0) RC_ASSERT(compare_tuples(ci.stop(i - 1), ci.start(i)) <= 0);
    }
    for (const auto& [lbl, expected] : model) RC_ASSERT(visible(ci, lbl, arrays, tags) == expected);
  }
  // The commit survives its encoding.
  std::map<std::string, std::shared_ptr<const std::string>> none;
  Commit back = Commit::decode(schema, ci.encode(), "test");
  RC_ASSERT(back.encode() == ci.encode());
}

TEST(Commit, UpdateKeepsRowsOfOtherLabels) {
  auto schema = int_schema();
  Commit ci(schema);
  ci = ci.update({"b", {Value(int64_t(0))}, {Value(int64_t(9))}, {digest_name(1), digest_name(1)}, 10, Closed::both()});
  ci = ci.update({"a", {Value(int64_t(5))}, {Value(int64_t(6))}, {digest_name(2), digest_name(2)}, 2, Closed::both()});
  ASSERT_EQ(ci.size(), 2u);
  EXPECT_EQ(ci.label(0), "a");
  EXPECT_EQ(ci.label(1), "b");
  EXPECT_EQ(ci.labels(), (std::vector<std::string>{"a", "b"}));
}

TEST(Commit, RejectsAnInvertedRange) {
  Commit ci(int_schema());
  EXPECT_THROW(ci.update({"a", {Value(int64_t(5))}, {Value(int64_t(1))}, {digest_name(1), digest_name(1)}, 0}), InvalidInput);
}

TEST(Commit, DeleteAndRenameLabels) {
  auto schema = int_schema();
  Commit ci(schema);
  for (int i = 0; i < 3; ++i)
    ci = ci.update({std::string(1, char('a' + i)), {Value(int64_t(0))}, {Value(int64_t(1))}, {digest_name(i), digest_name(i)}, 2});
  Commit renamed = ci.rename_label("a", "z");
  EXPECT_EQ(renamed.labels(), (std::vector<std::string>{"b", "c", "z"}));
  EXPECT_EQ(renamed.delete_labels({"b", "z"}).labels(), (std::vector<std::string>{"c"}));
}

TEST(Commit, CorruptPayloadIsAClearError) {
  EXPECT_THROW(Commit::decode(int_schema(), "not msgpack at all", "rev-x"), CorruptData);
  try {
    Commit::decode(int_schema(), std::string("\x93\x80\xa2|O\x91\x01", 7), "rev-x");
    FAIL();
  } catch (const CorruptData& e) {
    EXPECT_NE(std::string(e.what()).find("rev-x"), std::string::npos);
  }
}

TEST(Closed, ParsesNamesAndLetters) {
  EXPECT_EQ(Closed::parse("LEFT"), (Closed{true, false}));
  EXPECT_EQ(Closed::parse("r"), (Closed{false, true}));
  EXPECT_EQ(Closed::parse("Both"), Closed::both());
  EXPECT_EQ(Closed::parse("N"), Closed::none());
  EXPECT_THROW(Closed::parse("middle"), InvalidInput);
}

}  // namespace
}  // namespace lakota
