// The ZeroMQ transport: tcp://, ipc:// and inproc:// addresses.
//
// One ROUTER socket, bound at the transport's address, receives every frame; the routing id of
// each connection is the sender's own address, so a frame's sender is known without trusting
// its contents. One DEALER per remote address sends (a DEALER queues until its connection is
// up, so nothing sent before the link exists is lost). A DEALER is also opened to a peer that
// only ever sends to us when the endpoint asks to watch it (watch()), which it does only once
// a frame of that peer passed its checks: a routing id is whatever the sender says, so a frame
// by itself never makes the transport connect anywhere. Each DEALER first sends an empty frame,
// which only tells the peer's ROUTER which connection is ours (see below); the receiving
// transport swallows it.
//
// Links are bounded (ZmqOptions::max_links, unreachable_timeout): a link that has not reached
// its peer in time is closed and the peer reported lost, and when the links are full a new one
// replaces the oldest that has not reached its peer. So checked frames that name addresses
// where nothing listens hold resources only for so long.
//
// Peers lost: each DEALER has a socket monitor; ZMQ_EVENT_DISCONNECTED (the peer's process died
// and its kernel closed the connection, or ZMTP heartbeats went unanswered for peer_timeout)
// closes that DEALER (a later send opens a new one) and makes the peer *suspected*. Its frames
// come over another connection (its DEALER to our ROUTER), which ZeroMQ does not order with the
// first: reporting the loss at once would overtake the frames a peer sent just before it exited.
// So the loss is reported (kPeerLost, after every frame already queued) only once no connection
// to our ROUTER may still carry frames from that peer: the ROUTER's own monitor reports each
// accepted connection (ACCEPTED) and its end (DISCONNECTED, emitted after everything read on
// it has been queued to the ROUTER), by file descriptor, and each frame's descriptor
// (ZMQ_SRCFD) says whose connection that is. A connection not yet identified might be the
// peer's, so it holds the report back too; the empty first frame identifies connections at
// once. ZmqOptions::loss_grace bounds the wait (a link broken one way only, a connection that
// never says who it is; and should a ZeroMQ drop ZMQ_SRCFD, deprecated though served by 4.x,
// every connection would stay unidentified and each loss would wait that long, never less
// safely). inproc:// connections have no such events: a lost in-process peer is not reported.
//
// Context and destruction: a transport's tcp:// and ipc:// sockets live in a context of its own
// (one I/O thread, which both reads and writes: a second context for the DEALERs would cost a
// thread wake-up per frame). Destroying the transport first waits (at most flush_timeout) until
// every DEALER that carried frames has completed its handshake with the peer's ROUTER, then
// closes the DEALERs (their linger is flush_timeout) and the ROUTER, and terminates the
// context, which waits until what the DEALERs queued has been written out: a program may
// return from main right after its last action. The wait for handshakes matters to the peers:
// closing our ROUTER breaks their links to us, which makes them suspect us, and our open
// connections to them then hold the report back until our frames are through (see above). A
// completed handshake means the peer's ROUTER has accepted the connection, so its monitor
// reported it before our ROUTER closed. inproc:// sockets must share one context to reach each
// other: they use one per process, never terminated (destroying it at exit would wait for
// sockets some other static might still hold); their frames are in memory already.
// CURVE (ZmqOptions::curve, see curve.h): the ROUTER is a CURVE server whose clients ZeroMQ
// admits by asking a ZAP handler, a REP socket of the transport's context that poll answers
// from the authority (so a handshake completes while the owner pumps the transport: endpoints
// always do while they wait). The reply names the client's key as its User-Id, which ZeroMQ
// attaches to every frame of the connection; a frame whose routing id (its sender's address,
// keyed) names another key is dropped, so an admitted peer cannot speak as another. Each DEALER
// is a CURVE client with the transport's key pair and the server key its address names:
// ZeroMQ fails the handshake when whoever listens there does not hold that key, and a failed
// handshake ends the link as a broken connection does. Refusals are told to the authority.
//
// Not thread-safe (one thread drives a transport), as ZeroMQ sockets are not.
#include <sys/epoll.h>
#include <unistd.h>

#include <zmq.hpp>
#include <zmq_addon.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstring>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <vector>

#include "gtype/rt/transport.h"

namespace gtype::rt {
namespace {

constexpr int kHighWaterMark = 100000;  // frames queued per socket before send fails
constexpr std::size_t kMaxRoutingId = 255;
// Frames taken from the ROUTER per poll when no loss waits on them (the rest wait for the next
// poll, so a flood from one peer cannot keep next() from returning).
constexpr int kFramesPerPoll = 1024;
// Without a wait, the descriptors of the monitors and the ZAP handler are looked at (one
// epoll_wait, whatever the number of links) at most this often (see poll).
constexpr std::chrono::milliseconds kMonitorPeriod{1};
// Descriptors taken from one epoll_wait (level-triggered: the rest are seen by the next).
constexpr int kEventsPerWait = 256;
// Links are looked over for unreachable peers at most this often.
constexpr std::chrono::milliseconds kReapPeriod{100};
// ZeroMQ sockets per link (the DEALER, its monitor's PAIR and the monitor's own socket) and for
// the ROUTER with its monitor, to size the context: its default (1023) would run out first.
constexpr int kSocketsPerLink = 3;
constexpr int kRouterSockets = 3;
constexpr std::size_t kMostLinks = 20000;  // ZeroMQ's own limit on sockets is 65535
// A connection that has not completed its handshake in this long is closed.
constexpr std::chrono::milliseconds kHandshakeTimeout{5000};
constexpr int kHandshakeFailures = ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL |
                                   ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH;
constexpr int kRouterEvents = ZMQ_EVENT_ACCEPTED | ZMQ_EVENT_DISCONNECTED |
                              ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL;
constexpr int kLinkEvents = ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_HANDSHAKE_SUCCEEDED | kHandshakeFailures;
// ZeroMQ asks the handler bound here, in the socket's context, to admit CURVE clients.
constexpr const char* kZapEndpoint = "inproc://zeromq.zap.01";
constexpr const char* kZapDomain = "gtype";
// Keys of the sockets the wait watches (epoll's data): the ROUTER, its monitor, the ZAP handler,
// then each link's monitor, numbered from kFirstLinkKey as links open (never reused).
constexpr std::uint64_t kRouterKey = 0;
constexpr std::uint64_t kRouterMonitorKey = 1;
constexpr std::uint64_t kZapKey = 2;
constexpr std::uint64_t kFirstLinkKey = 3;
// Admitted keys remembered (a cache of the authority's answers; cleared when full).
constexpr std::size_t kMostAdmittedKeys = 100000;

zmq::context_t& shared_context() {
  static zmq::context_t* const instance = new zmq::context_t();
  return *instance;
}

bool is_inproc(const std::string& address) { return address.rfind("inproc://", 0) == 0; }

std::atomic<std::uint64_t> monitor_count{0};

using Clock = std::chrono::steady_clock;

struct MonitorEvent {
  std::uint16_t event = 0;
  std::int32_t value = 0;  // ACCEPTED, DISCONNECTED: the connection's file descriptor
};

// The next event a socket monitor has queued, if any (the first part is the event number and
// its value, the second the endpoint, unused here).
std::optional<MonitorEvent> next_monitor_event(zmq::socket_t& monitor) {
  zmq::message_t first;
  try {
    if (!monitor.recv(first, zmq::recv_flags::dontwait)) return std::nullopt;
    for (bool more = first.more(); more;) {  // the rest: the endpoint, unused
      zmq::message_t rest;
      if (!monitor.recv(rest, zmq::recv_flags::dontwait)) break;
      more = rest.more();
    }
  } catch (const zmq::error_t&) {
    return std::nullopt;
  }
  MonitorEvent out;
  if (first.size() >= sizeof out.event + sizeof out.value) {
    std::memcpy(&out.event, first.data(), sizeof out.event);
    std::memcpy(&out.value, static_cast<const char*>(first.data()) + sizeof out.event, sizeof out.value);
  }
  return out;
}

// Starts monitoring `socket` for `events`, read from the PAIR socket returned.
zmq::socket_t monitor(zmq::context_t& context, zmq::socket_t& socket, int events) {
  const std::string address = "inproc://c12s-monitor-" + std::to_string(++monitor_count);
  if (zmq_socket_monitor(socket.handle(), address.c_str(), events) != 0) throw zmq::error_t();
  zmq::socket_t pair(context, zmq::socket_type::pair);
  pair.set(zmq::sockopt::linger, 0);
  pair.connect(address);
  return pair;
}

class ZmqTransport final : public Transport {
 public:
  explicit ZmqTransport(ZmqOptions options) : options_(options) {
    const std::size_t links = std::min<std::size_t>(options_.max_links, kMostLinks);
    context_.set(zmq::ctxopt::max_sockets,
                 std::max(ZMQ_MAX_SOCKETS_DFLT, static_cast<int>(kRouterSockets + kSocketsPerLink * links)));
  }

  ~ZmqTransport() override {
    // Not for a link that only watches a peer (it has just its greeting queued, if anything),
    // nor for one whose peer is gone already (its connection broke: what it holds waits for a
    // reconnection that will not come; typically a disconnect sent to a peer that ended and
    // exited first).
    auto must_flush = [](const Link& link) { return link.carried_frames && !link.gone; };
    const Clock::time_point deadline = Clock::now() + options_.flush_timeout;
    while (true) {
      std::vector<zmq_pollitem_t> waiting;
      for (auto& [address, link] : links_) {
        read_monitor(*link);
        if (must_flush(*link) && !link->handshaken)
          waiting.push_back({link->monitor.handle(), 0, ZMQ_POLLIN, 0});
      }
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
      if (waiting.empty() || left.count() <= 0) break;
      try {
        zmq::poll(waiting, left);
      } catch (const zmq::error_t&) {
        break;  // a signal, or worse: close without waiting
      }
    }
    // ZeroMQ reports a failure to set an option on a closing socket by throwing; a destructor
    // must not: what could not be done is left to the context's termination.
    for (auto& [address, link] : links_) {
      try {
        close(*link, must_flush(*link));
      } catch (const zmq::error_t&) {
      }
    }
    try {
      close_router();
    } catch (const zmq::error_t&) {
    }
    if (epoll_ >= 0) ::close(epoll_);
    context_.close();
  }

  Status bind(const std::string& address) {
    const KeyedAddress given = split_keyed_address(address);
    if (Status allowed = may_bind(given); !allowed.ok()) return allowed;
    zmq::context_t& context = is_inproc(given.endpoint) ? shared_context() : context_;
    try {
      router_ = zmq::socket_t(context, zmq::socket_type::router);
      router_.set(zmq::sockopt::linger, 0);
      router_.set(zmq::sockopt::router_handover, true);  // a restarted peer takes over its id
      router_.set(zmq::sockopt::rcvhwm, kHighWaterMark);
      router_.set(zmq::sockopt::handshake_ivl, static_cast<int>(kHandshakeTimeout.count()));
      set_heartbeats(router_);
      if (options_.curve) serve_curve(context);
      router_monitor_ = monitor(context, router_, kRouterEvents);
      router_.bind(given.endpoint);
      address_ = keyed_address(advertised(router_.get(zmq::sockopt::last_endpoint)), own_key());
      epoll_ = epoll_create1(EPOLL_CLOEXEC);
      if (epoll_ < 0) throw zmq::error_t();
      start_watching(router_, kRouterKey, fixed_[kRouterKey]);
      start_watching(router_monitor_, kRouterMonitorKey, fixed_[kRouterMonitorKey]);
      if (zap_) start_watching(zap_, kZapKey, fixed_[kZapKey]);
    } catch (const zmq::error_t& e) {
      close_router();
      return Status{StatusCode::kTransport, "cannot bind " + address + ": " + e.what()};
    }
    if (address_.size() > kMaxRoutingId) {
      close_router();
      return Status{StatusCode::kTransport, "address " + address_ + " is longer than 255 bytes"};
    }
    return Status();
  }

  const std::string& address() const override { return address_; }

  Status send(const std::string& address, const std::string& bytes) override {
    Result<Link*> link = open_link(address);
    if (!link.ok()) return link.error();
    try {
      zmq::message_t message(bytes.data(), bytes.size());
      if (!(*link)->dealer.send(message, zmq::send_flags::dontwait)) {
        return Status{StatusCode::kTransport, "send queue to " + address + " is full"};
      }
      (*link)->carried_frames = true;
    } catch (const zmq::error_t& e) {
      return Status{StatusCode::kTransport, "cannot send to " + address + ": " + e.what()};
    }
    return Status();
  }

  bool queued() const override { return !events_.empty(); }

  void watch(const std::string& address) override {
    // inproc:// links report no loss, and anything but an address ZeroMQ could have bound is
    // not a peer's (routing ids ZeroMQ made up start with a zero byte).
    if (address.rfind("tcp://", 0) != 0 && address.rfind("ipc://", 0) != 0) return;
    if (links_.count(address) || suspected_.count(address)) return;
    // Watching is worth no other link: only sending makes room (see open_link).
    if (links_.size() >= options_.max_links) return;
    (void)open_link(address);  // should it fail, the peer is only not watched
  }

  Result<TransportEvent> next(std::chrono::milliseconds timeout) override {
    // The clock only when it must wait: serve() takes one event at a time from those queued.
    const Clock::time_point deadline = events_.empty() ? Clock::now() + timeout : Clock::time_point();
    while (events_.empty()) {
      // Wake up for a suspected loss's deadline too, or it would wait for the next frame.
      Clock::time_point until = deadline;
      for (const auto& [address, latest] : suspected_) until = std::min(until, latest);
      auto left = std::chrono::ceil<std::chrono::milliseconds>(until - Clock::now());
      if (Status polled = poll(std::max(left, std::chrono::milliseconds(0))); !polled.ok()) return polled;
      if (!events_.empty() || timeout.count() == 0 || Clock::now() >= deadline) break;
    }
    if (events_.empty()) return Status{StatusCode::kTimeout, "no frame"};
    TransportEvent event = std::move(events_.front());
    events_.pop_front();
    return event;
  }

 private:
  // A socket the wait watches through its ZMQ_FD descriptor, registered with epoll_ (see wait).
  struct Watched {
    void* socket = nullptr;  // its handle; null: not watched
    int fd = -1;
    bool quiet = false;   // ZeroMQ last found it empty: anything new for it signals its descriptor
    bool listed = false;  // its key is in unquiet_
  };

  struct Link;
  using Links = std::map<std::string, std::unique_ptr<Link>>;
  struct Link {
    std::uint64_t key = 0;  // its monitor's, in the wait
    Watched watched;        // its monitor
    zmq::socket_t dealer;
    zmq::socket_t monitor;        // PAIR, receives the dealer's events
    bool carried_frames = false;  // send() used it: the transport's destruction flushes it
    bool handshaken = false;      // the peer's ROUTER accepted it (ZMTP handshake done)
    bool gone = false;            // its connection broke
    std::string failure;          // why its handshake failed, if it did
    Clock::time_point opened;     // when it was opened (it must reach its peer in time)
  };

  const std::string& own_key() const {
    static const std::string none;
    return options_.curve ? options_.curve->keys.public_key : none;
  }

  // Whether the transport may bind `given` with its options (see ZmqOptions).
  Status may_bind(const KeyedAddress& given) const {
    auto refuse = [&](const std::string& why) {
      return Status{StatusCode::kConfig, "cannot bind " + given.endpoint + ": " + why};
    };
    if (!options_.curve) {
      if (!given.key.empty()) return refuse("the address has a key (#...): binding it needs CURVE");
      if (!options_.plaintext_beyond_loopback && !is_loopback_address(given.endpoint))
        return refuse("plaintext beyond loopback lets anyone who reaches the port speak any role; use CURVE");
      return Status();
    }
    if (!options_.curve->authority) return refuse("CURVE needs an authority to admit keys");
    if (is_inproc(given.endpoint)) return refuse("CURVE is for tcp:// and ipc://, not inproc://");
    if (!given.key.empty() && given.key != options_.curve->keys.public_key)
      return refuse("the address names key " + given.key + ", not this transport's");
    return Status();
  }

  // The address peers reach: the bound one, or ZmqOptions::advertise (with the bound port when
  // it names none).
  std::string advertised(const std::string& bound) const {
    const std::string& advertise = options_.advertise;
    if (advertise.empty()) return bound;
    const std::string host =
        advertise.substr(advertise.find("://") == std::string::npos ? 0 : advertise.find("://") + 3);
    const bool has_port =
        host.find(':', host.rfind(']') == std::string::npos ? 0 : host.rfind(']')) != std::string::npos;
    if (has_port) return advertise;
    return advertise + bound.substr(bound.rfind(':'));
  }

  // Makes the ROUTER a CURVE server whose peers this transport's ZAP handler admits (ZeroMQ asks
  // the handler bound at kZapEndpoint in the socket's context; this context is the transport's).
  void serve_curve(zmq::context_t& context) {
    zap_ = zmq::socket_t(context, zmq::socket_type::rep);
    zap_.set(zmq::sockopt::linger, 0);
    zap_.bind(kZapEndpoint);
    router_.set(zmq::sockopt::curve_server, true);
    router_.set(zmq::sockopt::curve_secretkey, options_.curve->keys.secret_key);
    router_.set(zmq::sockopt::zap_domain, kZapDomain);
  }

  void set_heartbeats(zmq::socket_t& socket) {
    socket.set(zmq::sockopt::heartbeat_ivl, static_cast<int>(options_.heartbeat_interval.count()));
    socket.set(zmq::sockopt::heartbeat_timeout, static_cast<int>(options_.peer_timeout.count()));
    socket.set(zmq::sockopt::heartbeat_ttl, static_cast<int>(options_.peer_timeout.count()));
  }

  Result<Link*> open_link(const std::string& address) {
    if (auto it = links_.find(address); it != links_.end()) return it->second.get();
    if (links_.size() >= options_.max_links && !drop_oldest_unreached()) {
      return Status{StatusCode::kTransport, "cannot connect to " + address + ": " +
                                                std::to_string(links_.size()) +
                                                " links to peers are open already"};
    }
    const KeyedAddress peer = split_keyed_address(address);
    if (options_.curve && peer.key.empty()) {
      return Status{
          StatusCode::kTransport,
          "cannot connect to " + address + ": it has no key (#...), and this transport speaks only CURVE"};
    }
    if (!options_.curve && !peer.key.empty()) {
      return Status{StatusCode::kTransport, "cannot connect to " + address +
                                                ": it speaks CURVE (#...), and this transport is plaintext"};
    }
    auto link = std::make_unique<Link>();
    link->opened = Clock::now();
    zmq::context_t& context = is_inproc(peer.endpoint) ? shared_context() : context_;
    try {
      link->dealer = zmq::socket_t(context, zmq::socket_type::dealer);
      link->dealer.set(zmq::sockopt::linger, static_cast<int>(options_.flush_timeout.count()));
      link->dealer.set(zmq::sockopt::routing_id, address_);
      link->dealer.set(zmq::sockopt::sndhwm, kHighWaterMark);
      set_heartbeats(link->dealer);
      if (options_.curve) {
        link->dealer.set(zmq::sockopt::curve_serverkey, peer.key);
        link->dealer.set(zmq::sockopt::curve_publickey, options_.curve->keys.public_key);
        link->dealer.set(zmq::sockopt::curve_secretkey, options_.curve->keys.secret_key);
      }
      link->monitor = monitor(context, link->dealer, kLinkEvents);
      link->key = next_link_key_++;
      start_watching(link->monitor, link->key, link->watched);
      link->dealer.connect(peer.endpoint);
      // Introduces the connection to the peer's ROUTER before any frame needs to (see above).
      link->dealer.send(zmq::message_t(), zmq::send_flags::dontwait);
    } catch (const zmq::error_t& e) {
      stop_watching(link->watched);
      close(*link, /*flush=*/false);
      return Status{StatusCode::kTransport, "cannot connect to " + address + ": " + e.what()};
    }
    Link* raw = link.get();
    link_keys_[raw->key] = links_.emplace(address, std::move(link)).first;
    return raw;
  }

  // Whether a link has reached its peer, or cannot say (inproc:// has no events).
  static bool reached(const std::string& address, const Link& link) {
    return link.handshaken || is_inproc(address);
  }

  // Closes a link whose peer is gone or unreachable, dropping what it holds; the peer is
  // suspected, and reported lost after its frames (see report_losses).
  Links::iterator drop_link(Links::iterator it) {
    stop_watching(it->second->watched);  // before its descriptor closes with the socket
    link_keys_.erase(it->second->key);
    close(*it->second, /*flush=*/false);
    suspected_.emplace(it->first, Clock::now() + options_.loss_grace);  // the first deadline stays
    if (!it->second->failure.empty()) loss_reasons_[it->first] = it->second->failure;
    return links_.erase(it);
  }

  // Makes room for a link: drops the oldest that has not reached its peer, if any.
  bool drop_oldest_unreached() {
    auto oldest = links_.end();
    for (auto it = links_.begin(); it != links_.end(); ++it) {
      if (reached(it->first, *it->second)) continue;  // for good: no need to read its monitor
      read_monitor(*it->second);
      if (reached(it->first, *it->second)) continue;
      if (oldest == links_.end() || it->second->opened < oldest->second->opened) oldest = it;
    }
    if (oldest == links_.end()) return false;
    drop_link(oldest);
    return true;
  }

  // Drops the links that have not reached their peers within unreachable_timeout.
  void drop_unreached(Clock::time_point now) {
    for (auto it = links_.begin(); it != links_.end();) {
      Link& link = *it->second;
      bool expired = !reached(it->first, link) && now - link.opened >= options_.unreachable_timeout;
      if (expired) {
        read_monitor(link);  // its handshake may have come after the poll
        expired = !reached(it->first, link);
      }
      it = expired ? drop_link(it) : std::next(it);
    }
  }

  // Closes a link; unless `flush`, what it still has queued is dropped (its peer is gone).
  static void close(Link& link, bool flush) {
    if (link.dealer) zmq_socket_monitor(link.dealer.handle(), nullptr, 0);
    if (link.monitor) link.monitor.close();
    if (!link.dealer) return;
    if (!flush) link.dealer.set(zmq::sockopt::linger, 0);
    link.dealer.close();
  }

  void close_router() {
    if (router_) zmq_socket_monitor(router_.handle(), nullptr, 0);
    if (router_monitor_) router_monitor_.close();
    if (router_) router_.close();
    if (zap_) zap_.close();
  }

  // Waits up to `timeout` for the router or a monitor, then takes what they have, in an order
  // that keeps the promise that a lost peer comes after its frames:
  //  1. the DEALERs' monitors: links lost, whose peers become suspected;
  //  2. the ROUTER's monitor: connections accepted and closed. The ACCEPTED of a connection
  //     that carries a suspected peer's frames was emitted before the peer could send over it,
  //     let alone break the link read in 1 (a peer that exits closes its ROUTER only after its
  //     frames are out; a killed one had sent them before), so it is known by now: the monitor
  //     is read whenever 1 suspected a peer, whatever the wait said of it;
  //  3. the ROUTER: every frame queued (all of them while a loss is suspected), including
  //     those of connections just reported closed;
  //  4. the losses whose peers can have no frames left in flight.
  //
  // The wait says which of them have something: reading one that has nothing costs a system
  // call in ZeroMQ (it checks its mailbox), so only those are read, and a poll costs as much
  // with ten links as with ten thousand. Without a wait (frames left from the last read, see
  // backlog_; or no time to wait, when the ROUTER alone is asked) the ROUTER is read at once,
  // and the other descriptors looked at once a millisecond: skipping them never reorders a
  // loss before frames, since a peer is suspected only in step 1, and the step 2 that follows
  // records the connections that may still carry its frames.
  Status poll(std::chrono::milliseconds timeout) {
    bool router_ready = true;  // a backlog is read at once
    bool looked = false;       // every descriptor was looked at (epoll_wait)
    ready_.clear();
    try {
      const bool look = Clock::now() - monitors_read_ >= kMonitorPeriod;
      if (!backlog_ && timeout.count() > 0) {
        if (!wait(timeout, look, looked)) return Status();  // a signal (say, SIGCHLD): the caller polls again
        router_ready = found_ready(kRouterKey);
      } else if (look) {
        if (!wait(std::chrono::milliseconds(0), true, looked)) return Status();
        router_ready = backlog_ || found_ready(kRouterKey);
      } else if (!backlog_) {
        // Without a wait (the endpoint drains the transport so before each action and
        // receive), the ROUTER alone is asked (ZMQ_EVENTS: one system call in ZeroMQ).
        router_ready = ask(kRouterKey, fixed_[kRouterKey]);
      }
    } catch (const zmq::error_t& e) {
      if (e.num() == EINTR) return Status();
      return Status{StatusCode::kTransport, std::string("poll failed: ") + e.what()};
    }
    const Clock::time_point now = Clock::now();
    if (looked) monitors_read_ = now;
    bool router_monitor_ready = false;
    bool zap_ready = false;
    bool suspects = false;  // step 1 suspected a peer
    for (const std::uint64_t key : ready_) {
      if (key == kRouterMonitorKey) router_monitor_ready = true;
      if (key == kZapKey) zap_ready = true;
      if (key < kFirstLinkKey) continue;
      // 1. Links whose monitor has events (a link dropped meanwhile has none left to read).
      auto found = link_keys_.find(key);
      if (found == link_keys_.end()) continue;
      Links::iterator link = found->second;
      read_monitor(*link->second);
      if (link->second->gone) {
        drop_link(link);
        suspects = true;
      }
    }
    // Handshakes wait for the ZAP handler's answers: given as soon as a wait sees a request.
    if (zap_ && zap_ready) {
      answer_zap_requests();
      unquiet(kZapKey, fixed_[kZapKey]);  // replying takes commands too, and it may stop before the end
    }
    if (router_monitor_ready || suspects) read_router_monitor();  // 2.
    if (now - reaped_ >= kReapPeriod) {
      reaped_ = now;
      drop_unreached(now);
    }
    // While a loss is suspected, "drained" must be seen after the monitors were read (step 3
    // after 2): frames that came in since the wait looked may be from a connection reported
    // closed just now. Otherwise a ROUTER that the wait found empty need not be read.
    const bool drained =
        (!router_ready && suspected_.empty()) || receive_frames(suspected_.empty() ? kFramesPerPoll : -1);
    backlog_ = !drained;
    if (drained) closed_since_drained_.clear();
    report_losses(drained);
    return Status();
  }

  // The watched socket of `key`; null if it is gone (a dropped link's key).
  Watched* watched(std::uint64_t key) {
    if (key < kFirstLinkKey) return fixed_[key].socket != nullptr ? &fixed_[key] : nullptr;
    auto found = link_keys_.find(key);
    return found == link_keys_.end() ? nullptr : &found->second->second->watched;
  }

  // Registers `socket`'s descriptor with the wait, under `key`; it is asked before the next wait.
  void start_watching(zmq::socket_t& socket, std::uint64_t key, Watched& watched) {
    watched.socket = socket.handle();
    watched.fd = socket.get(zmq::sockopt::fd);
    epoll_event event{};
    event.events = EPOLLIN;  // level-triggered: a descriptor not taken from one wait comes back
    event.data.u64 = key;
    if (epoll_ctl(epoll_, EPOLL_CTL_ADD, watched.fd, &event) != 0) {
      watched.socket = nullptr;
      watched.fd = -1;
      throw zmq::error_t();
    }
    unquiet(key, watched);  // a new socket is asked first, as zmq_poll would
  }

  void stop_watching(Watched& watched) {
    if (watched.fd >= 0 && epoll_ >= 0) (void)epoll_ctl(epoll_, EPOLL_CTL_DEL, watched.fd, nullptr);
    watched.socket = nullptr;
    watched.fd = -1;
  }

  // The socket may have a message: the next wait asks it first.
  void unquiet(std::uint64_t key, Watched& watched) {
    watched.quiet = false;
    if (watched.listed) return;
    watched.listed = true;
    unquiet_.push_back(key);
  }

  bool found_ready(std::uint64_t key) const {
    return std::find(ready_.begin(), ready_.end(), key) != ready_.end();
  }

  // Whether `key`'s socket has a message (ZMQ_EVENTS, which first takes the commands its
  // descriptor signals): then it is in ready_, and asked again before the next wait (it may
  // not be read to the end); else it is quiet.
  bool ask(std::uint64_t key, Watched& watched) {
    zmq::socket_ref socket(zmq::from_handle, watched.socket);
    const bool readable = (socket.get(zmq::sockopt::events) & ZMQ_POLLIN) != 0;
    if (readable) {
      unquiet(key, watched);
      ready_.push_back(key);
    } else {
      watched.quiet = true;
    }
    return readable;
  }

  // zmq_poll's work for at most `timeout`, adding the keys of the sockets with a message to
  // ready_, at a cost per socket that has something rather than per socket watched. A socket
  // that ZeroMQ last found empty (quiet: asked without a message, or read to the end) has its
  // commands taken and its pipes marked empty, so that anything new for it signals its
  // descriptor (ZMQ_FD's contract): it need not be asked before waiting, and after only if
  // epoll says its descriptor is signalled. The others (unquiet_: new sockets, or ones found
  // ready and perhaps not read to the end) are asked first, as zmq_poll does; if one has a
  // message the wait returns at once, without epoll_wait unless `look_all` (`looked` says
  // whether it ran). False on a signal.
  bool wait(std::chrono::milliseconds timeout, bool look_all, bool& looked) {
    asking_.clear();
    asking_.swap(unquiet_);
    for (const std::uint64_t key : asking_) {
      Watched* watched = this->watched(key);
      if (watched == nullptr) continue;
      watched->listed = false;
      if (!watched->quiet) ask(key, *watched);  // quiet since listed: read to the end
    }
    if (!ready_.empty() && !look_all) return true;
    const auto ms = ready_.empty()
                        ? static_cast<int>(std::min<std::chrono::milliseconds::rep>(timeout.count(), INT_MAX))
                        : 0;
    epoll_event fired[kEventsPerWait];
    const int count = epoll_wait(epoll_, fired, kEventsPerWait, ms);
    if (count < 0) {
      if (errno == EINTR) return false;
      throw zmq::error_t();
    }
    looked = true;
    for (int i = 0; i < count; ++i) {
      const std::uint64_t key = fired[i].data.u64;
      Watched* watched = this->watched(key);
      // A listed socket was asked just now (found ready, it is in ready_ already).
      if (watched != nullptr && !watched->listed) ask(key, *watched);
    }
    return true;
  }

  // Takes the events of a link's monitor. A failed handshake (the peer is not who the address
  // says, refused our key, or speaks another mechanism) ends the link as a broken one would:
  // ZeroMQ would only try again, and fail again.
  static void read_monitor(Link& link) {
    while (std::optional<MonitorEvent> event = next_monitor_event(link.monitor)) {
      link.gone |= event->event == ZMQ_EVENT_DISCONNECTED || (event->event & kHandshakeFailures) != 0;
      link.handshaken |= event->event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED;
      if (event->event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) {
        link.failure = "it refused this process's key (not admitted there)";
      } else if ((event->event & kHandshakeFailures) != 0 && link.failure.empty()) {
        link.failure =
            "the handshake failed (whoever listens there does not hold the key its address names, "
            "or does not speak the same mechanism)";
      }
    }
  }

  void read_router_monitor() {
    while (std::optional<MonitorEvent> event = next_monitor_event(router_monitor_)) {
      const int fd = event->value;
      if (event->event == ZMQ_EVENT_ACCEPTED) {
        open_.insert(fd);
        connection_peer_.erase(fd);
        // Its first frame may have been read before this event (another queue).
        if (auto early = early_peer_.find(fd); early != early_peer_.end()) {
          connection_peer_[fd] = early->second;
          early_peer_.erase(early);
        }
      } else if (event->event == ZMQ_EVENT_DISCONNECTED) {
        open_.erase(fd);
        connection_peer_.erase(fd);
        early_peer_.erase(fd);
        closed_since_drained_.insert(fd);
      } else if ((event->event &
                  (ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL)) != 0) {
        // Refusals by the authority were told when they were made (answer_zap_requests).
        refused("a connection to " + address_ + " failed its handshake (plaintext, or not ZMTP CURVE)");
      }
    }
  }

  // Queues up to `limit` frames (all when negative); whether the ROUTER is empty now.
  bool receive_frames(int limit) {
    for (int n = 0; limit < 0 || n < limit; ++n) {
      std::vector<zmq::message_t>& parts = parts_;
      parts.clear();
      try {
        if (!zmq::recv_multipart(router_, std::back_inserter(parts), zmq::recv_flags::dontwait)) {
          // Read to the end: it needs no asking before the next wait (see wait).
          fixed_[kRouterKey].quiet = true;
          return true;
        }
      } catch (const zmq::error_t&) {
        return true;
      }
      if (parts.empty()) continue;
      std::string peer = parts[0].to_string();
      std::string principal;
      if (options_.curve && !authenticated(peer, parts.back(), principal)) continue;
      // A connection's peer is learnt from its first frame, the empty one that introduces it; a
      // reconnection sends none, so while some open connection is unknown every frame is asked.
      // (Asking costs as much as the rest of the frame's reading.)
      const bool introduces = parts.size() == 2 && parts[1].empty();
      if (introduces || connection_peer_.size() < open_.size())
        identify(zmq_msg_get(parts.back().handle(), ZMQ_SRCFD), peer);
      if (introduces) continue;  // it carries nothing else
      // One frame per message; anything else is garbage the monitor rejects as malformed.
      std::string bytes = parts.size() == 2 ? parts[1].to_string() : std::string();
      events_.push_back(TransportEvent{TransportEvent::Kind::kFrame, std::move(peer), std::move(bytes),
                                       std::move(principal)});
    }
    return false;
  }

  // Whether a frame's sender, `peer`, holds the key its address names: the key its connection
  // authenticated with (ZeroMQ gives the User-Id our ZAP handler set, the key itself); then
  // `principal` is whom the authority admitted that key for. Else the frame is refused: an
  // admitted key claims an address that is not its own.
  bool authenticated(const std::string& peer, zmq::message_t& message, std::string& principal) {
    const char* user = zmq_msg_gets(message.handle(), "User-Id");
    const std::string key = user == nullptr ? std::string() : std::string(user);
    auto admitted = admitted_.find(key);
    // The address ends in "#KEY" (compared in place: this runs for every frame).
    const bool own_address = key.size() == kCurveKeyChars && peer.size() > kCurveKeyChars &&
                             peer[peer.size() - kCurveKeyChars - 1] == '#' &&
                             peer.compare(peer.size() - kCurveKeyChars, kCurveKeyChars, key) == 0;
    if (admitted == admitted_.end() || !own_address) {
      refused("a frame from key " + key + " (" + (admitted == admitted_.end() ? "?" : admitted->second) +
              ") claims to come from " + peer + ": dropped");
      return false;
    }
    principal = admitted->second;
    return true;
  }

  // Answers ZeroMQ's ZAP requests (RFC 27): a CURVE client key is admitted when the authority
  // names a principal for it; the reply's User-Id is the key, which every frame of that
  // connection then carries (see authenticated).
  void answer_zap_requests() {
    for (int n = 0; n < kFramesPerPoll; ++n) {
      std::vector<zmq::message_t> request;
      try {
        if (!zmq::recv_multipart(zap_, std::back_inserter(request), zmq::recv_flags::dontwait)) return;
      } catch (const zmq::error_t&) {
        return;
      }
      std::vector<std::string> reply = zap_reply(request);
      std::vector<zmq::const_buffer> frames;
      for (const std::string& frame : reply) frames.push_back(zmq::buffer(frame));
      try {
        zmq::send_multipart(zap_, frames);
      } catch (const zmq::error_t&) {
        return;
      }
    }
  }

  // The reply to one ZAP request: version, request id, status code and text, user id, metadata.
  std::vector<std::string> zap_reply(const std::vector<zmq::message_t>& request) {
    // version, request id, domain, address, routing id, mechanism, credentials...
    if (request.size() < 6) return {"1.0", "", "500", "malformed ZAP request", "", ""};
    const std::string request_id = request[1].to_string();
    const std::string from = request[3].to_string();
    if (request[5].to_string() != "CURVE" || request.size() != 7 || request[6].size() != 32) {
      refused("a connection from " + from + " to " + address_ + " was refused: it is not CURVE");
      return {"1.0", request_id, "400", "CURVE only", "", ""};
    }
    char key[kCurveKeyChars + 1];
    zmq_z85_encode(key, static_cast<const std::uint8_t*>(request[6].data()), 32);
    std::optional<std::string> principal = options_.curve->authority->admit(key);
    if (!principal) {
      refused("a connection from " + from + " to " + address_ + " was refused: key " + key +
              " is not admitted");
      return {"1.0", request_id, "400", "key not admitted", "", ""};
    }
    if (admitted_.size() >= kMostAdmittedKeys) admitted_.clear();  // only a cache of the authority's answers
    admitted_[key] = *principal;
    return {"1.0", request_id, "200", "OK", key, ""};
  }

  void refused(const std::string& why) {
    if (options_.curve && options_.curve->authority) options_.curve->authority->refused(why);
  }

  // Records that the connection at descriptor `fd` is `peer`'s (-1: not a connection of ours,
  // such as inproc://). A descriptor closed since the ROUTER was last emptied may still yield
  // frames of its old connection, which must not name a new one that reuses the number.
  void identify(int fd, const std::string& peer) {
    if (fd < 0 || closed_since_drained_.count(fd)) return;
    if (open_.count(fd)) {
      connection_peer_[fd] = peer;
    } else {
      early_peer_[fd] = peer;
    }
  }

  // Whether some open connection to the ROUTER may still carry frames from `peer`: one it sent
  // over, or one that has not said whose it is.
  bool may_carry_frames_of(const std::string& peer) const {
    return std::any_of(open_.begin(), open_.end(), [&](int fd) {
      auto it = connection_peer_.find(fd);
      return it == connection_peer_.end() || it->second == peer;
    });
  }

  void report_losses(bool drained) {
    const Clock::time_point now = Clock::now();
    for (auto it = suspected_.begin(); it != suspected_.end();) {
      if (now < it->second && !(drained && !may_carry_frames_of(it->first))) {
        ++it;
        continue;
      }
      std::string reason;
      if (auto found = loss_reasons_.find(it->first); found != loss_reasons_.end()) {
        reason = std::move(found->second);
        loss_reasons_.erase(found);
      }
      events_.push_back(TransportEvent{TransportEvent::Kind::kPeerLost, it->first, std::move(reason), ""});
      it = suspected_.erase(it);
    }
  }

  ZmqOptions options_;
  // Declared before the sockets, so that they outlive them; closed by the destructor.
  zmq::context_t context_;
  std::string address_;
  zmq::socket_t router_;
  zmq::socket_t router_monitor_;                        // PAIR, receives the router's events
  zmq::socket_t zap_;                                   // REP, the ZAP handler (CURVE only)
  std::map<std::string, std::string> admitted_;         // key -> principal, as the authority said
  Links links_;                                         // by remote address
  std::unordered_map<std::uint64_t, Links::iterator> link_keys_;  // links_ by their monitor's key
  std::uint64_t next_link_key_ = kFirstLinkKey;
  int epoll_ = -1;                                      // the wait's: every watched descriptor
  Watched fixed_[kFirstLinkKey];                        // the ROUTER, its monitor, the ZAP handler
  std::vector<std::uint64_t> unquiet_;                  // keys to ask before waiting (see wait)
  std::vector<std::uint64_t> asking_;                   // wait's buffer, reused
  std::vector<std::uint64_t> ready_;                    // keys the last poll found with a message
  std::vector<zmq::message_t> parts_;                   // receive_frames' buffer, reused
  Clock::time_point monitors_read_;                     // when poll last looked at every descriptor
  Clock::time_point reaped_;                            // when poll last dropped unreached links
  bool backlog_ = false;               // the last read stopped at kFramesPerPoll: the ROUTER has more
  std::deque<TransportEvent> events_;  // received, not yet returned by next()
  // Peers whose link broke, not yet reported lost: by address, the latest time to report.
  std::map<std::string, Clock::time_point> suspected_;
  std::map<std::string, std::string> loss_reasons_;  // of suspected peers whose handshake failed
  // Connections to the ROUTER, by file descriptor: open ones, whose they are (from their frames),
  // frames read before their ACCEPTED event, and descriptors closed since the ROUTER was emptied.
  std::set<int> open_;
  std::map<int, std::string> connection_peer_;
  std::map<int, std::string> early_peer_;
  std::set<int> closed_since_drained_;
};

}  // namespace

bool is_loopback_address(const std::string& address) {
  const std::string endpoint = split_keyed_address(address).endpoint;
  if (endpoint.rfind("tcp://", 0) != 0) return true;
  std::string host = endpoint.substr(
      6, endpoint.rfind(':') == std::string::npos ? std::string::npos : endpoint.rfind(':') - 6);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

Result<std::unique_ptr<Transport>> make_zmq_transport(const std::string& address, ZmqOptions options) {
  auto transport = std::make_unique<ZmqTransport>(options);
  if (Status bound = transport->bind(address); !bound.ok()) return bound;
  return std::unique_ptr<Transport>(std::move(transport));
}

}  // namespace gtype::rt
