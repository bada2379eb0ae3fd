// defrag: rewrite series made of many small chunks (see maintenance.h).
#include "lakota/api/maintenance.h"
#include "lakota/api/series.h"
#include "lakota/error.h"
#include "state.h"

namespace lakota {

DefragReport defrag(const Collection& collection, const DefragOptions& options) {
  if (options.max_chunk == 0) throw InvalidInput("defrag: the largest number of chunks must be above 0");
  if (options.page_len == 0) throw InvalidInput("defrag: the page length must be above 0");
  DefragReport report;
  CollectionState& st = *collection.state();
  Snapshot base = st.snapshot();
  if (!base.revision) return report;
  const Commit& ci = base.commit;
  Rows rows;
  auto labels = ci.labels();
  size_t n = 0;
  for (const auto& label : labels) {
    if (options.progress) options.progress("defragmenting", n++, labels.size());
    auto match = ci.match(label);
    if (match.size() <= options.max_chunk) continue;
    // Keep the large chunks at the start (most series are appended to): rewrite from the
    // first small one on.
    int64_t total = 0;
    for (size_t r : match) total += ci.length(r);
    double threshold = std::min(double(options.page_len), double(total) / double(options.max_chunk + 1));
    std::optional<size_t> first;
    for (size_t k = 0; k + 1 < match.size(); ++k)
      if (double(ci.length(match[k])) < threshold) {
        first = k;
        break;
      }
    if (!first) continue;
    ++report.series;
    report.rows_before += match.size();
    int64_t rewritten_len = 0;
    for (size_t k = *first; k < match.size(); ++k) rewritten_len += ci.length(match[k]);
    report.rows_after += *first + std::max<size_t>(1, (size_t(rewritten_len) + options.page_len - 1) / options.page_len);
    if (options.dry_run) continue;
    // From the first small chunk's start, with its own left bound: the chunk before it
    // stays as it is.
    Query q;
    q.revision = base.revision->path();
    q.start = ci.start(match[*first]);
    q.closed = Closed{ci.closed(match[*first]).left, true};
    std::optional<Tuple> prev_stop;
    try {
    Series(collection.state(), label).paginate(options.page_len, q, [&](const Frame& page) {
      WriteOptions w;
      if (prev_stop) {
        w.start = *prev_stop;
        w.closed = Closed{false, true};
      } else {
        w.start = q.start;
        w.closed = q.closed;
      }
      prev_stop = index_tuple(*st.schema, page, page.size() - 1);
      for (auto& r : st.prepare(label, page, w)) rows.push_back(std::move(r));
      return true;
    });
    } catch (const NotFound&) {  // the state it read is gone (trimmed, the collection deleted)
      report.yielded = true;
      return report;
    }
  }
  if (options.dry_run || rows.empty()) return report;
  // Yield to writers: a defrag commits only on the state it read, still the only head.
  auto now = st.history();
  if (now->empty() || !now->settled() || now->state()->path() != base.revision->path()) {
    report.yielded = true;
    return report;
  }
  st.commit_rows(base, rows, /*earliest=*/true);
  return report;
}

}  // namespace lakota
