// Commands that move collections to and from a folder of files: export, import.
#include "cli/common.h"
#include "cli/progress.h"
#include "lakota/api/exchange.h"
#include "lakota/text/csv_frame.h"

namespace lakota::cli {
namespace {

struct ExchangeArgs {
  std::string uri;
  std::vector<std::string> collections;
  std::string file_type = "csv";
};

std::string summary(const char* verb, const ExchangeReport& r) {
  return std::string(verb) + " " + std::to_string(r.collections) + " collection(s), " + std::to_string(r.series) +
         " series, " + std::to_string(r.rows) + " rows, " + pretty_bytes(r.bytes);
}

int cmd_export(const Globals& g, const ExchangeArgs& a) {
  if (a.file_type != "csv")
    throw InvalidInput("--file-type " + a.file_type + ": the command line exports csv (parquet comes with the Python package)");
  Repo repo = open_repo(g);
  ProgressBar bar(g);
  auto r = export_collections(repo, pod_from_uri(a.uri), a.collections, text::csv_format(), bar.callback());
  bar.finish(summary("exported", r));
  return 0;
}

int cmd_import(const Globals& g, const ExchangeArgs& a) {
  Repo repo = open_repo(g);
  ProgressBar bar(g);
  auto r = import_collections(repo, pod_from_uri(a.uri), a.collections, {text::csv_format()}, bar.callback());
  bar.finish(summary("imported", r));
  return 0;
}

}  // namespace

void add_exchange_commands(CLI::App& app, Globals& g) {
  auto e = std::make_shared<ExchangeArgs>();
  auto* exp = app.add_subcommand("export", "Export collections to a folder of CSV files");
  exp->add_option("uri", e->uri, "where to save the export")->required();
  exp->add_option("-c,--collection", e->collections, "export only this collection (repeat for more)");
  exp->add_option("-T,--file-type", e->file_type, "csv (parquet comes with the Python package)");
  exp->callback([&g, e] { g.rc = cmd_export(g, *e); });
  add_doc("export", "Export collections (all, or the ones named with -c) to a folder: one folder per\n"
                    "    collection with _schema.json and one CSV file per series.\n"
                    "  lakota export some_folder\n  lakota export some_folder -c my_collection");

  auto i = std::make_shared<ExchangeArgs>();
  auto* imp = app.add_subcommand("import", "Import collections from a folder of CSV files");
  imp->add_option("uri", i->uri, "from where to import collections")->required();
  imp->add_option("-c,--collection", i->collections, "import only this collection (repeat for more)");
  imp->callback([&g, i] { g.rc = cmd_import(g, *i); });
  add_doc("import", "Import collections from a folder written by export (missing collections are created\n"
                    "    from _schema.json). Every file is checked before anything is written.\n"
                    "  lakota import some_folder");
}

}  // namespace lakota::cli
