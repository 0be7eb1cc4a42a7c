// The spelling rules of labels.h, in ASCII only: a rule that depended on the locale would
// accept a label on one machine and reject it on another.
#include "c12s/model/labels.h"

namespace c12s::model {
namespace {

bool is_ascii_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

}  // namespace

bool is_label_token(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!is_ascii_alnum(c) && c != '.' && c != '_' && c != '-' && c != '/') return false;
  }
  return true;
}

bool is_name(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!is_ascii_alnum(c) && c != '_' && c != '-') return false;
  }
  return true;
}

}  // namespace c12s::model
