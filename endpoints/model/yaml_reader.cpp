// The YAML reader: yaml-cpp behind checks that report instead of throwing.
#include "yaml_reader.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <limits>
#include <map>
#include <sstream>
#include <tuple>

#include "c12s/model/quantity.h"
#include "c12s/model/quote.h"
#include "gtype/regular_file.h"

namespace c12s::model::yaml {
namespace {

constexpr std::size_t kMaxFileBytes = 16u << 20;  // far beyond any configuration or topology

// yaml-cpp's names for what a node holds, for "must be text, not a map".
const char* kind_of(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "text";
    default:
      return "empty";
  }
}

}  // namespace

gtype::SourceLocation Reader::place(const YAML::Mark& mark) const {
  if (mark.is_null() || mark.line < 0) return gtype::SourceLocation::whole(file_);
  return gtype::SourceLocation{file_, static_cast<std::uint32_t>(mark.line) + 1,
                               static_cast<std::uint32_t>(std::max(mark.column, 0)) + 1};
}

namespace {

// Counts documents, building nothing. yaml-cpp 0.7's LoadAll loops for ever, allocating, on
// some malformed text (`"a", "b"` at the top level yields one empty document after another):
// here at most `cap` are asked for. Also finds the first alias: nested aliases make a few KiB
// of text stand for millions of nodes, which the parsers would walk one by one.
class DocumentCounter final : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents == 2) second = mark;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    if (!alias) alias = mark;
  }
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
  }
  void OnMapEnd() override {}

  int documents = 0;
  YAML::Mark second = YAML::Mark::null_mark();
  std::optional<YAML::Mark> alias;
};

}  // namespace

std::optional<Entry> Reader::load() {
  const std::string& content = report_.sources.text(file_);
  YAML::Node document;
  DocumentCounter counter;
  try {
    std::istringstream in(content);
    YAML::Parser parser(in);
    while (counter.documents < 2 && parser.HandleNextDocument(counter)) {
    }
    document = YAML::Load(content);
  } catch (const YAML::Exception& e) {
    error(place(e.mark), "invalid YAML: " + e.msg);
    return std::nullopt;
  }
  if (counter.documents > 1) {
    error(place(counter.second), "the file holds more than one YAML document; expected one");
    return std::nullopt;
  }
  if (counter.alias) {
    error(place(*counter.alias), "YAML aliases (*name) are not taken here; write the value out");
    return std::nullopt;
  }
  Entry entry;
  entry.value = document;
  return entry;
}

gtype::SourceLocation Reader::key_place(const Entry& entry) const {
  const gtype::SourceLocation at = place(entry.key_node.Mark());
  return at.valid() ? at : gtype::SourceLocation{file_, 1, 1};
}

gtype::SourceLocation Reader::value_place(const Entry& entry) const {
  const gtype::SourceLocation at = place(entry.value.Mark());
  return entry.value.IsNull() || !at.valid() ? key_place(entry) : at;
}

gtype::Diagnostic& Reader::error(gtype::SourceLocation at, std::string message) {
  report_.errors.push_back(gtype::Diagnostic{at, std::move(message), {}});
  return report_.errors.back();
}

std::optional<std::vector<Entry>> Reader::map(const Entry& entry, std::string_view what,
                                              std::string_view expected) {
  if (!entry.value.IsMap()) {
    if (entry.value.IsNull()) {
      error(value_place(entry), std::string(what) + " is empty; expected " + std::string(expected));
    } else {
      error(value_place(entry),
            std::string(what) + " must be " + std::string(expected) + ", not " + kind_of(entry.value));
    }
    return std::nullopt;
  }
  std::vector<Entry> entries;
  std::map<std::string, gtype::SourceLocation> first_place;  // membership only; output follows the file
  for (auto it = entry.value.begin(); it != entry.value.end(); ++it) {
    if (!it->first.IsScalar()) {
      error(place(it->first.Mark()),
            "a key of " + std::string(what) + " must be text, not " + kind_of(it->first));
      continue;
    }
    Entry child{it->first.Scalar(), it->first, it->second};
    const auto [first, inserted] = first_place.emplace(child.key, key_place(child));
    if (!inserted) {
      error(key_place(child), "duplicate key " + quote(child.key) + " in " + std::string(what))
          .notes.push_back({first->second, quote(child.key) + " first given here"});
      continue;
    }
    entries.push_back(std::move(child));
  }
  return entries;
}

void Reader::reject_unknown(const std::vector<Entry>& entries, std::string_view what,
                            std::initializer_list<std::string_view> allowed) {
  for (const Entry& entry : entries) {
    if (std::find(allowed.begin(), allowed.end(), entry.key) != allowed.end()) continue;
    std::string list;
    for (std::string_view key : allowed) list += (list.empty() ? "" : ", ") + quote(key);
    error(key_place(entry), "unknown key " + quote(entry.key) + " in " + std::string(what))
        .notes.push_back({gtype::SourceLocation{}, "the keys of " + std::string(what) + " are " + list});
  }
}

const Entry* Reader::find(const std::vector<Entry>& entries, std::string_view key) {
  for (const Entry& entry : entries) {
    if (entry.key == key) return &entry;
  }
  return nullptr;
}

const Entry* Reader::require(const std::vector<Entry>& entries, const Entry& owner, std::string_view what,
                             std::string_view key) {
  const Entry* found = find(entries, key);
  if (found == nullptr) error(key_place(owner), std::string(what) + " has no " + quote(key));
  return found;
}

std::optional<std::string> Reader::text(const Entry& entry) {
  if (entry.value.IsNull()) {
    error(value_place(entry), quote(entry.key) + " has no value");
    return std::nullopt;
  }
  if (!entry.value.IsScalar()) {
    error(value_place(entry), quote(entry.key) + " must be text, not " + kind_of(entry.value));
    return std::nullopt;
  }
  if (entry.value.Scalar().empty()) {
    error(value_place(entry), quote(entry.key) + " is empty");
    return std::nullopt;
  }
  return entry.value.Scalar();
}

std::optional<std::string> Reader::name(const Entry& entry) {
  std::optional<std::string> value = text(entry);
  if (value && !is_name(*value)) {
    error(value_place(entry),
          quote(entry.key) + " must be a name of " + std::string(kNameRule) + ", not " + quote(*value));
    return std::nullopt;
  }
  return value;
}

std::optional<std::uint64_t> Reader::count(const Entry& entry, std::uint64_t at_least) {
  const std::optional<std::string> value = text(entry);
  if (!value) return std::nullopt;
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t number = 0;
  bool good = true;
  for (char c : *value) {
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (c < '0' || c > '9' || number > (kMax - digit) / 10) {
      good = false;
      break;
    }
    number = number * 10 + digit;
  }
  if (!good || number < at_least) {
    error(value_place(entry), quote(entry.key) + " must be a whole number of at least " +
                                  std::to_string(at_least) + ", not " + quote(*value));
    return std::nullopt;
  }
  return number;
}

std::optional<std::chrono::milliseconds> Reader::duration(const Entry& entry) {
  const std::optional<std::string> value = text(entry);
  if (!value) return std::nullopt;
  const std::optional<std::chrono::milliseconds> parsed = parse_duration(*value);
  if (!parsed || parsed->count() == 0) {
    error(value_place(entry), quote(entry.key) + " must be a duration longer than zero, such as 30s, 1m or " +
                                  "1h30m, not " + quote(*value));
    return std::nullopt;
  }
  return parsed;
}

std::optional<Labels> Reader::labels(const Entry& entry, std::string_view what) {
  const std::optional<std::vector<Entry>> entries = map(entry, what, "a map of labels");
  if (!entries) return std::nullopt;
  Labels labels;
  for (const Entry& label : *entries) {
    bool good = true;
    if (!is_label_token(label.key)) {
      error(key_place(label), "label key " + quote(label.key) + " in " + std::string(what) +
                                  " may only hold " + std::string(kLabelTokenRule));
      good = false;
    }
    if (label.value.IsNull()) {
      error(key_place(label), "label " + quote(label.key) + " in " + std::string(what) + " has no value");
      good = false;
    } else if (!label.value.IsScalar()) {
      error(value_place(label), "label " + quote(label.key) + " in " + std::string(what) +
                                    " must be text, not " + kind_of(label.value));
      good = false;
    } else if (label.value.Scalar().empty()) {
      error(value_place(label), "label " + quote(label.key) + " in " + std::string(what) + " is empty");
      good = false;
    } else if (!is_label_token(label.value.Scalar())) {
      error(value_place(label), "value " + quote(label.value.Scalar()) + " of label " + quote(label.key) +
                                    " in " + std::string(what) + " may only hold " +
                                    std::string(kLabelTokenRule));
      good = false;
    }
    if (good) labels.emplace(label.key, label.value.Scalar());
  }
  return labels;
}

Status Reader::finish() {
  std::vector<gtype::Diagnostic>& errors = report_.errors;
  std::stable_sort(errors.begin(), errors.end(), [](const gtype::Diagnostic& a, const gtype::Diagnostic& b) {
    return std::tie(a.location.line, a.location.column) < std::tie(b.location.line, b.location.column);
  });
  return Status::invalid_input(std::move(report_));
}

Result<std::string> read_file(const std::string& path) {
  std::string content;
  const char* why = nullptr;
  switch (gtype::read_regular_file(path, kMaxFileBytes, content)) {
    case gtype::FileReadError::kNone:
      return content;
    case gtype::FileReadError::kMissing:
      why = "no such file";
      break;
    case gtype::FileReadError::kDirectory:
      why = "it is a directory";
      break;
    case gtype::FileReadError::kNotRegular:
      why = "it is not a regular file";
      break;
    case gtype::FileReadError::kTooLarge:
      why = "it is larger than 16 MiB";
      break;
    case gtype::FileReadError::kUnreadable:
      why = "it cannot be read";
      break;
  }
  gtype::DiagnosticReport report;
  const std::uint32_t file = report.sources.add(path, std::string());
  report.errors.push_back(
      {gtype::SourceLocation::whole(file), std::string("cannot read the file: ") + why, {}});
  return Status::invalid_input(std::move(report));
}

}  // namespace c12s::model::yaml
