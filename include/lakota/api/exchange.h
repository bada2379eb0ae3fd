// Export and import of collections to and from a folder of files, in the reference's
// layout: one folder per collection holding `_schema.json` (the schema as the reference
// dumps it) and one file per series, `<series>.<extension>`. The file format (CSV in the
// command line) comes from the caller: the engine moves frames, a front end's text
// library turns them into bytes.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "lakota/api/progress.h"
#include "lakota/api/repo.h"

namespace lakota {

struct FileFormat {
  std::string extension;  // "csv"
  std::function<std::string(const Frame&)> write;
  // Throws InvalidInput naming `source` (and the line) for bytes that do not fit the schema.
  std::function<Frame(std::string_view bytes, const Schema& schema, const std::string& source)> read;
};

struct ExchangeReport {
  size_t collections = 0, series = 0, rows = 0;
  uint64_t bytes = 0;
};

// Writes the collections named (all when none) under `dest`. NotFound for an unknown one.
ExchangeReport export_collections(const Repo& repo, const PodPtr& dest, const std::vector<std::string>& labels,
                                  const FileFormat& format, const Progress& progress = {});

// Reads every collection folder of `src` (or the ones named), creating the collections that
// do not exist from their `_schema.json`, and writes each collection's series as one
// revision. Every file is read and checked before anything is written: a bad file (an
// unknown extension, a header that does not match the schema, a bad value, a schema that
// differs from the existing collection's) is an error naming it, and nothing is imported.
ExchangeReport import_collections(Repo& repo, const PodPtr& src, const std::vector<std::string>& labels,
                                  const std::vector<FileFormat>& formats, const Progress& progress = {});

// `json.dumps(value)` as Python writes it: ", " and ": " separators, non-ASCII escaped.
std::string python_json(const Json& value);

}  // namespace lakota
