// Turns the ANTLR parse tree into the typed AST (include/gtype/ast.h).
//
// The only file that includes ANTLR's generated code. Syntax errors are collected with their
// position instead of being printed by ANTLR; the parser recovers and goes on, so one run
// reports every syntax error of a file. Parts of the tree that did not parse (ANTLR leaves
// null children) are skipped, which is safe because a file with syntax errors is never checked
// further.
//
// ANTLR's own wording ("mismatched input 'x' expecting {...}", "<EOF>", "ID") is replaced by
// ReadableErrorStrategy's: "unexpected 'x', expected ...", "expected ';' after ')'" with the
// caret where the missing token belongs, "unexpected end of file" with the unclosed '{' as a
// note. At most one syntax error is reported per line: after an error, ANTLR's recovery often
// trips again over the rest of the same line, and those follow-on errors only confuse.
#include <antlr4-runtime.h>

#include <cassert>
#include <memory>
#include <optional>
#include <set>
#include <string_view>

#include "GtypeLexer.h"
#include "GtypeParser.h"
#include "gtype/program.h"
#include "gtype/utf8.h"

namespace gtype {
namespace {

std::size_t count_characters(const std::string& utf8) {
  std::size_t n = 0;
  for (unsigned char c : utf8) n += (c & 0xC0) != 0x80;
  return n;
}

// The syntax errors of one file, at most one per line.
class SyntaxErrors {
 public:
  SyntaxErrors(std::uint32_t file, DiagnosticEngine& diagnostics) : file_(file), diagnostics_(diagnostics) {}

  // `column` is 1-based. Returns null when the line already has an error.
  Diagnostic* report(std::size_t line, std::size_t column, std::string message) {
    ++count;
    if (!lines_.insert(line).second) return nullptr;
    return &diagnostics_.error(location(line, column), std::move(message));
  }

  SourceLocation location(std::size_t line, std::size_t column) const {
    return {file_, static_cast<std::uint32_t>(line), static_cast<std::uint32_t>(column)};
  }

  // Where the lexer found a character that begins no token (offsets in the text).
  std::vector<std::size_t> bad_characters;

  std::size_t count = 0;

 private:
  std::uint32_t file_;
  DiagnosticEngine& diagnostics_;
  std::set<std::size_t> lines_;
};

// Lexer errors: a character that starts no token, or a string or comment left open.
class LexerErrorListener : public antlr4::BaseErrorListener {
 public:
  explicit LexerErrorListener(SyntaxErrors& errors) : errors_(errors) {}

  void syntaxError(antlr4::Recognizer* recognizer, antlr4::Token*, size_t line, size_t column,
                   const std::string&, std::exception_ptr) override {
    auto* lexer = dynamic_cast<antlr4::Lexer*>(recognizer);
    std::string text;
    if (lexer != nullptr) {
      antlr4::CharStream* input = lexer->getInputStream();
      const std::size_t from = lexer->tokenStartCharIndex;
      errors_.bad_characters.push_back(from);
      const std::size_t to = std::min(input->index(), input->size() - 1);
      if (from < input->size()) text = input->getText(antlr4::misc::Interval(from, std::max(from, to)));
    }
    std::string message;
    if (text.rfind("\"", 0) == 0) {
      message = "unterminated string: it must end with '\"' on the same line";
    } else if (text.rfind("/*", 0) == 0) {
      message = "unterminated comment: '/*' without a matching '*/'";
    } else {
      std::string shown = text.empty() ? std::string("?") : text.substr(0, text.find_first_of("\r\n"));
      message = "unexpected character '" + shown + "'";
    }
    errors_.report(line, column + 1, std::move(message));
  }

 private:
  SyntaxErrors& errors_;
};

// ANTLR's recovery, with readable messages and two changes of where it resumes:
//  - an error in a statement, a local-system entry or a sort field skips to the end of that
//    one (its `;`, or its closing `}`), so the statements after it are parsed as such; ANTLR
//    would resume at the first token that may follow, often in the middle of the next line;
//  - a token that cannot begin a statement or a declaration, where one is expected, is
//    skipped up to the next that can; ANTLR would do so only after the first statement of a
//    block or the first declaration of the file, and give up on the rest of it before.
class ReadableErrorStrategy : public antlr4::DefaultErrorStrategy {
 public:
  explicit ReadableErrorStrategy(SyntaxErrors& errors) : errors_(errors) {}

  void sync(antlr4::Parser* parser) override {
    const bool file = dynamic_cast<GtypeParser::FileContext*>(parser->getContext()) != nullptr;
    const bool block = dynamic_cast<GtypeParser::BlockContext*>(parser->getContext()) != nullptr;
    if (!inErrorRecoveryMode(parser) && (file || block)) {
      antlr4::misc::IntervalSet expecting = parser->getExpectedTokens();
      const std::size_t next = parser->getTokenStream()->LA(1);
      if (!expecting.contains(next)) {
        beginErrorCondition(parser);
        unexpected(parser, parser->getCurrentToken(), expecting);
        // A declaration inside a block: the block's `}` is missing, and matching it inserts it.
        if (block && begins_declaration(next)) return;
        consumeUntil(parser, expecting);
        return;
      }
    }
    DefaultErrorStrategy::sync(parser);
  }

  void recover(antlr4::Parser* parser, std::exception_ptr e) override {
    antlr4::ParserRuleContext* unit = enclosing_unit(parser->getContext());
    if (unit == nullptr) {
      DefaultErrorStrategy::recover(parser, e);
      return;
    }
    antlr4::TokenStream* tokens = parser->getTokenStream();
    const std::size_t from = tokens->index();
    skip_unit(parser, unit);
    // The unit's own rule gives up on it after this: its `;` is then skipped too, and the
    // next unit is a fresh start, whose errors are reported.
    if (unit == parser->getContext()) {
      if (tokens->LT(1)->getText() == ";") parser->consume();
      endErrorCondition(parser);
    }
    // Called again where it stopped, with nothing consumed: step over one token, so that
    // recovery always makes progress.
    if (tokens->index() == from && from == last_recovery_ && tokens->LA(1) != antlr4::Token::EOF)
      parser->consume();
    last_recovery_ = tokens->index();
  }

 protected:
  // Inside a statement, a local-system entry or a field, ANTLR's resynchronisation stops at the
  // end of it too, so that it never swallows the next one.
  void consumeUntil(antlr4::Parser* parser, const antlr4::misc::IntervalSet& set) override {
    antlr4::ParserRuleContext* unit = enclosing_unit(parser->getContext());
    if (unit == nullptr) {
      DefaultErrorStrategy::consumeUntil(parser, set);
      return;
    }
    antlr4::TokenStream* tokens = parser->getTokenStream();
    int depth = braces_before(parser, unit);
    for (;;) {
      const std::size_t type = tokens->LA(1);
      if (type == antlr4::Token::EOF || set.contains(type) || begins_declaration(type)) return;
      const std::string text = tokens->LT(1)->getText();
      if (depth == 0 && (text == ";" || text == "}")) return;
      depth += text == "{" ? 1 : text == "}" ? -1 : 0;
      parser->consume();
    }
  }

  // ANTLR may drop one token that is in the way; never a `{`, `}` or `;`, which give the text
  // its structure (`rec {` lacks a label: ANTLR would drop the `{` and take the next word).
  antlr4::Token* singleTokenDeletion(antlr4::Parser* parser) override {
    const std::string text = parser->getCurrentToken()->getText();
    if (text == "{" || text == "}" || text == ";") return nullptr;
    return DefaultErrorStrategy::singleTokenDeletion(parser);
  }

  void reportNoViableAlternative(antlr4::Parser* parser, const antlr4::NoViableAltException& e) override {
    antlr4::Token* token = e.getOffendingToken();
    if (after_bad_character(parser, token)) return;
    antlr4::Token* start = e.getStartToken();
    // What was expected is known only where the alternatives began; past that, say where.
    if (start != nullptr && token->getTokenIndex() > start->getTokenIndex() &&
        token->getType() != antlr4::Token::EOF) {
      antlr4::Token* previous = previous_token(parser, token);
      errors_.report(token->getLine(), token->getCharPositionInLine() + 1,
                     "unexpected " + display(token) + " after " + display(previous, false));
      return;
    }
    unexpected(parser, token, e.getExpectedTokens());
  }
  void reportInputMismatch(antlr4::Parser* parser, const antlr4::InputMismatchException& e) override {
    unexpected(parser, e.getOffendingToken(), e.getExpectedTokens());
  }
  void reportUnwantedToken(antlr4::Parser* parser) override {
    if (inErrorRecoveryMode(parser)) return;
    beginErrorCondition(parser);
    unexpected(parser, parser->getCurrentToken(), getExpectedTokens(parser));
  }
  // A token is missing before the current one: say so where it belongs, after the previous one.
  void reportMissingToken(antlr4::Parser* parser) override {
    if (inErrorRecoveryMode(parser)) return;
    beginErrorCondition(parser);
    antlr4::Token* current = parser->getCurrentToken();
    if (after_bad_character(parser, current)) return;
    const std::string expected = describe(parser, parser->getExpectedTokens());
    if (antlr4::Token* previous = previous_token(parser, current)) {
      report_after(previous, "expected " + expected + " after " + display(previous, false));
    } else {
      errors_.report(current->getLine(), current->getCharPositionInLine() + 1, "expected " + expected);
    }
  }

 private:
  void unexpected(antlr4::Parser* parser, antlr4::Token* token, const antlr4::misc::IntervalSet& expecting) {
    if (after_bad_character(parser, token)) return;
    const std::string expected =
        expecting.isEmpty() ? std::string() : ", expected " + describe(parser, expecting);
    if (token->getType() != antlr4::Token::EOF) {
      Diagnostic* d = errors_.report(token->getLine(), token->getCharPositionInLine() + 1,
                                     "unexpected " + display(token) + expected);
      // A declaration where a block goes on: the block was not closed.
      if (d != nullptr && begins_declaration(token->getType()) && expecting.contains(rbrace(parser))) {
        if (antlr4::Token* open = unclosed_brace(parser->getContext())) {
          d->notes.push_back({errors_.location(open->getLine(), open->getCharPositionInLine() + 1),
                              "the '{' opened here is not closed"});
        }
      }
      return;
    }
    // At the end of the file: point after the last token, and at the block left open.
    antlr4::Token* previous = previous_token(parser, token);
    Diagnostic* d = previous ? report_after(previous, "unexpected end of file" + expected)
                             : errors_.report(token->getLine(), token->getCharPositionInLine() + 1,
                                              "unexpected end of file" + expected);
    if (d == nullptr) return;
    if (antlr4::Token* open = unclosed_brace(parser->getContext())) {
      d->notes.push_back({errors_.location(open->getLine(), open->getCharPositionInLine() + 1),
                          "the '{' opened here is not closed"});
    }
  }

  // Whether the lexer dropped a bad character just before `token`: the parser then trips over
  // the gap (an unterminated string leaves `import` without its path), which was reported.
  bool after_bad_character(antlr4::Parser* parser, antlr4::Token* token) {
    antlr4::Token* previous = previous_token(parser, token);
    const std::size_t after = previous ? previous->getStopIndex() + 1 : 0;
    for (std::size_t bad : errors_.bad_characters) {
      if (bad >= after && bad < token->getStartIndex()) {
        ++errors_.count;
        return true;
      }
    }
    return false;
  }

  Diagnostic* report_after(antlr4::Token* token, std::string message) {
    return errors_.report(token->getLine(),
                          token->getCharPositionInLine() + 1 + count_characters(token->getText()),
                          std::move(message));
  }

  static antlr4::Token* previous_token(antlr4::Parser* parser, antlr4::Token* token) {
    const std::size_t index = token->getTokenIndex();
    if (index == 0 || index == static_cast<std::size_t>(-1)) return nullptr;
    return parser->getTokenStream()->get(index - 1);
  }

  // The innermost '{' of the rules being parsed that has no '}' yet.
  static antlr4::Token* unclosed_brace(antlr4::ParserRuleContext* context) {
    for (; context != nullptr; context = dynamic_cast<antlr4::ParserRuleContext*>(context->parent)) {
      antlr4::Token* open = nullptr;
      for (antlr4::tree::ParseTree* child : context->children) {
        auto* terminal = dynamic_cast<antlr4::tree::TerminalNode*>(child);
        if (terminal == nullptr) continue;
        const std::string text = terminal->getSymbol()->getText();
        if (text == "{") open = terminal->getSymbol();
        if (text == "}") open = nullptr;
      }
      if (open != nullptr) return open;
    }
    return nullptr;
  }

  // The token as an error names it; `keyword` says whether a keyword is called one.
  static std::string display(antlr4::Token* token, bool keyword = true) {
    if (token->getType() == antlr4::Token::EOF) return "end of file";
    const std::size_t type = token->getType();
    // A keyword where a name was meant is a common slip (`role from`): say it is one.
    std::string shown =
        keyword && type >= GtypeParser::MODULE && type <= GtypeParser::AUX ? "keyword '" : "'";
    shown += token->getText();
    shown += '\'';
    return shown;
  }

  // "'}', 'end' or an identifier"; the tokens that begin a statement or a declaration are
  // summed up as "a statement" and "a declaration".
  static std::string describe(antlr4::Parser* parser, const antlr4::misc::IntervalSet& set) {
    const antlr4::dfa::Vocabulary& vocabulary = parser->getVocabulary();
    constexpr ssize_t kEof = -1;
    std::set<ssize_t> tokens = set.toSet();
    std::vector<std::string> words;
    auto summarise = [&](std::initializer_list<ssize_t> group, const char* word) {
      for (ssize_t t : group) {
        if (!tokens.count(t)) return;
      }
      for (ssize_t t : group) tokens.erase(t);
      words.push_back(word);
    };
    summarise({GtypeParser::ID, GtypeParser::NUMBER, GtypeParser::CONNECT, GtypeParser::DISCONNECT,
               GtypeParser::CHOICE, GtypeParser::REC, GtypeParser::CONTINUE, GtypeParser::DO,
               GtypeParser::END, GtypeParser::NESTED},
              "a statement");
    summarise({GtypeParser::ID, GtypeParser::NUMBER}, "a label");
    summarise(
        {GtypeParser::MODULE, GtypeParser::IMPORT, GtypeParser::TYPE, GtypeParser::SIG, GtypeParser::SORT,
         GtypeParser::EXPLICIT, GtypeParser::AUX, GtypeParser::GLOBAL, GtypeParser::LOCAL},
        "a declaration (import, type, sig, sort, global protocol or local system)");
    if (!words.empty() && words.back().rfind("a declaration", 0) == 0) tokens.erase(kEof);
    std::vector<std::string> names;
    for (ssize_t t : tokens) {
      if (t == kEof) {
        names.push_back("end of file");
      } else if (t == GtypeParser::ID) {
        names.push_back("an identifier");
      } else if (t == GtypeParser::STRING) {
        names.push_back("a string");
      } else if (t == GtypeParser::NUMBER) {
        names.push_back("a number");
      } else {
        names.push_back(vocabulary.getDisplayName(static_cast<std::size_t>(t)));
      }
    }
    names.insert(names.end(), words.begin(), words.end());
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
      out += names[i];
    }
    return out;
  }

  // The statement, local-system entry or field being parsed, innermost first.
  static antlr4::ParserRuleContext* enclosing_unit(antlr4::ParserRuleContext* context) {
    for (; context != nullptr; context = dynamic_cast<antlr4::ParserRuleContext*>(context->parent)) {
      if (dynamic_cast<GtypeParser::StatementContext*>(context) ||
          dynamic_cast<GtypeParser::LocalRoleContext*>(context) ||
          dynamic_cast<GtypeParser::FieldContext*>(context)) {
        return context;
      }
    }
    return nullptr;
  }

  // Consumes the rest of `unit`: up to its `;` (left for the rule that expects it), or through
  // its last `}` (a choice goes on with `or {`), braces balanced; stops before a `}` that
  // closes an enclosing block and before a keyword that begins a declaration.
  static void skip_unit(antlr4::Parser* parser, antlr4::ParserRuleContext* unit) {
    antlr4::TokenStream* tokens = parser->getTokenStream();
    int depth = braces_before(parser, unit);
    for (;;) {
      const std::size_t type = tokens->LA(1);
      if (type == antlr4::Token::EOF || begins_declaration(type)) return;
      const std::string text = tokens->LT(1)->getText();
      if (text == ";" && depth == 0) return;
      if (text == "}") {
        if (depth == 0) return;
        parser->consume();
        if (--depth == 0 && tokens->LA(1) != GtypeParser::OR) return;
        continue;
      }
      if (text == "{") ++depth;
      parser->consume();
    }
  }

  // The token type of `}`.
  static std::size_t rbrace(antlr4::Parser* parser) {
    const antlr4::dfa::Vocabulary& vocabulary = parser->getVocabulary();
    for (std::size_t t = 1; t <= vocabulary.getMaxTokenType(); ++t) {
      if (vocabulary.getLiteralName(t) == "'}'") return t;
    }
    return antlr4::Token::INVALID_TYPE;
  }

  // How many `{` of `unit` are open before the current token.
  static int braces_before(antlr4::Parser* parser, antlr4::ParserRuleContext* unit) {
    antlr4::TokenStream* tokens = parser->getTokenStream();
    int depth = 0;
    if (unit->getStart() != nullptr) {
      for (std::size_t i = unit->getStart()->getTokenIndex(); i < tokens->index(); ++i) {
        const std::string text = tokens->get(i)->getText();
        depth += text == "{" ? 1 : text == "}" ? -1 : 0;
      }
    }
    return std::max(depth, 0);
  }

  static bool begins_declaration(std::size_t type) {
    return type == GtypeParser::MODULE || type == GtypeParser::IMPORT || type == GtypeParser::TYPE ||
           type == GtypeParser::SIG || type == GtypeParser::SORT || type == GtypeParser::EXPLICIT ||
           type == GtypeParser::AUX || type == GtypeParser::GLOBAL || type == GtypeParser::LOCAL;
  }
  SyntaxErrors& errors_;
  std::size_t last_recovery_ = static_cast<std::size_t>(-1);
};

// The deepest nesting of `choice`, `rec`, `mu` and choices of local types that a file may have.
// Every pass after the parser recurses along the nesting, and some look at every enclosing
// block from each nested one: the cap keeps that within the stack and near-linear.
constexpr std::size_t kMaxNesting = 1000;

class Builder {
 public:
  Builder(std::uint32_t file, DiagnosticEngine& diagnostics) : file_(file), diagnostics_(diagnostics) {}

  // Whether some part was nested too deep (reported, and left out of the AST).
  bool too_deep() const { return too_deep_; }

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
    Message message{context->label ? name(context->label->getStart()) : Name{}, {}, {}, false};
    message.signature = context->open == nullptr;
    bool named = false;
    for (auto* payload : context->payload()) {
      message.payload.push_back(sort(payload->sortRef()));
      message.payload_names.push_back(payload->name ? payload->name->getText() : std::string());
      named = named || payload->name != nullptr;
      if (antlr4::tree::TerminalNode* refinement = payload->REFINEMENT()) {
        diagnostics_.error(at(refinement->getSymbol()),
                           "not supported: refinement '" + refinement->getText() +
                               "' (νScr's refinement types); gtype checks payload "
                               "sorts only");
      }
    }
    if (!named) message.payload_names.clear();
    return message;
  }

  // Leaves a level of nesting entered by enter_nested (when `entered`).
  struct Nested {
    const Builder& builder;
    bool entered;
    ~Nested() {
      if (entered) --builder.depth_;
    }
  };

  // Enters one more level of nesting; false (reported once per file) past kMaxNesting.
  bool enter_nested(antlr4::ParserRuleContext* context) const {
    if (depth_ < kMaxNesting) {
      ++depth_;
      return true;
    }
    if (!too_deep_) {
      diagnostics_.error(at(context), "nested too deep: more than " + std::to_string(kMaxNesting) +
                                          " levels of 'choice', 'rec' and 'mu'");
    }
    too_deep_ = true;
    return false;
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
    const bool nests = dynamic_cast<P::ChoiceContext*>(context) != nullptr ||
                       dynamic_cast<P::RecContext*>(context) != nullptr;
    if (nests && !enter_nested(context)) return std::nullopt;
    const Nested leave{*this, nests};
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
      if (c->name) s.label = Name{c->name->getText(), at(c->name)};
      for (auto* role : c->ID()) s.arguments.push_back(name(role));
      for (auto* argument : c->doArgument()) {
        DoArgument out{std::nullopt, std::nullopt, at(argument)};
        if (argument->message()) out.message = message(argument->message());
        if (argument->sortRef()) out.sort = sort(argument->sortRef());
        s.parameter_arguments.push_back(std::move(out));
      }
      return s;
    }
    if (dynamic_cast<P::EndContext*>(context)) return make(StatementKind::kEnd);
    if (auto* c = dynamic_cast<P::NestedContext*>(context)) {
      // Lifted out of its protocol, aux: it is checked where a `do` calls it.
      GlobalProtocol nested{name(c->name), explicit_, true, {}, {}, block(c->block()), at(c)};
      for (auto* role : c->roleDecl()) nested.roles.push_back(name(role->ID()));
      lifted_.push_back(std::move(nested));
      return std::nullopt;  // declares, does nothing here
    }
    if (auto* c = dynamic_cast<P::NestedWithNewRolesContext*>(context)) {
      const std::string name = c->name ? c->name->getText() : std::string("?");
      Diagnostic& d = diagnostics_.error(
          at(c), "not supported: νScr's nested protocol '" + name +
                     "' (it creates roles in a running session, which no fixed system of roles can verify)");
      d.notes.push_back({{},
                         "declare it as a global protocol of its own and call it with 'do', or merge its "
                         "statements into the protocol"});
      return std::nullopt;
    }
    return std::nullopt;  // an alternative that failed to parse
  }

  LocalTypePtr local_type(GtypeParser::LocalTypeContext* context) const {
    using P = GtypeParser;
    auto type = std::make_shared<LocalType>();
    if (context == nullptr) return type;
    type->location = at(context);
    const bool nests = dynamic_cast<P::LocalChoiceContext*>(context) != nullptr ||
                       dynamic_cast<P::LocalExternalChoiceContext*>(context) != nullptr ||
                       dynamic_cast<P::LocalRecContext*>(context) != nullptr;
    if (nests && !enter_nested(context)) return type;  // `end` in place of what is too deep
    const Nested leave{*this, nests};
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
      if (c->path) out.imports.push_back({unquote(c->path->getText()), "", "", at(c->path)});
      if (c->module) {
        out.imports.push_back({"", c->module->getText(), c->alias ? c->alias->getText() : "", at(c->module)});
      }
    } else if (auto* c = context->typeDecl()) {
      out.types.push_back(TypeDecl{name(c->alias), c->schema ? c->schema->getText() : "",
                                   c->hostType ? unquote(c->hostType->getText()) : "",
                                   c->header ? unquote(c->header->getText()) : "", at(c)});
    } else if (auto* c = context->sigDecl()) {
      out.sigs.push_back(SigDecl{name(c->alias), c->schema ? c->schema->getText() : "",
                                 c->hostType ? unquote(c->hostType->getText()) : "",
                                 c->source ? unquote(c->source->getText()) : "", at(c)});
    } else if (auto* c = context->sortDecl()) {
      SortDecl sort{name(c->name), {}, at(c)};
      for (auto* field : c->field()) {
        if (field->sortRef()) sort.fields.push_back(Field{name(field->name), this->sort(field->sortRef())});
      }
      out.sorts.push_back(std::move(sort));
    } else if (auto* c = context->globalProtocol()) {
      GlobalProtocol protocol{name(c->name), false, false, {}, {}, {}, at(c)};
      for (auto* modifier : c->protocolModifier()) {
        protocol.explicit_connections = protocol.explicit_connections || modifier->EXPLICIT() != nullptr;
        protocol.aux = protocol.aux || modifier->AUX() != nullptr;
      }
      explicit_ = protocol.explicit_connections;  // for the nested protocols of its body
      protocol.body = block(c->block());
      for (auto* parameter : c->protocolParameter()) {
        if (parameter->name == nullptr) continue;
        protocol.parameters.push_back(
            {parameter->SIG() ? ProtocolParameter::Kind::kSig : ProtocolParameter::Kind::kType,
             name(parameter->name)});
      }
      for (auto* role : c->roleDecl()) protocol.roles.push_back(name(role->ID()));
      out.protocols.push_back(std::move(protocol));
      for (GlobalProtocol& nested : lifted_) out.protocols.push_back(std::move(nested));
      lifted_.clear();
    } else if (auto* c = context->localSystem()) {
      LocalSystem system{name(c->name), c->EXPLICIT() != nullptr, {}, at(c)};
      for (auto* role : c->localRole())
        system.roles.push_back(LocalRole{name(role->role), local_type(role->localType())});
      out.local_systems.push_back(std::move(system));
    }
  }

 private:
  std::uint32_t file_;
  DiagnosticEngine& diagnostics_;
  mutable std::size_t depth_ = 0;               // the nesting being built
  mutable bool explicit_ = false;               // the protocol being built is explicit
  mutable std::vector<GlobalProtocol> lifted_;  // its nested protocols, lifted out
  mutable bool too_deep_ = false;
};

}  // namespace

constexpr std::size_t kMaxTokens = 1'000'000;

namespace {

// Reports every line that holds invalid UTF-8, at its first bad byte; ANTLR's input stream
// would throw on it. Returns whether the text is valid.
bool check_utf8(const SourceManager& sources, std::uint32_t file, DiagnosticEngine& diagnostics) {
  const std::string_view text = sources.text(file);
  bool valid = true;
  std::uint32_t line = 1, column = 1, reported_line = 0;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence_length(text.substr(i));
    if (length == 0) {
      if (reported_line != line) diagnostics.error({file, line, column}, "invalid UTF-8");
      reported_line = line;
      valid = false;
      ++i;
      ++column;
      continue;
    }
    if (text[i] == '\n') {
      ++line;
      column = 0;
    }
    i += length;
    ++column;
  }
  return valid;
}

// Where the token past the cap begins, if the text has more than kMaxTokens tokens. The tokens
// are counted and dropped, so that an oversized file costs no memory; lexer errors are left for
// the real pass to report.
std::optional<SourceLocation> past_token_cap(GtypeLexer& lexer, std::uint32_t file) {
  lexer.removeErrorListeners();
  std::optional<SourceLocation> past;
  for (std::size_t count = 0;; ++count) {
    std::unique_ptr<antlr4::Token> token = lexer.nextToken();
    if (token->getType() == antlr4::Token::EOF) break;
    if (token->getChannel() != antlr4::Token::DEFAULT_CHANNEL) continue;
    if (count == kMaxTokens) {
      past = SourceLocation{file, static_cast<std::uint32_t>(token->getLine()),
                            static_cast<std::uint32_t>(token->getCharPositionInLine() + 1)};
      break;
    }
  }
  lexer.reset();
  return past;
}

// νScr's pragmas (`(*# NestedProtocols, ShowPragmas #*)`) switch on extensions of νScr or its
// output; none changes what gtype does, so each is named in a warning at its place, once per
// file.
void warn_pragmas(antlr4::CommonTokenStream& tokens, std::uint32_t file, DiagnosticEngine& diagnostics) {
  std::set<std::string> warned;
  for (antlr4::Token* token : tokens.getTokens()) {
    if (token->getType() != GtypeLexer::PRAGMA) continue;
    const std::string text = token->getText();
    auto line = static_cast<std::uint32_t>(token->getLine());
    auto column = static_cast<std::uint32_t>(token->getCharPositionInLine() + 1);
    std::string name;
    SourceLocation name_at;
    // The names between `(*#` and `#*)`, separated by commas or spaces.
    for (std::size_t i = 0; i + 3 <= text.size(); ++i) {
      const char c = i >= 3 && i + 3 < text.size() ? text[i] : ',';
      const bool separator = c == ',' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
      if (!separator) {
        if (name.empty()) name_at = {file, line, column};
        name += c;
      } else if (!name.empty()) {
        if (warned.insert(name).second)
          diagnostics.warning(name_at, "pragma '" + name + "' changes nothing in gtype: ignored");
        name.clear();
      }
      if (c == '\n') {
        ++line;
        column = 1;
      } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
        ++column;  // columns count characters, not the bytes of UTF-8
      }
    }
  }
}

}  // namespace

bool parse_source(const SourceManager& sources, std::uint32_t file, DiagnosticEngine& diagnostics,
                  SourceFile& out) {
  out = SourceFile{};
  out.file = file;
  if (!check_utf8(sources, file, diagnostics)) return false;
  antlr4::ANTLRInputStream input(sources.text(file));
  GtypeLexer lexer(&input);
  // The parser and the passes after it recurse along sequences; a cap on the size of a file
  // keeps that recursion within the stack `gtype` runs on (see tools/gtype/main.cpp).
  if (std::optional<SourceLocation> past = past_token_cap(lexer, file)) {
    diagnostics.error(*past, "file too large: more than " + std::to_string(kMaxTokens) + " tokens");
    return false;
  }
  SyntaxErrors errors(file, diagnostics);
  LexerErrorListener listener(errors);
  lexer.addErrorListener(&listener);
  antlr4::CommonTokenStream tokens(&lexer);
  tokens.fill();
  for (antlr4::Token* token : tokens.getTokens()) {
    if (token->getType() != GtypeLexer::UNTERMINATED_COMMENT) continue;
    errors.report(token->getLine(), token->getCharPositionInLine() + 1,
                  "unterminated comment: '(*' without a matching '*)'");
  }
  GtypeParser parser(&tokens);
  parser.removeErrorListeners();
  parser.setErrorHandler(std::make_shared<ReadableErrorStrategy>(errors));
  GtypeParser::FileContext* tree = parser.file();

  Builder builder(file, diagnostics);
  for (auto* item : tree->item()) builder.item(item, out);
  warn_pragmas(tokens, file, diagnostics);
  return errors.count == 0 && !builder.too_deep();
}

}  // namespace gtype
