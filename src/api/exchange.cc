#include "lakota/api/exchange.h"

#include <cctype>
#include <map>

#include "lakota/error.h"
#include "state.h"

namespace lakota {

std::string python_json(const Json& v) {
  if (v.is_object()) {
    std::string out = "{";
    bool first = true;
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (!first) out += ", ";
      first = false;
      out += Json(it.key()).dump(-1, ' ', true) + ": " + python_json(it.value());
    }
    return out + "}";
  }
  if (v.is_array()) {
    std::string out = "[";
    for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + python_json(v[i]);
    return out + "]";
  }
  return v.dump(-1, ' ', true);
}

ExchangeReport export_collections(const Repo& repo, const PodPtr& dest, const std::vector<std::string>& labels,
                                  const FileFormat& format, const Progress& progress) {
  ExchangeReport report;
  std::vector<Collection> targets;
  if (labels.empty()) targets = repo.collections();
  else
    for (const auto& l : labels) targets.push_back(repo.collection(l));
  size_t done = 0;
  for (const auto& c : targets) {
    PodPtr folder = dest->cd(c.label());
    std::string schema = python_json(c.schema().to_json());
    folder->write("_schema.json", schema, true);
    report.bytes += schema.size();
    for (const auto& s : c.ls()) {
      if (s.find('/') != std::string::npos || s.empty() || s[0] == '_')
        throw InvalidInput("series '" + c.label() + "/" + s + "' cannot be exported as a file name");
      Frame f = c.series(s).read();
      std::string bytes = format.write(f);
      folder->write(s + "." + format.extension, bytes, true);
      ++report.series;
      report.rows += f.size();
      report.bytes += bytes.size();
    }
    ++report.collections;
    if (progress) progress("exporting", ++done, targets.size());
  }
  return report;
}

ExchangeReport import_collections(Repo& repo, const PodPtr& src, const std::vector<std::string>& labels,
                                  const std::vector<FileFormat>& formats, const Progress& progress) {
  ExchangeReport report;
  std::vector<std::string> names = labels;
  if (names.empty())
    for (const auto& n : src->ls())
      if (src->isdir(n)) names.push_back(n);
  if (names.empty()) throw NotFound("nothing to import from " + src->uri() + ": it holds no collection folder");
  struct Pending {
    std::string label;
    Schema schema;
    bool create;
    std::vector<std::pair<std::string, Frame>> series;
  };
  std::vector<Pending> pending;
  // Everything is read and checked first.
  for (const auto& name : names) {
    if (!src->isdir(name)) throw NotFound("no collection folder '" + name + "' in " + src->uri());
    if (std::isspace((unsigned char)name.front()) || std::isspace((unsigned char)name.back()))
      throw InvalidInput(src->uri() + "/" + name + ": a collection name cannot start or end with a space");
    PodPtr folder = src->cd(name);
    std::string where = src->uri() + "/" + name;
    std::optional<Collection> existing = repo.find(name);
    std::optional<Schema> schema;
    if (folder->exists("_schema.json")) {
      Json j;
      try {
        j = Json::parse(folder->read("_schema.json"));
      } catch (const Json::exception& e) {
        throw InvalidInput(where + "/_schema.json: not JSON (" + std::string(e.what()) + ")");
      }
      try {
        schema = Schema::from_json(j);
      } catch (const Error& e) {
        throw InvalidInput(where + "/_schema.json: " + e.what());
      }
    }
    if (existing && schema && !(existing->schema() == *schema))
      throw InvalidInput(where + "/_schema.json: collection '" + name + "' exists with another schema");
    if (!existing && !schema) throw InvalidInput(where + ": no _schema.json, and no collection '" + name + "' here");
    Pending p{name, existing ? existing->schema() : *schema, !existing, {}};
    for (const auto& file : folder->ls()) {
      if (file.empty() || file[0] == '_') continue;
      auto dot = file.rfind('.');
      const FileFormat* fmt = nullptr;
      if (dot != std::string::npos)
        for (const auto& f : formats)
          if (file.substr(dot + 1) == f.extension) fmt = &f;
      if (!fmt) {
        std::string known;
        for (const auto& f : formats) known += (known.empty() ? "" : ", ") + f.extension;
        throw InvalidInput(where + "/" + file + ": unknown file type (this import reads " + known + ")");
      }
      std::string bytes = folder->read(file);
      report.bytes += bytes.size();
      std::string source = where + "/" + file;
      Frame frame = fmt->read(bytes, p.schema, source);
      frame = prepare_frame(p.schema, frame, source);  // what a write would refuse, refused now
      p.series.emplace_back(file.substr(0, dot), std::move(frame));
    }
    pending.push_back(std::move(p));
  }
  size_t done = 0;
  for (auto& p : pending) {
    Collection c = p.create ? repo.create_collection(p.schema, p.label, true) : repo.collection(p.label);
    if (!(c.schema() == p.schema))  // created meanwhile, with another schema
      throw Conflict("collection '" + c.label() + "' exists with another schema than " + src->uri() + "/" +
                     p.label + "/_schema.json");
    Batch b = c.batch();
    for (auto& [label, frame] : p.series) {
      if (frame.empty()) continue;
      b.write(label, frame);
      ++report.series;
      report.rows += frame.size();
    }
    b.commit();
    ++report.collections;
    if (progress) progress("importing", ++done, pending.size());
  }
  return report;
}

}  // namespace lakota
