// One role's header (codegen/): <protocol>/<role>.h.
//
// Everything in it is read off the role's automaton (include/gtype/automaton.h), the one
// `gtype verify` explores: the RoleSpec tables the runtime runs and monitors; one class per
// state (S0…, End) whose methods are exactly the state's actions, each consuming its state
// (`&&`) and returning the next; a Handler interface and its SessionDriver for the
// event-driven API; and a Role class that owns the endpoint. Names come from labels and peers,
// made unique where two would clash; each state carries its local type as a comment. This file
// writes text only: what the runtime does with it is the runtime's business.
#include <cassert>
#include <cstdint>
#include <functional>
#include <map>
#include <sstream>

#include "gtype/print.h"
#include "model.h"
#include "names.h"

namespace gtype::codegen {

namespace {

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
  std::string method;    // output: the state's method
  std::string branch;    // the state's nested struct for this branch
  std::string callback;  // input: the Handler's on_ callback
  std::string part;      // output: this branch in the name of the Handler's choose_ callback
  std::string target;    // the class of the state reached
};

struct StateView {
  std::uint32_t index = 0;
  std::string name;
  StateKind kind = StateKind::kEnd;
  std::vector<Step> steps;
  std::string callback;  // output: the Handler's choose_ callback; empty when it needs none
};

const char* action_name(ActionKind kind) {
  switch (kind) {
    case ActionKind::kSend:
      return "kSend";
    case ActionKind::kReceive:
      return "kReceive";
    case ActionKind::kConnect:
      return "kConnect";
    case ActionKind::kAccept:
      return "kAccept";
    case ActionKind::kDisconnect:
      return "kDisconnect";
  }
  return "";
}

bool is_input(ActionKind kind) { return kind == ActionKind::kReceive || kind == ActionKind::kAccept; }

// Appends `suffix(i)` to every name that clashes with another whose suffix differs, then the
// position to those that still clash.
void make_unique(std::vector<std::string*> names, const std::function<std::string(std::size_t)>& suffix) {
  auto clashing = [&](std::size_t i) {
    for (std::size_t j = 0; j < names.size(); ++j) {
      if (j != i && *names[j] == *names[i]) return true;
    }
    return false;
  };
  std::vector<bool> clash(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    clash[i] = false;
    for (std::size_t j = 0; j < names.size(); ++j) {
      if (j != i && *names[j] == *names[i] && suffix(j) != suffix(i)) clash[i] = true;
    }
  }
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (clash[i]) *names[i] += suffix(i);
  }
  for (std::size_t i = 0; i < names.size(); ++i) clash[i] = clashing(i);
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (clash[i]) *names[i] += "_" + std::to_string(i);
  }
}

bool is_state_class_name(const std::string& name) {
  if (name == "End") return true;
  if (name.size() < 2 || name[0] != 'S') return false;
  return name.find_first_not_of("0123456789", 1) == std::string::npos;
}

std::string value_name(std::size_t i, std::size_t count) {
  return count == 1 ? "value" : "value" + std::to_string(i);
}

// The names of a step's payload values: the payload's own names where the message has them
// (`m(x: int)` gives `x`; the contract: "the field name in generated code"), made C++ names
// apart from each other and from what the generated code uses beside them (`session_2`, `x_2`);
// value, value0, ... elsewhere.
std::vector<std::string> value_names(const Step& step) {
  const std::size_t count = step.payload.size();
  // Beside the values: a callback's `session`, an input branch's `next`, the members of the
  // state classes (gtype/gen/support.h: endpoint_, session_, state_) and of End.
  std::set<std::string> taken = {"session", "next", "endpoint_", "session_", "state_"};
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

std::string joined(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? separator : "") + parts[i];
  return out;
}

class RoleWriter {
 public:
  RoleWriter(const ProtocolModel& model, std::size_t role)
      : model_(model), system_(*model.system), machine_(system_.machines[role]), role_(role) {
    ns_ = "gtype_gen::" + model.ns + "::" + model.role_names[role];
    build();
  }

  std::string write() {
    banner();
    tables();
    classes();
    definitions();
    handler();
    role();
    out_ << "}  // namespace " << ns_ << "\n";
    return out_.str();
  }

 private:
  // ---------------------------------------------------------------------------- names
  void build() {
    std::size_t global = 0;
    for (std::uint32_t s = 0; s < machine_.states.size(); ++s) {
      const AutomatonState& state = machine_.states[s];
      StateView view;
      view.index = s;
      if (state.out.empty()) {
        view.kind = StateKind::kEnd;
        view.name = "End";
      } else {
        view.kind = is_input(state.out.front().kind) ? StateKind::kInput : StateKind::kOutput;
        view.name = "S" + std::to_string(s);
      }
      for (std::uint16_t t = 0; t < state.out.size(); ++t) {
        const Transition& transition = state.out[t];
        assert(is_input(transition.kind) == (view.kind == StateKind::kInput) &&
               "well-formed: a state's transitions all send or all receive");
        Step step;
        step.index = t;
        step.global = global++;
        step.transition = &transition;
        step.peer = system_.roles[transition.peer];
        if (transition.message != kNoMessage) {
          step.message = &system_.messages[static_cast<std::size_t>(transition.message)];
          step.payload = model_.payloads[static_cast<std::size_t>(transition.message)];
        }
        step.text = print_transition(system_, transition);
        const std::string label = step.message ? step.message->label.text : "";
        switch (transition.kind) {
          case ActionKind::kSend:
            step.method = "send_" + label;
            step.part = label;
            break;
          case ActionKind::kConnect:
            step.method = step.message ? "connect_" + label : "connect_" + step.peer;
            step.part = step.message ? label : "connect_" + step.peer;
            break;
          case ActionKind::kDisconnect:
            step.method = "disconnect_" + step.peer;
            step.part = "disconnect_" + step.peer;
            break;
          case ActionKind::kReceive:
          case ActionKind::kAccept:
            step.callback = step.message ? "on_" + label : "on_accept_" + step.peer;
            break;
        }
        if (step.message) {
          step.branch = camel_case(label);
        } else {
          step.branch = std::string(transition.kind == ActionKind::kDisconnect ? "Disconnect"
                                    : transition.kind == ActionKind::kConnect  ? "Connect"
                                                                               : "Accept") +
                        camel_case(step.peer);
        }
        while (step.branch == "Branch" || step.branch == "Choice" || step.branch == "State" ||
               step.branch == "Live" || is_state_class_name(step.branch)) {
          step.branch += "_";
        }
        view.steps.push_back(std::move(step));
      }
      states_.push_back(std::move(view));
    }
    for (StateView& view : states_) {
      for (Step& step : view.steps) step.target = states_[step.transition->target].name;
      std::vector<std::string*> methods, branches;
      for (Step& step : view.steps) {
        branches.push_back(&step.branch);
        if (view.kind == StateKind::kOutput) methods.push_back(&step.method);
      }
      make_unique(methods, [&](std::size_t i) { return "_to_" + view.steps[i].peer; });
      make_unique(branches, [&](std::size_t i) {
        return (view.kind == StateKind::kInput ? "From" : "To") + camel_case(view.steps[i].peer);
      });
      if (view.kind == StateKind::kOutput) {
        const bool needs_callback = view.steps.size() > 1 || !view.steps.front().payload.empty();
        if (needs_callback) {
          std::vector<std::string> parts;
          for (const Step& step : view.steps) parts.push_back(step.part);
          view.callback = "choose_" + joined(parts, "_or_");
        }
      }
    }
    // Handler callbacks are members of one class: names unique across states.
    std::vector<std::string*> callbacks;
    std::vector<std::uint32_t> callback_state;
    for (StateView& view : states_) {
      if (!view.callback.empty()) {
        callbacks.push_back(&view.callback);
        callback_state.push_back(view.index);
      }
      for (Step& step : view.steps) {
        if (!step.callback.empty()) {
          callbacks.push_back(&step.callback);
          callback_state.push_back(view.index);
        }
      }
    }
    make_unique(callbacks, [&](std::size_t i) { return "_at_s" + std::to_string(callback_state[i]); });

    // Names declared in the role's namespace and in its classes: a sort alias of the same
    // name would be hidden there, so such sorts are spelled in full.
    hidden_ = {"rt",      "detail",   "kSpec",   "Role",     "Handler",      "serve",        "State",
               "Live",    "Access",   "Driver",  "Branch",   "Choice",       "value",        "next",
               "receive", "consumed", "session", "take",     "drop",         "endpoint_",    "session_",
               "state_",  "create",   "bind",    "start",    "start_served", "next_session", "endpoint",
               "address", "counters", "choose",  "received", "ended",        "failed",       "handler_",
               "timeout", "End"};
    for (const StateView& view : states_) {
      hidden_.insert(view.name);
      if (!view.callback.empty()) hidden_.insert(view.callback);
      const bool has_branch_structs = view.kind == StateKind::kInput || view.steps.size() > 1;
      for (const Step& step : view.steps) {
        if (has_branch_structs) hidden_.insert(step.branch);
        if (!step.method.empty()) hidden_.insert(step.method);
        if (!step.callback.empty()) hidden_.insert(step.callback);
        for (const std::string& value : value_names(step)) hidden_.insert(value);
      }
    }
  }

  std::string type(const CppSort& sort) const { return model_.spell_in(sort, hidden_); }

  std::vector<std::string> types(const Step& step) const {
    std::vector<std::string> out;
    for (const CppSort& sort : step.payload) out.push_back(type(sort));
    return out;
  }

  // `const A& value0, const B& value1`
  std::string parameters(const Step& step) const {
    std::vector<std::string> out;
    const std::vector<std::string> spelled = types(step);
    const std::vector<std::string> names = value_names(step);
    for (std::size_t v = 0; v < spelled.size(); ++v) out.push_back("const " + spelled[v] + "& " + names[v]);
    return joined(out, ", ");
  }

  std::string arguments(const Step& step, const std::string& prefix) const {
    std::vector<std::string> out;
    for (const std::string& value : value_names(step)) out.push_back(prefix + value);
    return joined(out, ", ");
  }

  // The payload of an output step packed for the wire, its values named with `prefix`.
  std::string packed(const Step& step, const std::string& prefix) const {
    if (!step.message) return "std::string()";
    return "gtype::gen::pack_payload(" + arguments(step, prefix) + ")";
  }

  std::string local_type(const StateView& view) const {
    return print_local_type(*machine_.states[view.index].type);
  }

  const StateView& initial() const { return states_.front(); }

  // ---------------------------------------------------------------------------- sections
  void banner() {
    const std::string& role = machine_.role;
    out_ << "// Generated by `gtype gen` from " << model_.source_name << ": role " << role << " of "
         << system_.name << ". Do not edit.\n//\n"
         << comment(role + ": " + print_local_type(*machine_.states.front().type), "") << "//\n";
    if (initial().kind == StateKind::kEnd) {
      out_ << "// This role does nothing in " << system_.name << ": it has no session to start or join.\n";
    } else {
      out_ << "// One automaton (kSpec, the one `gtype verify` explores), two APIs over it:\n"
           << "// - state channels: Role::"
           << (initial().kind == StateKind::kOutput ? "start()" : "next_session()")
           << " gives a session in S0. Each state class has exactly the\n"
           << "//   actions its state allows, called on an rvalue (std::move(s).send_x(...)): an action "
              "consumes\n"
           << "//   its state and returns the next one or an rt::Error; receive() returns the branch the "
              "peer\n"
           << "//   took, with its payload and next state. Using a consumed state returns kConsumedState;\n"
           << "//   destroying a state before End abandons the session and says so on standard error.\n"
           << "// - event-driven: implement Handler (a callback per message received, one per point where\n"
           << "//   this role sends) and call Role::serve(handler, stop): one thread, many sessions.\n";
    }
    out_ << "#pragma once\n\n";
    for (const char* header : {"<array>", "<atomic>", "<chrono>", "<cstdint>", "<cstdio>", "<memory>",
                               "<optional>", "<string>", "<tuple>", "<utility>", "<variant>"}) {
      out_ << "#include " << header << "\n";
    }
    out_ << "\n#include <gtype/gen/support.h>\n#include <gtype/rt/directory.h>\n#include "
            "<gtype/rt/endpoint.h>\n"
         << "#include <gtype/rt/result.h>\n#include <gtype/rt/role_spec.h>\n#include "
            "<gtype/rt/transport.h>\n\n"
         << "#include \"types.h\"\n\n"
         << "namespace " << ns_ << " {\n\n"
         << "namespace rt = ::gtype::rt;\n\n";
  }

  void tables() {
    const std::string protocol = "::gtype_gen::" + model_.ns + "::detail::";
    out_
        << "// ---------------------------------------------------------------------------- the automaton\n\n"
        << "namespace detail {\n\n"
        << "inline constexpr std::array<rt::StateSpec, " << states_.size() << "> kStates{{\n";
    std::size_t first = 0;
    for (const StateView& view : states_) {
      out_ << "    {" << first << ", " << view.steps.size() << "},  // " << view.name << "\n";
      first += view.steps.size();
    }
    out_ << "}};\n\n";
    out_ << "inline constexpr std::array<rt::TransitionSpec, " << first << "> kTransitions{";
    if (first == 0) {
      out_ << "};\n\n";
    } else {
      out_ << "{\n";
      for (const StateView& view : states_) {
        for (const Step& step : view.steps) {
          const Transition& t = *step.transition;
          out_ << "    {rt::Action::" << action_name(t.kind) << ", " << t.peer << ", "
               << (t.message == kNoMessage ? std::string("rt::kNoMessageIndex") : std::to_string(t.message))
               << ", " << t.target << "},  // " << view.name << ": " << step.text << " -> " << step.target
               << "\n";
        }
      }
      out_ << "}};\n\n";
    }
    out_ << "}  // namespace detail\n\n"
         << "// Role " << machine_.role << " of " << system_.name
         << " for the runtime, which carries out and monitors\n"
         << "// exactly these transitions.\n"
         << "inline constexpr rt::RoleSpec kSpec{\n"
         << "    .protocol = " << protocol << "kProtocol,\n"
         << "    .explicit_connections = " << (system_.explicit_connections ? "true" : "false") << ",\n"
         << "    .self = " << role_ << ",\n"
         << "    .roles = " << protocol << "kRoles.data(),\n"
         << "    .role_count = " << system_.roles.size() << ",\n"
         << "    .messages = " << protocol << "kMessages.data(),\n"
         << "    .message_count = " << system_.messages.size() << ",\n"
         << "    .states = detail::kStates.data(),\n"
         << "    .state_count = " << states_.size() << ",\n"
         << "    .transitions = detail::kTransitions.data(),\n"
         << "    .transition_count = " << first << ",\n"
         << "};\n\n";
  }

  void classes() {
    out_ << "// ---------------------------------------------------------------------------- states\n\n";
    for (const StateView& view : states_) out_ << "class " << view.name << ";\n";
    out_ << "class Handler;\n\nnamespace detail {\nstruct Access;\n}  // namespace detail\n\n";
    for (const StateView& view : states_) {
      out_ << comment(view.name + ": " + local_type(view), "");
      if (view.kind == StateKind::kEnd) {
        out_ << "// The role has done its part of the session.\n"
             << "class End {\n public:\n"
             << "  rt::SessionId session() const { return session_; }\n\n"
             << " private:\n  friend struct detail::Access;\n"
             << "  End(rt::Endpoint*, rt::SessionId session) : session_(session) {}\n"
             << "  rt::SessionId session_;\n};\n\n";
        continue;
      }
      out_ << "class " << view.name << " : public gtype::gen::State {\n public:\n";
      if (view.kind == StateKind::kOutput) {
        for (const Step& step : view.steps) {
          out_ << "  // " << step.text << "\n"
               << "  [[nodiscard]] rt::Result<" << step.target << "> " << step.method << "("
               << parameters(step) << ") &&;\n";
        }
        if (view.steps.size() > 1) {
          out_ << "\n  // The branches, as Handler::" << view.callback << " picks one.\n";
          for (const Step& step : view.steps) out_ << "  struct " << step.branch << ";\n";
          out_ << "  using Choice = std::variant<";
          for (std::size_t i = 0; i < view.steps.size(); ++i) out_ << (i ? ", " : "") << view.steps[i].branch;
          out_ << ">;\n";
        }
      } else {
        const std::string& peer = view.steps.front().peer;
        for (const Step& step : view.steps)
          out_ << "  struct " << step.branch << ";  // " << step.text << "\n";
        if (view.steps.size() > 1) {
          out_ << "  using Branch = std::variant<";
          for (std::size_t i = 0; i < view.steps.size(); ++i) out_ << (i ? ", " : "") << view.steps[i].branch;
          out_ << ">;\n\n"
               << "  // Waits for " << peer
               << " to take one of the branches (at most `timeout`, or the endpoint's\n"
               << "  // receive timeout).\n"
               << "  [[nodiscard]] rt::Result<Branch> receive(";
        } else {
          out_ << "\n  // Waits for " << peer << " (at most `timeout`, or the endpoint's receive timeout).\n"
               << "  [[nodiscard]] rt::Result<" << view.steps.front().branch << "> receive(";
        }
        out_ << "std::optional<std::chrono::milliseconds> timeout = std::nullopt) &&;\n";
      }
      out_ << "\n private:\n  friend struct detail::Access;\n"
           << "  " << view.name
           << "(rt::Endpoint* endpoint, rt::SessionId session) : State(endpoint, session, " << view.index
           << ") {}\n};\n\n";
    }
    // The branch structs, now that every state class is complete.
    for (const StateView& view : states_) {
      if (view.kind == StateKind::kEnd || (view.kind == StateKind::kOutput && view.steps.size() == 1))
        continue;
      for (const Step& step : view.steps) {
        out_ << "// " << view.name << ": " << step.text
             << (view.kind == StateKind::kInput ? ", and the state it leads to" : "") << "\n"
             << "struct " << view.name << "::" << step.branch << " {\n";
        const std::vector<std::string> spelled = types(step);
        const std::vector<std::string> names = value_names(step);
        for (std::size_t v = 0; v < spelled.size(); ++v)
          out_ << "  " << spelled[v] << " " << names[v] << ";\n";
        if (view.kind == StateKind::kInput) out_ << "  " << step.target << " next;\n";
        out_ << "};\n\n";
      }
    }
    out_ << "namespace detail {\n\n"
         << "// Makes state objects, whose constructors are private: only generated code starts one.\n"
         << "struct Access {\n"
         << "  template <typename S>\n"
         << "  static S make(rt::Endpoint* endpoint, rt::SessionId session) {\n"
         << "    return S(endpoint, session);\n  }\n};\n\n"
         << "}  // namespace detail\n\n";
  }

  void definitions() {
    for (const StateView& view : states_) {
      if (view.kind == StateKind::kOutput) {
        for (const Step& step : view.steps) {
          out_ << "inline rt::Result<" << step.target << "> " << view.name << "::" << step.method << "("
               << parameters(step) << ") && {\n"
               << "  rt::Result<gtype::gen::Live> live = take();\n"
               << "  if (!live) return live.error();\n"
               << "  if (rt::Status done = live->act(" << step.index << ", " << packed(step, "")
               << "); !done) return done.error();\n"
               << "  return detail::Access::make<" << step.target << ">(live->endpoint, live->session);\n"
               << "}\n\n";
        }
      } else if (view.kind == StateKind::kInput) {
        const bool several = view.steps.size() > 1;
        out_ << "inline rt::Result<" << view.name << "::" << (several ? "Branch" : view.steps.front().branch)
             << "> " << view.name << "::receive(std::optional<std::chrono::milliseconds> timeout) && {\n"
             << "  rt::Result<gtype::gen::Live> live = take();\n"
             << "  if (!live) return live.error();\n"
             << "  rt::Result<rt::Incoming> incoming = live->receive(timeout);\n"
             << "  if (!incoming) return incoming.error();\n"
             << "  switch (incoming->transition) {\n";
        for (const Step& step : view.steps) {
          out_ << "    case " << step.index << ": {  // " << step.text << "\n";
          std::vector<std::string> members;
          if (!step.payload.empty()) {
            out_ << "      auto values = gtype::gen::unpack_payload<" << joined(types(step), ", ")
                 << ">(incoming->payload);\n"
                 << "      if (!values) return live->malformed();\n";
            for (std::size_t v = 0; v < step.payload.size(); ++v) {
              members.push_back("std::move(std::get<" + std::to_string(v) + ">(*values))");
            }
          }
          members.push_back("detail::Access::make<" + step.target + ">(live->endpoint, live->session)");
          const std::string value = step.branch + "{" + joined(members, ", ") + "}";
          out_ << "      return " << (several ? "Branch(" + value + ")" : value) << ";\n    }\n";
        }
        out_ << "  }\n  return live->malformed();\n}\n\n";
      }
    }
  }

  void handler() {
    const std::string& role = machine_.role;
    out_
        << "// ---------------------------------------------------------------------------- event-driven\n\n"
        << "// What Role::serve asks, for every session, from one thread. Keep what a session needs between\n"
        << "// callbacks keyed by its SessionId. A choose_ callback that returns an rt::Error fails the\n"
        << "// session (its peers are told).\n"
        << "class Handler {\n public:\n  virtual ~Handler() = default;\n\n";
    for (const StateView& view : states_) {
      if (view.kind == StateKind::kInput) {
        for (const Step& step : view.steps) {
          const std::string params = parameters(step);
          out_ << "  // " << view.name << ": " << step.text << "\n"
               << "  virtual void " << step.callback << "(rt::SessionId session"
               << (params.empty() ? "" : ", ") << params << ") = 0;\n";
        }
      } else if (view.kind == StateKind::kOutput && !view.callback.empty()) {
        std::string result;
        if (view.steps.size() > 1) {
          result = view.name + "::Choice";
          std::vector<std::string> texts;
          for (const Step& step : view.steps) texts.push_back(step.text);
          out_ << comment(view.name + ": which of " + joined(texts, " or ") + ", with its payload", "  ");
        } else {
          const std::vector<std::string> spelled = types(view.steps.front());
          result = spelled.size() == 1 ? spelled.front() : "std::tuple<" + joined(spelled, ", ") + ">";
          out_ << "  // " << view.name << ": the payload of " << view.steps.front().text << "\n";
        }
        out_ << "  virtual rt::Result<" << result << "> " << view.callback
             << "(rt::SessionId session) = 0;\n";
      }
    }
    out_ << "\n  // The session reached End.\n"
         << "  virtual void ended(rt::SessionId session) { static_cast<void>(session); }\n"
         << "  // The session failed: a timeout, a lost or aborting peer, a protocol violation, or an error\n"
         << "  // a choose_ callback returned. Its peers have been told.\n"
         << "  virtual void failed(rt::SessionId session, const rt::Error& error) {\n"
         << "    std::fprintf(stderr, \"gtype: session %llu of " << system_.name << "/" << role
         << " failed: %s: %s\\n\",\n"
         << "                 static_cast<unsigned long long>(session), rt::error_code_name(error.code),\n"
         << "                 error.message.c_str());\n"
         << "  }\n};\n\n";

    out_ << "namespace detail {\n\n"
         << "// Handler as the runtime's SessionDriver: states and transitions by number.\n"
         << "class Driver final : public rt::SessionDriver {\n public:\n"
         << "  explicit Driver(Handler& handler) : handler_(handler) {}\n\n"
         << "  rt::Result<rt::Choice> choose(rt::SessionId session, std::uint16_t state) override;\n"
         << "  void received(rt::SessionId session, std::uint16_t state, const rt::Incoming& message) "
            "override;\n"
         << "  void ended(rt::SessionId session) override { handler_.ended(session); }\n"
         << "  void failed(rt::SessionId session, const rt::Error& error) override { "
            "handler_.failed(session, error); }\n\n"
         << " private:\n  Handler& handler_;\n};\n\n";

    out_ << "inline rt::Result<rt::Choice> Driver::choose([[maybe_unused]] rt::SessionId session,\n"
         << "                                             [[maybe_unused]] std::uint16_t state) {\n";
    bool any_output = false;
    for (const StateView& view : states_) any_output |= view.kind == StateKind::kOutput;
    if (any_output) {
      out_ << "  switch (state) {\n";
      for (const StateView& view : states_) {
        if (view.kind != StateKind::kOutput) continue;
        out_ << "    case " << view.index << ": {  // " << view.name << "\n";
        if (view.callback.empty()) {
          out_ << "      return rt::Choice{0, " << packed(view.steps.front(), "") << "};  // "
               << view.steps.front().text << "\n    }\n";
        } else if (view.steps.size() == 1) {
          const Step& step = view.steps.front();
          out_ << "      auto values = handler_." << view.callback << "(session);\n"
               << "      if (!values) return values.error();\n"
               << "      return rt::Choice{0, "
               << (step.payload.size() == 1 ? "gtype::gen::pack_payload(*values)"
                                            : "gtype::gen::pack_payload_tuple(*values)")
               << "};\n    }\n";
        } else {
          out_ << "      auto choice = handler_." << view.callback << "(session);\n"
               << "      if (!choice) return choice.error();\n"
               << "      switch (choice->index()) {\n";
          for (const Step& step : view.steps) {
            out_ << "        case " << step.index << ":  // " << step.text << "\n";
            if (step.payload.empty()) {
              out_ << "          return rt::Choice{" << step.index << ", " << packed(step, "") << "};\n";
            } else {
              out_ << "          return rt::Choice{" << step.index << ", "
                   << packed(step, "std::get<" + std::to_string(step.index) + ">(*choice).") << "};\n";
            }
          }
          out_ << "      }\n      break;\n    }\n";
        }
      }
      out_ << "  }\n";
    }
    out_ << "  return rt::Error{rt::ErrorCode::kProtocolViolation, \"" << machine_.role
         << " has no choice to make in state \" + std::to_string(state)};\n}\n\n";

    out_ << "inline void Driver::received([[maybe_unused]] rt::SessionId session, [[maybe_unused]] "
            "std::uint16_t state,\n"
         << "                             [[maybe_unused]] const rt::Incoming& message) {\n";
    bool any_input = false;
    for (const StateView& view : states_) any_input |= view.kind == StateKind::kInput;
    if (any_input) {
      out_ << "  switch (state) {\n";
      for (const StateView& view : states_) {
        if (view.kind != StateKind::kInput) continue;
        out_ << "    case " << view.index << ":  // " << view.name << "\n"
             << "      switch (message.transition) {\n";
        for (const Step& step : view.steps) {
          out_ << "        case " << step.index << ": {  // " << step.text << "\n";
          if (step.payload.empty()) {
            out_ << "          handler_." << step.callback << "(session);\n";
          } else {
            std::vector<std::string> args{"session"};
            for (std::size_t v = 0; v < step.payload.size(); ++v) {
              args.push_back("std::get<" + std::to_string(v) + ">(*values)");
            }
            out_ << "          auto values = gtype::gen::unpack_payload<" << joined(types(step), ", ")
                 << ">(message.payload);\n"
                 << "          if (values) handler_." << step.callback << "(" << joined(args, ", ") << ");\n";
          }
          out_ << "          return;\n        }\n";
        }
        out_ << "      }\n      return;\n";
      }
      out_ << "  }\n";
    }
    out_ << "}\n\n}  // namespace detail\n\n";
  }

  void role() {
    const std::string& role = machine_.role;
    const StateView& first = initial();
    out_ << "// ---------------------------------------------------------------------------- the endpoint\n\n"
         << "// Role " << role << " of " << system_.name
         << " in this process: its sessions, over one transport.\n"
         << "class Role {\n public:\n"
         << "  static rt::Result<Role> create(rt::Directory directory, std::unique_ptr<rt::Transport> "
            "transport,\n"
         << "                                 rt::EndpointOptions options = {});\n"
         << "  // Over a ZeroMQ transport bound to `address` (tcp://host:port, ipc://path).\n"
         << "  static rt::Result<Role> bind(const std::string& address, rt::Directory directory,\n"
         << "                               rt::EndpointOptions options = {});\n\n";
    if (first.kind == StateKind::kOutput) {
      out_ << "  // Starts a session: " << role << " acts first (" << first.steps.front().text
           << (first.steps.size() > 1 ? ", ..." : "") << ").\n"
           << "  [[nodiscard]] rt::Result<S0> start();\n"
           << "  // Starts a session that serve() drives through the Handler, instead of state objects.\n"
           << "  [[nodiscard]] rt::Result<rt::SessionId> start_served() { return endpoint_->start(); }\n";
    } else if (first.kind == StateKind::kInput) {
      out_ << "  // Waits for a peer to start a session with " << role << " (" << first.steps.front().text
           << (first.steps.size() > 1 ? ", ..." : "") << ").\n"
           << "  [[nodiscard]] rt::Result<S0> next_session(std::optional<std::chrono::milliseconds> timeout "
              "= std::nullopt);\n";
    }
    out_ << "  // Serves sessions with `handler` until `stop` is set.\n"
         << "  rt::Status serve(Handler& handler, const std::atomic<bool>& stop);\n\n"
         << "  rt::Endpoint& endpoint() { return *endpoint_; }\n"
         << "  const std::string& address() const { return endpoint_->address(); }\n"
         << "  const rt::Counters& counters() const { return endpoint_->counters(); }\n\n"
         << " private:\n"
         << "  explicit Role(std::unique_ptr<rt::Endpoint> endpoint) : endpoint_(std::move(endpoint)) {}\n"
         << "  std::unique_ptr<rt::Endpoint> endpoint_;\n};\n\n";

    out_ << "// Serves sessions of `endpoint` (made with kSpec) with `handler` until `stop` is set.\n"
         << "inline rt::Status serve(rt::Endpoint& endpoint, Handler& handler, const std::atomic<bool>& "
            "stop) {\n"
         << "  detail::Driver driver(handler);\n"
         << "  return endpoint.serve(driver, stop);\n}\n\n";

    out_ << "inline rt::Result<Role> Role::create(rt::Directory directory, std::unique_ptr<rt::Transport> "
            "transport,\n"
         << "                                     rt::EndpointOptions options) {\n"
         << "  auto endpoint = rt::Endpoint::create(kSpec, std::move(directory), std::move(transport), "
            "std::move(options));\n"
         << "  if (!endpoint) return endpoint.error();\n"
         << "  return Role(std::move(*endpoint));\n}\n\n"
         << "inline rt::Result<Role> Role::bind(const std::string& address, rt::Directory directory,\n"
         << "                                   rt::EndpointOptions options) {\n"
         << "  auto transport = rt::make_zmq_transport(address);\n"
         << "  if (!transport) return transport.error();\n"
         << "  return create(std::move(directory), std::move(*transport), std::move(options));\n}\n\n";
    if (first.kind == StateKind::kOutput) {
      out_ << "inline rt::Result<S0> Role::start() {\n"
           << "  rt::Result<rt::SessionId> session = endpoint_->start();\n"
           << "  if (!session) return session.error();\n"
           << "  return detail::Access::make<S0>(endpoint_.get(), *session);\n}\n\n";
    } else if (first.kind == StateKind::kInput) {
      out_ << "inline rt::Result<S0> Role::next_session(std::optional<std::chrono::milliseconds> timeout) {\n"
           << "  rt::Result<rt::SessionId> session = endpoint_->next_session(timeout);\n"
           << "  if (!session) return session.error();\n"
           << "  return detail::Access::make<S0>(endpoint_.get(), *session);\n}\n\n";
    }
    out_ << "inline rt::Status Role::serve(Handler& handler, const std::atomic<bool>& stop) {\n"
         << "  return ::" << ns_ << "::serve(*endpoint_, handler, stop);\n}\n\n";
  }

  const ProtocolModel& model_;
  const AutomatonSystem& system_;
  const Automaton& machine_;
  std::size_t role_;
  std::string ns_;
  std::vector<StateView> states_;
  std::set<std::string> hidden_;
  std::ostringstream out_;
};

}  // namespace

std::string role_header(const ProtocolModel& model, std::size_t role) {
  return RoleWriter(model, role).write();
}

}  // namespace gtype::codegen
