// The `lakota` command line: parses arguments and text, calls the engine, formats output.
// Sub-commands, options and output follow the reference CLI (lakota 0.7.1, CLI.md).
#include <CLI/CLI.hpp>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>

#include "cli/output.h"
#include "lakota/api/repo.h"
#include "lakota/error.h"
#include "lakota/model/parse.h"
#include "lakota/model/time.h"
#include "lakota/text/csv_frame.h"
#include "lakota/text/table.h"

namespace lakota::cli {
namespace {

struct Globals {
  std::vector<std::string> repo;
  bool pretty = false;
  bool timing = false;
  int verbose = 0;
};

std::string default_repo() {
  if (const char* env = std::getenv("LAKOTA_REPO")) {
    if (!*env) throw InvalidInput("LAKOTA_REPO is set but empty (unset it to use .lakota, or name a repository)");
    return env;
  }
  return "file:///.lakota";
}

Repo open_repo(const Globals& g) {
  if (g.repo.size() > 1) {
    throw InvalidInput("several --repo (a local cache in front of a remote) are not available in this version");
  }
  PodPtr pod = pod_from_uri(g.repo.empty() ? default_repo() : g.repo.back());
  // -vv shows every storage access on stderr, as the reference's debug log does.
  if (g.verbose > 1) pod = make_logging_pod(pod, [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); });
  return Repo(pod);
}

Collection get_collection(const Repo& repo, const std::string& label) { return repo.collection_by_prefix(label); }

std::pair<std::string, std::string> split_label(const std::string& label) {
  auto slash = label.find('/');
  if (slash == std::string::npos) {
    throw InvalidInput("label '" + label + "' should have the form collection/series");
  }
  return {label.substr(0, slash), label.substr(slash + 1)};
}

Series get_series(const Repo& repo, const std::string& label, bool auto_create = false) {
  auto [c_label, s_label] = split_label(label);
  Collection clct = get_collection(repo, c_label);
  if (auto_create) return clct.series(s_label);
  return clct.series_by_prefix(s_label);
}

// The reference's pretty_nb: three significant digits and an SI prefix (12.30m).
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

int cmd_read(const Globals& g, const std::string& label, const std::vector<std::string>& columns,
             const std::optional<int64_t>& limit, const std::optional<int64_t>& offset,
             const std::optional<int64_t>& paginate, const std::optional<int64_t>& tail,
             const std::optional<std::string>& before, const std::optional<std::string>& mask,
             const std::vector<std::string>& gt, const std::vector<std::string>& lt, const std::string& closed_text) {
  Repo repo = open_repo(g);
  Series series = get_series(repo, label);
  const Schema& schema = series.schema();
  for (const auto& c : columns) {
    if (c.find('(') != std::string::npos)
      throw InvalidInput("column expression '" + c + "': query expressions are not available in this version");
  }
  if (mask) throw InvalidInput("--mask: query expressions are not available in this version");
  Query q;
  q.closed = Closed::parse(closed_text);
  q.start = parse_bounds(schema, gt, true, q.closed, "--greater-than");
  q.stop = parse_bounds(schema, lt, false, q.closed, "--less-than");
  q.select = columns;
  for (const auto& c : columns) schema.position(c);
  if (limit) {
    if (*limit < 0) throw InvalidInput("--limit must not be negative");
    q.limit = size_t(*limit);
  }
  if (offset) {
    if (*offset < 0) throw InvalidInput("--offset must not be negative");
    q.offset = size_t(*offset);
  }
  if (before) q.before_ms = parse_local_time_ms(*before, "--before");
  std::vector<std::string> names = columns.empty() ? schema.names() : columns;
  Output out;
  text::TableWriter writer(out.buffer(), names, g.pretty, [&] { return out.drain(); });
  if (paginate) {
    if (*paginate <= 0) throw InvalidInput("--paginate must be above 0");
    series.paginate(size_t(*paginate), q, [&](const Frame& f) {
      writer.frame(f);
      return out.ok();
    });
  } else if (tail) {
    if (*tail <= 0) throw InvalidInput("--tail must be above 0");
    writer.frame(series.tail(size_t(*tail), q));
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
  } else {
    Collection c = get_collection(repo, label);
    for (const auto& s : c.ls()) total += c.series(s).length();
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
    names = get_collection(repo, *label).ls();
    header = "series";
  } else {
    names = repo.ls();
    header = "collection";
  }
  Output out;
  std::vector<std::vector<std::string>> rows;
  for (auto& n : names) rows.push_back({n});
  text::format_rows(out.buffer(), {header}, rows, g.pretty);
  out.flush();
  return 0;
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

int cmd_rev(const Globals& g, const std::optional<std::string>& label, int extended) {
  Repo repo = open_repo(g);
  std::optional<Collection> clct;
  std::optional<std::string> series;
  if (!label) clct = repo.registry();
  else if (label->find('/') != std::string::npos) {
    Series s = get_series(repo, *label);
    clct = get_collection(repo, split_label(*label).first);
    series = s.label();
  } else {
    clct = get_collection(repo, *label);
  }
  Output out;
  const Schema& schema = clct->schema();
  for (const auto& [rev, ci] : clct->revisions()) {
    out.text("\nRevision: " + rev.path() + (rev.is_head ? "*" : "") + "\nDate: " + local_datetime(rev.epoch_ms()) +
             "\nTotal length: " + std::to_string(ci.total_length()) + "\n\n");
    if (!extended) continue;
    std::vector<std::string> headers{"label", "start", "stop", "length", "closed"};
    if (extended > 1) headers.push_back("digests");
    std::vector<std::vector<std::string>> rows;
    for (size_t i = 0; i < ci.size(); ++i) {
      if (series && ci.label(i) != *series) continue;
      auto join = [&](const Tuple& t) {
        std::string s;
        for (size_t k = 0; k < t.size(); ++k) {
          if (k) s += " / ";
          s += text::format_value(schema[schema.index()[k]].dtype, t[k]);
        }
        return s;
      };
      std::vector<std::string> row{ci.label(i), join(ci.start(i)), join(ci.stop(i)), std::to_string(ci.length(i)),
                                   std::string(1, ci.closed(i).code())};
      if (extended > 1) {
        std::string d;
        for (size_t k = 0; k < schema.size(); ++k) d += (k ? " / " : "") + ci.digest(i, k);
        row.push_back(d);
      }
      rows.push_back(std::move(row));
    }
    text::format_rows(out.buffer(), headers, rows, true);
    out.text("\n");
  }
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
  Frame frame = text::read_csv_frame(std::cin, series.schema(), "stdin");
  if (frame.empty()) return 0;  // nothing to write
  try {
    series.write(frame);
  } catch (const InvalidInput& e) {
    throw InvalidInput(std::string("stdin: ") + e.what());
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

// Exit codes, by kind of error (README, "Errors and exit codes").
int exit_code(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::InvalidInput: return 2;
    case ErrorKind::NotFound: return 3;
    case ErrorKind::CorruptData: return 4;
    case ErrorKind::Conflict: return 5;
    case ErrorKind::Storage: return 6;
    case ErrorKind::Internal: return 1;
  }
  return 1;
}

// One line on stderr, control bytes escaped, after whatever stdout still holds.
void print_error(const std::string& message) {
  std::fflush(stdout);
  std::string line = "lakota: error: " + escape_message(message) + "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
}

const char* const kCommands[] = {"read", "len", "length", "rev", "ls", "create", "write", "delete", "del", "version", "help"};
// The reference's commands that this version does not have yet.
const char* const kLaterCommands[] = {"gc", "merge", "push", "pull", "defrag", "squash", "trim", "export", "import", "serve"};

// The first word that is not a global option must be a command: say so in one line when
// it is not, instead of leaving a script to believe an unknown command worked.
void check_command(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "-r" || a == "--repo") {
      ++i;
      continue;
    }
    if (a == "--") return;
    if (!a.empty() && a[0] == '-') continue;
    for (const char* c : kCommands)
      if (a == c) return;
    for (const char* c : kLaterCommands)
      if (a == c) throw InvalidInput("command '" + std::string(a) + "' is not available in this version");
    std::string names;
    for (const char* c : kCommands) names += (names.empty() ? "" : ", ") + std::string(c);
    throw InvalidInput("unknown command '" + std::string(a) + "' (commands: " + names + ")");
  }
}

const char* kDocs[][2] = {
    {"read", "Read a series as CSV (or a table with -P).\n  lakota read my_collection/my_series\n"
             "  lakota read my_collection/my_series --limit 10 --offset 10\n"
             "  lakota read my_collection/my_series --greater-than 2020-01-01 --less-than 2020-02-01\n"
             "  lakota read my_collection/my_series --before 2021-01-01T00:00"},
    {"len", "Show the total length of a collection or a series.\n  lakota len my_collection\n  lakota len my_collection/my_series"},
    {"rev", "Show the revisions of the registry, a collection or a series (-e: commit rows, -ee: with digests).\n"
            "  lakota rev my_collection -e"},
    {"ls", "List the collections of a repository, or the series of a collection.\n  lakota ls\n  lakota ls my_collection"},
    {"create", "Create a collection; '*' marks the index columns.\n"
               "  lakota create my_collection \"timestamp timestamp*\" \"value float\""},
    {"write", "Write CSV from stdin (a header row, then rows) into a series.\n"
              "  cat some_file.csv | lakota write my_collection/my_series"},
    {"delete", "Delete a series or a collection (exact names only).\n  lakota delete my_collection/my_series\n"
               "  lakota delete my_collection"},
    {"version", "Print the version of the Lakota CLI this program implements."},
    {"help", "Show the help of a sub-command.\n  lakota help read"},
};

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"Lakota: version control for numerical series", "lakota"};
  app.require_subcommand(0, 1);
  Globals g;
  app.add_option("-r,--repo", g.repo, "Lakota repo (default: $LAKOTA_REPO, else file:///.lakota)");
  app.add_flag("-t,--timing", g.timing, "Enable timing");
  app.add_flag("-P,--pretty", g.pretty, "Tabulate output");
  app.add_flag("-v,--verbose", g.verbose, "Increase verbosity");
  int rc = 0;

  auto* read = app.add_subcommand("read", "Read a series");
  std::string r_label, r_closed = "LEFT";
  std::vector<std::string> r_columns, r_gt, r_lt;
  std::optional<int64_t> r_limit, r_offset, r_paginate, r_tail;
  std::optional<std::string> r_before, r_mask;
  read->add_option("label", r_label, "collection/series")->required();
  read->add_option("columns", r_columns, "columns to show (default: all)");
  read->add_option("-l,--limit", r_limit);
  read->add_option("-o,--offset", r_offset);
  read->add_option("-p,--paginate", r_paginate, "print pages of this many rows");
  read->add_option("-t,--tail", r_tail, "only the last rows");
  read->add_option("-B,--before", r_before, "read the state as of this date and time");
  read->add_option("-m,--mask", r_mask);
  read->add_option("--greater-than,--gt", r_gt, "keep rows whose index is above (repeat for each index column)")
      ->allow_extra_args(false)->take_all()->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)->expected(1);
  read->add_option("--less-than,--lt", r_lt, "keep rows whose index is below (repeat for each index column)")
      ->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)->expected(1);
  read->add_option("-c,--closed", r_closed, "LEFT (default), RIGHT, BOTH, NONE or l, r, b, n");
  read->callback([&] {
    rc = cmd_read(g, r_label, r_columns, r_limit, r_offset, r_paginate, r_tail, r_before, r_mask, r_gt, r_lt, r_closed);
  });

  auto* len = app.add_subcommand("len", "Show the length of a collection or a series")->alias("length");
  std::string l_label;
  len->add_option("label", l_label)->required();
  len->callback([&] { rc = cmd_len(g, l_label); });

  auto* rev = app.add_subcommand("rev", "Show revisions");
  std::optional<std::string> v_label;
  int v_ext = 0;
  rev->add_option("label", v_label);
  rev->add_flag("-e,--extended", v_ext, "Extended output (twice: with digests)");
  rev->callback([&] { rc = cmd_rev(g, v_label, v_ext); });

  auto* ls = app.add_subcommand("ls", "List collections, or the series of a collection");
  std::optional<std::string> s_label;
  ls->add_option("label", s_label);
  ls->callback([&] { rc = cmd_ls(g, s_label); });

  auto* create = app.add_subcommand("create", "Create a collection");
  std::string c_label;
  std::vector<std::string> c_columns;
  create->add_option("label", c_label)->required();
  create->add_option("columns", c_columns, "\"name type\", with '*' after the type of index columns")->required();
  create->callback([&] { rc = cmd_create(g, c_label, c_columns); });

  auto* write = app.add_subcommand("write", "Write CSV from stdin into a series");
  std::string w_label;
  write->add_option("label", w_label)->required();
  write->callback([&] { rc = cmd_write(g, w_label); });

  auto* del = app.add_subcommand("delete", "Delete a collection or a series")->alias("del");
  std::string d_label;
  del->add_option("label", d_label, "collection or collection/series")->required();
  del->callback([&] { rc = cmd_delete(g, d_label); });

  auto* version = app.add_subcommand("version", "Print the version");
  version->callback([&] {
    Output out;
    out.line(g.verbose ? "0.7.1 (lakota-cpp " LAKOTA_VERSION ")" : "0.7.1");
    out.flush();
  });

  auto* help = app.add_subcommand("help", "Show the help of a sub-command");
  std::optional<std::string> h_cmd;
  help->add_option("command", h_cmd);
  help->callback([&] {
    if (!h_cmd) {
      std::cout << app.help();
      return;
    }
    for (auto& d : kDocs)
      if (*h_cmd == d[0] || (*h_cmd == "length" && std::string(d[0]) == "len") ||
          (*h_cmd == "del" && std::string(d[0]) == "delete"))
        std::cout << "\n    " << d[1] << "\n\n";
    CLI::App* sub = nullptr;
    try {
      sub = app.get_subcommand(*h_cmd);
    } catch (const CLI::OptionNotFound&) {
      throw InvalidInput("unknown command '" + *h_cmd + "'");
    }
    std::cout << sub->help();
  });

  try {
    auto t0 = std::chrono::steady_clock::now();
    check_command(argc, argv);
    app.parse(argc, argv);
    if (app.get_subcommands().empty()) std::cout << app.help();
    if (g.timing && !app.get_subcommands().empty()) {
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::fprintf(stderr, "Timing (%s): %ss\n", app.get_subcommands()[0]->get_name().c_str(), pretty_number(secs).c_str());
    }
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // One line, like every other error (usage errors exit with 2, as argparse does).
    print_error(std::string(e.what()) + " (see lakota --help)");
    return 2;
  } catch (const Error& e) {
    print_error(e.what());
    return exit_code(e.kind());
  } catch (const std::bad_alloc&) {
    print_error("out of memory");
    return 1;
  } catch (const std::exception& e) {
    print_error(e.what());
    return 1;
  }
  // Help and usage text went through std::cout: a failure to write it is an error too.
  std::cout.flush();
  if (!std::cout || std::fflush(stdout) != 0) {
    if (errno != EPIPE) {
      print_error("cannot write to standard output");
      return exit_code(ErrorKind::Storage);
    }
  }
  return rc;
}

}  // namespace lakota::cli

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  return lakota::cli::run(argc, argv);
}
