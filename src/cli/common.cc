#include "cli/common.h"

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>

#include "lakota/storage/s3.h"

namespace lakota::cli {
namespace {

std::string default_repo() {
  if (const char* env = std::getenv("LAKOTA_REPO")) {
    if (!*env) throw InvalidInput("LAKOTA_REPO is set but empty (unset it to use .lakota, or name a repository)");
    return env;
  }
  return "file:///.lakota";
}

Repo open_uris(const Globals& g, const std::vector<std::string>& uris) {
  PodPtr pod = pod_from_uris(uris);
  // -vv shows every storage access on stderr, as the reference's debug log does.
  if (g.verbose > 1) pod = make_logging_pod(pod, [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); });
  return Repo(pod);
}

bool is_registry(const Collection& collection) { return collection.path() == registry_path(); }

std::map<std::string, std::string>& docs() {
  static std::map<std::string, std::string> d;
  return d;
}

}  // namespace

Repo open_repo(const Globals& g) {
  // Several -r: the first is a local cache in front of the next ones, as in the reference.
  return open_uris(g, g.repo.empty() ? std::vector<std::string>{default_repo()} : g.repo);
}

Repo open_remote(const Globals& g, const std::string& uri) { return open_uris(g, {uri}); }

Collection get_collection(const Repo& repo, const std::string& label) { return repo.collection_by_prefix(label); }

std::pair<std::string, std::string> split_label(const std::string& label) {
  auto slash = label.find('/');
  if (slash == std::string::npos) {
    throw InvalidInput("label '" + label + "' should have the form collection/series");
  }
  return {label.substr(0, slash), label.substr(slash + 1)};
}

Series get_series(const Repo& repo, const std::string& label, bool auto_create) {
  auto [c_label, s_label] = split_label(label);
  Collection clct = get_collection(repo, c_label);
  if (auto_create) return clct.series(s_label);
  return clct.series_by_prefix(s_label);
}

std::string pretty_number(double x) {
  static const char* prefixes = "yzafpnum_kMGTPEZY";
  if (x == 0) return "0";
  int idx = 0;
  double factor = 1e-24;
  for (int i = 0; i < 16 && x >= factor * 1000; ++i, factor *= 1000) idx = i + 1;
  char buf[64];
  char p = prefixes[idx];
  std::snprintf(buf, sizeof buf, p == '_' ? "%.2f" : "%.2f%c", x / factor, p);
  return buf;
}

std::string local_datetime(int64_t ms) {
  time_t secs = ms / 1000;
  struct tm tm {};
  localtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  std::string out = buf;
  if (ms % 1000) {
    char frac[16];
    std::snprintf(frac, sizeof frac, ".%03d000", int(ms % 1000));
    out += frac;
  }
  return out;
}

void warn(const std::string& message) {
  std::fflush(stdout);
  std::string line = "lakota: warning: " + escape_message(message) + "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
}

std::string describe(const Collection& collection) {
  return is_registry(collection) ? "the registry" : "collection '" + collection.label() + "'";
}

void warn_if_diverged(const Collection& collection, std::optional<int64_t> before_ms) {
  if (!collection.diverged(before_ms)) return;
  size_t heads = collection.heads().size();
  std::string detail = heads > 1 ? "has " + std::to_string(heads) + " heads"
                                 : "has a head that its last revision does not hold";
  std::string merge = "lakota merge" + (is_registry(collection) ? std::string() : " " + collection.label());
  if (collection.reads_merged(before_ms))
    warn(describe(collection) + " " + detail + ": this read shows " + (heads > 1 ? "them merged" : "the head") +
         " ('" + merge + "' writes it)");
  else
    warn(describe(collection) + " " + detail + ": this state misses some writes (run '" + merge + "')");
}

int exit_code(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::InvalidInput: return 2;
    case ErrorKind::NotFound: return 3;
    case ErrorKind::CorruptData: return 4;
    case ErrorKind::Conflict: return 5;
    case ErrorKind::Storage: return 6;
    case ErrorKind::AccessDenied: return 7;
    case ErrorKind::Internal: return 1;
  }
  return 1;
}

void print_error(const std::string& message) {
  std::fflush(stdout);
  std::string line = "lakota: error: " + escape_message(message) + "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
}

void add_doc(const std::string& command, const std::string& text) { docs()[command] = text; }

std::optional<std::string> doc_of(const std::string& command) {
  auto it = docs().find(command);
  if (it == docs().end()) return std::nullopt;
  return it->second;
}

}  // namespace lakota::cli
