// Pass (codegen/): a role's automaton -> the C++ names of its header (RoleModel).
//
// Names come from the protocol's own words, never from state numbers, so that editing one
// branch of a protocol renames nothing generated for another:
//  - a state's class is `Start` (the initial state), `End`, `Loop<t>` for the state of a
//    `mu t.` (`Loop` alone for `mu loop.`; with the labels leading to it in front when two
//    loops of the role share `t`), and
//    `After<t><l1><l2>…` for any other: the labels of the steps from the nearest enclosing loop
//    `t` (from the start when there is none). Within a loop's body each state has one such
//    path, so these names are unique and depend on nothing beside the path;
//  - a method or branch is named after its label (`send_put`, `Found`), a connect or accept
//    without one after the peer (`connect_store`, `AcceptPainter`);
//  - the Handler's callbacks are `on_<label>` for a message received and `choose_<label>` or
//    `choose_<a>_or_<b>` where the role sends; states that receive the same message or make the
//    same choice share one callback.
// Where two names would clash they are told apart by the peer (`_to_<peer>`, `_from_<peer>`,
// `To<Peer>`), then by the state (`_at_after_t_resp`), then by position; such suffixes depend
// on the clashing names only. Keywords get a trailing underscore (names.h). Not done here:
// anything about the text of the header (role.cpp, handler.cpp).
#include <cassert>
#include <functional>
#include <map>
#include <optional>

#include "gtype/print.h"
#include "names.h"
#include "role_model.h"

namespace gtype::codegen {

namespace {

bool is_input(ActionKind kind) { return kind == ActionKind::kReceive || kind == ActionKind::kAccept; }

// Appends `suffix(i)` to every name that clashes with another whose suffix differs, then the
// position to those that still clash.
void make_unique(std::vector<std::string*> names, const std::function<std::string(std::size_t)>& suffix) {
  auto clashing = [&](std::size_t i, bool by_suffix) {
    for (std::size_t j = 0; j < names.size(); ++j) {
      if (j != i && *names[j] == *names[i] && (!by_suffix || suffix(j) != suffix(i))) return true;
    }
    return false;
  };
  std::vector<bool> clash(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) clash[i] = clashing(i, true);
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (clash[i]) *names[i] += suffix(i);
  }
  for (std::size_t i = 0; i < names.size(); ++i) clash[i] = clashing(i, false);
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (clash[i]) *names[i] += "_" + std::to_string(i);
  }
}

// What a step is called in names: its label; a connect, accept or disconnect without a
// message after its peer.
std::string token_of(const Step& step) {
  if (step.message) return step.message->label.text;
  switch (step.transition->kind) {
    case ActionKind::kConnect:
      return "connect_" + step.peer;
    case ActionKind::kAccept:
      return "accept_" + step.peer;
    default:
      return "disconnect_" + step.peer;
  }
}

std::string method_of(const Step& step) {
  switch (step.transition->kind) {
    case ActionKind::kSend:
      return "send_" + step.token;
    case ActionKind::kConnect:
      return step.message ? "connect_" + step.token : step.token;
    case ActionKind::kDisconnect:
      return step.token;
    default:
      return "";
  }
}

std::string branch_of(const Step& step) {
  if (step.message) return camel_case(step.token);
  const char* kind = step.transition->kind == ActionKind::kDisconnect ? "Disconnect"
                     : step.transition->kind == ActionKind::kConnect  ? "Connect"
                                                                      : "Accept";
  return kind + camel_case(step.peer);
}

class RoleNamer {
 public:
  RoleNamer(const ProtocolModel& model, std::size_t role) {
    out_.model = &model;
    out_.system = model.system;
    out_.machine = &model.system->machines[role];
    out_.role = role;
    out_.ns = "gtype_gen::" + model.ns + "::" + model.role_names[role];
  }

  RoleModel run() {
    build_steps();
    name_states();
    for (StateView& view : out_.states) {
      for (Step& step : view.steps) step.target = out_.states[step.transition->target].name;
    }
    name_callbacks();
    hide_names();
    return std::move(out_);
  }

 private:
  const Automaton& machine() const { return *out_.machine; }

  // ---------------------------------------------------------------------------- steps
  void build_steps() {
    const AutomatonSystem& system = *out_.system;
    std::size_t global = 0;
    for (std::uint32_t s = 0; s < machine().states.size(); ++s) {
      const AutomatonState& state = machine().states[s];
      StateView view;
      view.index = s;
      view.choice_owner = s;
      view.kind = state.out.empty()                  ? StateKind::kEnd
                  : is_input(state.out.front().kind) ? StateKind::kInput
                                                     : StateKind::kOutput;
      for (std::size_t t = 0; t < state.out.size(); ++t) {
        const Transition& transition = state.out[t];
        assert(is_input(transition.kind) == (view.kind == StateKind::kInput) &&
               "well-formed: a state's transitions all send or all receive");
        Step step;
        step.index = static_cast<std::uint16_t>(t);  // generate_code() limits transitions to 0xFFFE
        step.global = global++;
        step.transition = &transition;
        step.peer = system.roles[transition.peer];
        if (transition.message != kNoMessage) {
          step.message = &system.messages[static_cast<std::size_t>(transition.message)];
          step.payload = out_.model->payloads[static_cast<std::size_t>(transition.message)];
        }
        step.text = print_transition(system, transition);
        step.token = token_of(step);
        view.steps.push_back(std::move(step));
      }
      const bool input = view.kind == StateKind::kInput;
      std::vector<std::string*> tokens;
      for (Step& step : view.steps) tokens.push_back(&step.token);
      make_unique(tokens, [&](std::size_t i) { return (input ? "_from_" : "_to_") + view.steps[i].peer; });
      std::vector<std::string*> branches;
      for (Step& step : view.steps) {
        step.method = method_of(step);
        step.branch = branch_of(step);
        while (step.branch == "Branch" || step.branch == "Choice" || step.branch == "State" ||
               step.branch == "Live") {
          step.branch += "_";
        }
        branches.push_back(&step.branch);
      }
      // Distinct labels may still give one struct name (`list_brief`, `listBrief`).
      make_unique(branches, [](std::size_t) { return ""; });
      out_.states.push_back(std::move(view));
    }
  }

  // ---------------------------------------------------------------------------- states
  const std::string* loop_variable(std::uint32_t state) const {
    const LocalTypePtr& type = machine().states[state].type;
    return type && type->kind == LocalKind::kRec ? &type->variable : nullptr;
  }

  void name_states() {
    std::map<std::string, int> loops;  // variable -> how many loop states bind it
    for (std::uint32_t s = 0; s < machine().states.size(); ++s) {
      if (const std::string* variable = loop_variable(s)) ++loops[*variable];
    }
    // Depth first, in the order the local type lists the steps. A state other than a loop's
    // is reached first (and only, but for the end) from its parent in the local type; a loop's
    // from the place of its `mu`, before any `t` inside it.
    std::vector<std::optional<std::vector<std::string>>> path(machine().states.size());
    auto path_at = [&](std::uint32_t state, std::vector<std::string> from, const std::string& token) {
      const std::string* variable = loop_variable(state);
      if (variable == nullptr) {
        from.push_back(token);
        return from;
      }
      if (loops[*variable] == 1) return std::vector<std::string>{*variable};
      from.push_back(*variable);
      return from;
    };
    path[0] = path_at(0, {}, "");
    if (loop_variable(0) == nullptr) path[0]->clear();
    std::vector<std::uint32_t> stack{0};
    while (!stack.empty()) {
      const std::uint32_t s = stack.back();
      stack.pop_back();
      const StateView& view = out_.states[s];
      for (auto step = view.steps.rbegin(); step != view.steps.rend(); ++step) {
        const std::uint32_t t = step->transition->target;
        if (path[t] || machine().is_end(t)) continue;
        path[t] = path_at(t, *path[s], step->token);
        stack.push_back(t);
      }
    }
    std::set<std::string> branches;
    for (const StateView& view : out_.states) {
      for (const Step& step : view.steps) branches.insert(step.branch);
    }
    const std::set<std::string> reserved = {"Role",   "Handler", "Factory", "State", "Live",
                                            "Access", "Driver",  "Branch",  "Choice"};
    std::vector<std::string*> names;
    for (StateView& view : out_.states) {
      const std::uint32_t s = view.index;
      if (view.kind == StateKind::kEnd) {
        view.name = "End";
        continue;
      }
      std::string camel;
      for (const std::string& token : *path[s]) camel += camel_case(token);
      // A loop is `Loop<t>`, or just `<t>` when t already says so (`rec loop`: `Loop`).
      const bool loop = loop_variable(s) != nullptr;
      view.name = s == 0                                ? "Start"
                  : loop && camel.rfind("Loop", 0) == 0 ? camel
                                                        : (loop ? "Loop" : "After") + camel;
      // A state class may not share its name with a branch struct nested in a state class (the
      // struct would hide it there), nor with the header's other classes.
      while (branches.count(view.name) || reserved.count(view.name) || view.name == "End") view.name += "_";
      names.push_back(&view.name);
    }
    make_unique(names, [](std::size_t) { return ""; });
  }

  // ---------------------------------------------------------------------------- callbacks
  // Labels the role receives (input) or sends from more than one peer: their callbacks say which.
  std::set<std::string> shared_by_peers(bool input) const {
    std::map<std::string, std::set<std::string>> peers;
    for (const StateView& view : out_.states) {
      if ((view.kind == StateKind::kInput) != input) continue;
      for (const Step& step : view.steps) peers[token_of(step)].insert(step.peer);
    }
    std::set<std::string> shared;
    for (const auto& [token, by] : peers) {
      if (by.size() > 1) shared.insert(token);
    }
    return shared;
  }

  // What makes two states' callbacks of one name the same function.
  std::string signature(const StateView& view, const Step* step) const {
    if (step != nullptr) return joined(out_.types(*step), ",");
    if (view.steps.size() == 1) return out_.choice_type(view);
    std::string steps;
    for (const Step& s : view.steps) {
      steps += std::to_string(static_cast<int>(s.transition->kind)) + "/" + s.peer + "/" +
               std::to_string(s.transition->message) + ";";
    }
    return steps;
  }

  void name_callbacks() {
    const std::set<std::string> received_from_several = shared_by_peers(true);
    const std::set<std::string> sent_to_several = shared_by_peers(false);
    for (StateView& view : out_.states) {
      if (view.kind == StateKind::kInput) {
        for (Step& step : view.steps) {
          const std::string token = token_of(step);
          step.callback = "on_" + token + (received_from_several.count(token) ? "_from_" + step.peer : "");
        }
      } else if (view.kind == StateKind::kOutput) {
        if (view.steps.size() > 1) {
          std::vector<std::string> parts;
          for (const Step& step : view.steps) parts.push_back(step.token);
          view.callback = "choose_" + joined(parts, "_or_");
        } else if (!view.steps.front().payload.empty()) {
          const Step& step = view.steps.front();
          const std::string token = token_of(step);
          view.callback = "choose_" + token + (sent_to_several.count(token) ? "_to_" + step.peer : "");
        }
      }
    }
    // A choose_ name that would stand for two signatures (C++ cannot overload on the result)
    // gets the state: `choose_ids_at_after_t_resp`. on_ callbacks of different payloads are
    // overloads.
    std::map<std::string, std::set<std::string>> signatures;
    for (const StateView& view : out_.states) {
      if (!view.callback.empty()) signatures[view.callback].insert(signature(view, nullptr));
    }
    for (StateView& view : out_.states) {
      if (!view.callback.empty() && signatures[view.callback].size() > 1)
        view.callback += "_at_" + snake_case(view.name);
    }
    std::map<std::pair<std::string, std::string>, std::size_t> index;  // name, signature
    auto add = [&](const StateView& view, const std::string& name, const Step* step) {
      const auto key = std::make_pair(name, signature(view, step));
      auto [it, fresh] = index.emplace(key, out_.callbacks.size());
      if (fresh)
        out_.callbacks.push_back(
            Callback{name, step == nullptr, {}, step ? step : &view.steps.front(), &view});
      out_.callbacks[it->second].states.push_back(view.index);
      return it->second;
    };
    for (StateView& view : out_.states) {
      if (view.kind == StateKind::kInput) {
        for (const Step& step : view.steps) add(view, step.callback, &step);
      } else if (!view.callback.empty()) {
        const Callback& callback = out_.callbacks[add(view, view.callback, nullptr)];
        view.choice_owner = callback.states.front();
      }
    }
  }

  // ---------------------------------------------------------------------------- hidden
  // Names declared in the role's namespace and in its classes: a sort alias of the same name
  // would be hidden there, so such sorts are spelled in full.
  void hide_names() {
    out_.hidden = {"rt",        "detail",  "kSpec",    "Role",    "Handler",  "Factory",      "serve",
                   "State",     "Live",    "Access",   "Driver",  "Branch",   "Choice",       "value",
                   "next",      "receive", "consumed", "session", "take",     "drop",         "endpoint_",
                   "session_",  "name_",   "create",   "bind",    "start",    "start_served", "next_session",
                   "endpoint",  "address", "counters", "choose",  "received", "ended",        "failed",
                   "sessions_", "timeout", "End",      "Start",   "fail",     "SessionObject"};
    for (const StateView& view : out_.states) {
      out_.hidden.insert(view.name);
      if (!view.callback.empty()) out_.hidden.insert(view.callback);
      const bool has_branch_structs = view.kind == StateKind::kInput || view.steps.size() > 1;
      for (const Step& step : view.steps) {
        if (has_branch_structs) out_.hidden.insert(step.branch);
        if (!step.method.empty()) out_.hidden.insert(step.method);
        if (!step.callback.empty()) out_.hidden.insert(step.callback);
        for (const std::string& value : value_names(step)) out_.hidden.insert(value);
      }
    }
  }

  RoleModel out_;
};

}  // namespace

RoleModel model_role(const ProtocolModel& model, std::size_t role) { return RoleNamer(model, role).run(); }

namespace {

// `Found{value}`, `Put{value, next: AfterSessionPut}`: a branch struct and its members.
std::string branch_listing(const Step& step, bool input) {
  std::vector<std::string> members = value_names(step);
  if (input) members.push_back("next: " + step.target);
  return step.branch + "{" + joined(members, ", ") + "}";
}

}  // namespace

std::string role_names_listing(const ProtocolModel& model, std::size_t role_index) {
  const RoleModel role = model_role(model, role_index);
  std::string out = "// " + model.system->name + "/" + role.machine->role + ": " + role.ns + "\n";
  for (const StateView& view : role.states) {
    out += "state " + view.name + "\n";
    std::vector<std::string> branches;
    for (const Step& step : view.steps) {
      if (view.kind == StateKind::kOutput) {
        out += "  " + step.method + "(" + role.parameters(step) + ") -> " + step.target + "\n";
      }
      branches.push_back(branch_listing(step, view.kind == StateKind::kInput));
    }
    if (view.kind == StateKind::kInput) out += "  receive() -> " + joined(branches, " | ") + "\n";
    if (view.kind == StateKind::kOutput && view.steps.size() > 1) {
      out += "  Choice = " +
             (view.choice_owner == view.index ? joined(branches, " | ")
                                              : role.states[view.choice_owner].name + "::Choice") +
             "\n";
    }
  }
  out += "Handler\n";
  for (const Callback& callback : role.callbacks) {
    std::vector<std::string> states;
    for (std::uint32_t state : callback.states) states.push_back(role.states[state].name);
    const bool output = callback.choose;
    out += "  " + callback.name + "(" + (output ? "" : role.parameters(*callback.step)) + ")" +
           (output ? " -> " + role.choice_type(*callback.state) : "") + "  <- " + joined(states, ", ") + "\n";
  }
  return out;
}

}  // namespace gtype::codegen
