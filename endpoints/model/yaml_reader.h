// Reading the control plane's YAML files into plain structs, reporting every mistake.
// Private to c12s_model: the parsers of topology.h, daemon_config.h and queue_config.h.
//
// yaml-cpp throws on a syntax error and when a node is read as the wrong type. The reader
// catches the first (yaml-cpp stops at it, so a syntax error is the file's only diagnostic)
// and never provokes the second: it checks a node's type before converting it. Every check
// reports into the reader and hands back what it could read, so the parser goes on and one
// run finds every error of a file that parses. Places are gtype::SourceLocations in the text the
// reader registers in its report: yaml-cpp's 0-based marks plus one (columns in bytes).
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "c12s/model/labels.h"
#include "c12s/model/result.h"
#include "gtype/diagnostic.h"
#include "gtype/source.h"

namespace c12s::model::yaml {

// One `key: value` of a map, or the whole document (key empty, key_node undefined).
struct Entry {
  std::string key;
  YAML::Node key_node;
  YAML::Node value;
};

class Reader {
 public:
  // Reads `text`, which diagnostics name `file`.
  Reader(std::string_view file, std::string_view text)
      : file_(report_.sources.add(std::string(file), std::string(text))) {}

  // The document of the text as an Entry; nothing (reported) if it is not valid YAML or holds
  // more than one document. An empty text gives a document whose value is null.
  std::optional<Entry> load();

  // Where the entry's key is (the start of the file for the document).
  gtype::SourceLocation key_place(const Entry& entry) const;
  // Where its value is; its key's place for an empty value, which yaml-cpp marks at the next
  // token, often on another line.
  gtype::SourceLocation value_place(const Entry& entry) const;

  gtype::Diagnostic& error(gtype::SourceLocation at, std::string message);

  // The entries of the entry's value, a map, in file order. Keys that are not plain text and
  // second uses of a key are reported and left out. If the value is not a map, reports
  // "WHAT must be EXPECTED" (or "WHAT is empty; expected EXPECTED") and gives nothing. `what`
  // is how messages name the value: "'payload'", "region 'eu'", "the file".
  std::optional<std::vector<Entry>> map(const Entry& entry, std::string_view what, std::string_view expected);

  // Reports each entry whose key is not allowed, with a note listing the allowed keys.
  void reject_unknown(const std::vector<Entry>& entries, std::string_view what,
                      std::initializer_list<std::string_view> allowed);

  static const Entry* find(const std::vector<Entry>& entries, std::string_view key);
  // find(), reporting "WHAT has no 'KEY'" at the owner's key when the key is missing.
  const Entry* require(const std::vector<Entry>& entries, const Entry& owner, std::string_view what,
                       std::string_view key);

  // The value as non-empty text. Reports an empty value, a map or a list.
  std::optional<std::string> text(const Entry& entry);
  // text() that also is a name (labels.h).
  std::optional<std::string> name(const Entry& entry);
  // text() that is a whole number >= at_least, written in decimal digits.
  std::optional<std::uint64_t> count(const Entry& entry, std::uint64_t at_least);
  // text() that is a duration (quantity.h) longer than zero.
  std::optional<std::chrono::milliseconds> duration(const Entry& entry);
  // The value as a map of labels (labels.h), empty allowed; `what` names the owner in messages.
  std::optional<Labels> labels(const Entry& entry, std::string_view what);

  // The failure: the errors so far, sorted by place (stable: errors at one place keep their
  // order), with the text they point into. Only once, and only if has_errors().
  Status finish();
  bool has_errors() const { return !report_.errors.empty(); }

 private:
  gtype::SourceLocation place(const YAML::Mark& mark) const;

  gtype::DiagnosticReport report_;  // declared before file_, which the constructor registers in it
  std::uint32_t file_;
};

// The content of the file at `path`, or invalid input with a diagnostic naming the file if it
// cannot be read.
Result<std::string> read_file(const std::string& path);

// A whole parse: read the file and give its text to parse(text, path).
template <typename T, typename Parse>
Result<T> load_file(const std::string& path, Parse parse) {
  Result<std::string> text = read_file(path);
  if (!text) return std::move(text).error();
  return parse(*text, path);
}

}  // namespace c12s::model::yaml
