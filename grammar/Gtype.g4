// The .gtype language (../shared/spec/gtype-language.md, section 1).
//
// This grammar only recognises the text; every rule that a well-formed protocol must obey
// beyond the syntax (declared names, choice discipline, connections, ...) lives in check/.
// The parse tree never leaves grammar/: ast_builder.cpp turns it into the typed AST.
grammar Gtype;

file : item* EOF ;

item
  : moduleDecl
  | importDecl
  | typeDecl
  | sortDecl
  | globalProtocol
  | localSystem
  ;

moduleDecl : MODULE qualifiedName ';' ;
qualifiedName : ID ('.' ID)* ;
importDecl : IMPORT STRING ';' ;

// type <cpp> "std::int64_t" from "<cstdint>" as Count;
typeDecl : TYPE '<' schema=ID '>' hostType=STRING FROM header=STRING AS alias=ID ';' ;

sortDecl : SORT name=ID '{' field* '}' ;
field : name=ID ':' sortRef ';' ;
sortRef : name=ID ('<' sortRef (',' sortRef)* '>')? ;

// ---------------------------------------------------------------------------- global protocols
globalProtocol
  : EXPLICIT? GLOBAL PROTOCOL name=ID '(' roleDecl (',' roleDecl)* ')' block ;
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
  | DO name=ID '(' (ID (',' ID)*)? ')' ';'              # do
  | END ';'                                             # end
  ;

message : label=ID '(' (sortRef (',' sortRef)*)? ')' ;

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

ID     : [A-Za-z_] [A-Za-z0-9_]* ;
STRING : '"' (~["\\\r\n] | '\\' .)* '"' ;

LINE_COMMENT  : '//' ~[\r\n]* -> skip ;
BLOCK_COMMENT : '/*' .*? '*/' -> skip ;
WS            : [ \t\r\n\f]+ -> skip ;
