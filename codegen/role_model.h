// One role as the emitters of its header see it (codegen/, internal): its states and
// transitions with the C++ names they get, and the session object's callbacks.
//
// role_names.cpp builds it (the naming pass); role.cpp writes the state classes and Role from
// it, handler.cpp the session object (Handler) and its driver. Everything here is read off the
// role's automaton, the one `gtype verify` explores.
#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "gtype/automaton.h"
#include "model.h"

namespace gtype::codegen {

enum class StateKind { kEnd, kOutput, kInput };

// One transition of one state, with the names the generated code gives it.
struct Step {
  std::uint16_t index = 0;  // among its state's transitions
  std::size_t global = 0;   // in the transition table
  const Transition* transition = nullptr;
  std::string peer;
  const Message* message = nullptr;  // null: connect or accept without a message, disconnect
  std::vector<CppSort> payload;
  std::string text;      // the action as a local type writes it: state!!active(NodeStatus)
  std::string token;     // the step in state and callback names: its label (or connect_q …)
  std::string method;    // output: the state's method
  std::string branch;    // the state's nested struct for this branch
  std::string callback;  // input: the Handler's on_ callback
  std::string target;    // the class of the state reached
};

struct StateView {
  std::uint32_t index = 0;
  std::string name;  // its class: Start, End, Loop<var>, After<labels since the loop>
  StateKind kind = StateKind::kEnd;
  std::vector<Step> steps;
  std::string callback;  // output: the Handler's choose_ callback; empty when it needs none
  // Output with several steps: the state whose Choice and branch structs this one's are (the
  // first state, in number order, with the same callback); its own index otherwise.
  std::uint32_t choice_owner = 0;
};

// A virtual function of the Handler: one per name and signature, shared by every state that
// asks the same thing (the same message received, the same choice to make).
struct Callback {
  std::string name;
  bool choose = false;                // a choose_ callback (else on_)
  std::vector<std::uint32_t> states;  // the states that call it, in number order
  const Step* step = nullptr;         // input: the message it takes; output: the first step
  const StateView* state = nullptr;   // the first of `states`
};

struct RoleModel {
  const ProtocolModel* model = nullptr;
  const AutomatonSystem* system = nullptr;
  const Automaton* machine = nullptr;
  std::size_t role = 0;
  std::string ns;  // gtype_gen::<protocol>::<role>
  std::vector<StateView> states;
  std::vector<Callback> callbacks;  // in order of their first state, then step
  // Names declared in the role's namespace and classes: sorts of these names are spelled in full.
  std::set<std::string> hidden;

  const StateView& initial() const { return states.front(); }
  std::string type(const CppSort& sort) const { return model->spell_in(sort, hidden); }
  std::vector<std::string> types(const Step& step) const;
  // `const A& value0, const B& value1`
  std::string parameters(const Step& step) const;
  // `prefix` + each value's name, separated by commas.
  std::string arguments(const Step& step, const std::string& prefix) const;
  // The payload of an output step packed for the wire, its values named with `prefix`.
  std::string packed(const Step& step, const std::string& prefix) const;
  // What a choose_ callback returns (inside gtype::Result<>): the Choice of its state, or the
  // payload of its single step (a std::tuple for several values).
  std::string choice_type(const StateView& view) const;
  std::string local_type(const StateView& view) const;
};

// The names of a step's payload values: the payload's own names where the message has them,
// else value, value0, value1 …
std::vector<std::string> value_names(const Step& step);

std::string joined(const std::vector<std::string>& parts, const std::string& separator);

// The naming pass (role_names.cpp).
RoleModel model_role(const ProtocolModel& model, std::size_t role);

// The emitters: the Handler and its driver (handler.cpp), the whole header (role.cpp).
std::string handler_section(const RoleModel& role);

}  // namespace gtype::codegen
