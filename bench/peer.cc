// `lakota-cpp` in the benchmark suite (bench/suite.py): the C++ API on the suite's tasks.
//
//   lakota_bench_peer TASK --data DIR --work DIR [--variant walk|noise] [--s3 URI]
//
// Reads the suite's raw arrays (DIR/ts.i8, DIR/<variant>.f8), runs one task, and prints one
// JSON object per measurement on stdout: {"task", "metric", "value", "unit"}. Settings come
// from the environment as for every front end (LAKOTA_FSYNC=0, LAKOTA_VERIFY=0). Tasks and
// their workloads: see bench/suite.py.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "lakota/api/repo.h"
#include "lakota/storage/pod.h"
#include "lakota/storage/s3.h"

namespace fs = std::filesystem;
using namespace lakota;

namespace {

struct Args {
  std::string task, data, work, variant = "walk", s3;
};

// A raw array file as a column, read into memory that nothing zero-filled first.
Column load(const fs::path& file, const char* dtype) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + file.string());
  auto buf = std::make_shared<Buffer>(size_t(fs::file_size(file)));
  in.read(reinterpret_cast<char*>(buf->bytes.get()), std::streamsize(buf->size));
  if (!in) throw std::runtime_error("cannot read " + file.string());
  return Column(DType::parse(dtype), buf, buf->size / 8);
}

// The suite's data: in memory for the tasks that write it; tasks that only read need the
// row count and two timestamps, and take nothing else (as the Python peers, which map the
// files: a read then starts in a process that did not just fill 160 MB).
struct Data {
  Column ts, values;
  size_t n = 0;
  // Rows [begin, end) of the timestamps with rows [vbegin, vbegin + end - begin) of the
  // values: views of the loaded columns, as a caller's own arrays (no copy).
  Frame frame(size_t begin, size_t end, size_t vbegin) const {
    return Frame({"timestamp", "value"}, {ts.slice(begin, end), values.slice(vbegin, vbegin + (end - begin))});
  }
  Frame frame(size_t begin, size_t end) const { return frame(begin, end, begin); }
  int64_t timestamp(size_t i) const { return ts.values<int64_t>()[i]; }
};

Data load_data(const Args& a, bool only_reads) {
  fs::path dir(a.data);
  Data d;
  if (only_reads) {
    d.n = fs::file_size(dir / "ts.i8") / 8;
    return d;
  }
  d.ts = load(dir / "ts.i8", "timestamp");
  d.values = load(dir / (a.variant + ".f8"), "float");
  d.n = d.ts.size();
  return d;
}

// Timestamp `i` of the data file, read alone.
int64_t timestamp_at(const Args& a, size_t i) {
  std::ifstream in(fs::path(a.data) / "ts.i8", std::ios::binary);
  int64_t t = 0;
  in.seekg(std::streamoff(i * 8));
  in.read(reinterpret_cast<char*>(&t), 8);
  if (!in) throw std::runtime_error("cannot read timestamp " + std::to_string(i));
  return t;
}

// LAKOTA_BENCH_QUICK=1 (the suite's --quick): one run of each read, 100 one-row appends.
bool quick() {
  const char* q = std::getenv("LAKOTA_BENCH_QUICK");
  return q && std::string(q) == "1";
}

double seconds(const std::function<void()>& f) {
  auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, size_t(p * double(v.size())))];
}

void emit(const std::string& task, const std::string& metric, double value, const std::string& unit) {
  std::printf("{\"task\": \"%s\", \"metric\": \"%s\", \"value\": %.9g, \"unit\": \"%s\"}\n", task.c_str(),
              metric.c_str(), value, unit.c_str());
  std::fflush(stdout);
}

// Peak memory of a step, beyond what the process held before it (VmHWM after a reset).
struct PeakMemory {
  static uint64_t status_kb(const char* field) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
      if (line.rfind(field, 0) == 0) return std::stoull(line.substr(std::strlen(field)));
    return 0;
  }
  uint64_t baseline;
  PeakMemory() {
    std::ofstream("/proc/self/clear_refs") << "5";
    baseline = status_kb("VmRSS:");
  }
  double bytes() const { return double(status_kb("VmHWM:") - baseline) * 1024; }
};

uint64_t disk_bytes(const fs::path& dir) {
  uint64_t total = 0;
  for (auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) total += e.file_size();
  return total;
}

Schema series_schema() { return Schema::parse({{"timestamp", "timestamp*"}, {"value", "float"}}); }

Collection open_collection(Repo& repo) {
  auto names = repo.ls();
  return std::find(names.begin(), names.end(), "c") == names.end() ? repo.create_collection(series_schema(), "c")
                                                                    : repo.collection("c");
}

Query range(int64_t start, int64_t stop) {
  Query q;
  q.start = {start};
  q.stop = {stop};
  return q;
}

void check(size_t got, size_t expected, const std::string& what) {
  if (got != expected)
    throw std::runtime_error(what + ": " + std::to_string(got) + " rows, expected " + std::to_string(expected));
}

void run(const Args& a) {
  const std::string& t = a.task;
  Data d = load_data(a, t == "read" || t == "s3_read" || t == "read_1pct");
  const size_t n = d.n;
  fs::path store = fs::path(a.work) / "repo";

  if (t == "write" || t == "s3_write") {
    Repo repo = t == "write" ? Repo(make_file_pod(store.string())) : Repo(pod_from_uris({a.s3}));
    auto s = open_collection(repo).series("s");
    Frame f = d.frame(0, n);
    PeakMemory peak;
    emit(t, "write", seconds([&] { s.write(f); }), "s");
    emit(t, "rss", peak.bytes(), "bytes");
    if (t == "write") emit(t, "disk", double(disk_bytes(store)), "bytes");
  } else if (t == "read" || t == "s3_read") {
    Repo repo = t == "read" ? Repo(make_file_pod(store.string())) : Repo(pod_from_uris({a.s3}));
    auto s = repo.collection("c").series("s");
    std::vector<double> times;
    {
      PeakMemory peak;
      Frame f;
      times.push_back(seconds([&] { f = s.read(); }));
      emit(t, "rss", peak.bytes(), "bytes");
      check(f.size(), n, "read");
    }
    for (int k = 0; k < (quick() ? 0 : 2); ++k) times.push_back(seconds([&] { check(s.read().size(), n, "read"); }));
    emit(t, "read", median(times), "s");
  } else if (t == "read_1pct") {
    Repo repo(make_file_pod(store.string()));
    auto s = repo.collection("c").series("s");
    Query q = range(timestamp_at(a, n / 2), timestamp_at(a, n / 2 + n / 100));
    std::vector<double> times;
    for (int k = 0; k < (quick() ? 1 : 5); ++k) times.push_back(seconds([&] { check(s.read(q).size(), n / 100, "read 1%"); }));
    emit(t, "read_1pct", median(times), "s");
  } else if (t == "appends") {
    Repo repo(make_file_pod(store.string()));
    auto c = open_collection(repo);
    auto s = c.series("s"), once = c.series("once");
    const size_t appends = 1000, rows = 1000;
    if (n < appends * rows) throw std::runtime_error("appends need 1,000,000 rows of data");
    std::vector<Frame> parts;
    for (size_t k = 0; k < appends; ++k) parts.push_back(d.frame(k * rows, (k + 1) * rows));
    emit(t, "appends", seconds([&] {
           for (auto& p : parts) s.write(p);
         }),
         "s");
    emit(t, "disk", double(disk_bytes(store)), "bytes");
    std::vector<double> after, at_once;
    for (int k = 0; k < (quick() ? 1 : 3); ++k) after.push_back(seconds([&] { check(s.read().size(), appends * rows, "read"); }));
    emit(t, "read_after_appends", median(after), "s");
    once.write(d.frame(0, appends * rows));
    for (int k = 0; k < (quick() ? 1 : 3); ++k) at_once.push_back(seconds([&] { check(once.read().size(), appends * rows, "read"); }));
    emit(t, "read_at_once", median(at_once), "s");
  } else if (t == "append_latency") {
    Repo repo(make_file_pod(store.string()));
    auto s = open_collection(repo).series("s");
    const size_t prefill = 100000, appends = quick() ? 100 : 1000;
    s.write(d.frame(0, prefill));
    std::vector<double> ms;
    for (size_t k = 0; k < appends; ++k) {
      Frame row = d.frame(prefill + k, prefill + k + 1);
      ms.push_back(1000 * seconds([&] { s.write(row); }));
    }
    emit(t, "p50", percentile(ms, 0.5), "ms");
    emit(t, "p99", percentile(ms, 0.99), "ms");
  } else if (t == "batch" || t == "small_reads") {
    Repo repo(make_file_pod(store.string()));
    auto c = open_collection(repo);
    const size_t rows = t == "batch" ? 100000 : 10000;
    // As many series as the data holds, up to the suite's count (fewer with --quick).
    const size_t count = std::min<size_t>(t == "batch" ? 100 : 1000, n / rows);
    if (count == 0) throw std::runtime_error(t + " needs " + std::to_string(rows) + " rows of data");
    std::vector<Frame> frames;
    for (size_t k = 0; k < count; ++k) frames.push_back(d.frame(0, rows, k * rows));
    double write = seconds([&] {
      auto b = c.batch();
      for (size_t k = 0; k < count; ++k) b.write("s" + std::to_string(k), frames[k]);
      b.commit();
    });
    frames.clear();
    if (t == "batch") {
      emit(t, "batch_write", write, "s");
      emit(t, "disk", double(disk_bytes(store)), "bytes");
      emit(t, "batch_read", seconds([&] {
             for (size_t k = 0; k < count; ++k) check(c.series("s" + std::to_string(k)).read().size(), rows, "read");
           }),
           "s");
    } else {
      Query q = range(d.timestamp(rows / 2), d.timestamp(rows / 2 + rows / 100));
      emit(t, "small_reads", seconds([&] {
             for (size_t k = 0; k < count; ++k)
               check(c.series("s" + std::to_string(k)).read(q).size(), rows / 100, "read 1%");
           }),
           "s");
    }
  } else {
    throw std::runtime_error("unknown task '" + t + "'");
  }
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    std::string s = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(s + " needs a value");
      return argv[++i];
    };
    try {
      if (s == "--data") a.data = value();
      else if (s == "--work") a.work = value();
      else if (s == "--variant") a.variant = value();
      else if (s == "--s3") a.s3 = value();
      else if (s == "--peer") value();  // the suite names every peer; this one is lakota-cpp
      else positional.push_back(s);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "lakota_bench_peer: %s\n", e.what());
      return 2;
    }
  }
  if (!positional.empty()) a.task = positional[0];
  if (positional.size() > 1) a.data = positional[1];
  if (positional.size() > 2) a.work = positional[2];
  if (a.task.empty() || a.data.empty() || (a.work.empty() && a.s3.empty())) {
    std::fprintf(stderr, "usage: lakota_bench_peer TASK --data DIR --work DIR [--variant walk|noise] [--s3 URI]\n");
    return 2;
  }
  try {
    run(a);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lakota_bench_peer: %s: %s\n", a.task.c_str(), e.what());
    return 1;
  }
}
