// Commands on the history of collections: rev, merge, revert.
#include "cli/common.h"
#include "cli/output.h"
#include "lakota/text/table.h"

namespace lakota::cli {
namespace {

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

// Merges the named collections (all of them, and the registry first, when none is named).
// Standard output stays empty, as the reference's; what was done goes to stderr.
int cmd_merge(const Globals& g, const std::vector<std::string>& labels) {
  Repo repo = open_repo(g);
  std::vector<Collection> targets;
  if (labels.empty()) {
    targets.push_back(repo.registry());
    for (const auto& l : repo.ls()) targets.push_back(repo.collection(l));
  } else {
    for (const auto& l : labels) targets.push_back(get_collection(repo, l));
  }
  size_t merged = 0;
  for (auto& c : targets) {
    size_t heads = c.heads().size();
    if (c.merge().empty()) continue;
    ++merged;
    if (g.quiet) continue;
    std::fprintf(stderr, "merged %s (%zu heads)\n", describe(c).c_str(), heads);
  }
  if (!merged && !g.quiet) std::fprintf(stderr, "nothing to merge\n");
  return 0;
}

int cmd_revert(const Globals& g, const std::string& label, const std::string& rev) {
  Repo repo = open_repo(g);
  Collection c = get_collection(repo, label);
  if (!c.revert(rev) && !g.quiet) std::fprintf(stderr, "nothing to revert: the state holds that content already\n");
  return 0;
}

}  // namespace

void add_history_commands(CLI::App& app, Globals& g) {
  struct RevArgs {
    std::optional<std::string> label;
    int extended = 0;
  };
  auto v = std::make_shared<RevArgs>();
  auto* rev = app.add_subcommand("rev", "Show revisions");
  rev->add_option("label", v->label);
  rev->add_flag("-e,--extended", v->extended, "Extended output (twice: with digests)");
  rev->callback([&g, v] { g.rc = cmd_rev(g, v->label, v->extended); });
  add_doc("rev", "Show the revisions of the registry, a collection or a series (-e: commit rows, -ee: with\n"
                 "    digests); '*' marks the heads.\n  lakota rev my_collection -e");

  auto m_labels = std::make_shared<std::vector<std::string>>();
  auto* merge = app.add_subcommand("merge", "Merge the heads of collections");
  merge->add_option("labels", *m_labels, "collections (default: all, and the registry)");
  merge->callback([&g, m_labels] { g.rc = cmd_merge(g, *m_labels); });
  add_doc("merge", "Reunite the heads that concurrent writes left (writers of this version merge by\n"
                   "    themselves; repositories the reference wrote may need it).\n"
                   "  lakota merge\n  lakota merge my_collection");

  struct RevertArgs {
    std::string label, rev;
  };
  auto r = std::make_shared<RevertArgs>();
  auto* revert = app.add_subcommand("revert", "Make an older revision's content the state again");
  revert->add_option("label", r->label, "collection")->required();
  revert->add_option("revision", r->rev, "a file name, a child (hextime-sha1) or a sha1 prefix")->required();
  revert->callback([&g, r] { g.rc = cmd_revert(g, r->label, r->rev); });
  add_doc("revert", "Write a new revision whose content is that of an older one (history is kept).\n"
                    "  lakota revert my_collection 8976db37");
}

}  // namespace lakota::cli
