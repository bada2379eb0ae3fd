// Merges of concurrent heads, on the memory pod and on the file pod: every head's writes
// end in the merged state (a later head wins where they overlap), whatever each head did
// (appends, partial overwrites, range deletes, series deletes), and a property test
// against a naive model of random concurrent histories.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>

#include "lakota/api/repo.h"
#include "lakota/encoding/hash.h"
#include "lakota/error.h"
#include "state.h"
#include "test_pod.h"

namespace lakota {
namespace {

Frame range_frame(int64_t lo, int64_t hi, double base) {
  std::vector<int64_t> ids;
  std::vector<double> xs;
  for (int64_t i = lo; i <= hi; ++i) ids.push_back(i), xs.push_back(base + double(i));
  return id_x_frame(ids, xs);
}

std::map<int64_t, double> content(const Series& s) {
  Frame f = s.read();
  std::map<int64_t, double> out;
  for (size_t i = 0; i < f.size(); ++i) out[f["id"].values<int64_t>()[i]] = f["x"].values<double>()[i];
  return out;
}

RepoOptions manual() {
  RepoOptions o;
  o.auto_merge = false;
  return o;
}

class MergeTest : public PodTest {
 protected:
  // The collection "c" (id int*, x float; key-value when `kv`), auto-merge off.
  Collection create(bool kv = false) {
    Schema schema = kv ? Schema(id_x_schema().columns(), std::string("kv")) : id_x_schema();
    return Repo(pod, manual()).create_collection(schema, "c");
  }
  // A copy of the repository where a second writer works from the same state; `join`
  // brings its files back, which makes its revisions siblings of ours.
  PodPtr fork() {
    auto other = make_memory_pod();
    copy_missing(pod, other);
    return other;
  }
  void join(const PodPtr& other) { copy_missing(other, pod); }
  Collection collection(const PodPtr& p, RepoOptions o = manual()) { return Repo(p, o).collection("c"); }
  // Two writers append to rows 0-9 of "s": we rows 10-19, the other 20-29 in a copy that
  // it returns, to be joined.
  PodPtr append_on_two_heads(Collection& c) {
    c.series("s").write(range_frame(0, 9, 0));
    auto other = fork();
    c.series("s").write(range_frame(10, 19, 0));
    collection(other).series("s").write(range_frame(20, 29, 0));
    return other;
  }
};

TEST_P(MergeTest, AppendsOnEachHeadAreAllKept) {
  auto c = create();
  join(append_on_two_heads(c));
  EXPECT_EQ(c.heads().size(), 2u);
  EXPECT_TRUE(c.diverged());
  auto written = c.merge();
  EXPECT_FALSE(written.empty());
  EXPECT_FALSE(c.diverged());
  EXPECT_EQ(c.heads().size(), 1u);
  EXPECT_EQ(c.series("s").length(), 30u);
  EXPECT_TRUE(c.merge().empty());  // nothing left to merge
}

// While heads diverge, a read with auto-merge on sees every head's writes (merged in
// memory, nothing written); with it off, or as of a time, the state, as the reference.
TEST_P(MergeTest, ReadsSeeEveryHeadUntilTheMergeIsWritten) {
  auto c = create();
  auto other = append_on_two_heads(c);
  collection(other).series("t").write(range_frame(0, 4, 0));
  join(other);
  size_t files = pod->walk().size();
  auto reader = collection(pod, RepoOptions{});
  ASSERT_TRUE(reader.diverged());
  EXPECT_TRUE(reader.reads_merged());
  EXPECT_EQ(content(reader.series("s")).size(), 30u);
  EXPECT_EQ(reader.ls(), (std::vector<std::string>{"s", "t"}));
  EXPECT_TRUE(reader.series("t").exists());
  EXPECT_EQ(pod->walk().size(), files) << "a read writes nothing";
  EXPECT_TRUE(reader.diverged());
  // The state alone: auto-merge off, or a read as of a time.
  EXPECT_FALSE(c.reads_merged());
  size_t state_rows = c.series("s").length();
  EXPECT_EQ(state_rows, 20u);  // either head: the first 10 rows and its own 10
  Query later;
  later.before_ms = now_ms() + 60'000;
  EXPECT_FALSE(reader.reads_merged(later.before_ms));
  EXPECT_EQ(reader.series("s").read(later).size(), state_rows);
  reader.merge();
  EXPECT_FALSE(reader.reads_merged());
  EXPECT_EQ(content(c.series("s")).size(), 30u);
}

// A head that cannot be read (a damaged revision file) leaves reads the state, as with
// auto-merge off; it never makes them fail.
TEST_P(MergeTest, ADamagedHeadLeavesReadsTheState) {
  auto c = create();
  join(append_on_two_heads(c));
  auto reader = collection(pod, RepoOptions{});
  History h = reader.history();
  auto heads = h.heads();
  ASSERT_EQ(heads.size(), 2u);
  const Revision& other = heads[0].path() == h.state()->path() ? heads[1] : heads[0];
  reader.state()->changelog.pod()->write(other.path(), "not a commit", true);
  Collection fresh = collection(pod, RepoOptions{});
  EXPECT_EQ(fresh.series("s").length(), 20u);  // the state's: rows 0-9 and its own 10
}

TEST_P(MergeTest, PartialOverwritesOnEachHeadAreAllKept) {
  // The reference crashes on this one (a head holding a row cut by an overwrite).
  auto c = create();
  c.series("s").write(range_frame(0, 99, 0));
  auto other = fork();
  c.series("s").write(range_frame(10, 19, 1000));
  collection(other).series("s").write(range_frame(80, 89, 2000));
  join(other);
  c.merge();
  auto m = content(c.series("s"));
  ASSERT_EQ(m.size(), 100u);
  for (int64_t i = 0; i < 100; ++i) {
    double base = (i >= 10 && i <= 19) ? 1000 : (i >= 80 && i <= 89) ? 2000 : 0;
    EXPECT_EQ(m[i], base + double(i)) << i;
  }
}

TEST_P(MergeTest, RangeDeletesOnEachHeadAreAllApplied) {
  auto c = create();
  c.series("s").write(range_frame(0, 99, 0));
  auto other = fork();
  c.series("s").delete_range({int64_t(10)}, {int64_t(19)});
  auto o = collection(other).series("s");
  o.delete_range({int64_t(50)}, {int64_t(59)});
  o.write(range_frame(100, 109, 0));  // and an append
  join(other);
  c.merge();
  auto m = content(c.series("s"));
  EXPECT_EQ(m.size(), 90u);
  EXPECT_FALSE(m.count(15));
  EXPECT_FALSE(m.count(55));
  EXPECT_TRUE(m.count(105));
}

TEST_P(MergeTest, TheLaterHeadWinsWhereWritesOverlap) {
  auto c = create();
  c.series("s").write(range_frame(0, 9, 0));
  auto other = fork();
  c.series("s").write(range_frame(3, 6, 100));
  collection(other).series("s").write(range_frame(5, 8, 200));
  join(other);
  auto heads = c.heads();
  ASSERT_EQ(heads.size(), 2u);
  // Which head comes later in the log decides.
  bool other_later = Repo(other, manual()).collection("c").history().state()->child_digest() == heads[1].child_digest();
  c.merge();
  auto m = content(c.series("s"));
  EXPECT_EQ(m[3], 103);
  EXPECT_EQ(m[8], 208);
  EXPECT_EQ(m[5], other_later ? 205 : 105);
  EXPECT_EQ(m[6], other_later ? 206 : 106);
}

TEST_P(MergeTest, SeriesOfEachHeadAndASeriesDeleteMerge) {
  auto c = create();
  c.series("gone").write(range_frame(0, 9, 0));
  c.series("kept").write(range_frame(0, 9, 0));
  auto other = fork();
  c.series("mine").write(range_frame(0, 4, 0));
  auto oc = collection(other);
  oc.series("theirs").write(range_frame(0, 4, 0));
  oc.delete_series({"gone"});
  join(other);
  c.merge();
  EXPECT_EQ(c.ls(), (std::vector<std::string>{"kept", "mine", "theirs"}));
}

TEST_P(MergeTest, ASeriesDroppedAndWrittenAgainKeepsOnlyItsNewRows) {
  auto c = create();
  c.series("s").write(range_frame(0, 9, 0));
  auto other = fork();
  c.series("t").write(range_frame(0, 1, 0));
  auto oc = collection(other);
  oc.delete_series({"s"});
  oc.series("s").write(range_frame(20, 21, 0));
  join(other);
  c.merge();
  auto m = content(c.series("s"));
  EXPECT_EQ(m.size(), 2u);
  EXPECT_TRUE(m.count(20));
}

TEST_P(MergeTest, KeyValueUpsertsMergeKeyByKey) {
  auto c = create(true);
  c.series("s").write(id_x_frame({1, 5, 9}, {1, 5, 9}));
  auto other = fork();
  // Each upsert covers a range of keys that holds the other's new key.
  c.series("s").write(id_x_frame({2, 8}, {20, 80}));
  collection(other).series("s").write(id_x_frame({3, 7}, {30, 70}));
  collection(other).series("s").delete_keys({{int64_t(9)}});
  join(other);
  c.merge();
  auto m = content(c.series("s"));
  EXPECT_EQ(m, (std::map<int64_t, double>{{1, 1}, {2, 20}, {3, 30}, {5, 5}, {7, 70}, {8, 80}}));
}

TEST_P(MergeTest, CollectionsCreatedOnEachHeadAllExist) {
  create();
  auto other = fork();
  Repo(pod, manual()).create_collection(id_x_schema(), "mine");
  Repo(other, manual()).create_collection(id_x_schema(), "theirs");
  join(other);
  Repo repo(pod, manual());
  EXPECT_TRUE(repo.registry().diverged());
  repo.registry().merge();
  EXPECT_EQ(repo.ls(), (std::vector<std::string>{"c", "mine", "theirs"}));
}

// While heads diverge, a change that depends on what the collection holds starts from the
// merge (written first, with auto-merge on): a rename or a delete finds a series that only
// the head that is not the state holds, as reads and ls do. On the state alone the rename
// was NotFound and the delete kept the series.
TEST_P(MergeTest, RenamesAndDeletesSeeTheSeriesOfEveryHead) {
  auto c = create();
  c.series("s").write(range_frame(0, 9, 0));
  // Each head writes a series of its own; which head is the state depends on the times.
  // The series of the other head, the one the state lacks.
  auto two_heads = [&](const std::string& ours, const std::string& theirs) {
    auto other = fork();
    c.series(ours).write(range_frame(0, 4, 0));
    collection(other).series(theirs).write(range_frame(0, 4, 0));
    join(other);
    auto state = collection(pod).leaf_commit(now_ms() + 60'000);  // as of a time: not merged
    return state->match(ours).empty() ? ours : theirs;
  };
  RepoOptions merging;
  merging.auto_merge = true;
  auto c2 = collection(pod, merging);
  std::string outside = two_heads("mine", "theirs");
  ASSERT_TRUE(c2.diverged());
  EXPECT_EQ(c2.ls(), (std::vector<std::string>{"mine", "s", "theirs"}));
  c2.rename_series(outside, "renamed");
  EXPECT_FALSE(c2.diverged());
  EXPECT_EQ(content(c2.series("renamed")).size(), 5u);
  EXPECT_EQ(c2.ls().size(), 3u);

  outside = two_heads("ours-late", "their-late");
  ASSERT_TRUE(c2.diverged());
  c2.delete_series({outside});
  EXPECT_FALSE(c2.diverged());
  EXPECT_EQ(c2.ls().size(), 4u);
  EXPECT_TRUE(c2.leaf_commit()->match(outside).empty());
}

// A batch starts from the merge too: its key deletes find the keys of either head (on the
// state alone, a key only the other head holds was not found, and the merge kept it).
TEST_P(MergeTest, ABatchSeesTheKeysOfEveryHead) {
  auto c = create(true);
  c.series("s").write(id_x_frame({1, 5, 9}, {1, 5, 9}));
  auto other = fork();
  c.series("s").write(id_x_frame({2}, {20}));
  collection(other).series("s").write(id_x_frame({3}, {30}));
  join(other);
  Query at_state;
  at_state.revision = collection(pod).history().state()->path();
  Frame f = c.series("s").read(at_state);
  auto ids = f["id"].values<int64_t>();
  int64_t outside = std::find(ids.begin(), ids.end(), 2) == ids.end() ? 2 : 3;
  RepoOptions merging;
  merging.auto_merge = true;
  auto c2 = collection(pod, merging);
  ASSERT_TRUE(c2.diverged());
  auto batch = c2.batch();
  batch.delete_keys("s", {{outside}});
  EXPECT_TRUE(batch.commit());
  EXPECT_FALSE(c2.diverged());
  auto m = content(c2.series("s"));
  EXPECT_EQ(m.count(outside), 0u);
  EXPECT_EQ(m.size(), 4u);
}

// A collection that only the other head of the registry created is there for a create
// (Conflict, or the existing one with exist_ok), not made again at a path of its own,
// which the merge would then pick over the first, hiding its series.
TEST_P(MergeTest, ACreateSeesTheCollectionsOfEveryRegistryHead) {
  create();
  auto other = fork();
  Repo(pod, manual()).create_collection(id_x_schema(), "mine");
  Repo(other, manual()).create_collection(id_x_schema(), "theirs").series("s").write(range_frame(0, 4, 0));
  join(other);
  RepoOptions merging;
  merging.auto_merge = true;
  Repo repo(pod, merging);
  ASSERT_TRUE(repo.registry().diverged());
  EXPECT_THROW(repo.create_collection(id_x_schema(), "theirs"), Conflict);
  EXPECT_FALSE(repo.registry().diverged());
  EXPECT_EQ(content(repo.create_collection(id_x_schema(), "theirs", true).series("s")).size(), 5u);
  EXPECT_EQ(repo.ls(), (std::vector<std::string>{"c", "mine", "theirs"}));
}

TEST_P(MergeTest, AWriterMergesTheHeadItMadeAtOnce) {
  auto c = create();
  c.series("s").write(range_frame(0, 9, 0));
  auto other = fork();
  collection(other).series("s").write(range_frame(20, 29, 0));
  join(other);
  // This writer's commit is a sibling of the joined one: with auto-merge it merges.
  auto c2 = collection(pod, RepoOptions{});
  c2.series("s").write(range_frame(10, 19, 0));
  EXPECT_FALSE(c2.diverged());
  EXPECT_EQ(c2.series("s").length(), 30u);
}

// A merge puts the rows each compaction merged back as the rows it replaced, which takes
// reading the compaction and its parent. Revisions never change, so a collection handle
// reads each compaction once: a second merge on the same history reads only what is new.
TEST(MergeCost, EachCompactionIsReadOncePerHandle) {
  auto counting = std::make_shared<FaultyPod>(make_memory_pod());
  auto c = Repo(counting, manual()).create_collection(id_x_schema(), "c");
  auto s = c.series("s");
  for (int64_t k = 0; k < 64; ++k) s.write(range_frame(k * 10, k * 10 + 9, 0));  // 9 compactions
  int reads[2];
  for (int round = 0; round < 2; ++round) {
    auto other = make_memory_pod();
    copy_missing(counting, other);
    Repo(other, manual()).collection("c").series("s").write(range_frame(1000 + round * 10, 1009 + round * 10, 1));
    s.write(range_frame(2000 + round * 10, 2009 + round * 10, 2));
    copy_missing(other, counting);
    ASSERT_TRUE(c.diverged());
    int before = counting->reads;
    EXPECT_FALSE(c.merge().empty());
    reads[round] = counting->reads - before;
    EXPECT_EQ(s.length(), size_t(640 + 20 * (round + 1)));
  }
  EXPECT_GE(reads[0], 18);               // 9 compactions and their parents, at least
  EXPECT_LE(reads[1], reads[0] - 12);    // not them again: the heads, their ancestor
}

TEST_P(MergeTest, AFailedAutoMergeNeverFailsTheCommittedWrite) {
  auto c = create();
  c.series("s").write(range_frame(0, 9, 0));
  auto other = fork();
  c.series("s").write(range_frame(10, 19, 0));
  collection(other).series("s").write(range_frame(20, 29, 0));
  join(other);
  // Damage the head that is not the state: the write reads fine, merging is impossible.
  Revision damaged = c.heads().front();
  c.changelog().pod()->write(damaged.path(), "damaged", true);
  auto c2 = collection(pod, RepoOptions{});
  EXPECT_NO_THROW(c2.series("t").write(range_frame(0, 1, 0)));
  EXPECT_TRUE(c2.diverged());
  EXPECT_THROW(c2.merge(), CorruptData);
}

INSTANTIATE_TEST_SUITE_P(Pods, MergeTest, ::testing::ValuesIn(test_pod_kinds()), pod_kind_name);

// Random concurrent histories: a common part, then two or three heads, each a sequence of
// writes and range deletes. The model follows each index point: nothing, deleted, or
// covered by a write (which holds a key there or not). A head changed a point when its
// cell differs from the common part's; the merge holds, at each point, the cell of the
// last head in log order that changed it. (A delete over a range the common part had
// deleted already changes nothing: deletes leave no trace of their own there.)
struct Op {
  bool del;
  int64_t lo, hi;
  int step;
  double base;
};

void showValue(const Op& op, std::ostream& os) {
  os << (op.del ? "delete " : "write ") << op.lo << ".." << op.hi << " step " << op.step << " base " << op.base;
}

struct Cell {
  int kind = 0;  // 0 nothing, 1 deleted, 2 written
  int write = 0;
  bool key = false;
  double value = 0;
  bool same_as(const Cell& o) const { return kind == o.kind && (kind != 2 || write == o.write); }
};
using Model = std::vector<Cell>;

void apply(Model& m, const Op& op, int id) {
  if (op.del) {
    for (int64_t p = op.lo; p <= op.hi; ++p) m[p] = Cell{1};
    return;
  }
  // A write replaces the range from its first to its last key.
  int64_t last = op.lo + (op.hi - op.lo) / op.step * op.step;
  for (int64_t p = op.lo; p <= last; ++p) m[p] = Cell{2, id, (p - op.lo) % op.step == 0, op.base + double(p)};
}

std::map<int64_t, double> keys_of(const Model& m) {
  std::map<int64_t, double> out;
  for (size_t p = 0; p < m.size(); ++p)
    if (m[p].kind == 2 && m[p].key) out[int64_t(p)] = m[p].value;
  return out;
}

void run(Series s, const Op& op) {
  if (op.del) {
    s.delete_range({op.lo}, {op.hi});
    return;
  }
  std::vector<int64_t> ids;
  std::vector<double> xs;
  for (int64_t i = op.lo; i <= op.hi; i += op.step) ids.push_back(i), xs.push_back(op.base + double(i));
  s.write(id_x_frame(ids, xs));
}

rc::Gen<Op> gen_op() {
  return rc::gen::exec([] {
    Op op;
    op.del = *rc::gen::inRange(0, 4) == 0;
    op.lo = *rc::gen::inRange<int64_t>(0, 60);
    op.hi = op.lo + *rc::gen::inRange<int64_t>(0, 25);
    op.step = *rc::gen::inRange(1, 4);
    op.base = double(*rc::gen::inRange(1, 1000000)) * 1000;
    return op;
  });
}

RC_GTEST_PROP(MergeModel, MergedContentIsTheLastChangeOfEachPoint, ()) {
  auto pod = make_memory_pod();
  auto c = Repo(pod, manual()).create_collection(id_x_schema(), "c");
  Model root(100);
  int id = 0;
  for (const auto& op : *rc::gen::container<std::vector<Op>>(*rc::gen::inRange(0, 5), gen_op())) {
    run(c.series("s"), op);
    apply(root, op, ++id);
  }
  int nheads = *rc::gen::inRange(2, 4);
  std::vector<Model> models;
  std::vector<PodPtr> forks;
  for (int h = 0; h < nheads; ++h) {
    auto p = make_memory_pod();
    copy_missing(pod, p);
    auto fc = Repo(p, manual()).collection("c");
    Model m = root;
    auto ops = *rc::gen::container<std::vector<Op>>(*rc::gen::inRange(1, 5), gen_op());
    // Each head starts with a write of its own: two heads that start alike share that
    // state, which is then their common ancestor (and the model's would be wrong).
    ops[0].del = false;
    ops[0].base = 1e9 * (h + 1);
    for (const auto& op : ops) {
      run(fc.series("s"), op);
      apply(m, op, ++id);
    }
    models.push_back(std::move(m));
    forks.push_back(p);
  }
  // Each fork's state holds its head's content.
  std::map<std::string, size_t> head_of;
  for (size_t h = 0; h < forks.size(); ++h) {
    head_of[Repo(forks[h], manual()).collection("c").history().state()->child_digest()] = h;
    copy_missing(forks[h], pod);
  }
  auto merged = Repo(pod, manual()).collection("c");
  Model expected = root;
  for (const auto& head : merged.heads()) {
    if (!head_of.count(head.child_digest())) continue;  // a head that changed nothing
    const Model& m = models[head_of[head.child_digest()]];
    for (size_t p = 0; p < m.size(); ++p)
      if (!m[p].same_as(root[p])) expected[p] = m[p];
  }
  merged.merge();
  RC_ASSERT(!merged.diverged());
  RC_ASSERT(content(merged.series("s")) == keys_of(expected));
}

}  // namespace
}  // namespace lakota
