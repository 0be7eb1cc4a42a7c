// Turns the ANTLR parse tree into the typed AST (include/gtype/ast.h).
//
// The only file that includes ANTLR's generated code. Syntax errors are collected with their
// position instead of being printed by ANTLR; the parser recovers and goes on, so one run
// reports every syntax error of a file. Parts of the tree that did not parse (ANTLR leaves
// null children) are skipped, which is safe because a file with syntax errors is never checked
// further.
#include <antlr4-runtime.h>

#include <cassert>

#include "GtypeLexer.h"
#include "GtypeParser.h"
#include "gtype/program.h"

namespace gtype {
namespace {

class CollectingErrorListener : public antlr4::BaseErrorListener {
 public:
  CollectingErrorListener(std::uint32_t file, DiagnosticEngine& diagnostics)
      : file_(file), diagnostics_(diagnostics) {}

  void syntaxError(antlr4::Recognizer*, antlr4::Token*, size_t line, size_t column,
                   const std::string& message, std::exception_ptr) override {
    ++count;
    diagnostics_.error({file_, static_cast<std::uint32_t>(line), static_cast<std::uint32_t>(column + 1)},
                       readable(message));
  }

  std::size_t count = 0;

 private:
  // ANTLR says `<EOF>` and `ID`; a user reads "end of file" and "identifier".
  static std::string readable(std::string message) {
    const std::pair<std::string_view, std::string_view> words[] = {
        {"<EOF>", "end of file"}, {"ID", "identifier"}, {"STRING", "string"}};
    for (auto [from, to] : words) {
      for (std::size_t at = message.find(from); at != std::string::npos; at = message.find(from, at)) {
        bool starts = at == 0 || !std::isalnum(static_cast<unsigned char>(message[at - 1]));
        std::size_t after = at + from.size();
        bool ends = after == message.size() || !std::isalnum(static_cast<unsigned char>(message[after]));
        if (starts && ends) {
          message.replace(at, from.size(), to);
          at += to.size();
        } else {
          at = after;
        }
      }
    }
    return message;
  }

  std::uint32_t file_;
  DiagnosticEngine& diagnostics_;
};

class Builder {
 public:
  explicit Builder(std::uint32_t file) : file_(file) {}

  SourceLocation at(const antlr4::Token* token) const {
    if (token == nullptr) return {};
    return {file_, static_cast<std::uint32_t>(token->getLine()),
            static_cast<std::uint32_t>(token->getCharPositionInLine() + 1)};
  }
  SourceLocation at(antlr4::ParserRuleContext* context) const {
    return context == nullptr ? SourceLocation{} : at(context->getStart());
  }
  Name name(const antlr4::Token* token) const {
    if (token == nullptr) return {};
    return Name{token->getText(), at(token)};
  }
  Name name(antlr4::tree::TerminalNode* node) const {
    return node == nullptr ? Name{} : name(node->getSymbol());
  }

  static std::string unquote(const std::string& literal) {
    std::string out;
    for (std::size_t i = 1; i + 1 < literal.size(); ++i) {
      if (literal[i] == '\\' && i + 2 < literal.size()) ++i;
      out += literal[i];
    }
    return out;
  }

  SortRef sort(GtypeParser::SortRefContext* context) const {
    if (context == nullptr) return {};
    SortRef sort{context->name ? context->name->getText() : std::string(), {}, at(context->name)};
    for (auto* argument : context->sortRef()) sort.arguments.push_back(this->sort(argument));
    return sort;
  }

  Message message(GtypeParser::MessageContext* context) const {
    if (context == nullptr) return {};
    Message message{name(context->label), {}};
    for (auto* payload : context->sortRef()) message.payload.push_back(sort(payload));
    return message;
  }

  Block block(GtypeParser::BlockContext* context) const {
    Block block;
    if (context == nullptr) return block;
    for (auto* statement : context->statement()) {
      if (auto built = this->statement(statement)) block.push_back(std::move(*built));
    }
    return block;
  }

  std::optional<Statement> statement(GtypeParser::StatementContext* context) const {
    using P = GtypeParser;
    auto make = [&](StatementKind kind) {
      Statement s{};
      s.kind = kind;
      s.location = at(context);
      return s;
    };
    if (auto* c = dynamic_cast<P::ArrowSendContext*>(context)) {
      Statement s = make(StatementKind::kSend);
      s.from = name(c->from), s.to = name(c->to), s.message = message(c->message());
      return s;
    }
    if (auto* c = dynamic_cast<P::ArrowConnectContext*>(context)) {
      Statement s = make(StatementKind::kConnect);
      s.from = name(c->from), s.to = name(c->to);
      if (c->message()) s.message = message(c->message());
      return s;
    }
    if (auto* c = dynamic_cast<P::ScribbleSendContext*>(context)) {
      Statement s = make(StatementKind::kSend);
      s.from = name(c->from), s.to = name(c->to), s.message = message(c->message());
      return s;
    }
    if (auto* c = dynamic_cast<P::ScribbleConnectMessageContext*>(context)) {
      Statement s = make(StatementKind::kConnect);
      s.from = name(c->from), s.to = name(c->to), s.message = message(c->message());
      return s;
    }
    if (auto* c = dynamic_cast<P::ScribbleConnectContext*>(context)) {
      Statement s = make(StatementKind::kConnect);
      s.from = name(c->from), s.to = name(c->to);
      return s;
    }
    if (auto* c = dynamic_cast<P::ArrowDisconnectContext*>(context)) {
      Statement s = make(StatementKind::kDisconnect);
      s.from = name(c->left), s.to = name(c->right);
      return s;
    }
    if (auto* c = dynamic_cast<P::ScribbleDisconnectContext*>(context)) {
      Statement s = make(StatementKind::kDisconnect);
      s.from = name(c->left), s.to = name(c->right);
      return s;
    }
    if (auto* c = dynamic_cast<P::ChoiceContext*>(context)) {
      Statement s = make(StatementKind::kChoice);
      s.from = name(c->chooser);
      for (auto* branch : c->block()) s.blocks.push_back(block(branch));
      return s;
    }
    if (auto* c = dynamic_cast<P::RecContext*>(context)) {
      Statement s = make(StatementKind::kRec);
      s.label = name(c->label);
      s.blocks.push_back(block(c->block()));
      return s;
    }
    if (auto* c = dynamic_cast<P::ContinueContext*>(context)) {
      Statement s = make(StatementKind::kContinue);
      s.label = name(c->label);
      return s;
    }
    if (auto* c = dynamic_cast<P::DoContext*>(context)) {
      Statement s = make(StatementKind::kDo);
      s.label = name(c->name);
      for (auto* role : c->ID()) {
        if (role->getSymbol() != c->name) s.arguments.push_back(name(role));
      }
      return s;
    }
    if (dynamic_cast<P::EndContext*>(context)) return make(StatementKind::kEnd);
    return std::nullopt;  // an alternative that failed to parse
  }

  LocalTypePtr local_type(GtypeParser::LocalTypeContext* context) const {
    using P = GtypeParser;
    auto type = std::make_shared<LocalType>();
    if (context == nullptr) return type;
    type->location = at(context);
    auto action = [&](LocalKind kind, antlr4::Token* peer, P::MessageContext* m, P::LocalTypeContext* next) {
      type->kind = kind;
      type->peer = name(peer);
      if (m) type->message = message(m);
      type->next = local_type(next);
    };
    if (auto* c = dynamic_cast<P::LocalSendContext*>(context)) {
      action(LocalKind::kSend, c->peer, c->message(), c->localType());
    } else if (auto* c = dynamic_cast<P::LocalReceiveContext*>(context)) {
      action(LocalKind::kReceive, c->peer, c->message(), c->localType());
    } else if (auto* c = dynamic_cast<P::LocalConnectContext*>(context)) {
      action(LocalKind::kConnect, c->peer, c->message(), c->localType());
    } else if (auto* c = dynamic_cast<P::LocalAcceptContext*>(context)) {
      action(LocalKind::kAccept, c->peer, c->message(), c->localType());
    } else if (auto* c = dynamic_cast<P::LocalDisconnectContext*>(context)) {
      action(LocalKind::kDisconnect, c->peer, nullptr, c->localType());
    } else if (auto* c = dynamic_cast<P::LocalChoiceContext*>(context)) {
      type->kind = LocalKind::kChoice;
      for (auto* branch : c->localType()) type->branches.push_back(local_type(branch));
    } else if (auto* c = dynamic_cast<P::LocalExternalChoiceContext*>(context)) {
      type->kind = LocalKind::kChoice;
      type->written_as_external = true;
      for (auto* branch : c->localType()) type->branches.push_back(local_type(branch));
    } else if (auto* c = dynamic_cast<P::LocalRecContext*>(context)) {
      type->kind = LocalKind::kRec;
      type->variable = c->var ? c->var->getText() : std::string();
      type->next = local_type(c->localType());
    } else if (auto* c = dynamic_cast<P::LocalVarContext*>(context)) {
      type->kind = LocalKind::kVar;
      type->variable = c->var ? c->var->getText() : std::string();
    } else {
      type->kind = LocalKind::kEnd;
    }
    return type;
  }

  void item(GtypeParser::ItemContext* context, SourceFile& out) const {
    if (auto* c = context->moduleDecl()) {
      if (c->qualifiedName() == nullptr) return;
      out.module = Name{c->qualifiedName()->getText(), at(c->qualifiedName())};
    } else if (auto* c = context->importDecl()) {
      if (c->STRING()) out.imports.push_back({unquote(c->STRING()->getText()), at(c->STRING()->getSymbol())});
    } else if (auto* c = context->typeDecl()) {
      out.types.push_back(TypeDecl{name(c->alias), c->schema ? c->schema->getText() : "",
                                   c->hostType ? unquote(c->hostType->getText()) : "",
                                   c->header ? unquote(c->header->getText()) : "", at(c)});
    } else if (auto* c = context->sortDecl()) {
      SortDecl sort{name(c->name), {}, at(c)};
      for (auto* field : c->field()) {
        if (field->sortRef()) sort.fields.push_back(Field{name(field->name), this->sort(field->sortRef())});
      }
      out.sorts.push_back(std::move(sort));
    } else if (auto* c = context->globalProtocol()) {
      GlobalProtocol protocol{name(c->name), c->EXPLICIT() != nullptr, {}, block(c->block()), at(c)};
      for (auto* role : c->roleDecl()) protocol.roles.push_back(name(role->ID()));
      out.protocols.push_back(std::move(protocol));
    } else if (auto* c = context->localSystem()) {
      LocalSystem system{name(c->name), c->EXPLICIT() != nullptr, {}, at(c)};
      for (auto* role : c->localRole()) system.roles.push_back(LocalRole{name(role->role), local_type(role->localType())});
      out.local_systems.push_back(std::move(system));
    }
  }

 private:
  std::uint32_t file_;
};

}  // namespace

bool parse_source(const SourceManager& sources, std::uint32_t file, DiagnosticEngine& diagnostics,
                  SourceFile& out) {
  antlr4::ANTLRInputStream input(sources.text(file));
  GtypeLexer lexer(&input);
  CollectingErrorListener listener(file, diagnostics);
  lexer.removeErrorListeners();
  lexer.addErrorListener(&listener);
  antlr4::CommonTokenStream tokens(&lexer);
  GtypeParser parser(&tokens);
  parser.removeErrorListeners();
  parser.addErrorListener(&listener);
  GtypeParser::FileContext* tree = parser.file();

  out = SourceFile{};
  out.file = file;
  Builder builder(file);
  for (auto* item : tree->item()) builder.item(item, out);
  return listener.count == 0;
}

}  // namespace gtype
