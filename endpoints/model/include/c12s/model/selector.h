// Selectors: the key-value pairs a user queries free nodes (5.2.1) or lists infrastructure
// (5.2.4) with, the set Q of equation 4.8, written on a command line as "k=v,k2=v2".
//
// Parsing: pairs are separated by ',', key and value by the first '='; spaces and tabs around
// keys and values are dropped. Keys and values follow the label spelling of labels.h, so an
// empty value ("os=") is an error: no label can have one. A key given twice is an error, even
// with the same value. An empty or all-blank text is the empty selector (what a query without
// a selector sends); an empty pair elsewhere ("a=1,,b=2", "a=1,") is an error. Every mistake is
// reported, each at its 1-based column. Matching is match.h's business, not this file's.
#pragma once

#include <string>
#include <string_view>

#include <sorts/c12s/sorts.h>

#include "c12s/model/labels.h"
#include "c12s/model/result.h"

namespace c12s::model {

// The sort Selector of protocols/sorts.gtype, generated: its labels, and `subset` (`c12s query
// --subset`: rule 4.9 dropped), which parse_selector leaves unset.
using Selector = gtype_gen::sorts::c12s::sorts::Selector;

// `source` names the text in diagnostics ("SOURCE:1:COLUMN: error: ...").
Result<Selector> parse_selector(std::string_view text, std::string_view source = "selector");

// "k=v,k2=v2", keys in order. For a selector whose keys and values are label tokens,
// parse_selector(format_selector(s)) gives s back.
std::string format_selector(const Selector& selector);

}  // namespace c12s::model
