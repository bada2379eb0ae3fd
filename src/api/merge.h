// Merge: the content that reunites the heads of a collection's history. Internal to the
// api layer.
#pragma once

#include <memory>
#include <vector>

#include "lakota/history/changelog.h"
#include "lakota/model/commit.h"

namespace lakota {

struct CollectionState;

// What merges learn of rewrite revisions, kept by a collection's state (see merge.cc).
struct RewriteCache;
std::shared_ptr<RewriteCache> make_rewrite_cache();

// The commit that holds every head's writes (`heads` in log order). For each series, the
// changes each head made since the heads' newest common ancestor are applied to that
// ancestor in log order, so a later head wins where writes overlap:
//  * series that one head changed (or that all changed alike) take that head's rows;
//  * rows that are new in a head (writes, partial overwrites, range deletes) are applied as
//    they are: views stay views, nothing is read or rewritten;
//  * a head that dropped a series, or stopped holding a row of the ancestor, removes it;
//  * key-value series merge key by key (a key-value write rewrites a whole range of keys,
//    so its row would hide keys written at the same time).
// Concurrent merges of the same heads produce the same bytes.
Commit merge_heads(const CollectionState& st, const History& history, const std::vector<Revision>& heads);

}  // namespace lakota
