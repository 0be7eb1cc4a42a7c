// C++ spelling of .gtype names: keyword escaping and case conversions (see names.h).
#include "names.h"

#include <array>
#include <cctype>
#include <cstdio>

namespace gtype::codegen {

namespace {

// C++20 keywords and alternative tokens, then identifiers with a special meaning that are
// safer avoided (`import`, `module`), then macros that <cassert>, <cerrno>, <cstdio>,
// <csetjmp>, <cstdarg>, <sys/sysmacros.h> or a GNU dialect (`linux`, `unix`) may define.
constexpr std::array<std::string_view, 117> kReserved = {
    "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break", "case", "catch",
    "char", "char8_t", "char16_t", "char32_t", "class", "compl", "concept", "const", "consteval", "constexpr",
    "constinit", "const_cast", "continue", "co_await", "co_return", "co_yield", "decltype", "default", "delete",
    "do", "double", "dynamic_cast", "else", "enum", "explicit", "export", "extern", "false", "float", "for",
    "friend", "goto", "if", "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not", "not_eq",
    "nullptr", "operator", "or", "or_eq", "private", "protected", "public", "register", "reinterpret_cast",
    "requires", "return", "short", "signed", "sizeof", "static", "static_assert", "static_cast", "struct",
    "switch", "template", "this", "thread_local", "throw", "true", "try", "typedef", "typeid", "typename",
    "union", "unsigned", "using", "virtual", "void", "volatile", "wchar_t", "while", "xor", "xor_eq",
    "final", "override", "import", "module",
    "assert", "errno", "stdin", "stdout", "stderr", "EOF", "NULL", "BUFSIZ", "FILENAME_MAX", "offsetof",
    "setjmp", "va_arg", "va_copy", "va_end", "va_start", "major", "minor", "makedev", "linux", "unix",
    "i386",
};

}  // namespace

bool is_reserved_word(std::string_view name) {
  for (std::string_view word : kReserved) {
    if (word == name) return true;
  }
  return false;
}

std::string escape(std::string_view name, const std::set<std::string>& taken) {
  std::string out(name);
  while (is_reserved_word(out) || taken.count(out) != 0) out += '_';
  return out;
}

std::string snake_case(std::string_view name) {
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(name[i]);
    if (std::isupper(c)) {
      const bool after_lower = i > 0 && (std::islower(static_cast<unsigned char>(name[i - 1])) ||
                                         std::isdigit(static_cast<unsigned char>(name[i - 1])));
      const bool ends_acronym = i > 0 && std::isupper(static_cast<unsigned char>(name[i - 1])) &&
                                i + 1 < name.size() && std::islower(static_cast<unsigned char>(name[i + 1]));
      if ((after_lower || ends_acronym) && !out.empty() && out.back() != '_') out += '_';
      out += static_cast<char>(std::tolower(c));
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string camel_case(std::string_view name) {
  std::string out;
  bool upper = true;
  for (const char c : name) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  // A name made of underscores only, or one that would start with a digit.
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out.front()))) return std::string("X").append(out);
  return out;
}

std::string identifier_of(std::string_view text) {
  std::string out;
  for (const char c : text) out += std::isalnum(static_cast<unsigned char>(c)) || c == '_' ? c : '_';
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out.front()))) return std::string("f").append(out);
  return out;
}

std::string string_literal(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\%03o", static_cast<unsigned>(static_cast<unsigned char>(c)));
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace gtype::codegen
