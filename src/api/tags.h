// Tags: names given to revisions of a collection (`lakota tag`). They live where the
// reference neither misreads nor deletes them: `.lakota-tags/<collection folder, slashes
// removed>/<hex of the tag name>`, holding the revision's file name. The reference parses
// every name in a changelog folder as a revision and reads files two folders deep as
// segments, but its gc skips a file under a top-level dot-folder whose path, slashes
// removed, has exactly one dot (FORMAT.md, last section). Internal to the api layer.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lakota/storage/pod.h"

namespace lakota {

struct Tag;

class Tags {
 public:
  // `root`: the repository's pod; `collection_path`: the collection's folder.
  Tags(PodPtr root, const std::string& collection_path);

  static constexpr const char* kFolder = ".lakota-tags";
  std::vector<Tag> list() const;
  std::optional<std::string> find(const std::string& name) const;
  // Conflict when the tag exists (its message says how to move it).
  void add(const std::string& name, const std::string& revision, const std::string& collection);
  // False when there was no such tag.
  bool remove(const std::string& name);
  void remove_all();
  // InvalidInput naming the problem for a name that cannot be a tag.
  static void check_name(const std::string& name);

 private:
  PodPtr root_;
  std::string folder_;
};

}  // namespace lakota
