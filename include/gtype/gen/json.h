// JSON for the sorts of generated code, with nlohmann-json: include this header to give every
// sort `to_json`/`from_json` (nlohmann's adl_serializer), and text in and out.
//
// A sort is a JSON object from its field names, as the .gtype declares them, to its fields,
// in declaration order (with nlohmann::ordered_json; nlohmann::json sorts keys); it is read back
// only when every field is there exactly once and nothing else is, as its msgpack map is
// (gtype/gen/support.h). The other sorts: bool, numbers (int, uint: integers; double: a number,
// non-finite ones as null, which does not read back), string, list<S> an array, map<string, V>
// an object in key order (other keys: an array of [key, value] pairs), optional<S> the value or
// null, bytes an array of numbers 0-255. Host types (`type <cpp>`) have the JSON their own
// to_json/from_json give them, if any. Nothing here is generated per sort: one template, driven
// by the generated gtype_fields(), like the msgpack adaptor.
//
// Not included by generated headers (its cost is a large header): a program that wants JSON
// includes it.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "gtype/gen/support.h"
#include "gtype/status.h"

namespace gtype::gen::detail {

template <typename T>
struct is_vector : std::false_type {};
template <typename T>
struct is_vector<std::vector<T>> : std::true_type {};
template <typename T>
struct is_map : std::false_type {};
template <typename K, typename V>
struct is_map<std::map<K, V>> : std::true_type {};
template <typename T>
struct is_string_map : std::false_type {};
template <typename V>
struct is_string_map<std::map<std::string, V>> : std::true_type {};
template <typename T>
struct is_optional : std::false_type {};
template <typename T>
struct is_optional<std::optional<T>> : std::true_type {};

template <typename Json>
[[noreturn]] void wrong_json(const Json& in, const std::string& what) {
  throw Json::type_error::create(302, what + ", not " + in.type_name(), &in);
}

// Reads `out` from `in` strictly: the JSON must be of the sort's kind, a number must fit its
// type exactly (nlohmann's own conversions would truncate 256 into a byte or wrap -1 into a
// uint), and a record must have exactly its fields. Host types read as nlohmann reads them.
template <typename Json, typename T>
void read_json(const Json& in, T& out) {
  if constexpr (std::is_same_v<T, bool>) {
    if (!in.is_boolean()) wrong_json(in, "a bool must be true or false");
    out = in.template get<bool>();
  } else if constexpr (std::is_same_v<T, std::uint8_t>) {
    if (!in.is_number_unsigned() || in.template get<std::uint64_t>() > 255) {
      wrong_json(in, "a byte must be an integer from 0 to 255");
    }
    out = static_cast<std::uint8_t>(in.template get<std::uint64_t>());
  } else if constexpr (std::is_same_v<T, std::uint64_t>) {
    if (!in.is_number_unsigned()) wrong_json(in, "a uint must be a non-negative integer");
    out = in.template get<std::uint64_t>();
  } else if constexpr (std::is_same_v<T, std::int64_t>) {
    const bool fits =
        in.is_number_integer() && (!in.is_number_unsigned() ||
                                   in.template get<std::uint64_t>() <= static_cast<std::uint64_t>(INT64_MAX));
    if (!fits) wrong_json(in, "an int must be an integer within 64 bits");
    out = in.template get<std::int64_t>();
  } else if constexpr (std::is_same_v<T, double>) {
    if (!in.is_number()) wrong_json(in, "a double must be a number");
    out = in.template get<double>();
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!in.is_string()) wrong_json(in, "a string must be a JSON string");
    out = in.template get<std::string>();
  } else if constexpr (is_optional<T>::value) {
    if (in.is_null()) return out.reset();
    read_json(in, out.emplace());
  } else if constexpr (is_vector<T>::value) {
    if (!in.is_array()) wrong_json(in, "a list must be an array");
    out.clear();
    for (const Json& item : in) read_json(item, out.emplace_back());
  } else if constexpr (is_string_map<T>::value) {
    if (!in.is_object()) wrong_json(in, "a map keyed by strings must be an object");
    out.clear();
    for (auto it = in.begin(); it != in.end(); ++it) read_json(it.value(), out[it.key()]);
  } else if constexpr (is_map<T>::value) {
    if (!in.is_array()) wrong_json(in, "a map must be an array of [key, value] pairs");
    out.clear();
    for (const Json& pair : in) {
      if (!pair.is_array() || pair.size() != 2) wrong_json(pair, "a map entry must be a [key, value] pair");
      typename T::key_type key{};
      read_json(pair[0], key);
      if (out.count(key) != 0) throw Json::other_error::create(501, "a map has a key twice", &pair);
      read_json(pair[1], out[key]);
    }
  } else if constexpr (is_sort_v<T>) {
    constexpr auto fields = T::gtype_fields();
    if (!in.is_object()) wrong_json(in, "a sort must be a JSON object");
    std::apply(
        [&](const auto&... f) {
          auto read = [&](const auto& field) {
            auto it = in.find(field.name);
            if (it == in.end()) {
              throw Json::out_of_range::create(403, std::string("field '") + field.name + "' is missing",
                                               &in);
            }
            read_json(*it, out.*(field.member));
          };
          (read(f), ...);
        },
        fields);
    if (in.size() == std::tuple_size_v<decltype(fields)>) return;
    for (auto it = in.begin(); it != in.end(); ++it) {
      const bool known = std::apply([&](const auto&... f) { return ((it.key() == f.name) || ...); }, fields);
      if (!known) throw Json::out_of_range::create(403, "unknown field '" + it.key() + "'", &in);
    }
  } else {
    in.get_to(out);
  }
}

}  // namespace gtype::gen::detail

namespace nlohmann {

template <typename T>
struct adl_serializer<std::optional<T>> {
  template <typename Json>
  static void to_json(Json& out, const std::optional<T>& value) {
    if (value) {
      out = *value;
    } else {
      out = nullptr;
    }
  }
  template <typename Json>
  static void from_json(const Json& in, std::optional<T>& value) {
    if (in.is_null()) {
      value.reset();
    } else {
      value = in.template get<T>();
    }
  }
};

template <typename T>
struct adl_serializer<T, std::enable_if_t<gtype::gen::is_sort_v<T>>> {
  template <typename Json>
  static void to_json(Json& out, const T& value) {
    out = Json::object();
    std::apply([&](const auto&... f) { ((out[f.name] = value.*(f.member)), ...); }, T::gtype_fields());
  }
  template <typename Json>
  static void from_json(const Json& in, T& value) {
    gtype::gen::detail::read_json(in, value);
  }
};

}  // namespace nlohmann

namespace gtype::gen {

// `value` as JSON text, fields in declaration order; `indent` < 0: on one line. A string that is
// not UTF-8 shows its stray bytes as U+FFFD (JSON text is Unicode), so it does not read back.
template <typename T>
std::string to_json_text(const T& value, int indent = -1) {
  return nlohmann::ordered_json(value).dump(indent, ' ', false,
                                            nlohmann::ordered_json::error_handler_t::replace);
}

// A T from JSON text; kConfig (input not well formed) saying what is wrong (its syntax, a missing or unknown
// field, a value of the wrong type) otherwise.
template <typename T>
gtype::Result<T> from_json_text(std::string_view text) {
  try {
    T value{};
    gtype::gen::detail::read_json(nlohmann::ordered_json::parse(text), value);
    return value;
  } catch (const nlohmann::ordered_json::exception& error) {
    return gtype::Status{gtype::StatusCode::kConfig, error.what()};
  }
}

}  // namespace gtype::gen
