// Property tests of the front end on random well-formed protocols (random_protocol.h):
//
//   * every generated file passes check_well_formed (validates the generator and the checker);
//   * print -> parse gives the same AST, in both spellings, and printing is a fixpoint;
//   * projection is deterministic, and succeeds for every role or reports why;
//   * the arrow and Scribble spellings of a file project identically;
//   * where projection succeeds, its output wrapped in a `local system` parses, is well-formed,
//     re-parses to the same local types and prints back to the same file (contract, section 1).
// Then ordinary tests pinning down what these properties found (GtypePropertyFindings).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "gtype/check.h"
#include "gtype/print.h"
#include "gtype/program.h"
#include "gtype/projection.h"
#include "loaded.h"
#include "random_protocol.h"

namespace {

using gtype::Spelling;
using gtype_test::RandomFile;

using gtype_test::Loaded;

// Parses `text` and checks it; `errors` gets what went wrong, rendered, or stays empty.
std::unique_ptr<Loaded> load_and_check(const std::string& text, std::string& errors) {
  auto loaded = std::make_unique<Loaded>(text);
  if (!loaded->parsed()) {
    errors = "syntax errors:\n" + loaded->rendered_diagnostics() + "in:\n" + text;
  } else if (!loaded->fine()) {
    errors = "not well-formed:\n" + loaded->rendered_diagnostics() + "in:\n" + text;
  }
  return loaded;
}

// Parses `text` and checks it; fails the property on any error.
std::unique_ptr<Loaded> load_well_formed(const std::string& text) {
  std::string errors;
  auto loaded = load_and_check(text, errors);
  if (!errors.empty()) RC_FAIL(errors);
  return loaded;
}

// What projecting one protocol gives, with no source locations in it.
struct Projection {
  bool ok = false;
  std::vector<std::string> roles;     // projected roles, in order
  std::vector<std::string> types;     // their local types, printed
  std::vector<std::string> messages;  // the diagnostics' messages, notes included
  std::vector<gtype::RoleProjection> projected;

  bool operator==(const Projection& other) const {
    return ok == other.ok && roles == other.roles && types == other.types && messages == other.messages;
  }
};

std::string describe(const Projection& p) {
  std::ostringstream out;
  out << (p.ok ? "projects" : "does not project") << "\n";
  for (std::size_t i = 0; i < p.roles.size(); ++i) out << "  " << p.roles[i] << ": " << p.types[i] << "\n";
  for (const std::string& message : p.messages) out << "  error/note: " << message << "\n";
  return out.str();
}

// The payload declarations of `file`, alone, printed.
std::string print_declarations(const gtype::SourceFile& file) {
  gtype::SourceFile declarations;
  declarations.types = file.types;
  declarations.sorts = file.sorts;
  return gtype::print_file(declarations, Spelling::kArrow);
}

// Projects every protocol of a file, each with a fresh diagnostic engine.
std::vector<Projection> project_all(const Loaded& loaded) {
  std::vector<Projection> out;
  gtype::SourceManager no_sources;  // diagnostics are compared without their locations
  for (const gtype::GlobalProtocol& protocol : loaded.file().protocols) {
    gtype::DiagnosticEngine diagnostics(no_sources);
    Projection p;
    p.ok = gtype::project_protocol(loaded.program(), protocol, diagnostics, p.projected);
    for (const gtype::RoleProjection& role : p.projected) {
      p.roles.push_back(role.role);
      p.types.push_back(gtype::print_local_type(*role.type));
    }
    for (const gtype::Diagnostic& d : diagnostics.errors()) {
      p.messages.push_back(d.message);
      for (const gtype::Note& note : d.notes) p.messages.push_back("  " + note.message);
    }
    out.push_back(std::move(p));
  }
  return out;
}

// Projection succeeds for every role, in declaration order, or reports why not.
bool all_or_reported(const Projection& p, const gtype::GlobalProtocol& protocol) {
  if (p.ok != p.messages.empty()) return false;
  if (!p.ok) return true;
  if (p.roles.size() != protocol.roles.size()) return false;
  for (std::size_t i = 0; i < p.roles.size(); ++i) {
    if (p.roles[i] != protocol.roles[i].text) return false;
  }
  return true;
}

// The projections of `file`'s protocols that succeed, each as a local system (as `gtype
// project` prints its roles, wrapped), after the file's payload declarations.
std::string local_systems_text(const gtype::SourceFile& file, const std::vector<Projection>& projections) {
  std::string text = print_declarations(file);
  for (std::size_t i = 0; i < projections.size(); ++i) {
    const Projection& p = projections[i];
    if (!p.ok) continue;
    const gtype::GlobalProtocol& protocol = file.protocols[i];
    text += std::string(protocol.explicit_connections ? "explicit " : "") + "local system Local" +
            protocol.name.text + " {\n";
    for (std::size_t r = 0; r < p.roles.size(); ++r) text += "  " + p.roles[r] + ": " + p.types[r] + "\n";
    text += "}\n";
  }
  return text;
}

RC_GTEST_PROP(GtypeProperties, GeneratedFilesAreWellFormed, ()) {
  const RandomFile random = *gtype_test::random_file();
  load_well_formed(gtype::print_file(random.file, Spelling::kArrow));
}

RC_GTEST_PROP(GtypeProperties, PrintThenParseGivesTheSameAst, ()) {
  const RandomFile random = *gtype_test::random_file();
  for (Spelling spelling : {Spelling::kArrow, Spelling::kScribble}) {
    const std::string text = gtype::print_file(random.file, spelling);
    Loaded reparsed(text, Loaded::Check::kParseOnly);
    RC_LOG() << "printed:\n" << text;
    RC_ASSERT(reparsed.parsed());
    RC_ASSERT(gtype::same_file(random.file, reparsed.file()));
    RC_ASSERT(gtype::print_file(reparsed.file(), spelling) == text);  // printing is a fixpoint
  }
}

RC_GTEST_PROP(GtypeProperties, ProjectionIsDeterministic, ()) {
  const RandomFile random = *gtype_test::random_file();
  const std::string text = gtype::print_file(random.file, Spelling::kArrow);
  const std::vector<Projection> first = project_all(*load_well_formed(text));
  const std::vector<Projection> second = project_all(*load_well_formed(text));
  RC_ASSERT(first.size() == random.file.protocols.size());
  std::size_t projecting = 0;
  for (std::size_t i = 0; i < first.size(); ++i) {
    if (!all_or_reported(first[i], random.file.protocols[i])) RC_FAIL("incomplete:\n" + describe(first[i]));
    if (!(first[i] == second[i]))
      RC_FAIL("first:\n" + describe(first[i]) + "second:\n" + describe(second[i]));
    projecting += first[i].ok ? 1 : 0;
  }
  RC_TAG(projecting == first.size() ? "every protocol projects"
         : projecting == 0          ? "no protocol projects"
                                    : "some protocols project");
}

RC_GTEST_PROP(GtypeProperties, ArrowAndScribbleSpellingsProjectIdentically, ()) {
  const RandomFile random = *gtype_test::random_file();
  const auto arrow = load_well_formed(gtype::print_file(random.file, Spelling::kArrow));
  const auto scribble = load_well_formed(gtype::print_file(random.file, Spelling::kScribble));
  RC_ASSERT(gtype::same_file(arrow->file(), scribble->file()));
  const std::vector<Projection> from_arrow = project_all(*arrow);
  const std::vector<Projection> from_scribble = project_all(*scribble);
  for (std::size_t i = 0; i < from_arrow.size(); ++i) {
    if (!(from_arrow[i] == from_scribble[i])) {
      RC_FAIL("arrow:\n" + describe(from_arrow[i]) + "scribble:\n" + describe(from_scribble[i]));
    }
  }
}

RC_GTEST_PROP(GtypeProperties, ProjectionsFormWellFormedLocalSystems, ()) {
  const RandomFile random = *gtype_test::random_file();
  const auto loaded = load_well_formed(gtype::print_file(random.file, Spelling::kArrow));
  const std::vector<Projection> projections = project_all(*loaded);
  std::vector<const Projection*> systems;
  for (const Projection& p : projections) {
    if (p.ok) systems.push_back(&p);
  }
  const auto local = load_well_formed(local_systems_text(random.file, projections));
  RC_ASSERT(local->file().local_systems.size() == systems.size());
  for (std::size_t s = 0; s < systems.size(); ++s) {
    const gtype::LocalSystem& system = local->file().local_systems[s];
    RC_ASSERT(system.roles.size() == systems[s]->projected.size());
    for (std::size_t r = 0; r < system.roles.size(); ++r) {
      RC_ASSERT(system.roles[r].role.text == systems[s]->projected[r].role);
      RC_ASSERT(gtype::same_local_type(*system.roles[r].type, *systems[s]->projected[r].type));
    }
  }
  // Local systems print back to the same file, too.
  const std::string printed = gtype::print_file(local->file(), Spelling::kArrow);
  Loaded reparsed(printed, Loaded::Check::kParseOnly);
  RC_ASSERT(reparsed.parsed());
  RC_ASSERT(gtype::same_file(local->file(), reparsed.file()));
  RC_ASSERT(gtype::print_file(reparsed.file(), Spelling::kArrow) == printed);
}

// ------------------------------------------------------------------------------ findings

// Projects `text`'s only protocol; for the tests below.
std::vector<Projection> project_text(const std::string& text, std::unique_ptr<Loaded>& loaded) {
  std::string errors;
  loaded = load_and_check(text, errors);
  EXPECT_EQ(errors, "");
  if (!errors.empty()) return {};
  return project_all(*loaded);
}

// Found by ProjectionsFormWellFormedLocalSystems: `c` accepts `b` with a label in one branch
// and without a message in the other, so it cannot tell them apart. Projection used to accept
// it and print `c: +{ b??y().end ; b??.end }`, which a local system rejects.
TEST(GtypePropertyFindings, ABareAcceptCannotTellBranchesApart) {
  std::unique_ptr<Loaded> loaded;
  const std::vector<Projection> projections = project_text(R"(
    explicit global protocol P(role a, role b, role c) {
      a ->> b : go();
      choice at a {
        a -> b : x();
        b ->> c : y();
      } or {
        a -> b : z();
        b ->> c;
      }
    })",
                                                           loaded);
  ASSERT_EQ(projections.size(), 1u);
  EXPECT_FALSE(projections[0].ok) << describe(projections[0]);
  ASSERT_FALSE(projections[0].messages.empty());
  EXPECT_NE(projections[0].messages[0].find("onto role 'c'"), std::string::npos) << describe(projections[0]);
}

// Found by ProjectionsFormWellFormedLocalSystems: a branch that begins with a loop whose body
// is a choice at the same chooser projects, for the chooser, to `mu t.+{ ... }` inside the
// internal choice (it cannot be flattened); the local system of the projection must accept it.
TEST(GtypePropertyFindings, AChoiceInsideALoopThatBeginsABranchIsAValidLocalSystem) {
  std::unique_ptr<Loaded> loaded;
  const std::vector<Projection> projections = project_text(R"(
    global protocol P(role a, role b, role c) {
      choice at a {
        a -> b : z();
      } or {
        rec t {
          choice at a {
            a -> b : x();
          } or {
            a -> c : y();
            continue t;
          }
        }
      }
    })",
                                                           loaded);
  ASSERT_EQ(projections.size(), 1u);
  ASSERT_TRUE(projections[0].ok) << describe(projections[0]);
  EXPECT_EQ(projections[0].types[0], "+{ b!z().end ; mu t.+{ b!x().end ; c!y().t } }");
  std::string errors;
  load_and_check(local_systems_text(loaded->file(), projections), errors);
  EXPECT_EQ(errors, "");
}

}  // namespace
