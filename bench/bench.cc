// `make bench`: the figures of issue 2, on this machine.
//   write 10 M rows (timestamp, float) in one write; read them all (with and without digest
//   checks); read 1 % by range;
//   1,000 appends of 1,000 rows; read those 1 M rows.
// Runs on a file pod in a temporary folder (fsync on, then off) and on the memory pod. The
// full read runs twice: with digest checks (the default), then without ("unchecked").
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <random>
#include <string>

#include "lakota/api/maintenance.h"
#include "lakota/api/repo.h"
#include "lakota/api/sync.h"
#include "lakota/encoding/hash.h"
#include "lakota/storage/pod.h"

namespace fs = std::filesystem;
using namespace lakota;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

Frame make_frame(int64_t first, size_t n) {
  DType ts = DType::parse("timestamp"), f8 = DType::parse("float");
  std::vector<int64_t> t(n);
  std::vector<double> v(n);
  std::mt19937_64 rng(first);
  std::normal_distribution<double> dist(15, 5);
  for (size_t i = 0; i < n; ++i) {
    t[i] = first + int64_t(i);
    v[i] = dist(rng);
  }
  return Frame({"timestamp", "value"}, {Column::from_vector(ts, t), Column::from_vector(f8, v)});
}

void run(const std::string& name, PodPtr pod, size_t rows, size_t appends, size_t append_rows,
         RepoOptions options = {}) {
  Repo repo(pod, options);
  Schema schema = Schema::parse({{"timestamp", "timestamp*"}, {"value", "float"}});
  auto big = repo.create_collection(schema, "big").series("s");
  Frame frame = make_frame(1600000000, rows);

  auto t0 = std::chrono::steady_clock::now();
  big.write(frame);
  double write = seconds_since(t0);

  t0 = std::chrono::steady_clock::now();
  Frame all = big.read();
  double read = seconds_since(t0);
  if (all.size() != rows) std::fprintf(stderr, "read %zu rows, expected %zu\n", all.size(), rows);

  // The same read without digest checks (on by default), to show what they cost.
  RepoOptions unchecked = options;
  unchecked.verify_digests = false;
  auto big_unchecked = Repo(pod, unchecked).collection("big").series("s");
  t0 = std::chrono::steady_clock::now();
  Frame again = big_unchecked.read();
  double read_unchecked = seconds_since(t0);
  if (again.size() != rows) std::fprintf(stderr, "read %zu rows, expected %zu\n", again.size(), rows);

  Query q;
  q.start = {int64_t(1600000000 + rows / 2)};
  q.stop = {int64_t(1600000000 + rows / 2 + rows / 100)};
  t0 = std::chrono::steady_clock::now();
  Frame part = big.read(q);
  double range = seconds_since(t0);
  if (part.size() != rows / 100) std::fprintf(stderr, "range read %zu rows\n", part.size());

  auto small = repo.create_collection(schema, "small").series("s");
  t0 = std::chrono::steady_clock::now();
  for (size_t k = 0; k < appends; ++k) small.write(make_frame(1600000000 + int64_t(k * append_rows), append_rows));
  double append = seconds_since(t0);

  t0 = std::chrono::steady_clock::now();
  Frame appended = small.read();
  double read_appended = seconds_since(t0);
  if (appended.size() != appends * append_rows) std::fprintf(stderr, "read %zu appended rows\n", appended.size());

  std::printf("%-22s %10.3f %10.3f %10.3f %10.3f %12.3f %12.3f\n", name.c_str(), write, read, read_unchecked, range,
              append, read_appended);
  std::fflush(stdout);
}

// Push and pull between two file repositories, and gc.
void run_sync(size_t rows, size_t appends, size_t append_rows, bool sync) {
  fs::path base = fs::temp_directory_path() / ("lakota-bench-sync-" + std::to_string(::getpid()));
  fs::remove_all(base);
  FilePodOptions po;
  po.fsync = sync;
  Repo src(make_file_pod((base / "src").string(), po));
  Schema schema = Schema::parse({{"timestamp", "timestamp*"}, {"value", "float"}});
  src.create_collection(schema, "big").series("s").write(make_frame(1600000000, rows));
  auto small = src.create_collection(schema, "small");
  for (size_t k = 0; k < appends; ++k)
    small.series("s").write(make_frame(1600000000 + int64_t(k * append_rows), append_rows));

  auto timed = [](const std::function<void()>& f) {
    auto t0 = std::chrono::steady_clock::now();
    f();
    return seconds_since(t0);
  };
  std::printf("\nfile to file (fsync %s). Seconds:\n%-34s %10s %10s %10s\n", sync ? "on" : "off", "collection",
              "push", "pull", "again");
  for (std::string label : {"big", "small"}) {
    SyncOptions o;
    o.labels = {label};
    Repo pushed(make_file_pod((base / ("push-" + label)).string(), po));
    Repo pulled(make_file_pod((base / ("pull-" + label)).string(), po));
    double push_s = timed([&] { push(src, pushed, o); });
    double pull_s = timed([&] { pull(pulled, src, o); });
    double again = timed([&] { pull(pulled, src, o); });  // nothing new: listings only
    std::string what = label == "big" ? std::to_string(rows) + " rows, 1 revision"
                                      : std::to_string(appends) + " revisions of " + std::to_string(append_rows) + " rows";
    std::printf("%-34s %10.3f %10.3f %10.3f\n", what.c_str(), push_s, pull_s, again);
  }
  double gc_s = timed([&] { gc(src); });
  TrimOptions all;
  all.before_ms = now_ms() + 60'000;
  double trim_s = timed([&] { trim(small, all); });
  double bury_s = timed([&] { gc(src); });
  GcOptions now;
  now.timeout_ms = 0;
  double delete_s = timed([&] { gc(src, now); });
  double verify_s = timed([&] { verify(src); });
  std::printf("gc %.3f (nothing to collect), trim of %zu revisions %.3f, gc after trim %.3f (soft), %.3f (hard); "
              "verify %.3f\n",
              gc_s, appends, trim_s, bury_s, delete_s, verify_s);
  fs::remove_all(base);
}

// Automatic compaction: 1,000 appends of 1,000 rows with each fanout, and what it costs.
// Rows per commit (the size of every revision file) against the bytes of segments written
// (data rewritten by merges, which older revisions keep referencing until trim and gc).
void run_compaction(size_t appends, size_t append_rows) {
  std::printf("\nautomatic compaction, %zu appends of %zu rows, file pod, fsync off:\n", appends, append_rows);
  std::printf("%-12s %10s %14s %16s %14s %14s %12s\n", "fanout", "appends s", "rows at end", "mean rows/commit",
              "revisions MB", "segments MB", "read s");
  for (size_t fanout : {size_t(0), size_t(4), size_t(8), size_t(16), size_t(32)}) {
    fs::path dir = fs::temp_directory_path() / ("lakota-bench-compact-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    FilePodOptions po;
    po.fsync = false;
    RepoOptions o;
    o.compaction.enabled = fanout > 0;
    o.compaction.fanout = std::max<size_t>(fanout, 2);
    Repo repo(make_file_pod(dir.string(), po), o);
    Schema schema = Schema::parse({{"timestamp", "timestamp*"}, {"value", "float"}});
    auto c = repo.create_collection(schema, "c");
    auto s = c.series("s");
    auto t0 = std::chrono::steady_clock::now();
    for (size_t k = 0; k < appends; ++k) s.write(make_frame(1600000000 + int64_t(k * append_rows), append_rows));
    double took = seconds_since(t0);
    t0 = std::chrono::steady_clock::now();
    size_t n = s.read().size();
    double read = seconds_since(t0);
    if (n != appends * append_rows) std::fprintf(stderr, "read %zu rows\n", n);
    double rows = 0, revs = 0, revision_bytes = 0, segment_bytes = 0;
    for (const auto& [rev, ci] : c.revisions()) {
      rows += double(ci.size());
      revs += 1;
    }
    for (auto& e : fs::recursive_directory_iterator(dir)) {
      if (!e.is_regular_file()) continue;
      std::string rel = fs::relative(e.path(), dir).string();
      (rel.find(c.path()) == 0 ? revision_bytes : segment_bytes) += double(e.file_size());
    }
    std::printf("%-12s %10.3f %14zu %16.1f %14.1f %14.1f %12.4f\n", fanout ? std::to_string(fanout).c_str() : "off",
                took, c.leaf_commit()->size(), rows / revs, revision_bytes / 1e6, segment_bytes / 1e6, read);
    std::fflush(stdout);
    fs::remove_all(dir);
  }
}

}  // namespace

int main(int argc, char** argv) {
  size_t rows = argc > 1 ? std::stoul(argv[1]) : 10000000;
  size_t appends = argc > 2 ? std::stoul(argv[2]) : 1000;
  size_t append_rows = 1000;
  std::printf("%zu rows; %zu appends of %zu rows. Seconds:\n", rows, appends, append_rows);
  std::printf("%-22s %10s %10s %10s %10s %12s %12s\n", "pod", "write", "read", "unchecked", "read 1%", "appends",
              "read appends");
  std::printf("%-22s %10.2f %10.2f %10s %10.2f %12.2f %12.2f\n", "reference (issue 2)", 0.95, 0.17, "", 0.19, 8.1, 0.78);
  for (bool sync : {true, false}) {
    fs::path dir = fs::temp_directory_path() / ("lakota-bench-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    FilePodOptions o;
    o.fsync = sync;
    run(sync ? "file (fsync on)" : "file (fsync off)", make_file_pod(dir.string(), o), rows, appends, append_rows);
    fs::remove_all(dir);
  }
  run("memory", make_memory_pod(), rows, appends, append_rows);
  run_sync(rows, appends, append_rows, true);
  run_sync(rows, appends, append_rows, false);
  run_compaction(appends, append_rows);
}
