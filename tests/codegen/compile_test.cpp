// Generated code compiles, and its typed API allows exactly the protocol's actions.
//
// This translation unit includes every header generated for the four thesis protocols and the
// samples at once (so sorts shared between protocols must agree), under stricter warnings than
// the project's (see CMakeLists.txt). The static_asserts check, through requires-expressions,
// that each state has the actions of its local type and no other, callable on rvalues only, and
// that states are move-only values nobody else can make, and the signatures of the session
// objects' callbacks and of serve(). What a static_assert cannot show (the compiler's own
// diagnostics) the illegal_actions.cpp cases show. Running it does nothing.
#include <atomic>
#include <concepts>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "codegen_samples.h"
#include "thesis_code.h"

namespace rt = gtype::rt;

// has_<action><S, Args...>: `std::forward<S>(s).action(args...)` compiles. With S a plain
// type the state is an rvalue; with S& an lvalue.
#define GTYPE_TEST_ACTION(name)                       \
  template <typename S, typename... A>                \
  concept has_##name = requires(S && s, A && ... a) { \
    std::forward<S>(s).name(std::forward<A>(a)...);   \
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
inline constexpr bool is_result_of = std::is_same_v<R, gtype::Result<T>>;

// A state is a move-only value that only generated code can make.
template <typename S>
constexpr bool is_state() {
  return !std::is_copy_constructible_v<S> && !std::is_copy_assignable_v<S> &&
         std::is_nothrow_move_constructible_v<S> && std::is_nothrow_move_assignable_v<S> &&
         !std::is_default_constructible_v<S> && !std::is_constructible_v<S, rt::Endpoint*, rt::SessionId> &&
         std::is_base_of_v<gtype::gen::State, S>;
}

// ---------------------------------------------------------------------------- PingPong
namespace pp = gtype_gen::ping_pong;

static_assert(is_state<pp::client::Start>() && is_state<pp::client::Loop>() &&
              is_state<pp::client::AfterLoopPong>());
static_assert(is_state<pp::server::Start>() && is_state<pp::server::Loop>() &&
              is_state<pp::server::AfterLoopPong>());

// client: server!!ping(int).mu loop.server?pong(int).+{ server!ping(int).loop ; server!bye(Point).end }
static_assert(has_connect_ping<pp::client::Start, std::int64_t>);
static_assert(!has_connect_ping<pp::client::Start&, std::int64_t>, "an action needs an rvalue state");
static_assert(!has_connect_ping<const pp::client::Start&, std::int64_t>);
static_assert(!has_connect_ping<pp::client::Start, std::string>, "the payload has the message's sort");
static_assert(!has_connect_ping<pp::client::Start>, "the payload has the message's arity");
static_assert(!has_send_ping<pp::client::Start, std::int64_t>,
              "Start connects; it does not send over a connection");
static_assert(!has_receive<pp::client::Start>);
static_assert(is_result_of<decltype(std::declval<pp::client::Start>().connect_ping(1)), pp::client::Loop>);
static_assert(has_receive<pp::client::Loop> && !has_receive<pp::client::Loop&>);
static_assert(!has_send_ping<pp::client::Loop, std::int64_t> && !has_send_bye<pp::client::Loop, pp::Point>);
static_assert(is_result_of<decltype(std::declval<pp::client::Loop>().receive()), pp::client::Loop::Pong>);
static_assert(std::is_same_v<decltype(pp::client::Loop::Pong::value), std::int64_t>);
static_assert(std::is_same_v<decltype(pp::client::Loop::Pong::next), pp::client::AfterLoopPong>);
static_assert(has_send_ping<pp::client::AfterLoopPong, std::int64_t> &&
              has_send_bye<pp::client::AfterLoopPong, pp::Point>);
static_assert(!has_send_bye<pp::client::AfterLoopPong&, pp::Point> &&
              !has_send_bye<pp::client::AfterLoopPong, std::int64_t>);
static_assert(!has_receive<pp::client::AfterLoopPong>);
static_assert(
    is_result_of<decltype(std::declval<pp::client::AfterLoopPong>().send_ping(1)), pp::client::Loop>,
    "the loop");
static_assert(
    is_result_of<decltype(std::declval<pp::client::AfterLoopPong>().send_bye(pp::Point{})), pp::client::End>);
static_assert(!has_send_ping<pp::client::End, std::int64_t> && !has_receive<pp::client::End>);
static_assert(std::is_same_v<pp::client::AfterLoopPong::Choice,
                             std::variant<pp::client::AfterLoopPong::Ping, pp::client::AfterLoopPong::Bye>>);

// server: client??ping(int).mu loop.client!pong(int).+{ client?ping(int).loop ; client?bye(Point).end }
static_assert(has_receive<pp::server::Start> && !has_send_pong<pp::server::Start, std::int64_t>);
static_assert(has_send_pong<pp::server::Loop, std::int64_t> && !has_receive<pp::server::Loop>);
static_assert(std::is_same_v<pp::server::AfterLoopPong::Branch,
                             std::variant<pp::server::AfterLoopPong::Ping, pp::server::AfterLoopPong::Bye>>);
static_assert(is_result_of<decltype(std::declval<pp::server::AfterLoopPong>().receive()),
                           pp::server::AfterLoopPong::Branch>);
static_assert(std::is_same_v<decltype(pp::server::AfterLoopPong::Ping::next), pp::server::Loop>);
static_assert(std::is_same_v<decltype(pp::server::AfterLoopPong::Bye::next), pp::server::End>);
static_assert(std::is_same_v<decltype(pp::server::AfterLoopPong::Bye::value), pp::Point>);
static_assert(std::is_abstract_v<pp::server::Handler>);

// Session objects: one per session, so no callback takes a session id; the states where the
// server receives ping share one on_ping. The factory makes a server's objects; a client hands
// each of its own to start_served.
static_assert(std::has_virtual_destructor_v<pp::server::Handler>);
static_assert(std::is_same_v<decltype(&pp::server::Handler::on_ping),
                             void (pp::server::Handler::*)(const std::int64_t&)>);
static_assert(std::is_same_v<decltype(&pp::server::Handler::choose_pong),
                             gtype::Result<std::int64_t> (pp::server::Handler::*)()>);
static_assert(std::is_same_v<decltype(&pp::client::Handler::choose_ping_or_bye),
                             gtype::Result<pp::client::AfterLoopPong::Choice> (pp::client::Handler::*)()>);
static_assert(std::is_same_v<pp::server::Factory,
                             std::function<std::unique_ptr<pp::server::Handler>(const rt::SessionInfo&)>>);
static_assert(
    std::is_same_v<decltype(&pp::server::Role::serve),
                   gtype::Status (pp::server::Role::*)(pp::server::Factory, const std::atomic<bool>&)>);
static_assert(
    std::is_same_v<decltype(&pp::client::Role::start_served),
                   gtype::Result<rt::SessionId> (pp::client::Role::*)(std::unique_ptr<pp::client::Handler>)>);
static_assert(std::is_same_v<decltype(&pp::client::Role::serve),
                             gtype::Status (pp::client::Role::*)(const std::atomic<bool>&)>);

// ---------------------------------------------------------------------------- Draw
namespace draw = gtype_gen::draw;

// painter: canvas!!.canvas!shape(Shape, Count).+{ canvas?drawn(uint, string).canvas#.end ;
// canvas?refused(string).canvas#.end }
static_assert(has_connect_canvas<draw::painter::Start> && !has_connect_canvas<draw::painter::Start, int>);
static_assert(has_send_shape<draw::painter::AfterConnectCanvas, draw::Shape, draw::Count>);
static_assert(!has_send_shape<draw::painter::AfterConnectCanvas, draw::Shape>);
static_assert(std::is_same_v<draw::painter::AfterConnectCanvasShape::Branch,
                             std::variant<draw::painter::AfterConnectCanvasShape::Drawn,
                                          draw::painter::AfterConnectCanvasShape::Refused>>);
static_assert(std::is_same_v<decltype(draw::painter::AfterConnectCanvasShape::Drawn::value0), std::uint64_t>);
static_assert(std::is_same_v<decltype(draw::painter::AfterConnectCanvasShape::Drawn::value1), std::string>);
static_assert(has_disconnect_canvas<draw::painter::AfterConnectCanvasShapeDrawn> &&
              !has_disconnect_canvas<draw::painter::AfterConnectCanvasShapeDrawn&>);
static_assert(has_disconnect_canvas<draw::painter::AfterConnectCanvasShapeRefused> &&
              !has_receive<draw::painter::AfterConnectCanvasShapeRefused>);
// canvas: painter??.painter?shape(Shape, Count).+{ painter!drawn(uint,
// string).archive!!keep(Shape).archive#.painter#.end ; painter!refused(string).painter#.end }
static_assert(
    std::is_same_v<draw::canvas::Start::AcceptPainter,
                   std::remove_cvref_t<decltype(std::declval<draw::canvas::Start>().receive().value())>>);
static_assert(has_send_drawn<draw::canvas::AfterAcceptPainterShape, std::uint64_t, std::string> &&
              has_send_refused<draw::canvas::AfterAcceptPainterShape, std::string>);
static_assert(!has_connect_keep<draw::canvas::AfterAcceptPainterShape, draw::Shape>, "not before drawn");
static_assert(has_connect_keep<draw::canvas::AfterAcceptPainterShapeDrawn, draw::Shape>);
static_assert(has_disconnect_archive<draw::canvas::AfterAcceptPainterShapeDrawnKeep> &&
              !has_disconnect_painter<draw::canvas::AfterAcceptPainterShapeDrawnKeep>);
static_assert(has_disconnect_painter<draw::canvas::AfterAcceptPainterShapeRefused> &&
              has_disconnect_painter<draw::canvas::AfterAcceptPainterShapeDrawnKeepDisconnectArchive>);
static_assert(std::is_same_v<draw::Count, std::int64_t>, "a host type is its C++ type");

// ---------------------------------------------------------------------------- the thesis protocols
namespace hc = gtype_gen::health_check;
namespace ic = gtype_gen::idempotency_check;
namespace cf = gtype_gen::cluster_formation;
namespace ld = gtype_gen::list_detail;

// nodes: node??health_check(NodeReport).+{ state!!active(NodeStatus).log!!used(NodeStatus).end ;
// log!!free(NodeStatus).end }
static_assert(has_connect_health_check<hc::node::Start, hc::NodeReport>);
static_assert(has_connect_active<hc::nodes::AfterHealthCheck, hc::NodeStatus> &&
              has_connect_free<hc::nodes::AfterHealthCheck, hc::NodeStatus>);
static_assert(!has_connect_used<hc::nodes::AfterHealthCheck, hc::NodeStatus>, "used only after active");
static_assert(has_connect_used<hc::nodes::AfterHealthCheckActive, hc::NodeStatus> &&
              !has_connect_free<hc::nodes::AfterHealthCheckActive, hc::NodeStatus>);
// `try` is a C++ keyword: the method is connect_try, the branch struct Try.
static_assert(has_connect_try<ic::service::AfterCreateOk, ic::TopologySpec>);
static_assert(std::is_same_v<decltype(ic::istorage::Start::Try::value), ic::TopologySpec>);
// Sorts shared by protocols are one C++ type.
static_assert(std::is_same_v<hc::NodeStatus, cf::NodeStatus> &&
              std::is_same_v<cf::TopologySpec, ic::TopologySpec>);
static_assert(std::is_same_v<decltype(cf::NodeList::nodes), std::vector<hc::NodeStatus>>);
static_assert(std::is_same_v<decltype(ld::ListRequest::topology), std::optional<std::string>>);
static_assert(std::is_same_v<decltype(hc::NodeStatus::lease), std::uint64_t>);
// The loop of ClusterFormation: user's choice leads back to the state that receives resp.
static_assert(
    is_result_of<decltype(std::declval<cf::user::AfterTResp>().send_query(cf::Selector{})), cf::user::LoopT>);
// The role tables are constants.
static_assert(hc::nodes::kSpec.protocol == "HealthCheck" && hc::nodes::kSpec.self == 1 &&
              hc::nodes::kSpec.explicit_connections);
static_assert(hc::nodes::kSpec.roles[hc::nodes::kSpec.self] == "nodes");
static_assert(hc::nodes::kSpec.states[0].count == 1 &&
              hc::nodes::kSpec.transitions[0].action == rt::Action::kAccept);
static_assert(std::string_view(hc::nodes::kSpec.states[1].name) == "AfterHealthCheck",
              "states named as their classes");

int main() { return 0; }
