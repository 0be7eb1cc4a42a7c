// Loading a .gtype file with its imports, and looking names up across them.
//
// A Program is one root file and everything it imports, each file parsed once. What a file
// declares is visible in the files that import it directly (imports are not transitive, as in
// Scribble), unqualified or qualified by the imported module's name or its alias (`a.b.P`,
// `x.P`). Imports may be cyclic. A missing import is a diagnostic; an unreadable root file is
// a Status.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "gtype/ast.h"
#include "gtype/diagnostic.h"
#include "gtype/source.h"
#include "gtype/status.h"

namespace gtype {

struct Program {
  std::vector<SourceFile> files;                  // files[0] is the root
  std::vector<std::vector<std::size_t>> imports;  // per file: the files it imports, resolved
  // Per file: the qualifiers it may put before a name, `a.b.c` or an alias `x`, and the file
  // whose declarations they name (the file's own module name names itself).
  std::vector<std::map<std::string, std::size_t, std::less<>>> qualifiers;
  bool has_syntax_errors = false;  // some file did not parse: its AST is partial

  // The lookups below are indexed on first use (logarithmic, whatever the size of the program):
  // `files` and `imports` must not change after it.

  // Declarations visible from `file` (its own, then its direct imports'), or null. A qualified
  // name (`a.b.P`) is looked up in the file its qualifier names only.
  const GlobalProtocol* find_protocol(std::size_t file, std::string_view name) const;
  const SortDecl* find_sort(std::size_t file, std::string_view name) const;
  const TypeDecl* find_type(std::size_t file, std::string_view name) const;
  // Where protocols, or sorts and host types, of that name are declared in any file of the
  // program, visible or not (in file order; sorts before types within a file).
  std::vector<SourceLocation> protocols_named(std::string_view name) const;
  std::vector<SourceLocation> sorts_named(std::string_view name) const;
  // The file that declares `protocol` (which must belong to this program).
  std::size_t file_of(const GlobalProtocol& protocol) const;
  // The protocols that some `do` of the program inlines: written for their callers' context
  // (connections already made), they are checked and verified there, not on their own.
  std::set<const GlobalProtocol*> inlined_protocols() const;
  // Whether `protocol` reaches itself through `do`.
  bool in_do_cycle(const GlobalProtocol& protocol) const;
  // The protocol a `do` of `file` inlines: it exists, takes as many roles as the call passes,
  // and is in no `do` cycle (which could not be inlined). Null otherwise.
  const GlobalProtocol* callee_of(std::size_t file, const Statement& call) const;
  // How many statements `protocol` has with every `do` that callee_of resolves inlined,
  // nested ones included, each `do` counting for itself and its callee's statements (a chain of
  // calls that do nothing else is walked too); saturating: a huge count stays huge.
  std::uint64_t inlined_size(const GlobalProtocol& protocol) const;
  // Drops what the program knows of its files (after a pass rewrote them).
  void forget_index() { cache_.index.reset(); }

 private:
  struct Index;
  const Index& index() const;
  // A copy of a program indexes itself anew: the index points into the files it was built from.
  struct IndexCache {
    IndexCache() = default;
    IndexCache(const IndexCache&) {}
    IndexCache(IndexCache&&) noexcept = default;
    IndexCache& operator=(const IndexCache&) {
      index.reset();
      return *this;
    }
    IndexCache& operator=(IndexCache&&) noexcept = default;
    std::shared_ptr<const Index> index;
  };
  mutable IndexCache cache_;
};

// Parses text already registered in `sources`; syntax errors go to `diagnostics`. Returns the
// AST of everything that parsed, and whether the file was free of syntax errors.
bool parse_source(const SourceManager& sources, std::uint32_t file, DiagnosticEngine& diagnostics,
                  SourceFile& out);

struct LoadOptions {
  // Where a dotted import `a.b.c` is looked for (as a/b/c.scr, .gtype or .nuscr) after the
  // importing file's own root, in order (`gtype -I DIR`).
  std::vector<std::string> import_paths;
  // Whether every import must be a file under the root file's own root (its folder, or the
  // ROOT of `module a.b.c;` at ROOT/a/b/c.*) or under an import path, symbolic links followed
  // (`gtype --confine-imports`): a protocol from elsewhere cannot make gtype read, and quote in
  // its errors, any file it names. An import outside is an error and is not opened; the option
  // only refuses, it never changes which file an import means.
  bool confine_imports = false;
};

// Reads `path` and its imports, transitively. Fails only when `path` itself cannot be read.
Status load_program(const std::string& path, SourceManager& sources, DiagnosticEngine& diagnostics,
                    Program& out, const LoadOptions& options = {});

// Pass (grammar/recursive_calls.cpp): rewrites the protocols that reach themselves through `do`
// so that none does: recursive calls in tail position become loops; the others are reported.
// load_program runs it.
void unroll_recursive_calls(Program& program, DiagnosticEngine& diagnostics);

// The largest source file read, in bytes: well above the token cap of a parse (a file at that
// cap is a few MiB), and small enough that reading it never strains memory.
inline constexpr std::size_t kMaxSourceBytes = std::size_t{16} << 20;

// Reads a whole regular file of at most kMaxSourceBytes; Status::io_error when it cannot (no
// such file, a directory, a FIFO or device, too large, unreadable).
Status read_file(const std::string& path, std::string& text);

}  // namespace gtype
