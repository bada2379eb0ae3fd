// Listings of local folders kept current by the kernel's change notifications (inotify),
// for the folders the engine lists again and again: changelogs, listed before and after
// every write and before every read. The first listing of a folder sets a watch on it and
// reads it; a later one is that listing with the creations, removals and renames the
// kernel reported since applied, without reading the folder again (an ext4 folder of 2,000
// revisions costs ~0.3 ms to list: its htree readdir hashes every name).
//
// Why a kept listing is never stale: the kernel queues a folder's events inside the call
// that changes it (link, rename, unlink), before that call returns to whichever process
// made it, and a listing reads the queue first. So a write that returned before a listing
// started is in it, as with a real listing. Where that does not hold, the folder is listed
// every time: file systems whose changes may come from elsewhere (NFS, SMB, FUSE, overlay:
// only ext2/3/4, XFS, Btrfs, tmpfs and F2FS are watched), a lost event (queue overflow:
// every folder is listed again), a path that now names another folder (checked by inode at
// every call), a folder moved or removed, a child process (it never reads its parent's
// queue: it opens its own), no watch or queue to be had (limits), or a system without inotify.
//
// LAKOTA_WATCH=0 in the environment turns it off (every listing reads the folder).
//
// One queue per process, at most kMaxFolders folders watched (the least recently listed
// goes). Safe to call from several threads.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "lakota/storage/pod.h"

namespace lakota::folder_watch {

// The sorted names of the entries of folder `path` (absolute or relative to the working
// folder), without "." and "..": the kept listing, with its version (see Listing: a read of
// a folder takes a new epoch from one counter of the process, in the high 32 bits, and each
// name added or removed adds one; so no two contents of any folder share a version), or
// `list()` (the pod's own listing, which also reports every error, as a missing folder)
// with version 0 where the folder cannot be watched. A listing handed out never changes:
// a change to a folder whose listing someone holds goes to a copy.
Listing ls(const std::string& path, const std::function<std::vector<std::string>()>& list);

// Whether folder `path` is on a file system whose every change the kernel reports (above).
bool watchable(const std::string& path);

// What ls did so far in this process: listings answered from what it kept, folders read
// to start or restart a watch, and listings left to `list()`.
struct Counts {
  uint64_t kept = 0, read = 0, unwatched = 0;
};
Counts counts();

constexpr size_t kMaxFolders = 256;

}  // namespace lakota::folder_watch
