// Parsing and printing command-line selectors. The parser walks the pairs once, keeps going
// after a bad pair, and reports every problem with its column.
#include "c12s/model/selector.h"

#include <map>

#include "c12s/model/quote.h"

namespace c12s::model {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// [begin, end) of text without the blanks around it.
struct Span {
  std::size_t begin;
  std::size_t end;
  bool empty() const { return begin == end; }
};

Span trim(std::string_view text, std::size_t begin, std::size_t end) {
  while (begin < end && is_blank(text[begin])) ++begin;
  while (end > begin && is_blank(text[end - 1])) --end;
  return {begin, end};
}

}  // namespace

Result<Selector> parse_selector(std::string_view text, std::string_view source) {
  Selector selector;
  if (trim(text, 0, text.size()).empty()) return selector;
  gtype::DiagnosticReport report;
  const std::uint32_t file = report.sources.add(std::string(source), std::string(text));
  auto at = [&](std::size_t offset) {
    return gtype::SourceLocation{file, 1, static_cast<std::uint32_t>(offset) + 1};
  };
  auto error = [&](std::size_t offset, std::string message) -> gtype::Diagnostic& {
    return report.errors.emplace_back(gtype::Diagnostic{at(offset), std::move(message), {}});
  };
  auto piece = [&](Span span) { return std::string(text.substr(span.begin, span.end - span.begin)); };

  std::map<std::string, std::size_t> first_offset;  // key -> where it was first given
  std::size_t begin = 0;
  while (begin <= text.size()) {
    std::size_t end = text.find(',', begin);
    if (end == std::string_view::npos) end = text.size();
    const Span pair = trim(text, begin, end);
    begin = end + 1;
    if (pair.empty()) {
      error(pair.begin, "expected key=value, found nothing (a ',' too many?)");
      continue;
    }
    const std::size_t equals = text.find('=', pair.begin);
    if (equals == std::string_view::npos || equals >= pair.end) {
      error(pair.begin, quote(piece(pair)) + " has no '=': expected key=value");
      continue;
    }
    const Span key = trim(text, pair.begin, equals);
    const Span value = trim(text, equals + 1, pair.end);
    const std::string key_text = piece(key);
    const std::string value_text = piece(value);
    bool good = true;
    if (key.empty()) {
      error(equals, "missing key before '=' in " + quote(piece(pair)));
      good = false;
    } else if (!is_label_token(key_text)) {
      error(key.begin, "key " + quote(key_text) + " may only hold " + std::string(kLabelTokenRule));
      good = false;
    }
    if (value.empty()) {
      if (!key.empty()) error(equals + 1, "key " + quote(key_text) + " has an empty value");
      good = false;
    } else if (!is_label_token(value_text)) {
      error(value.begin, "value " + quote(value_text) + " of key " + quote(key_text) + " may only hold " +
                             std::string(kLabelTokenRule));
      good = false;
    }
    if (key.empty()) continue;
    const auto [first, inserted] = first_offset.emplace(key_text, key.begin);
    if (!inserted) {
      error(key.begin, "duplicate key " + quote(key_text))
          .notes.push_back({at(first->second), quote(key_text) + " first given here"});
      continue;
    }
    if (good) selector.labels.emplace(key_text, value_text);
  }
  if (!report.errors.empty()) return Status::invalid_input(std::move(report));
  return selector;
}

std::string format_selector(const Selector& selector) {
  std::string out;
  for (const auto& [key, value] : selector.labels) {
    if (!out.empty()) out += ',';
    out += key;
    out += '=';
    out += value;
  }
  return out;
}

}  // namespace c12s::model
