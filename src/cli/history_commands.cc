// Commands on the history of collections: rev, merge, revert, tag, diff.
#include "cli/common.h"
#include "cli/output.h"
#include "lakota/api/diff.h"
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

// Lists the tags (no name), adds one, or deletes one (-d).
int cmd_tag(const Globals& g, const std::string& label, const std::optional<std::string>& name,
            const std::optional<std::string>& rev, bool remove) {
  Repo repo = open_repo(g);
  Collection c = get_collection(repo, label);
  if (remove) {
    if (!name) throw InvalidInput("tag -d needs the name of the tag to delete");
    if (rev) throw InvalidInput("tag -d takes a collection and a tag name, not a revision");
    c.untag(*name);
    return 0;
  }
  if (name) {
    c.tag(*name, rev.value_or(""));
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& t : c.tags()) {
    std::string date;
    try {
      date = local_datetime(c.resolve(t.name).epoch_ms());
    } catch (const NotFound&) {
      date = "(revision gone)";
    }
    rows.push_back({t.name, t.revision, date});
  }
  Output out;
  text::format_rows(out.buffer(), {"tag", "revision", "date"}, rows, g.pretty);
  out.flush();
  return 0;
}

std::string format_tuple(const Schema& schema, const Tuple& t) {
  std::string s;
  for (size_t k = 0; k < t.size(); ++k) {
    if (k) s += " / ";
    s += text::format_value(schema[schema.index()[k]].dtype, t[k]);
  }
  return s;
}

int cmd_diff(const Globals& g, const std::string& label, const std::string& a, const std::string& b,
             const std::optional<std::string>& series, bool verbose) {
  Repo repo = open_repo(g);
  Collection c = get_collection(repo, label);
  std::string s = series.value_or("");
  auto diffs = diff(c, a, b, s, verbose);
  const Schema& schema = c.schema();
  Output out;
  std::vector<std::vector<std::string>> rows;
  if (!verbose) {
    for (const auto& d : diffs) {
      if (d.ranges.empty()) rows.push_back({d.series, std::string(1, d.status), "", "", "0", "0", "0"});
      for (const auto& r : d.ranges)
        rows.push_back({d.series, std::string(1, d.status), format_tuple(schema, r.start), format_tuple(schema, r.stop),
                        std::to_string(r.added), std::to_string(r.removed), std::to_string(r.changed)});
    }
    text::format_rows(out.buffer(), {"series", "change", "start", "stop", "added", "removed", "changed"}, rows,
                      g.pretty);
  } else {
    std::vector<std::string> headers{"change", "series"};
    for (const auto& n : schema.names()) headers.push_back(n);
    for (const auto& d : diffs) {
      for (size_t i = 0; i < d.rows.size(); ++i) {
        std::vector<std::string> row{std::string(1, d.ops[i]), d.series};
        for (const auto& col : d.rows.columns()) row.push_back(text::format_cell(col, i));
        rows.push_back(std::move(row));
      }
    }
    text::format_rows(out.buffer(), headers, rows, g.pretty);
  }
  out.flush();
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

  struct TagArgs {
    std::string label;
    std::optional<std::string> name, rev;
    bool remove = false;
  };
  auto t = std::make_shared<TagArgs>();
  auto* tag = app.add_subcommand("tag", "List, add or delete the tags of a collection");
  tag->add_option("label", t->label, "collection")->required();
  tag->add_option("name", t->name, "the tag (none: list the tags)");
  tag->add_option("revision", t->rev, "the revision to tag (default: the state)");
  tag->add_flag("-d,--delete", t->remove, "delete the tag");
  tag->callback([&g, t] { g.rc = cmd_tag(g, t->label, t->name, t->rev, t->remove); });
  add_doc("tag", "Name a revision, list the names, or delete one. A tag is read with --tag and\n"
                 "    wherever a revision is named; trim keeps tagged revisions.\n"
                 "  lakota tag my_collection v1\n  lakota tag my_collection v0 8976db37\n"
                 "  lakota tag my_collection\n  lakota tag -d my_collection v0");

  struct DiffArgs {
    std::string label, a, b;
    std::optional<std::string> series;
    bool verbose = false;
  };
  auto d = std::make_shared<DiffArgs>();
  auto* dcmd = app.add_subcommand("diff", "Show what changed between two revisions");
  dcmd->add_option("label", d->label, "collection")->required();
  dcmd->add_option("rev_a", d->a, "the older revision (a tag or a revision name)")->required();
  dcmd->add_option("rev_b", d->b, "the newer revision")->required();
  dcmd->add_option("series", d->series, "only this series");
  dcmd->add_flag("-v,--verbose", d->verbose, "show the rows that differ");
  dcmd->callback([&g, d] { g.rc = cmd_diff(g, d->label, d->a, d->b, d->series, d->verbose || g.verbose > 0); });
  add_doc("diff", "Show the series and index ranges whose rows differ between two revisions; with -v,\n"
                  "    the rows: '+' added, '-' removed (old values), '~' changed\n"
                  "    (new values).\n"
                  "  lakota diff my_collection v1 v2\n  lakota -v diff my_collection 8976 00fc my_series");
}

}  // namespace lakota::cli
