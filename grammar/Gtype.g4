// The .gtype language (../shared/spec/gtype-language.md, section 1).
//
// This grammar only recognises the text; every rule that a well-formed protocol must obey
// beyond the syntax (declared names, choice discipline, connections, ...) lives in check/.
// The parse tree never leaves grammar/: ast_builder.cpp turns it into the typed AST.
grammar Gtype;

@lexer::members {
  // Whether the `{` about to be read follows `NAME : SORT` or a `>`: then it begins a
  // refinement (see REFINEMENT), never a block.
  bool at_refinement() {
    auto space = [](std::size_t c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    auto name = [](std::size_t c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    };
    ssize_t i = -1;
    while (space(_input->LA(i))) --i;
    if (_input->LA(i) == '>') return true;
    if (!name(_input->LA(i))) return false;
    while (name(_input->LA(i))) --i;
    while (space(_input->LA(i))) --i;
    return _input->LA(i) == ':';
  }

  // Scribble's and νScr's words `sig` and `nested` are keywords only where they begin what they
  // name: `sig <java> ...` or `<sig M, ...`, and `nested protocol`. Elsewhere they are names (a
  // field `nested`, a label `sig()`), as they were before those forms were accepted.
  ssize_t skip_space(ssize_t i, ssize_t step) {
    auto space = [](std::size_t c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (space(_input->LA(i))) i += step;
    return i;
  }
  bool at_sig() {  // called after 'sig' was read: LA(1) is the next character
    if (_input->LA(skip_space(1, 1)) == '<') return true;
    const std::size_t before = _input->LA(skip_space(-4, -1));
    const std::size_t after = _input->LA(skip_space(1, 1));
    const bool letter = (after >= 'a' && after <= 'z') || (after >= 'A' && after <= 'Z') || after == '_';
    return (before == '<' || before == ',') && letter;
  }
  bool at_nested() {
    ssize_t i = skip_space(1, 1);
    if (i == 1) return false;  // `nestedprotocol` is a name
    for (const char* c = "protocol"; *c != 0; ++c, ++i) {
      if (_input->LA(i) != static_cast<std::size_t>(*c)) return false;
    }
    return true;
  }
}

file : item* EOF ;

item
  : moduleDecl
  | importDecl
  | typeDecl
  | sigDecl
  | sortDecl
  | globalProtocol
  | localSystem
  ;

moduleDecl : MODULE qualifiedName ';' ;
qualifiedName : ID ('.' ID)* ;
// `import "file.gtype";` (relative to the importing file), or Scribble's dotted module name,
// found under the importing file's root and the import paths: `import a.b.c as x;`.
importDecl : IMPORT (path=STRING | module=qualifiedName (AS alias=ID)?) ';' ;

// type <cpp> "std::int64_t" from "<cstdint>" as Count;
typeDecl : TYPE '<' schema=ID '>' hostType=STRING FROM header=STRING AS alias=ID ';' ;

// sig <java> "test.Foo" from "test/Foo.java" as Foo;  (Scribble's message signature)
sigDecl : SIG '<' schema=ID '>' hostType=STRING FROM source=STRING AS alias=ID ';' ;

sortDecl : SORT name=ID '{' field* '}' ;
field : name=ID ':' sortRef ';' ;
sortRef : name=qualifiedName ('<' sortRef (',' sortRef)* '>')? ;

// ---------------------------------------------------------------------------- global protocols
// `aux` (Scribble): only called by `do`, never verified on its own. Either order.
// Scribble's parameters: `global protocol P<sig M, type T>(role A, role B)`.
globalProtocol
  : protocolModifier* GLOBAL PROTOCOL name=ID ('<' protocolParameter (',' protocolParameter)* '>')?
    '(' roleDecl (',' roleDecl)* ')' block ;
protocolParameter : SIG name=ID | TYPE name=ID ;
protocolModifier : AUX | EXPLICIT ;
roleDecl : ROLE ID ;
block : '{' statement* '}' ;

statement
  : from=ID '->' to=ID ':' message ';'                  # arrowSend
  | from=ID '->>' to=ID (':' message)? ';'              # arrowConnect
  | message FROM from=ID TO to=ID ';'                   # scribbleSend
  | message CONNECT from=ID TO to=ID ';'                # scribbleConnectMessage
  | CONNECT from=ID TO to=ID ';'                        # scribbleConnect
  | DISCONNECT left=ID ',' right=ID ';'                 # arrowDisconnect
  | DISCONNECT left=ID AND right=ID ';'                 # scribbleDisconnect
  | CHOICE AT chooser=ID block (OR block)*              # choice
  | REC label=ID block                                  # rec
  | CONTINUE label=ID ';'                               # continue
  | DO name=qualifiedName ('<' doArgument (',' doArgument)* '>')? '(' (ID (',' ID)*)? ')' ';'  # do
  | END ';'                                             # end
  // νScr's nested protocol: one over roles of the enclosing protocol is lifted out as an aux
  // protocol; one that creates roles (`new role C`) is reported as not supported.
  | NESTED PROTOCOL name=ID '(' roleDecl (',' roleDecl)* ')' block  # nested
  | NESTED PROTOCOL name=ID ~'{'* block                 # nestedWithNewRoles
  ;

// A message for a `sig` parameter, a sort for a `type` parameter (a bare name may be either).
doArgument : message | sortRef ;

// Labels may be numbers (Scribble's `1()`); payloads may be named (`m(x: int)`); a νScr
// refinement (`x: int{x > 0}`) is recognised only to be reported as not supported.
// A label without parentheses names a message signature (`sig`): it stands for `M()`.
message : label=messageLabel (open='(' (payload (',' payload)*)? ')')? ;
messageLabel : ID | NUMBER ;
payload : (name=ID ':')? sortRef REFINEMENT? ;

// ---------------------------------------------------------------------------- local systems
localSystem : EXPLICIT? LOCAL SYSTEM name=ID '{' localRole* '}' ;

// `gtype project` prints `role: type` lines; the `;` that ends each entry may be left out so
// that its output can be pasted into a local system as it is.
localRole : role=ID ':' localType ';'? ;

localType
  : peer=ID '!' message '.' localType                   # localSend
  | peer=ID '?' message '.' localType                   # localReceive
  | peer=ID '!!' message? '.' localType                 # localConnect
  | peer=ID '??' message? '.' localType                 # localAccept
  | peer=ID '#' '.' localType                           # localDisconnect
  | '+' '{' localType (';' localType)* ';'? '}'         # localChoice
  | '&' '{' localType (';' localType)* ';'? '}'         # localExternalChoice
  | MU var=ID '.' localType                             # localRec
  | END                                                 # localEnd
  | var=ID                                              # localVar
  ;

// ---------------------------------------------------------------------------- lexer
MODULE     : 'module' ;
IMPORT     : 'import' ;
TYPE       : 'type' ;
SIG        : 'sig' {at_sig()}? ;
SORT       : 'sort' ;
FROM       : 'from' ;
AS         : 'as' ;
EXPLICIT   : 'explicit' ;
GLOBAL     : 'global' ;
PROTOCOL   : 'protocol' ;
ROLE       : 'role' ;
LOCAL      : 'local' ;
SYSTEM     : 'system' ;
CONNECT    : 'connect' ;
DISCONNECT : 'disconnect' ;
TO         : 'to' ;
AND        : 'and' ;
CHOICE     : 'choice' ;
AT         : 'at' ;
OR         : 'or' ;
REC        : 'rec' ;
CONTINUE   : 'continue' ;
DO         : 'do' ;
END        : 'end' ;
MU         : 'mu' ;
AUX        : 'aux' ;
NESTED     : 'nested' {at_nested()}? ;

ID     : [A-Za-z_] [A-Za-z0-9_]* ;
NUMBER : [0-9] [A-Za-z0-9_]* ;
STRING : '"' (~["\\\r\n] | '\\' .)* '"' ;
// νScr's refinement of a payload, `x: int{x > 0}`: a `{` right after the sort of a named
// payload (or after `>`, `x: list<int>{…}`), where no block ever opens.
REFINEMENT : {at_refinement()}? '{' ~[{}]* '}' ;

// νScr: a pragma `(*# NestedProtocols #*)`, reported (ast_builder.cpp), and OCaml comments.
PRAGMA        : '(*#' .*? '#*)' -> channel(HIDDEN) ;
ML_COMMENT    : '(*' .*? '*)' -> skip ;
// `(*` with no `*)` after it: reported by ast_builder.cpp, like an unterminated `/*`.
UNTERMINATED_COMMENT : '(*' (~[*] | '*'+ ~[*)])* '*'* EOF -> channel(HIDDEN) ;

LINE_COMMENT  : '//' ~[\r\n]* -> skip ;
BLOCK_COMMENT : '/*' .*? '*/' -> skip ;
WS            : [ \t\r\n\f]+ -> skip ;
