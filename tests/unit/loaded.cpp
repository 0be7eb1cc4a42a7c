#include "loaded.h"

#include <sstream>
#include <utility>

#include "gtype/check.h"

namespace gtype_test {

Loaded::Loaded(std::string text, Check check) : diagnostics_(sources_) {
  const std::uint32_t id = sources_.add("test.gtype", std::move(text));
  program_.files.emplace_back();
  program_.imports.emplace_back();
  program_.has_syntax_errors = !gtype::parse_source(sources_, id, diagnostics_, program_.files.front());
  if (check == Check::kWellFormed && !program_.has_syntax_errors)
    gtype::check_well_formed(program_, diagnostics_);
}

std::string Loaded::rendered_diagnostics() const {
  std::ostringstream out;
  diagnostics_.print(out);
  return out.str();
}

std::string Loaded::first_error_kind() const {
  if (diagnostics_.errors().empty()) return "none";
  const std::string& message = diagnostics_.errors().front().message;
  return message.substr(0, message.find('\''));
}

}  // namespace gtype_test
