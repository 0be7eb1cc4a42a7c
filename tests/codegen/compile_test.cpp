// Generated code compiles, and its typed API allows exactly the protocol's actions.
//
// This translation unit includes every header generated for the four thesis protocols and the
// samples at once (so sorts shared between protocols must agree), under stricter warnings than
// the project's (see CMakeLists.txt). The static_asserts check, through requires-expressions,
// that each state has the actions of its local type and no other, callable on rvalues only, and
// that states are move-only values nobody else can make. What a static_assert cannot show (the
// compiler's own diagnostics) the illegal_actions.cpp cases show. Running it does nothing.
#include <concepts>
#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

#include "codegen_samples.h"
#include "thesis_code.h"

namespace rt = gtype::rt;

// has_<action><S, Args...>: `std::forward<S>(s).action(args...)` compiles. With S a plain
// type the state is an rvalue; with S& an lvalue.
#define GTYPE_TEST_ACTION(name)                                   \
  template <typename S, typename... A>                            \
  concept has_##name = requires(S&& s, A&&... a) {                \
    std::forward<S>(s).name(std::forward<A>(a)...);               \
  };
GTYPE_TEST_ACTION(receive)
GTYPE_TEST_ACTION(connect_ping)
GTYPE_TEST_ACTION(send_ping)
GTYPE_TEST_ACTION(send_bye)
GTYPE_TEST_ACTION(send_pong)
GTYPE_TEST_ACTION(connect_canvas)
GTYPE_TEST_ACTION(send_shape)
GTYPE_TEST_ACTION(send_drawn)
GTYPE_TEST_ACTION(send_refused)
GTYPE_TEST_ACTION(connect_keep)
GTYPE_TEST_ACTION(disconnect_archive)
GTYPE_TEST_ACTION(disconnect_painter)
GTYPE_TEST_ACTION(disconnect_canvas)
GTYPE_TEST_ACTION(connect_health_check)
GTYPE_TEST_ACTION(connect_active)
GTYPE_TEST_ACTION(connect_free)
GTYPE_TEST_ACTION(connect_used)
GTYPE_TEST_ACTION(send_try)
GTYPE_TEST_ACTION(connect_try)
#undef GTYPE_TEST_ACTION

template <typename R, typename T>
inline constexpr bool is_result_of = std::is_same_v<R, rt::Result<T>>;

// A state is a move-only value that only generated code can make.
template <typename S>
constexpr bool is_state() {
  return !std::is_copy_constructible_v<S> && !std::is_copy_assignable_v<S> && std::is_nothrow_move_constructible_v<S> &&
         std::is_nothrow_move_assignable_v<S> && !std::is_default_constructible_v<S> &&
         !std::is_constructible_v<S, rt::Endpoint*, rt::SessionId> && std::is_base_of_v<gtype::gen::State, S>;
}

// ---------------------------------------------------------------------------- PingPong
namespace pp = gtype_gen::ping_pong;

static_assert(is_state<pp::client::S0>() && is_state<pp::client::S1>() && is_state<pp::client::S2>());
static_assert(is_state<pp::server::S0>() && is_state<pp::server::S1>() && is_state<pp::server::S2>());

// client: server!!ping(int).mu loop.server?pong(int).+{ server!ping(int).loop ; server!bye(Point).end }
static_assert(has_connect_ping<pp::client::S0, std::int64_t>);
static_assert(!has_connect_ping<pp::client::S0&, std::int64_t>, "an action needs an rvalue state");
static_assert(!has_connect_ping<const pp::client::S0&, std::int64_t>);
static_assert(!has_connect_ping<pp::client::S0, std::string>, "the payload has the message's sort");
static_assert(!has_connect_ping<pp::client::S0>, "the payload has the message's arity");
static_assert(!has_send_ping<pp::client::S0, std::int64_t>, "S0 connects; it does not send over a connection");
static_assert(!has_receive<pp::client::S0>);
static_assert(is_result_of<decltype(std::declval<pp::client::S0>().connect_ping(1)), pp::client::S1>);
static_assert(has_receive<pp::client::S1> && !has_receive<pp::client::S1&>);
static_assert(!has_send_ping<pp::client::S1, std::int64_t> && !has_send_bye<pp::client::S1, pp::Point>);
static_assert(is_result_of<decltype(std::declval<pp::client::S1>().receive()), pp::client::S1::Pong>);
static_assert(std::is_same_v<decltype(pp::client::S1::Pong::value), std::int64_t>);
static_assert(std::is_same_v<decltype(pp::client::S1::Pong::next), pp::client::S2>);
static_assert(has_send_ping<pp::client::S2, std::int64_t> && has_send_bye<pp::client::S2, pp::Point>);
static_assert(!has_send_bye<pp::client::S2&, pp::Point> && !has_send_bye<pp::client::S2, std::int64_t>);
static_assert(!has_receive<pp::client::S2>);
static_assert(is_result_of<decltype(std::declval<pp::client::S2>().send_ping(1)), pp::client::S1>, "the loop");
static_assert(is_result_of<decltype(std::declval<pp::client::S2>().send_bye(pp::Point{})), pp::client::End>);
static_assert(!has_send_ping<pp::client::End, std::int64_t> && !has_receive<pp::client::End>);
static_assert(std::is_same_v<pp::client::S2::Choice, std::variant<pp::client::S2::Ping, pp::client::S2::Bye>>);

// server: client??ping(int).mu loop.client!pong(int).+{ client?ping(int).loop ; client?bye(Point).end }
static_assert(has_receive<pp::server::S0> && !has_send_pong<pp::server::S0, std::int64_t>);
static_assert(has_send_pong<pp::server::S1, std::int64_t> && !has_receive<pp::server::S1>);
static_assert(std::is_same_v<pp::server::S2::Branch, std::variant<pp::server::S2::Ping, pp::server::S2::Bye>>);
static_assert(is_result_of<decltype(std::declval<pp::server::S2>().receive()), pp::server::S2::Branch>);
static_assert(std::is_same_v<decltype(pp::server::S2::Ping::next), pp::server::S1>);
static_assert(std::is_same_v<decltype(pp::server::S2::Bye::next), pp::server::End>);
static_assert(std::is_same_v<decltype(pp::server::S2::Bye::value), pp::Point>);
static_assert(std::is_abstract_v<pp::server::Handler>);

// ---------------------------------------------------------------------------- Draw
namespace draw = gtype_gen::draw;

// painter: canvas!!.canvas!shape(Shape, Count).+{ canvas?drawn(uint, string).canvas#.end ; canvas?refused(string).canvas#.end }
static_assert(has_connect_canvas<draw::painter::S0> && !has_connect_canvas<draw::painter::S0, int>);
static_assert(has_send_shape<draw::painter::S1, draw::Shape, draw::Count>);
static_assert(!has_send_shape<draw::painter::S1, draw::Shape>);
static_assert(std::is_same_v<draw::painter::S2::Branch, std::variant<draw::painter::S2::Drawn, draw::painter::S2::Refused>>);
static_assert(std::is_same_v<decltype(draw::painter::S2::Drawn::value0), std::uint64_t>);
static_assert(std::is_same_v<decltype(draw::painter::S2::Drawn::value1), std::string>);
static_assert(has_disconnect_canvas<draw::painter::S3> && !has_disconnect_canvas<draw::painter::S3&>);
static_assert(has_disconnect_canvas<draw::painter::S4> && !has_receive<draw::painter::S4>);
// canvas: painter??.painter?shape(Shape, Count).+{ painter!drawn(uint, string).archive!!keep(Shape).archive#.painter#.end ; painter!refused(string).painter#.end }
static_assert(std::is_same_v<draw::canvas::S0::AcceptPainter, std::remove_cvref_t<decltype(std::declval<draw::canvas::S0>().receive().value())>>);
static_assert(has_send_drawn<draw::canvas::S2, std::uint64_t, std::string> && has_send_refused<draw::canvas::S2, std::string>);
static_assert(!has_connect_keep<draw::canvas::S2, draw::Shape>, "not before drawn");
static_assert(has_connect_keep<draw::canvas::S3, draw::Shape>);
static_assert(has_disconnect_archive<draw::canvas::S5> && !has_disconnect_painter<draw::canvas::S5>);
static_assert(has_disconnect_painter<draw::canvas::S4> && has_disconnect_painter<draw::canvas::S7>);
static_assert(std::is_same_v<draw::Count, std::int64_t>, "a host type is its C++ type");

// ---------------------------------------------------------------------------- the thesis protocols
namespace hc = gtype_gen::health_check;
namespace ic = gtype_gen::idempotency_check;
namespace cf = gtype_gen::cluster_formation;
namespace ld = gtype_gen::list_detail;

// nodes: node??health_check(NodeReport).+{ state!!active(NodeStatus).log!!used(NodeStatus).end ; log!!free(NodeStatus).end }
static_assert(has_connect_health_check<hc::node::S0, hc::NodeReport>);
static_assert(has_connect_active<hc::nodes::S1, hc::NodeStatus> && has_connect_free<hc::nodes::S1, hc::NodeStatus>);
static_assert(!has_connect_used<hc::nodes::S1, hc::NodeStatus>, "used only after active");
static_assert(has_connect_used<hc::nodes::S2, hc::NodeStatus> && !has_connect_free<hc::nodes::S2, hc::NodeStatus>);
// `try` is a C++ keyword: the method is connect_try, the branch struct Try.
static_assert(has_connect_try<ic::service::S3, ic::TopologySpec>);
static_assert(std::is_same_v<decltype(ic::istorage::S0::Try::value), ic::TopologySpec>);
// Sorts shared by protocols are one C++ type.
static_assert(std::is_same_v<hc::NodeStatus, cf::NodeStatus> && std::is_same_v<cf::TopologySpec, ic::TopologySpec>);
static_assert(std::is_same_v<decltype(cf::NodeList::nodes), std::vector<hc::NodeStatus>>);
static_assert(std::is_same_v<decltype(ld::ListRequest::topology), std::optional<std::string>>);
static_assert(std::is_same_v<decltype(hc::NodeStatus::lease), std::uint64_t>);
// The loop of ClusterFormation: user's choice leads back to the state that receives resp.
static_assert(is_result_of<decltype(std::declval<cf::user::S2>().send_query(cf::Selector{})), cf::user::S1>);
// The role tables are constants.
static_assert(hc::nodes::kSpec.protocol == "HealthCheck" && hc::nodes::kSpec.self == 1 && hc::nodes::kSpec.explicit_connections);
static_assert(hc::nodes::kSpec.roles[hc::nodes::kSpec.self] == "nodes");
static_assert(hc::nodes::kSpec.states[0].count == 1 && hc::nodes::kSpec.transitions[0].action == rt::Action::kAccept);

int main() { return 0; }
