// Random well-formed local systems as .gtype text, for the property tests (SPIN oracle,
// independent explorer, metamorphic properties).
//
// Each system has 2 to 4 roles and keeps the rules of check/local_systems.cpp: peers are other
// roles; choices begin with messages (sends and connects, distinct per peer and label; or
// receives and accepts from one peer, distinct labels); recursion guarded and bound (a `mu`
// whose body is only an enclosing variable, `mu v.t`, occurs); connection actions (`!!`, `??`,
// `#`) only in explicit systems, where a role may begin by accepting (idle until let in), also
// as a server (`mu t.p??l.…t`: back at its accept after each session).
// Nothing makes the roles fit together: the systems are safe or not, at random.
#pragma once

#include <string>

#include <rapidcheck.h>

namespace gtype_test {

// `[explicit ]local system Random { a: ...; b: ...; }`. Call it inside a RapidCheck property
// (it draws with rc::gen, so it shrinks with the property's case).
std::string random_local_system_text();

}  // namespace gtype_test
