// Commands that read and write series: read, len, ls, create, write, delete.
#include <iostream>

#include "cli/common.h"
#include "cli/output.h"
#include "lakota/model/parse.h"
#include "lakota/model/time.h"
#include "lakota/text/csv_frame.h"
#include "lakota/text/table.h"

namespace lakota::cli {
namespace {

struct ReadArgs {
  std::string label, closed = "LEFT";
  std::vector<std::string> columns, gt, lt;
  std::optional<int64_t> limit, offset, paginate, tail;
  std::optional<std::string> before, mask, rev, tag;
};

int cmd_read(const Globals& g, const ReadArgs& a) {
  Repo repo = open_repo(g);
  Series series = get_series(repo, a.label);
  const Schema& schema = series.schema();
  for (const auto& c : a.columns) {
    if (c.find('(') != std::string::npos)
      throw InvalidInput("column expression '" + c + "': query expressions are not available in this version");
  }
  if (a.mask) throw InvalidInput("--mask: query expressions are not available in this version");
  Query q;
  q.closed = Closed::parse(a.closed);
  q.start = parse_bounds(schema, a.gt, true, q.closed, "--greater-than");
  q.stop = parse_bounds(schema, a.lt, false, q.closed, "--less-than");
  q.select = a.columns;
  for (const auto& c : a.columns) schema.position(c);
  if (a.limit) {
    if (*a.limit < 0) throw InvalidInput("--limit must not be negative");
    q.limit = size_t(*a.limit);
  }
  if (a.offset) {
    if (*a.offset < 0) throw InvalidInput("--offset must not be negative");
    q.offset = size_t(*a.offset);
  }
  if (a.before) q.before_ms = parse_local_time_ms(*a.before, "--before");
  if (a.rev && a.tag) throw InvalidInput("read takes --rev or --tag, not both");
  if (a.tag) {
    Collection c = get_collection(repo, split_label(a.label).first);
    bool found = false;
    for (const auto& t : c.tags()) found = found || t.name == *a.tag;
    if (!found) throw NotFound("tag '" + *a.tag + "' not found in collection '" + c.label() + "'");
    q.revision = *a.tag;
  } else if (a.rev) {
    q.revision = *a.rev;
  } else {
    warn_if_diverged(get_collection(repo, split_label(a.label).first), q.before_ms);
  }
  std::vector<std::string> names = a.columns.empty() ? schema.names() : a.columns;
  Output out;
  text::TableWriter writer(out.buffer(), names, g.pretty, [&] { return out.drain(); });
  if (a.paginate) {
    if (*a.paginate <= 0) throw InvalidInput("--paginate must be above 0");
    series.paginate(size_t(*a.paginate), q, [&](const Frame& f) {
      writer.frame(f);
      return out.ok();
    });
  } else if (a.tail) {
    if (*a.tail <= 0) throw InvalidInput("--tail must be above 0");
    writer.frame(series.tail(size_t(*a.tail), q));
  } else {
    writer.frame(series.read(q));
  }
  writer.finish();
  out.flush();
  return 0;
}

int cmd_len(const Globals& g, const std::string& label) {
  Repo repo = open_repo(g);
  size_t total = 0;
  if (label.find('/') != std::string::npos) {
    total = get_series(repo, label).length();
    warn_if_diverged(get_collection(repo, split_label(label).first));
  } else {
    Collection c = get_collection(repo, label);
    for (const auto& s : c.ls()) total += c.series(s).length();
    warn_if_diverged(c);
  }
  Output out;
  out.line(std::to_string(total));
  out.flush();
  return 0;
}

int cmd_ls(const Globals& g, const std::optional<std::string>& label) {
  Repo repo = open_repo(g);
  std::vector<std::string> names;
  std::string header;
  if (label) {
    Collection c = get_collection(repo, *label);
    names = c.ls();
    warn_if_diverged(c);
    header = "series";
  } else {
    names = repo.ls();
    warn_if_diverged(repo.registry());
    header = "collection";
  }
  Output out;
  std::vector<std::vector<std::string>> rows;
  for (auto& n : names) rows.push_back({n});
  text::format_rows(out.buffer(), {header}, rows, g.pretty);
  out.flush();
  return 0;
}

int cmd_create(const Globals& g, const std::string& label, const std::vector<std::string>& columns) {
  std::vector<std::pair<std::string, std::string>> defs;
  for (const auto& c : columns) {
    auto b = c.find_first_not_of(" \t");
    auto sp = c.find_first_of(" \t", b);
    if (b == std::string::npos || sp == std::string::npos) {
      throw InvalidInput("column definition '" + c + "' needs a name and a type, as in 'value float'");
    }
    defs.emplace_back(c.substr(b, sp - b), c.substr(sp + 1));
  }
  Schema schema = Schema::parse(defs);
  text::check_text_schema(schema);
  Repo repo = open_repo(g);
  repo.create_collection(schema, label);
  return 0;
}

int cmd_write(const Globals& g, const std::string& label) {
  Repo repo = open_repo(g);
  Series series = get_series(repo, label, true);
  // Read and written in frames of 2^20 rows (each a row of the commit, too large for a
  // compaction to rewrite): memory holds one frame's text, not the whole input's.
  text::CsvFrameReader reader(std::cin, series.schema(), "stdin");
  try {
    series.write_parts([&] { return reader.next(size_t(1) << 20); });
  } catch (const InvalidInput& e) {
    std::string what = e.what();
    throw InvalidInput(what.rfind("stdin", 0) == 0 ? what : "stdin: " + what);
  }
  return 0;
}

int cmd_delete(const Globals& g, const std::string& label) {
  Repo repo = open_repo(g);
  if (label.find('/') != std::string::npos) {
    auto [c_label, s_label] = split_label(label);
    auto clct = repo.find(c_label);
    if (!clct) throw NotFound("collection '" + c_label + "' not found (delete needs the exact name)");
    auto names = clct->ls();
    if (std::find(names.begin(), names.end(), s_label) == names.end())
      throw NotFound("series '" + label + "' not found (delete needs the exact name)");
    clct->delete_series({s_label});
  } else {
    if (!repo.find(label)) throw NotFound("collection '" + label + "' not found (delete needs the exact name)");
    repo.delete_collections({label});
  }
  return 0;
}

}  // namespace

void add_data_commands(CLI::App& app, Globals& g) {
  auto r = std::make_shared<ReadArgs>();
  auto* read = app.add_subcommand("read", "Read a series");
  read->add_option("label", r->label, "collection/series")->required();
  read->add_option("columns", r->columns, "columns to show (default: all)");
  read->add_option("-l,--limit", r->limit);
  read->add_option("-o,--offset", r->offset);
  read->add_option("-p,--paginate", r->paginate, "print pages of this many rows");
  read->add_option("-t,--tail", r->tail, "only the last rows");
  read->add_option("-B,--before", r->before, "read the state as of this date and time");
  read->add_option("--rev", r->rev, "read this revision: a tag, a file name, a child (hextime-sha1) or a sha1 prefix");
  read->add_option("--tag", r->tag, "read the revision of this tag");
  read->add_option("-m,--mask", r->mask);
  read->add_option("--greater-than,--gt", r->gt, "keep rows whose index is above (repeat for each index column)")
      ->allow_extra_args(false)->take_all()->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)->expected(1);
  read->add_option("--less-than,--lt", r->lt, "keep rows whose index is below (repeat for each index column)")
      ->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)->expected(1);
  read->add_option("-c,--closed", r->closed, "LEFT (default), RIGHT, BOTH, NONE or l, r, b, n");
  read->callback([&g, r] { g.rc = cmd_read(g, *r); });
  add_doc("read", "Read a series as CSV (or a table with -P).\n  lakota read my_collection/my_series\n"
                  "  lakota read my_collection/my_series --limit 10 --offset 10\n"
                  "  lakota read my_collection/my_series --greater-than 2020-01-01 --less-than 2020-02-01\n"
                  "  lakota read my_collection/my_series --before 2021-01-01T00:00\n"
                  "  lakota read my_collection/my_series --rev 8976db37\n"
                  "  lakota read my_collection/my_series --tag v1");

  auto len_label = std::make_shared<std::string>();
  auto* len = app.add_subcommand("len", "Show the length of a collection or a series")->alias("length");
  len->add_option("label", *len_label)->required();
  len->callback([&g, len_label] { g.rc = cmd_len(g, *len_label); });
  add_doc("len", "Show the total length of a collection or a series.\n  lakota len my_collection\n"
                 "  lakota len my_collection/my_series");

  auto ls_label = std::make_shared<std::optional<std::string>>();
  auto* ls = app.add_subcommand("ls", "List collections, or the series of a collection");
  ls->add_option("label", *ls_label);
  ls->callback([&g, ls_label] { g.rc = cmd_ls(g, *ls_label); });
  add_doc("ls", "List the collections of a repository, or the series of a collection.\n  lakota ls\n"
                "  lakota ls my_collection");

  struct CreateArgs {
    std::string label;
    std::vector<std::string> columns;
  };
  auto c = std::make_shared<CreateArgs>();
  auto* create = app.add_subcommand("create", "Create a collection");
  create->add_option("label", c->label)->required();
  create->add_option("columns", c->columns, "\"name type\", with '*' after the type of index columns")->required();
  create->callback([&g, c] { g.rc = cmd_create(g, c->label, c->columns); });
  add_doc("create", "Create a collection; '*' marks the index columns.\n"
                    "  lakota create my_collection \"timestamp timestamp*\" \"value float\"");

  auto w_label = std::make_shared<std::string>();
  auto* write = app.add_subcommand("write", "Write CSV from stdin into a series");
  write->add_option("label", *w_label)->required();
  write->callback([&g, w_label] { g.rc = cmd_write(g, *w_label); });
  add_doc("write", "Write CSV from stdin (a header row, then rows) into a series.\n"
                   "  cat some_file.csv | lakota write my_collection/my_series");

  auto d_label = std::make_shared<std::string>();
  auto* del = app.add_subcommand("delete", "Delete a collection or a series")->alias("del");
  del->add_option("label", *d_label, "collection or collection/series")->required();
  del->callback([&g, d_label] { g.rc = cmd_delete(g, *d_label); });
  add_doc("delete", "Delete a series or a collection (exact names only).\n  lakota delete my_collection/my_series\n"
                    "  lakota delete my_collection");
}

}  // namespace lakota::cli
