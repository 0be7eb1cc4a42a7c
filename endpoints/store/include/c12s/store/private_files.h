// Files only their owner may read: the control plane's data (the stores, the system map, the
// daemons' configurations, the processes' logs) says which nodes exist, where they listen and
// what they were told, so it is its operator's alone, whatever the umask.
//
// Directories are created 0700 and files 0600. An existing directory or file that group or
// others may use is tightened when this process owns it, and left as it is otherwise (root may
// run the command in another user's folder: it does not take that user's files from them). The
// c12s command also sets umask 077 (endpoints/c12s/main.cpp), so that what other code creates
// (SQLite's -wal and -shm files, a daemon's formation file) is private too.
#pragma once

#include <string>
#include <string_view>

#include "c12s/store/status.h"

namespace c12s::store {

// Creates `dir` with its missing parents, each 0700 (parents that exist are left as they are).
// When `dir` exists and group or others may use it, it is made 0700 if ours, and `*notice` says
// what was done or, for a folder of another user, warns; otherwise `*notice` is emptied. Fails
// when `dir` cannot be created or is not a directory.
Status make_private_directory(const std::string& dir, std::string* notice);

// Writes `text` to `path`, created 0600 or truncated and tightened to 0600 (when ours).
Status write_private_file(const std::string& path, std::string_view text);

// Takes group's and others' permissions off the open regular file `fd` when this process owns
// it; returns whether nobody but the owner may use it now. Only fstat and fchmod: safe between
// fork and exec.
bool make_private(int fd);

}  // namespace c12s::store
