// How a role's steps are spelled in C++ (codegen/, internal): payload types, parameter lists,
// packed payloads. See role_model.h.
#include "role_model.h"

#include "gtype/print.h"
#include "names.h"

namespace gtype::codegen {

namespace {

std::string value_name(std::size_t i, std::size_t count) {
  return count == 1 ? "value" : "value" + std::to_string(i);
}

}  // namespace

std::string joined(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += separator;
    out += parts[i];
  }
  return out;
}

// The payload's own names where the message has them (`m(x: int)` gives `x`; the contract:
// "the field name in generated code"), made C++ names apart from each other and from what the
// generated code uses beside them (`session_2`, `x_2`); value, value0, ... elsewhere.
std::vector<std::string> value_names(const Step& step) {
  const std::size_t count = step.payload.size();
  // Beside the values: an input branch's `next`, the members of the state classes
  // (gtype/gen/support.h: endpoint_, session_, name_) and of End.
  std::set<std::string> taken = {"session", "next", "endpoint_", "session_", "name_"};
  std::vector<std::string> out;
  for (std::size_t v = 0; v < count; ++v) taken.insert(value_name(v, count));
  for (std::size_t v = 0; v < count; ++v) {
    const bool named = step.message != nullptr && v < step.message->payload_names.size() &&
                       !step.message->payload_names[v].empty();
    if (!named) {
      out.push_back(value_name(v, count));
      continue;
    }
    taken.erase(value_name(v, count));
    const std::string base = escape(step.message->payload_names[v]);  // keywords: `delete_`
    std::string name = base;
    for (int n = 2; taken.count(name); ++n) name = base + "_" + std::to_string(n);
    out.push_back(name);
    taken.insert(name);
  }
  return out;
}

std::vector<std::string> RoleModel::types(const Step& step) const {
  std::vector<std::string> out;
  for (const CppSort& sort : step.payload) out.push_back(type(sort));
  return out;
}

std::string RoleModel::parameters(const Step& step) const {
  std::vector<std::string> out;
  const std::vector<std::string> spelled = types(step);
  const std::vector<std::string> names = value_names(step);
  for (std::size_t v = 0; v < spelled.size(); ++v) out.push_back("const " + spelled[v] + "& " + names[v]);
  return joined(out, ", ");
}

std::string RoleModel::arguments(const Step& step, const std::string& prefix) const {
  std::vector<std::string> out;
  for (const std::string& value : value_names(step)) out.push_back(prefix + value);
  return joined(out, ", ");
}

std::string RoleModel::packed(const Step& step, const std::string& prefix) const {
  if (!step.message) return "std::string()";
  return "gtype::gen::pack_payload(" + arguments(step, prefix) + ")";
}

std::string RoleModel::choice_type(const StateView& view) const {
  if (view.steps.size() > 1) return states[view.choice_owner].name + "::Choice";
  const std::vector<std::string> spelled = types(view.steps.front());
  return spelled.size() == 1 ? spelled.front() : "std::tuple<" + joined(spelled, ", ") + ">";
}

std::string RoleModel::local_type(const StateView& view) const {
  return print_local_type(*machine->states[view.index].type);
}

}  // namespace gtype::codegen
