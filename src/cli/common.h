// What the commands of the command line share: global options, opening the repository,
// finding collections and series by (a prefix of) their names, warnings on stderr, and
// how errors become exit codes. Each group of commands lives in its own file and adds
// its sub-commands to the application (`add_*_commands`).
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lakota/api/repo.h"
#include "lakota/error.h"

namespace lakota::cli {

struct Globals {
  std::vector<std::string> repo;
  bool pretty = false;
  bool timing = false;
  bool quiet = false;
  int verbose = 0;
  int rc = 0;  // the exit code of the command that ran
};

// The repository the global options name (-r, LAKOTA_REPO, else .lakota).
Repo open_repo(const Globals& g);
// Another repository named on the command line (push, pull).
Repo open_remote(const Globals& g, const std::string& uri);
Collection get_collection(const Repo& repo, const std::string& label);
std::pair<std::string, std::string> split_label(const std::string& label);
Series get_series(const Repo& repo, const std::string& label, bool auto_create = false);
// The reference's pretty_nb: three significant digits and an SI prefix (12.30m).
std::string pretty_number(double x);
// "2026-11-23 20:15:51.156000", in local time, as the reference prints revision dates.
std::string local_datetime(int64_t ms);

// "the registry" or "collection 'NAME'", as messages name them.
std::string describe(const Collection& collection);
// One line on stderr.
void warn(const std::string& message);
// Warns when readers of `collection` (as of `before_ms`) miss writes held by other heads.
void warn_if_diverged(const Collection& collection, std::optional<int64_t> before_ms = {});

// Exit codes, by kind of error (README, "Errors and exit codes").
int exit_code(ErrorKind kind);
// One line on stderr, control bytes escaped, after whatever stdout still holds.
void print_error(const std::string& message);

// The long help of a command (`lakota help NAME`), as the reference prints its docstring.
void add_doc(const std::string& command, const std::string& text);
std::optional<std::string> doc_of(const std::string& command);

void add_data_commands(CLI::App& app, Globals& g);
void add_history_commands(CLI::App& app, Globals& g);
void add_sync_commands(CLI::App& app, Globals& g);
void add_maintenance_commands(CLI::App& app, Globals& g);
void add_exchange_commands(CLI::App& app, Globals& g);

}  // namespace lakota::cli
