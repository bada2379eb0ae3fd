// Commands that keep a repository small and sound: gc, trim, defrag, squash, verify.
// Standard output is what the reference prints (gc's `N segments deleted`, nothing for the
// others); progress and a summary go to stderr.
#include "cli/common.h"
#include "cli/output.h"
#include "cli/progress.h"
#include "lakota/api/maintenance.h"
#include "lakota/model/time.h"

namespace lakota::cli {
namespace {

struct Targets {
  std::vector<std::string> labels;
  bool all = false;
  bool dry_run = false;
  std::optional<std::string> before;
};

// The reference's choice: the collections named, else the registry; with -a, every
// collection and the registry.
std::vector<Collection> targets(const Repo& repo, const Targets& t) {
  std::vector<Collection> out;
  if (t.all) {
    for (auto& c : repo.collections()) out.push_back(std::move(c));
  } else {
    for (const auto& l : t.labels) out.push_back(get_collection(repo, l));
  }
  if (t.all || t.labels.empty()) out.push_back(repo.registry());
  return out;
}

int cmd_gc(const Globals& g, bool dry_run, double timeout_s) {
  if (timeout_s < 0) throw InvalidInput("--timeout must not be negative");
  Repo repo = open_repo(g);
  ProgressBar bar(g);
  GcOptions o;
  o.dry_run = dry_run;
  o.timeout_ms = int64_t(timeout_s * 1000);
  o.progress = bar.callback();
  GcReport r = gc(repo, o);
  Output out;
  out.line(std::to_string(r.hard_deleted) + (dry_run ? " segments would be deleted" : " segments deleted"));
  out.flush();
  std::string counts = dry_run ? "would soft-delete " + std::to_string(r.soft_deleted) + ", delete " +
                                     std::to_string(r.hard_deleted) + " (" + pretty_bytes(r.bytes_freed) +
                                     "), restore " + std::to_string(r.restored)
                               : "soft-deleted " + std::to_string(r.soft_deleted) + ", deleted " +
                                     std::to_string(r.hard_deleted) + " (" + pretty_bytes(r.bytes_freed) +
                                     " freed), restored " + std::to_string(r.restored);
  bar.finish("gc: " + std::to_string(r.segments) + " segment file(s) looked at; " + counts);
  return 0;
}

size_t run_trim(const std::vector<Collection>& cs, const Targets& t) {
  TrimOptions o;
  if (t.before) o.before_ms = parse_local_time_ms(*t.before, "--before");
  o.dry_run = t.dry_run;
  size_t n = 0;
  Output out;
  for (const auto& c : cs) {
    auto dropped = trim(c, o);
    n += dropped.size();
    if (t.dry_run)
      for (const auto& d : dropped) out.line(describe(c) + ": " + d);
  }
  out.flush();
  return n;
}

int cmd_trim(const Globals& g, const Targets& t) {
  Repo repo = open_repo(g);
  ProgressBar bar(g);
  size_t n = run_trim(targets(repo, t), t);
  bar.finish(std::string(t.dry_run ? "trim would drop " : "trimmed ") + std::to_string(n) + " revision(s)");
  return 0;
}

DefragReport run_defrag(const std::vector<Collection>& cs, const Targets& t, ProgressBar& bar) {
  DefragOptions o;
  o.dry_run = t.dry_run;
  o.progress = bar.callback();
  DefragReport total;
  for (const auto& c : cs) {
    DefragReport r = defrag(c, o);
    total.series += r.series;
    total.rows_before += r.rows_before;
    total.rows_after += r.rows_after;
    if (r.yielded) {
      total.yielded = true;
      warn(describe(c) + " changed while defrag ran: nothing was committed there (run defrag again)");
    }
  }
  return total;
}

std::string defrag_summary(const DefragReport& r, bool dry_run) {
  return std::string(dry_run ? "defrag would rewrite " : "defragmented ") + std::to_string(r.series) +
         " series (" + std::to_string(r.rows_before) + " chunks into " + std::to_string(r.rows_after) + ")";
}

int cmd_defrag(const Globals& g, const Targets& t) {
  Repo repo = open_repo(g);
  ProgressBar bar(g);
  DefragReport r = run_defrag(targets(repo, t), t, bar);
  bar.finish(defrag_summary(r, t.dry_run));
  return 0;
}

int cmd_squash(const Globals& g, const Targets& t) {
  Repo repo = open_repo(g);
  ProgressBar bar(g);
  auto cs = targets(repo, t);
  DefragReport r = run_defrag(cs, t, bar);
  size_t n = run_trim(cs, t);
  bar.finish(defrag_summary(r, t.dry_run) + "; " + (t.dry_run ? "trim would drop " : "trimmed ") +
             std::to_string(n) + " revision(s)");
  return 0;
}

int cmd_verify(const Globals& g) {
  Repo repo = open_repo(g);
  ProgressBar bar(g);
  VerifyReport r = verify(repo, bar.callback());
  Output out;
  for (const auto& p : r.problems) out.line(p);
  out.flush();
  for (const auto& n : r.notes) warn(n);
  bar.finish("verify: " + std::to_string(r.revisions) + " revision(s), " + std::to_string(r.segments) +
             " segment(s), " + std::to_string(r.arrays) + " embedded array(s), " + pretty_bytes(r.bytes) + ": " +
             (r.ok() ? "no problem" : std::to_string(r.problems.size()) + " problem(s)"));
  return r.ok() ? 0 : exit_code(ErrorKind::CorruptData);
}

void add_targets(CLI::App* cmd, const std::shared_ptr<Targets>& t, const char* what, bool with_before) {
  cmd->add_option("labels", t->labels, "collections (default: the registry)");
  cmd->add_flag("-a,--all", t->all, std::string(what) + " every collection and the registry");
  cmd->add_flag("-n,--dry-run", t->dry_run, "say what would be done, change nothing");
  if (with_before)
    cmd->add_option("-b,--before", t->before, "drop revisions older than this (default: 20 minutes ago)");
}

}  // namespace

void add_maintenance_commands(CLI::App& app, Globals& g) {
  struct GcArgs {
    bool dry_run = false;
    double timeout = kGcTimeoutMs / 1000.0;
  };
  auto ga = std::make_shared<GcArgs>();
  auto* gc_cmd = app.add_subcommand("gc", "Garbage-collect a repository");
  gc_cmd->add_flag("-n,--dry-run", ga->dry_run, "count what would be deleted, change nothing");
  gc_cmd->add_option("--timeout", ga->timeout, "seconds a soft-deleted segment waits before it is deleted (600)");
  gc_cmd->callback([&g, ga] { g.rc = cmd_gc(g, ga->dry_run, ga->timeout); });
  add_doc("gc", "Garbage-collect a repository: segments no revision references are soft-deleted\n"
                "    (renamed), and deleted on a later run once older than the timeout; any that is\n"
                "    referenced again is restored.\n  lakota gc\n  lakota gc --dry-run");

  auto tt = std::make_shared<Targets>();
  auto* trim_cmd = app.add_subcommand("trim", "Drop old revisions");
  add_targets(trim_cmd, tt, "Trim", true);
  trim_cmd->callback([&g, tt] { g.rc = cmd_trim(g, *tt); });
  add_doc("trim", "Trim the changelog of the given collections (the registry when none is named):\n"
                  "    drop revisions older than --before, keeping the heads, the state and tagged\n"
                  "    revisions.\n  lakota trim my_collection --before 2024-01-01");

  auto dt = std::make_shared<Targets>();
  auto* defrag_cmd = app.add_subcommand("defrag", "Rewrite series made of many small chunks");
  add_targets(defrag_cmd, dt, "Defrag", false);
  defrag_cmd->callback([&g, dt] { g.rc = cmd_defrag(g, *dt); });
  add_doc("defrag", "Defrag the given collections (the registry when none is named): series made of\n"
                    "    many small chunks are rewritten into few large ones. A write made meanwhile\n"
                    "    always wins over the defrag's rows.\n  lakota defrag my_collection");

  auto st = std::make_shared<Targets>();
  auto* squash_cmd = app.add_subcommand("squash", "Defrag, then trim");
  add_targets(squash_cmd, st, "Squash", true);
  squash_cmd->callback([&g, st] { g.rc = cmd_squash(g, *st); });
  add_doc("squash", "Defrag, then trim, the given collections (the registry when none is named).\n"
                    "  lakota squash -a");

  auto* verify_cmd = app.add_subcommand("verify", "Check every digest of the repository");
  verify_cmd->callback([&g] { g.rc = cmd_verify(g); });
  add_doc("verify", "Recompute the digest of every revision and segment, check that every referenced\n"
                    "    file exists; print each problem, exit with 4 if there is any.\n  lakota verify");
}

}  // namespace lakota::cli
