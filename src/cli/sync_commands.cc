// Commands that copy between repositories: push, pull. Standard output stays empty, as the
// reference's; a summary goes to stderr.
#include "cli/common.h"
#include "cli/progress.h"
#include "lakota/api/sync.h"

namespace lakota::cli {
namespace {

struct SyncArgs {
  std::string remote;
  std::vector<std::string> labels;
  bool shallow = false;
};

int cmd_sync(const Globals& g, const SyncArgs& a, bool is_push) {
  Repo local = open_repo(g);
  Repo remote = open_remote(g, a.remote);
  ProgressBar bar(g);
  SyncOptions o;
  o.labels = a.labels;
  o.shallow = a.shallow;
  o.progress = bar.callback();
  SyncReport r = is_push ? push(local, remote, o) : pull(local, remote, o);
  for (const auto& w : r.warnings) warn(w);
  std::string summary = std::string(is_push ? "pushed" : "pulled") + " " + std::to_string(r.collections) +
                        " collection(s): " + std::to_string(r.revisions) + " revision(s), " +
                        std::to_string(r.segments) + " segment(s), " + pretty_bytes(r.bytes);
  if (r.tags) summary += ", " + std::to_string(r.tags) + " tag(s)";
  if (r.restored) summary += ", " + std::to_string(r.restored) + " segment(s) restored";
  if (r.repaired) summary += ", " + std::to_string(r.repaired) + " segment(s) repaired";
  bar.finish(summary);
  return 0;
}

void add_sync(CLI::App& app, Globals& g, bool is_push) {
  auto a = std::make_shared<SyncArgs>();
  const char* name = is_push ? "push" : "pull";
  auto* cmd = app.add_subcommand(name, is_push ? "Push collections to another repository"
                                               : "Pull collections from another repository");
  cmd->add_option("remote", a->remote, "the other repository (a path or a URI)")->required();
  cmd->add_option("labels", a->labels, "collections to copy (default: all)");
  cmd->add_flag("-s,--shallow", a->shallow, "only the heads' revisions and their data");
  cmd->callback([&g, a, is_push] { g.rc = cmd_sync(g, *a, is_push); });
}

}  // namespace

void add_sync_commands(CLI::App& app, Globals& g) {
  add_sync(app, g, true);
  add_doc("push", "Push the repository's collections (or the ones named) to another repository:\n"
                  "    only the revisions and segments it lacks travel, each checked as it is read.\n"
                  "  lakota push some_remote_repo\n  lakota -r some_repo push another_repo my_collection");
  add_sync(app, g, false);
  add_doc("pull", "Similar to `push`, the other way: copy what another repository has and this one\n"
                  "    lacks, then merge. An interrupted pull resumes when run again.\n"
                  "  lakota pull some_remote_repo\n  lakota pull --shallow s3://bucket/repo");
}

}  // namespace lakota::cli
