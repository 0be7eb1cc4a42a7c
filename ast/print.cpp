#include <cassert>
#include <sstream>

#include "gtype/print.h"

namespace gtype {
namespace {

std::string quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

class ProtocolPrinter {
 public:
  ProtocolPrinter(std::ostringstream& out, Spelling spelling) : out_(out), spelling_(spelling) {}

  void block(const Block& block, int depth) {
    out_ << "{\n";
    for (const Statement& s : block) statement(s, depth + 1);
    indent(depth);
    out_ << "}";
  }

 private:
  void indent(int depth) { out_ << std::string(2 * static_cast<std::size_t>(depth), ' '); }

  void statement(const Statement& s, int depth) {
    indent(depth);
    const bool arrow = spelling_ == Spelling::kArrow;
    switch (s.kind) {
      case StatementKind::kSend:
        assert(s.message);
        if (arrow) {
          out_ << s.from.text << " -> " << s.to.text << " : " << print_message(*s.message) << ";\n";
        } else {
          out_ << print_message(*s.message) << " from " << s.from.text << " to " << s.to.text << ";\n";
        }
        return;
      case StatementKind::kConnect:
        if (arrow) {
          out_ << s.from.text << " ->> " << s.to.text;
          if (s.message) out_ << " : " << print_message(*s.message);
        } else {
          if (s.message) out_ << print_message(*s.message) << ' ';
          out_ << "connect " << s.from.text << " to " << s.to.text;
        }
        out_ << ";\n";
        return;
      case StatementKind::kDisconnect:
        out_ << "disconnect " << s.from.text << (arrow ? ", " : " and ") << s.to.text << ";\n";
        return;
      case StatementKind::kChoice:
        out_ << "choice at " << s.from.text << ' ';
        for (std::size_t i = 0; i < s.blocks.size(); ++i) {
          if (i > 0) out_ << " or ";
          block(s.blocks[i], depth);
        }
        out_ << '\n';
        return;
      case StatementKind::kRec:
        out_ << "rec " << s.label.text << ' ';
        block(s.blocks.at(0), depth);
        out_ << '\n';
        return;
      case StatementKind::kContinue:
        out_ << "continue " << s.label.text << ";\n";
        return;
      case StatementKind::kDo:
        out_ << "do " << s.label.text;
        for (std::size_t i = 0; i < s.parameter_arguments.size(); ++i) {
          const DoArgument& argument = s.parameter_arguments[i];
          out_ << (i ? ", " : "<")
               << (argument.message ? print_message(*argument.message) : print_sort(*argument.sort))
               << (i + 1 == s.parameter_arguments.size() ? ">" : "");
        }
        out_ << '(';
        for (std::size_t i = 0; i < s.arguments.size(); ++i) out_ << (i ? ", " : "") << s.arguments[i].text;
        out_ << ");\n";
        return;
      case StatementKind::kEnd:
        out_ << "end;\n";
        return;
    }
  }

  std::ostringstream& out_;
  Spelling spelling_;
};

void print_local(std::ostringstream& out, const LocalType& type) {
  switch (type.kind) {
    case LocalKind::kSend:
    case LocalKind::kReceive:
    case LocalKind::kConnect:
    case LocalKind::kAccept:
    case LocalKind::kDisconnect: {
      static constexpr const char* kSymbols[] = {"!", "?", "!!", "??", "#"};
      out << type.peer.text << kSymbols[static_cast<int>(type.kind)];
      if (type.message) out << print_message(*type.message);
      out << '.';
      assert(type.next);
      print_local(out, *type.next);
      return;
    }
    case LocalKind::kChoice:
      out << (type.written_as_external ? "&{ " : "+{ ");
      for (std::size_t i = 0; i < type.branches.size(); ++i) {
        if (i > 0) out << " ; ";
        print_local(out, *type.branches[i]);
      }
      out << " }";
      return;
    case LocalKind::kRec:
      out << "mu " << type.variable << '.';
      print_local(out, *type.next);
      return;
    case LocalKind::kVar:
      out << type.variable;
      return;
    case LocalKind::kEnd:
      out << "end";
      return;
  }
}

}  // namespace

std::string print_sort(const SortRef& sort) {
  std::string out = sort.name;
  if (!sort.arguments.empty()) {
    out += '<';
    for (std::size_t i = 0; i < sort.arguments.size(); ++i) {
      if (i > 0) out += ", ";
      out += print_sort(sort.arguments[i]);
    }
    out += '>';
  }
  return out;
}

std::string print_message(const Message& message) {
  if (message.signature) return message.label.text;
  std::string out = message.label.text + "(";
  for (std::size_t i = 0; i < message.payload.size(); ++i) {
    if (i > 0) out += ", ";
    if (i < message.payload_names.size() && !message.payload_names[i].empty()) {
      out += message.payload_names[i] + ": ";
    }
    out += print_sort(message.payload[i]);
  }
  return out + ")";
}

std::string print_local_type(const LocalType& type) {
  std::ostringstream out;
  print_local(out, type);
  return out.str();
}

std::string print_protocol(const GlobalProtocol& protocol, Spelling spelling) {
  std::ostringstream out;
  if (protocol.aux) out << "aux ";
  if (protocol.explicit_connections) out << "explicit ";
  out << "global protocol " << protocol.name.text;
  for (std::size_t i = 0; i < protocol.parameters.size(); ++i) {
    const ProtocolParameter& parameter = protocol.parameters[i];
    out << (i ? ", " : "<") << (parameter.kind == ProtocolParameter::Kind::kSig ? "sig " : "type ")
        << parameter.name.text << (i + 1 == protocol.parameters.size() ? ">" : "");
  }
  out << '(';
  for (std::size_t i = 0; i < protocol.roles.size(); ++i) {
    out << (i ? ", " : "") << "role " << protocol.roles[i].text;
  }
  out << ") ";
  ProtocolPrinter(out, spelling).block(protocol.body, 0);
  out << '\n';
  return out.str();
}

std::string print_file(const SourceFile& file, Spelling spelling) {
  std::ostringstream out;
  if (file.module) out << "module " << file.module->text << ";\n";
  for (const ImportDecl& import : file.imports) {
    out << "import " << (import.module.empty() ? quote(import.path) : import.module);
    if (!import.alias.empty()) out << " as " << import.alias;
    out << ";\n";
  }
  for (const TypeDecl& type : file.types) {
    out << "type <" << type.schema << "> " << quote(type.host_type) << " from " << quote(type.header)
        << " as " << type.alias.text << ";\n";
  }
  for (const SigDecl& sig : file.sigs) {
    out << "sig <" << sig.schema << "> " << quote(sig.host_type) << " from " << quote(sig.source) << " as "
        << sig.alias.text << ";\n";
  }
  for (const SortDecl& sort : file.sorts) {
    out << "sort " << sort.name.text << " {\n";
    for (const Field& field : sort.fields)
      out << "  " << field.name.text << ": " << print_sort(field.sort) << ";\n";
    out << "}\n";
  }
  for (const GlobalProtocol& protocol : file.protocols) out << print_protocol(protocol, spelling);
  for (const LocalSystem& system : file.local_systems) {
    out << (system.explicit_connections ? "explicit " : "") << "local system " << system.name.text << " {\n";
    for (const LocalRole& role : system.roles) {
      out << "  " << role.role.text << ": " << print_local_type(*role.type) << ";\n";
    }
    out << "}\n";
  }
  return out.str();
}

}  // namespace gtype
