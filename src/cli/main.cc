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

#include "cli/common.h"
#include "cli/output.h"

namespace lakota::cli {
namespace {

const char* const kCommands[] = {"read",   "len",   "length", "rev",     "ls",   "create", "write",
                                 "delete", "del",   "merge",  "revert", "tag",     "diff", "push", "pull", "gc", "trim", "defrag", "squash", "verify", "export", "import", "version", "help"};
// The reference's commands that this version does not have yet.
const char* const kLaterCommands[] = {"serve"};

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

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"Lakota: version control for numerical series", "lakota"};
  app.require_subcommand(0, 1);
  Globals g;
  app.add_option("-r,--repo", g.repo, "Lakota repo (default: $LAKOTA_REPO, else file:///.lakota)");
  app.add_flag("-t,--timing", g.timing, "Enable timing");
  app.add_flag("-P,--pretty", g.pretty, "Tabulate output");
  app.add_flag("-v,--verbose", g.verbose, "Increase verbosity");
  app.add_flag("-q,--quiet", g.quiet, "No progress or summary on stderr");
  add_data_commands(app, g);
  add_history_commands(app, g);
  add_sync_commands(app, g);
  add_maintenance_commands(app, g);
  add_exchange_commands(app, g);

  auto* version = app.add_subcommand("version", "Print the version");
  version->callback([&] {
    Output out;
    out.line(g.verbose ? "0.7.1 (lakota-cpp " LAKOTA_VERSION ")" : "0.7.1");
    out.flush();
  });

  add_doc("version", "Print the version of the Lakota CLI this program implements.");

  auto* help = app.add_subcommand("help", "Show the help of a sub-command");
  add_doc("help", "Show the help of a sub-command.\n  lakota help read");
  std::optional<std::string> h_cmd;
  help->add_option("command", h_cmd);
  help->callback([&] {
    if (!h_cmd) {
      std::cout << app.help();
      return;
    }
    std::string name = *h_cmd == "length" ? "len" : *h_cmd == "del" ? "delete" : *h_cmd;
    if (auto doc = doc_of(name)) std::cout << "\n    " << *doc << "\n\n";
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
  return g.rc;
}

}  // namespace lakota::cli

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  return lakota::cli::run(argc, argv);
}
