// The session object of a role's header (codegen/): the Handler a user implements, one object
// per session; the Factory that makes it; and the driver through which the runtime's serve()
// calls it (states and transitions by number, from the same automaton as the state classes).
// Names come from role_names.cpp; this file writes text only.
#include <sstream>

#include "role_model.h"

namespace gtype::codegen {

namespace {

class HandlerWriter {
 public:
  explicit HandlerWriter(const RoleModel& role) : role_(role) {}

  std::string write() {
    handler();
    driver();
    return out_.str();
  }

 private:
  // "Start, LoopSession" : the states that call `callback`.
  std::string where(const Callback& callback) const {
    std::vector<std::string> names;
    for (std::uint32_t state : callback.states) names.push_back(role_.states[state].name);
    return joined(names, ", ");
  }

  // "Start: client??ping(int); AfterLoopPong: client?ping(int)", or "Start, AfterLoopPong:
  // client?ping(int)" when the states take the message alike.
  std::string received_where(const Callback& callback) const {
    std::vector<std::string> each;
    bool alike = true;
    for (std::uint32_t state : callback.states) {
      for (const Step& step : role_.states[state].steps) {
        if (step.callback != callback.name || role_.types(step) != role_.types(*callback.step)) continue;
        alike = alike && step.text == callback.step->text;
        each.push_back(role_.states[state].name + ": " + step.text);
        break;
      }
    }
    return alike ? where(callback) + ": " + callback.step->text : joined(each, "; ");
  }

  void handler() {
    const std::string what = role_.system->name + "/" + role_.machine->role;
    out_ << "// ---------------------------------------------------------------------------- session "
            "objects\n\n"
         << "// One object per session of " << what << ": Role::serve makes it when the session starts and\n"
         << "// destroys it after the session ends or fails, so its members are the session's state. "
            "Every\n"
         << "// callback runs on the thread that called Role::serve, one at a time. A choose_ callback "
            "returns\n"
         << "// what this role sends there; a gtype::Status from it fails the session (its peers are told).\n"
         << "// A callback may call fail(why) to fail the session at once; session() is its id.\n"
         << "class Handler : public gtype::gen::SessionObject {\n public:\n";
    for (const Callback& callback : role_.callbacks) {
      const Step& step = *callback.step;
      if (callback.choose) {
        const StateView& view = *callback.state;
        std::string result = role_.choice_type(view);
        if (view.steps.size() > 1) {
          std::vector<std::string> texts;
          for (const Step& s : view.steps) texts.push_back(s.text);
          out_ << comment(where(callback) + ": which of " + joined(texts, " or ") + ", with its payload",
                          "  ");
        } else {
          out_ << "  // " << where(callback) << ": the payload of " << step.text << "\n";
        }
        out_ << "  virtual gtype::Result<" << result << "> " << callback.name << "() = 0;\n";
        continue;
      }
      out_ << comment(received_where(callback), "  ") << "  virtual void " << callback.name << "("
           << role_.parameters(step) << ") = 0;\n";
    }
    out_ << "\n  // The session reached End; the object is destroyed next.\n"
         << "  virtual void ended() {}\n"
         << "  // The session failed: a timeout, a lost or aborting peer, a protocol violation, or an error\n"
         << "  // a choose_ callback returned. Its peers have been told; the object is destroyed next.\n"
         << "  virtual void failed(const gtype::Status& error) { gtype::gen::report_failure(\"" << what
         << "\", error); }\n};\n\n"
         << "// Makes the object of a session that starts, knowing who takes part; null refuses the "
            "session.\n"
         << "using Factory = std::function<std::unique_ptr<Handler>(const rt::SessionInfo& session)>;\n\n";
  }

  void driver() {
    out_ << "namespace detail {\n\n"
         << "// The runtime's SessionDriver over the session objects: states and transitions by number.\n"
         << "class Driver final : public rt::SessionDriver {\n public:\n"
         << "  Driver(rt::Endpoint& endpoint, gtype::gen::Sessions<Handler>& sessions)\n"
         << "      : endpoint_(endpoint), sessions_(sessions) {}\n\n"
         << "  gtype::Result<rt::Choice> choose(rt::SessionId session, std::uint16_t state) override;\n"
         << "  void received(rt::SessionId session, std::uint16_t state, const rt::Incoming& message) "
            "override;\n"
         << "  void ended(rt::SessionId session) override { sessions_.ended(session); }\n"
         << "  void failed(rt::SessionId session, const gtype::Status& error) override { "
            "sessions_.failed(session, error); }\n\n"
         << " private:\n  rt::Endpoint& endpoint_;\n  gtype::gen::Sessions<Handler>& sessions_;\n};\n\n";
    choose();
    received();
    out_ << "}  // namespace detail\n\n";
  }

  // The object of the session, or return: the factory refused it (the session is gone).
  void get_handler(const std::string& indent, const std::string& on_refusal) {
    out_ << indent << "Handler* handler = sessions_.get(endpoint_, session);\n"
         << indent << "if (handler == nullptr) return" << on_refusal << ";\n";
  }

  void choose() {
    out_ << "inline gtype::Result<rt::Choice> Driver::choose([[maybe_unused]] rt::SessionId session,\n"
         << "                                             [[maybe_unused]] std::uint16_t state) {\n";
    bool any_output = false;
    for (const StateView& view : role_.states) any_output |= view.kind == StateKind::kOutput;
    const std::string refused = " gtype::Status{gtype::StatusCode::kAborted, \"the session was refused\"}";
    if (any_output) {
      out_ << "  switch (state) {\n";
      for (const StateView& view : role_.states) {
        if (view.kind != StateKind::kOutput) continue;
        out_ << "    case " << view.index << ": {  // " << view.name << "\n";
        if (view.callback.empty()) {
          out_ << "      return rt::Choice{0, " << role_.packed(view.steps.front(), "") << "};  // "
               << view.steps.front().text << "\n    }\n";
        } else if (view.steps.size() == 1) {
          const Step& step = view.steps.front();
          get_handler("      ", refused);
          out_ << "      auto values = handler->" << view.callback << "();\n"
               << "      sessions_.settle(endpoint_, session);\n"
               << "      if (!values) return values.error();\n"
               << "      return rt::Choice{0, "
               << (step.payload.size() == 1 ? "gtype::gen::pack_payload(*values)"
                                            : "gtype::gen::pack_payload_tuple(*values)")
               << "};\n    }\n";
        } else {
          get_handler("      ", refused);
          out_ << "      auto choice = handler->" << view.callback << "();\n"
               << "      sessions_.settle(endpoint_, session);\n"
               << "      if (!choice) return choice.error();\n"
               << "      switch (choice->index()) {\n";
          for (const Step& step : view.steps) {
            out_ << "        case " << step.index << ":  // " << step.text << "\n";
            const std::string prefix =
                step.payload.empty() ? "" : "std::get<" + std::to_string(step.index) + ">(*choice).";
            out_ << "          return rt::Choice{" << step.index << ", " << role_.packed(step, prefix)
                 << "};\n";
          }
          out_ << "      }\n      break;\n    }\n";
        }
      }
      out_ << "  }\n";
    }
    out_ << "  return gtype::Status{gtype::StatusCode::kProtocolViolation, \"" << role_.machine->role
         << " has no choice to make in state \" + std::to_string(state)};\n}\n\n";
  }

  void received() {
    out_ << "inline void Driver::received([[maybe_unused]] rt::SessionId session, [[maybe_unused]] "
            "std::uint16_t state,\n"
         << "                             [[maybe_unused]] const rt::Incoming& message) {\n";
    bool any_input = false;
    for (const StateView& view : role_.states) any_input |= view.kind == StateKind::kInput;
    if (any_input) {
      get_handler("  ", "");
      out_ << "  switch (state) {\n";
      for (const StateView& view : role_.states) {
        if (view.kind != StateKind::kInput) continue;
        out_ << "    case " << view.index << ":  // " << view.name << "\n"
             << "      switch (message.transition) {\n";
        for (const Step& step : view.steps) {
          out_ << "        case " << step.index << ": {  // " << step.text << "\n";
          if (step.payload.empty()) {
            out_ << "          handler->" << step.callback << "();\n"
                 << "          sessions_.settle(endpoint_, session);\n";
          } else {
            std::vector<std::string> args;
            for (std::size_t v = 0; v < step.payload.size(); ++v) {
              args.push_back("std::get<" + std::to_string(v) + ">(*values)");
            }
            out_ << "          auto values = gtype::gen::unpack_payload<" << joined(role_.types(step), ", ")
                 << ">(message.payload);\n"
                 << "          if (values) handler->" << step.callback << "(" << joined(args, ", ") << ");\n"
                 << "          sessions_.settle(endpoint_, session);\n";
          }
          out_ << "          return;\n        }\n";
        }
        out_ << "      }\n      return;\n";
      }
      out_ << "  }\n";
    }
    out_ << "}\n\n";
  }

  const RoleModel& role_;
  std::ostringstream out_;
};

}  // namespace

std::string handler_section(const RoleModel& role) { return HandlerWriter(role).write(); }

}  // namespace gtype::codegen
