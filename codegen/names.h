// C++ names for what a protocol calls things (codegen/, internal).
//
// Protocol, role, sort, field and label names are .gtype identifiers; they become C++
// namespaces, classes, members and methods here. Keywords, a few macro names of the C and
// POSIX headers, and names the generated code itself uses get a trailing underscore. This file
// only spells names; deciding which names may clash in one scope is the emitters' job.
#pragma once

#include <set>
#include <string>
#include <string_view>

namespace gtype::codegen {

// Whether `name` cannot be a C++ identifier as it is: a keyword, an alternative token, or a
// macro that standard or POSIX headers may define.
bool is_reserved_word(std::string_view name);

// `name`, with `_` appended while it is a reserved word or in `taken`.
std::string escape(std::string_view name, const std::set<std::string>& taken = {});

// HealthCheck -> health_check, HTTPServer -> http_server, list_brief -> list_brief.
std::string snake_case(std::string_view name);

// list_brief -> ListBrief, try -> Try, nids -> Nids, HTTPServer -> HTTPServer.
std::string camel_case(std::string_view name);

// A file name stem as an identifier: characters other than [A-Za-z0-9_] become `_`.
std::string identifier_of(std::string_view text);

// A string literal: quotes, backslashes and control characters escaped.
std::string string_literal(std::string_view text);

}  // namespace gtype::codegen
