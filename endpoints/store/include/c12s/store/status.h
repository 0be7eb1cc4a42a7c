// The store reports every outcome as a gtype::Status, LevelDB-style.
//
// Nothing in the store throws at its callers or crashes on bad files: a failure is a Status
// whose message says what went wrong in words a person can act on, and, when SQLite failed,
// names the database file and carries SQLite's own message ("/var/c12s/state.db: file is not
// a database"). Its code (kNotFound, kRejected, kStorage, kCorruption) lets a caller branch
// without parsing text. It is the same type the runtime and the services return, so a store's
// failure passes through a service unchanged.
#pragma once

#include "gtype/status.h"

namespace c12s::store {

using gtype::Status;

}  // namespace c12s::store
