#include "lakota/api/repo.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <random>
#include <set>

#include "lakota/encoding/hash.h"
#include "lakota/error.h"
#include "state.h"

namespace lakota {
namespace {

const std::string kRegistryPath = hashed_path(std::string(40, '0'));
const std::string kNamespace = "collection";

std::string strip(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::string random_collection_path() {
  std::random_device rd;
  std::string bytes(16, '\0');
  for (auto& c : bytes) c = char(rd() & 0xff);
  return hashed_path(sha1_hex(bytes));
}

bool env_flag(const char* name) {
  const char* env = std::getenv(name);
  if (!env) return true;
  std::string v = env;
  return !(v == "0" || v == "false" || v == "no" || v == "off");
}

}  // namespace

bool RepoOptions::default_verify_digests() { return env_flag("LAKOTA_VERIFY"); }
bool RepoOptions::default_auto_merge() { return env_flag("LAKOTA_AUTO_MERGE"); }
bool CompactionOptions::default_enabled() { return env_flag("LAKOTA_COMPACT"); }

const std::string& registry_path() { return kRegistryPath; }

const Schema& registry_schema() {
  static const Schema schema(
      {ColumnDef{"label", DType::parse("str"), {"msgpack2", "zstd"}, true},
       ColumnDef{"meta", DType::parse("O"), {"msgpack2", "zstd"}, false}},
      std::string("kv"));
  return schema;
}

Repo::Repo(PodPtr pod, RepoOptions options)
    : pod_(std::move(pod)),
      options_(options),
      recent_arrays_(options.compaction.enabled && options.compaction.recent_bytes
                         ? std::make_shared<RecentArrays>(options.compaction.recent_bytes)
                         : nullptr),
      registry_(std::make_shared<CollectionState>("registry", std::make_shared<const Schema>(registry_schema()),
                                                  kRegistryPath, pod_, options_)) {}

Repo Repo::open(const std::string& uri, RepoOptions options) { return Repo(pod_from_uri(uri), options); }

std::vector<std::string> Repo::ls() const {
  Frame f = registry_.series(kNamespace).read();
  std::vector<std::string> out;
  const Column& labels = f["label"];
  for (size_t i = 0; i < labels.size(); ++i) out.push_back(labels.str(i));
  return out;
}

std::vector<Collection> Repo::collections() const {
  Frame f = registry_.series(kNamespace).read();
  std::vector<Collection> out;
  for (size_t i = 0; i < f.size(); ++i) out.push_back(reify(f["label"].str(i), f["meta"].object(i)));
  return out;
}

std::vector<Collection> Repo::listed_collections() const {
  const CollectionState& registry = *registry_.state();
  auto h = registry.history();
  std::vector<Revision> revs = h->heads();
  if (const Revision* state = h->state()) revs.push_back(*state);
  std::map<std::string, Collection> by_path;
  for (const auto& rev : revs) {
    Frame f = read_series(registry, registry.load_commit(rev), kNamespace, {});
    for (size_t i = 0; i < f.size(); ++i) {
      Collection c = reify(f["label"].str(i), f["meta"].object(i));
      by_path.emplace(c.path(), c);
    }
  }
  std::vector<Collection> out;
  for (auto& [p, c] : by_path) out.push_back(std::move(c));
  return out;
}

Collection Repo::reify(const std::string& label, const Json& meta) const {
  if (!meta.is_object() || !meta.contains("path") || !meta.contains("schema") || !meta["path"].is_string()) {
    throw CorruptData("registry entry of collection '" + label + "' is malformed");
  }
  const auto& path = meta["path"].get_ref<const std::string&>();
  if (path.size() != 42 || path[2] != '/' || path[5] != '/' ||
      !is_hex_digest(path.substr(0, 2) + path.substr(3, 2) + path.substr(6))) {
    throw CorruptData("registry entry of collection '" + label + "' has an invalid folder '" + path + "'");
  }
  std::shared_ptr<const Schema> schema;
  try {
    schema = std::make_shared<const Schema>(Schema::from_json(meta["schema"]));
  } catch (const CorruptData& e) {
    throw CorruptData("registry entry of collection '" + label + "': " + e.what());
  }
  auto state = std::make_shared<CollectionState>(label, schema, path, pod_, options_);
  state->recent_arrays = recent_arrays_;
  return Collection(std::move(state));
}

std::optional<Collection> Repo::find(const std::string& label) const {
  Query q;
  q.start = q.stop = {label};
  q.closed = Closed::both();
  Frame f = registry_.series(kNamespace).read(q);
  if (f.empty()) return std::nullopt;
  return reify(label, f["meta"].object(f.size() - 1));
}

Collection Repo::collection(const std::string& label) const {
  auto c = find(label);
  if (!c) throw NotFound("collection '" + label + "' not found in " + pod_->uri());
  return *c;
}

Collection Repo::collection_by_prefix(const std::string& prefix) const {
  if (auto c = find(prefix)) return *c;
  return collection(resolve_prefix(prefix, ls(), "collection", ""));
}

Collection Repo::create_collection(const Schema& schema, const std::string& label, bool exist_ok) {
  return create_collections(schema, {label}, exist_ok).at(0);
}

std::vector<Collection> Repo::create_collections(const Schema& schema, const std::vector<std::string>& input,
                                                 bool exist_ok) {
  if (input.empty()) return {};
  std::vector<std::string> labels;
  for (const auto& l : input) {
    std::string s = strip(l);
    if (s.empty()) throw InvalidInput("invalid collection label '" + l + "': it is empty");
    if (s.find('\0') != std::string::npos) throw InvalidInput("invalid collection label: it holds a NUL character");
    if (!utf8_valid(s)) throw InvalidInput("invalid collection label '" + s + "': it is not valid UTF-8");
    labels.push_back(s);
  }
  Query q;
  q.start = {*std::min_element(labels.begin(), labels.end())};
  q.stop = {*std::max_element(labels.begin(), labels.end())};
  q.closed = Closed::both();
  CollectionState& registry = *registry_.state();
  Snapshot base = registry.change_base();
  Frame existing = read_series(registry, base.commit, kNamespace, q);
  std::map<std::string, Json> entries;
  for (size_t i = 0; i < existing.size(); ++i) entries[existing["label"].str(i)] = existing["meta"].object(i);
  std::vector<std::string> new_labels;
  std::vector<Json> metas;
  for (const auto& l : labels) {
    if (entries.count(l)) {
      if (!exist_ok && !std::count(new_labels.begin(), new_labels.end(), l))
        throw Conflict("collection '" + l + "' already exists");
      continue;
    }
    Json meta = Json::object();
    meta["path"] = random_collection_path();
    meta["schema"] = schema.to_json();
    entries[l] = meta;
    new_labels.push_back(l);
    metas.push_back(std::move(meta));
  }
  if (!new_labels.empty()) {
    Frame f({"label", "meta"}, {Column::strings(new_labels), Column::objects(metas)});
    registry_.state()->commit_rows(base, write_rows(registry, base.commit, kNamespace, f, {}));
  }
  // The collections as this call saw or made them: a concurrent writer's revision may be
  // the state for a moment, until its merge.
  std::vector<Collection> out;
  for (const auto& l : labels) out.push_back(reify(l, entries[l]));
  return out;
}

Collection Repo::adopt_collection(const std::string& label, const Schema& schema, const std::string& path) {
  CollectionState& registry = *registry_.state();
  Snapshot base = registry.change_base();
  Query q;
  q.start = q.stop = {label};
  q.closed = Closed::both();
  Frame existing = read_series(registry, base.commit, kNamespace, q);
  if (!existing.empty()) return reify(label, existing["meta"].object(existing.size() - 1));
  Json meta = Json::object();
  meta["path"] = path;
  meta["schema"] = schema.to_json();
  Frame f({"label", "meta"}, {Column::strings({label}), Column::objects({meta})});
  registry_.state()->commit_rows(base, write_rows(registry, base.commit, kNamespace, f, {}));
  return reify(label, meta);
}

void Repo::delete_collections(const std::vector<std::string>& labels) {
  CollectionState& registry = *registry_.state();
  Snapshot base = registry.change_base();
  Frame f = read_series(registry, base.commit, kNamespace, {});
  std::vector<std::string> paths;
  std::vector<Tuple> keys;
  for (size_t i = 0; i < f.size(); ++i) {
    std::string label = f["label"].str(i);
    if (std::find(labels.begin(), labels.end(), label) == labels.end()) continue;
    paths.push_back(reify(label, f["meta"].object(i)).path());
    keys.push_back({label});
  }
  if (keys.empty()) return;
  registry_.state()->commit_rows(base, delete_key_rows(registry, base.commit, kNamespace, keys));
  for (const auto& p : paths) {
    pod_->rm(p, true);
    Tags(pod_, p).remove_all();
  }
}

void Repo::rename_collection(const std::string& from, const std::string& to_input) {
  std::string to = strip(to_input);
  if (to.empty()) throw InvalidInput("invalid collection label: it is empty");
  CollectionState& registry = *registry_.state();
  Snapshot base = registry.change_base();
  Frame f = read_series(registry, base.commit, kNamespace, {});
  std::vector<std::string> labels;
  std::optional<size_t> pos;
  for (size_t i = 0; i < f.size(); ++i) {
    labels.push_back(f["label"].str(i));
    if (labels.back() == from) pos = i;
    if (labels.back() == to) throw Conflict("collection '" + to + "' already exists");
  }
  if (!pos) throw NotFound("collection '" + from + "' not found in " + pod_->uri());
  Tuple start{labels.front()}, stop{labels.back()};
  labels[*pos] = to;
  Frame renamed = sort_frame(registry_schema(),
                             Frame({"label", "meta"}, {Column::strings(labels), f["meta"]}), false);
  WriteOptions o;
  o.start = std::min(start, Tuple{Value(to)}, [](auto& a, auto& b) { return compare_tuples(a, b) < 0; });
  o.stop = std::max(stop, Tuple{Value(to)}, [](auto& a, auto& b) { return compare_tuples(a, b) < 0; });
  registry_.state()->commit_rows(base, write_rows(registry, base.commit, kNamespace, renamed, o));
}

}  // namespace lakota
