// What the C++ that `gtype gen` writes is built on, besides the runtime (gtype/rt): payloads
// packed as msgpack arrays, sorts as strict msgpack maps, the base of the state classes, and
// the table of session objects behind a role's serve().
//
// Header-only. Generated code is its only intended user; the names are public so that
// generated headers of several protocols can share them. It does not carry out actions (the
// runtime's Endpoint does) and knows nothing of any particular protocol.
#pragma once

#include <msgpack.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "gtype/rt/endpoint.h"
#include "gtype/rt/string_sink.h"
#include "gtype/rt/wire.h"
#include "gtype/status.h"

namespace gtype::gen {

// ------------------------------------------------------------------------------ payloads

// A message's payload on the wire: a msgpack array of its values, in order.
template <typename... T>
std::string pack_payload(const T&... values) {
  std::string bytes;
  rt::StringSink sink{&bytes};
  msgpack::packer<rt::StringSink> packer(sink);
  packer.pack_array(static_cast<std::uint32_t>(sizeof...(T)));
  (packer.pack(values), ...);
  return bytes;
}

template <typename... T>
std::string pack_payload_tuple(const std::tuple<T...>& values) {
  return std::apply([](const auto&... v) { return pack_payload(v...); }, values);
}

namespace detail {

template <typename Tuple, std::size_t... I>
void convert_elements([[maybe_unused]] const msgpack::object* elements, Tuple& values,
                      std::index_sequence<I...>) {
  (elements[I].convert(std::get<I>(values)), ...);
}

// Types the direct reader (gtype/rt/wire.h) reads as msgpack-c would convert them.
template <typename T>
inline constexpr bool direct_v =
    std::is_same_v<T, std::int64_t> || std::is_same_v<T, std::uint64_t> || std::is_same_v<T, double> ||
    std::is_same_v<T, bool> || std::is_same_v<T, std::string>;

template <typename T>
bool read_direct(rt::WireReader& in, T& out) {
  if constexpr (std::is_same_v<T, std::int64_t>) {
    return in.int64(&out);
  } else if constexpr (std::is_same_v<T, std::uint64_t>) {
    return in.uint(&out);
  } else if constexpr (std::is_same_v<T, double>) {
    return in.float64(&out);
  } else if constexpr (std::is_same_v<T, bool>) {
    return in.boolean(&out);
  } else {
    std::string_view s;
    if (!in.str(&s)) return false;
    out.assign(s);
    return true;
  }
}

template <typename... T, std::size_t... I>
std::optional<std::tuple<T...>> unpack_direct(std::string_view payload, std::index_sequence<I...>) {
  rt::WireReader in(payload);
  std::uint32_t size = 0;
  if (!in.array(&size) || size != sizeof...(T)) return std::nullopt;
  std::tuple<T...> values;
  if (!(read_direct(in, std::get<I>(values)) && ...) || !in.done()) return std::nullopt;
  return values;
}

// msgpack-c's reading. Every element takes a byte at least, so no array, map, string or bin
// can be longer than the payload: the limits keep a forged length from allocating before the
// bytes run out. The zone starts small (msgpack's default is 8 KiB a payload) and grows.
template <typename... T>
std::optional<std::tuple<T...>> unpack_generic(std::string_view payload) {
  try {
    const std::size_t n = payload.size();
    const msgpack::unpack_limit limit(n, n, n, n, n, /*depth=*/64);
    msgpack::zone zone(std::max<std::size_t>(128, 2 * n));
    std::size_t offset = 0;
    bool referenced = false;
    const msgpack::object array =
        msgpack::unpack(zone, payload.data(), n, offset, referenced, nullptr, nullptr, limit);
    if (offset != n) return std::nullopt;
    if (array.type != msgpack::type::ARRAY || array.via.array.size != sizeof...(T)) return std::nullopt;
    std::tuple<T...> values;
    convert_elements(array.via.array.ptr, values, std::index_sequence_for<T...>());
    return values;
  } catch (...) {  // msgpack reports a malformed or mistyped payload by throwing
    return std::nullopt;
  }
}

}  // namespace detail

// The values of a payload: exactly one msgpack array of sizeof...(T) elements, each of the
// right type, and nothing after it; nullopt otherwise. Payloads of plain values are read
// directly (see gtype/rt/wire.h), the rest, and whatever that reader does not take, by
// msgpack-c: both read alike (tests/runtime/wire_test.cpp).
template <typename... T>
std::optional<std::tuple<T...>> unpack_payload(std::string_view payload) {
  if constexpr ((detail::direct_v<T> && ...)) {
    if (auto values = detail::unpack_direct<T...>(payload, std::index_sequence_for<T...>())) return values;
  }
  return detail::unpack_generic<T...>(payload);
}

// MessageSpec::payload_valid for a message whose payload is T...
template <typename... T>
bool payload_valid(std::string_view payload) {
  return unpack_payload<T...>(payload).has_value();
}

// ------------------------------------------------------------------------------ sorts

// A sort is a struct with `static constexpr auto gtype_fields()` returning a tuple of Field:
// it travels as a msgpack map from field names to values, and is read back only when every
// field is there exactly once, with a value of its type, and nothing else is.
template <typename S, typename T>
struct Field {
  const char* name;
  T S::*member;
};

template <typename S, typename T>
constexpr Field<S, T> field(const char* name, T S::*member) {
  return {name, member};
}

template <typename T, typename = void>
struct is_sort : std::false_type {};
template <typename T>
struct is_sort<T, std::void_t<decltype(T::gtype_fields())>> : std::true_type {};
template <typename T>
inline constexpr bool is_sort_v = is_sort<T>::value;

namespace detail {

template <typename T>
void read_field(const msgpack::object_map& map, std::string_view name, T& out) {
  for (std::uint32_t i = 0; i < map.size; ++i) {
    const msgpack::object& key = map.ptr[i].key;
    if (key.type == msgpack::type::STR && std::string_view(key.via.str.ptr, key.via.str.size) == name) {
      map.ptr[i].val.convert(out);
      return;
    }
  }
  throw msgpack::type_error();  // a field is missing (or, the size being right, another is twice)
}

}  // namespace detail

// ------------------------------------------------------------------------------ states

// The endpoint and session of a state that an action has consumed. An action that fails
// abandons the session, unless the runtime has already closed it.
struct Live {
  rt::Endpoint* endpoint;
  rt::SessionId session;

  gtype::Status act(std::uint16_t transition, const std::string& payload) const {
    gtype::Status status = endpoint->act(session, transition, payload);
    if (!status) fail(status);
    return status;
  }
  gtype::Result<rt::Incoming> receive(std::optional<std::chrono::milliseconds> timeout) const {
    gtype::Result<rt::Incoming> incoming = endpoint->receive(session, timeout);
    if (!incoming) fail(incoming.error());
    return incoming;
  }
  // The monitor let through a payload that does not unpack: cannot happen while generated
  // code and its RoleSpec agree.
  gtype::Status malformed() const {
    gtype::Status error{gtype::StatusCode::kProtocolViolation,
                        "a payload the monitor accepted does not unpack"};
    fail(error);
    return error;
  }
  void fail(const gtype::Status& error) const {
    if (endpoint->has_session(session)) endpoint->abandon(session, error.message());
  }
};

// Base of the generated state classes (Start, After…, Loop…): one session of one role, in one state of its
// automaton. Move-only; a moved-from or consumed state is empty and its actions return
// kConsumedState. Destroying a state that is neither empty nor the end abandons the session
// (its peers are told) and says so on standard error.
class State {
 public:
  State(const State&) = delete;
  State& operator=(const State&) = delete;
  State(State&& other) noexcept
      : endpoint_(std::exchange(other.endpoint_, nullptr)), session_(other.session_), name_(other.name_) {}
  State& operator=(State&& other) noexcept {
    if (this != &other) {
      drop();
      endpoint_ = std::exchange(other.endpoint_, nullptr);
      session_ = other.session_;
      name_ = other.name_;
    }
    return *this;
  }

  // Whether this object was moved from or consumed by an action.
  bool consumed() const { return endpoint_ == nullptr; }
  rt::SessionId session() const { return session_; }

 protected:
  // `name`: the state's class, for messages (a string literal of the generated code).
  State(rt::Endpoint* endpoint, rt::SessionId session, const char* name)
      : endpoint_(endpoint), session_(session), name_(name) {}
  ~State() { drop(); }

  // Empties this state for an action; kConsumedState when it was already empty.
  gtype::Result<Live> take() {
    if (endpoint_ == nullptr) {
      return gtype::Status{gtype::StatusCode::kConsumedState,
                           "state " + std::string(name_) + " used after it was moved from or consumed"};
    }
    return Live{std::exchange(endpoint_, nullptr), session_};
  }

 private:
  void drop() {
    if (endpoint_ == nullptr) return;
    rt::Endpoint* endpoint = std::exchange(endpoint_, nullptr);
    if (!endpoint->has_session(session_)) return;
    const rt::RoleSpec& spec = endpoint->spec();
    const std::string where =
        std::string(spec.protocol) + "/" + std::string(spec.roles[spec.self]) + " in state " + name_;
    std::fprintf(stderr, "gtype: session %llu of %s dropped before its end: abandoned\n",
                 static_cast<unsigned long long>(session_), where.c_str());
    endpoint->abandon(session_, "session dropped by " + where);
  }

  rt::Endpoint* endpoint_;
  rt::SessionId session_;
  const char* name_;
};

// ------------------------------------------------------------------------------ session objects

// Says on standard error that a session of `role` ("Protocol/role") failed: what a session
// object does unless it overrides failed().
inline void report_failure(const char* role, const gtype::Status& error) {
  std::fprintf(stderr, "gtype: a session of %s failed: %s: %s\n", role, gtype::status_code_name(error.code()),
               error.message().c_str());
}

// Base of a role's generated Handler: what a session object knows of its session.
class SessionObject {
 public:
  virtual ~SessionObject() = default;

  rt::SessionId session() const { return session_; }

 protected:
  // Fails this session now, from any callback, telling its peers why (they see kAborted with
  // `why`). The object's failed() follows when the callback returns; what it returns is ignored.
  void fail(const std::string& why) {
    if (endpoint_ == nullptr || failure_ || !endpoint_->has_session(session_)) return;
    endpoint_->abandon(session_, why);
    failure_ = gtype::Status{gtype::StatusCode::kAborted, why};
  }

 private:
  template <typename H>
  friend class Sessions;
  rt::Endpoint* endpoint_ = nullptr;
  rt::SessionId session_ = 0;
  std::optional<gtype::Status> failure_;  // set by fail()
};

// The session objects of one role (H: its generated Handler, a SessionObject), one per open
// session: made by the factory when serve() first meets a session, or adopted from
// start_served(); destroyed right after their ended() or failed(). Used by one thread, the one
// that runs serve().
template <typename H>
class Sessions {
 public:
  using Factory = std::function<std::unique_ptr<H>(const rt::SessionInfo&)>;

  explicit Sessions(const char* role) : role_(role) {}

  void set_factory(Factory factory) { factory_ = std::move(factory); }
  void adopt(rt::Endpoint& endpoint, rt::SessionId session, std::unique_ptr<H> handler) {
    if (handler == nullptr) return endpoint.abandon(session, std::string(role_) + " refused the session");
    attach(endpoint, session, *handler);
    handlers_.insert_or_assign(session, std::move(handler));
  }

  // The object of `session`, made now if it has none; null when there is no factory or it
  // returned null: the session is then abandoned (its peers are told; the endpoint reports
  // nothing more of it).
  H* get(rt::Endpoint& endpoint, rt::SessionId session) {
    auto it = handlers_.find(session);
    if (it != handlers_.end()) return it->second.get();
    std::unique_ptr<H> made = factory_ ? factory_(endpoint.info(session)) : nullptr;
    if (made == nullptr) {
      endpoint.abandon(session, std::string(role_) + " refused the session");
      return nullptr;
    }
    attach(endpoint, session, *made);
    return handlers_.emplace(session, std::move(made)).first->second.get();
  }

  // After a callback: a session it failed (SessionObject::fail, or Endpoint::abandon) is gone
  // from the endpoint, which reports nothing more of it; its object hears of it here.
  void settle(rt::Endpoint& endpoint, rt::SessionId session) {
    if (endpoint.has_session(session)) return;
    auto it = handlers_.find(session);
    if (it == handlers_.end()) return;
    const SessionObject& object = *it->second;
    failed(session, object.failure_
                        ? *object.failure_
                        : gtype::Status{gtype::StatusCode::kAborted, "the session was abandoned"});
  }

  void ended(rt::SessionId session) {
    if (std::unique_ptr<H> handler = release(session)) handler->ended();
  }
  void failed(rt::SessionId session, const gtype::Status& error) {
    // A session that failed before serve() met it has no object: no code of the user's saw it,
    // and the endpoint's counters count it.
    if (std::unique_ptr<H> handler = release(session)) handler->failed(error);
  }

 private:
  static void attach(rt::Endpoint& endpoint, rt::SessionId session, SessionObject& object) {
    object.endpoint_ = &endpoint;
    object.session_ = session;
  }
  std::unique_ptr<H> release(rt::SessionId session) {
    auto node = handlers_.extract(session);
    return node.empty() ? nullptr : std::move(node.mapped());
  }

  const char* role_;
  Factory factory_;
  std::map<rt::SessionId, std::unique_ptr<H>> handlers_;
};

}  // namespace gtype::gen

// Sorts as msgpack maps (see is_sort above).
namespace msgpack {
MSGPACK_API_VERSION_NAMESPACE(MSGPACK_DEFAULT_API_NS) {
  namespace adaptor {

  template <typename T>
  struct pack<T, std::enable_if_t<gtype::gen::is_sort_v<T>>> {
    template <typename Stream>
    msgpack::packer<Stream>& operator()(msgpack::packer<Stream>& out, const T& value) const {
      constexpr auto fields = T::gtype_fields();
      out.pack_map(static_cast<std::uint32_t>(std::tuple_size_v<decltype(fields)>));
      std::apply(
          [&](const auto&... f) { ((out.pack(std::string_view(f.name)), out.pack(value.*(f.member))), ...); },
          fields);
      return out;
    }
  };

  template <typename T>
  struct convert<T, std::enable_if_t<gtype::gen::is_sort_v<T>>> {
    const msgpack::object& operator()(const msgpack::object& in, T& value) const {
      constexpr auto fields = T::gtype_fields();
      if (in.type != msgpack::type::MAP || in.via.map.size != std::tuple_size_v<decltype(fields)>) {
        throw msgpack::type_error();
      }
      std::apply(
          [&](const auto&... f) {
            (gtype::gen::detail::read_field(in.via.map, f.name, value.*(f.member)), ...);
          },
          fields);
      return in;
    }
  };

  }  // namespace adaptor
}  // MSGPACK_API_VERSION_NAMESPACE(MSGPACK_DEFAULT_API_NS)
}  // namespace msgpack
