// Labels (the set L of a node, thesis 4.6.2) and the spelling rules of labels and names.
//
// The thesis asks for "alphanumeric" keys, values (definition 4.6.4) and names of regions,
// clusters and nodes (5.2.2). We keep that and allow the few punctuation marks real labels
// need: label tokens may also hold '.', '_', '-' and '/' (e.g. 2.5GHz, kubernetes.io/arch);
// names may also hold '_' and '-' (e.g. eu-west), never '.' or '/', so that a name can be a
// path segment of the key of listing 5.3 or a topic. Neither may be empty or hold spaces, ','
// or '=', which is what lets a selector be written and read back on a command line.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace c12s::model {

// Key -> value, keys unique (the thesis's ki != kj), kept sorted by key.
using Labels = std::map<std::string, std::string>;

// A label key or value: one or more of [A-Za-z0-9._/-].
bool is_label_token(std::string_view text);
// A name of a topology, region, cluster, queue, or a node id: one or more of [A-Za-z0-9_-].
bool is_name(std::string_view text);

// What the two rules above allow, for messages.
inline constexpr std::string_view kLabelTokenRule = "letters, digits, '.', '_', '-' and '/'";
inline constexpr std::string_view kNameRule = "letters, digits, '_' and '-'";

}  // namespace c12s::model
