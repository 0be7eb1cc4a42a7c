// Rendering diagnostics as text, with gtype's engine: the model's Positions name their inputs,
// which become the sources gtype::DiagnosticEngine quotes.
#include "c12s/model/result.h"

#include <sstream>

#include "gtype/diagnostic.h"
#include "gtype/source.h"

namespace c12s::model {

std::string format_diagnostics(const Diagnostics& diagnostics, const Inputs& inputs) {
  gtype::SourceManager sources;
  std::map<std::string, std::uint32_t> index;  // input name -> file of `sources`
  auto file_of = [&](const std::string& name) {
    auto [it, fresh] = index.emplace(name, 0);
    if (fresh) {
      auto text = inputs.find(name);
      it->second = sources.add(name, text == inputs.end() ? std::string() : text->second);
    }
    return it->second;
  };
  auto location = [&](const Position& at) {
    if (at.file.empty()) return gtype::SourceLocation{};
    const std::uint32_t file = file_of(at.file);
    if (at.line <= 0) return gtype::SourceLocation::whole(file);
    return gtype::SourceLocation{file, static_cast<std::uint32_t>(at.line),
                                 static_cast<std::uint32_t>(std::max(at.column, 1))};
  };
  gtype::DiagnosticEngine engine(sources);
  for (const Diagnostic& d : diagnostics) {
    gtype::Diagnostic& error = engine.error(location(d.at), d.message);
    for (const Note& note : d.notes) error.notes.push_back(gtype::Note{location(note.at), note.message});
  }
  std::ostringstream out;
  engine.print(out);
  return out.str();
}

}  // namespace c12s::model
