// The typed AST of a .gtype file.
//
// Produced by grammar/ (the only code that sees ANTLR), consumed by check/, projection/ and the
// printers. The AST keeps the user's structure (blocks, `do`, `continue`) and every source
// location; it does not record which spelling (arrow or Scribble) a statement was written in,
// so both spellings of a protocol give equal ASTs. Equality (`same_*`) ignores locations.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gtype/source.h"

namespace gtype {

struct Name {
  std::string text;
  SourceLocation location;
};

// A payload sort: a built-in (`int`, `list<S>`, ...), a `sort` record or a host `type` alias.
struct SortRef {
  std::string name;
  std::vector<SortRef> arguments;  // for list<S>, map<K,V>, optional<S>
  SourceLocation location;
};

struct Message {
  Name label;  // an identifier or a number (`1()`)
  std::vector<SortRef> payload;
  // The payloads' names where written (`m(x: int)`), "" where not; empty when none is named.
  // Documentation only: messages are equal whatever their payloads' names.
  std::vector<std::string> payload_names;
  // Written without parentheses: the label names a message signature (`sig ... as M;`), and
  // the message is `M()`. Documentation too: equality ignores it.
  bool signature = false;
};

// ------------------------------------------------------------------------------ declarations

// `import "f.gtype";` (path) or `import a.b.c as x;` (module, alias).
struct ImportDecl {
  std::string path;    // as written, relative to the importing file; empty for a module
  std::string module;  // dotted, as written; empty for a path
  std::string alias;   // `as x`; may be empty
  SourceLocation location;

  // How diagnostics name it: "f.gtype" quoted, a module as written.
  std::string shown() const { return module.empty() ? '"' + path + '"' : module; }
};

// type <cpp> "std::int64_t" from "<cstdint>" as Count;
struct TypeDecl {
  Name alias;
  std::string schema;  // "cpp"
  std::string host_type;
  std::string header;
  SourceLocation location;
};

// sig <java> "test.Foo" from "test/Foo.java" as Foo;  A message signature: `Foo` may be written
// where the message `Foo()` may.
struct SigDecl {
  Name alias;
  std::string schema;
  std::string host_type;
  std::string source;
  SourceLocation location;
};

struct Field {
  Name name;
  SortRef sort;
};

struct SortDecl {
  Name name;
  std::vector<Field> fields;
  SourceLocation location;
};

// ------------------------------------------------------------------------------ global protocols

struct Statement;
using Block = std::vector<Statement>;

enum class StatementKind {
  kSend,        // p -> q : l(S);
  kConnect,     // p ->> q : l(S);  or  p ->> q;  (message absent)
  kDisconnect,  // disconnect p, q;
  kChoice,      // choice at p { ... } or { ... }
  kRec,         // rec t { ... }
  kContinue,    // continue t;
  kDo,          // do P(a, b);
  kEnd,         // end;
};

// An argument of `do P<m(int), Int>(...)`: a message (for a `sig` parameter) or a sort (for a
// `type` parameter). A bare name (`Int`, `M`) is parsed as a message without parentheses and
// read as a sort where the parameter is a `type`.
struct DoArgument {
  std::optional<Message> message;
  std::optional<SortRef> sort;
  SourceLocation location;
};

struct Statement {
  StatementKind kind;
  SourceLocation location;
  Name from;                       // send, connect: sender; disconnect: first role; choice: chooser
  Name to;                         // send, connect: receiver; disconnect: second role
  std::optional<Message> message;  // send: always; connect: when it carries one
  Name label;                      // rec, continue: recursion label; do: protocol name
  std::vector<Name> arguments;     // do: the roles bound to the callee's parameters
  std::vector<DoArgument> parameter_arguments;  // do: `<...>`, for the callee's sig/type parameters
  std::vector<Block> blocks;                    // choice: the branches (at least one); rec: the body
};

// `sig M` or `type T` in `global protocol P<sig M, type T>(...)`.
struct ProtocolParameter {
  enum class Kind { kSig, kType } kind;
  Name name;
};

struct GlobalProtocol {
  Name name;
  bool explicit_connections = false;
  bool aux = false;  // only called by `do`: not projected or verified on its own
  std::vector<Name> roles;
  // Projected and verified only where a `do` gives them arguments, like an aux protocol's.
  std::vector<ProtocolParameter> parameters;

  // Whether the protocol is only ever inlined by a `do`: aux, or with parameters to be given.
  bool only_called() const { return aux || !parameters.empty(); }
  Block body;
  SourceLocation location;
};

// ------------------------------------------------------------------------------ local types

enum class LocalKind {
  kSend,        // q!l(S).T
  kReceive,     // q?l(S).T
  kConnect,     // q!!l(S).T, or q!!.T without a message
  kAccept,      // q??l(S).T, or q??.T
  kDisconnect,  // q#.T
  kChoice,      // +{ T ; T }  (internal or external, by its branches)
  kRec,         // mu t.T
  kVar,         // t
  kEnd,
};

struct LocalType;
// Local types are immutable trees, shared freely between projections.
using LocalTypePtr = std::shared_ptr<const LocalType>;

struct LocalType {
  LocalKind kind = LocalKind::kEnd;
  SourceLocation location;
  Name peer;                           // actions
  std::optional<Message> message;      // send, receive: always; connect, accept: optional
  LocalTypePtr next;                   // actions: continuation; rec: body
  std::vector<LocalTypePtr> branches;  // choice
  std::string variable;                // rec, var
  bool written_as_external = false;    // `&{ }` in the source: must then be an external choice
};

bool is_action(LocalKind kind);
bool is_output(LocalKind kind);  // send, connect
bool is_input(LocalKind kind);   // receive, accept

struct LocalRole {
  Name role;
  LocalTypePtr type;
};

struct LocalSystem {
  Name name;
  bool explicit_connections = false;
  std::vector<LocalRole> roles;
  SourceLocation location;
};

// ------------------------------------------------------------------------------ a file

struct SourceFile {
  std::uint32_t file = 0;  // index in the SourceManager
  std::optional<Name> module;
  std::vector<ImportDecl> imports;
  std::vector<TypeDecl> types;
  std::vector<SigDecl> sigs;
  std::vector<SortDecl> sorts;
  std::vector<GlobalProtocol> protocols;
  std::vector<LocalSystem> local_systems;
};

// Structural equality, ignoring source locations.
bool same_sort(const SortRef& a, const SortRef& b);
// A `do` argument read as a sort (a sort, or a bare name) or as a message (a message, or a bare
// name, which stands for a signature): none where it is the other.
std::optional<SortRef> argument_sort(const DoArgument& argument);
std::optional<Message> argument_message(const DoArgument& argument);
bool same_message(const Message& a, const Message& b);
bool same_block(const Block& a, const Block& b);
bool same_protocol(const GlobalProtocol& a, const GlobalProtocol& b);
bool same_local_type(const LocalType& a, const LocalType& b);
bool same_file(const SourceFile& a, const SourceFile& b);

}  // namespace gtype
