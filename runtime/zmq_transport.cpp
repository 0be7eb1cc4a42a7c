// The ZeroMQ transport: tcp://, ipc:// and inproc:// addresses.
//
// One ROUTER socket, bound at the transport's address, receives every frame; the routing id of
// each connection is the sender's own address, so a frame's sender is known without trusting
// its contents. One DEALER per remote address sends (a DEALER queues until its connection is
// up, so nothing sent before the link exists is lost). A DEALER is also opened to every
// address a frame comes from, so that a peer that only ever sends to us is watched too.
//
// Peers lost: each DEALER has a socket monitor; ZMQ_EVENT_DISCONNECTED (the peer's process died
// and its kernel closed the connection, or ZMTP heartbeats went unanswered for peer_timeout)
// becomes a kPeerLost event and closes that DEALER (a later send opens a new one). inproc://
// connections have no such events: a lost in-process peer is not reported.
//
// One zmq::context_t per process, created on first use and never destroyed: destroying it at
// exit would wait for sockets some other static might still hold. Not thread-safe (one thread
// drives a transport), as ZeroMQ sockets are not.
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <deque>
#include <map>
#include <vector>

#include "gtype/rt/transport.h"

namespace gtype::rt {
namespace {

constexpr int kHighWaterMark = 100000;  // frames queued per socket before send fails
// A closed DEALER keeps sending what it has queued (a closing endpoint's aborts) this long. The
// context is never terminated, so this never blocks anything.
constexpr int kDealerLingerMs = 1000;
constexpr std::size_t kMaxRoutingId = 255;

zmq::context_t& context() {
  static zmq::context_t* const instance = new zmq::context_t();
  return *instance;
}

std::atomic<std::uint64_t> monitor_count{0};

using Clock = std::chrono::steady_clock;

class ZmqTransport final : public Transport {
 public:
  ZmqTransport(ZmqOptions options) : options_(options), router_(context(), zmq::socket_type::router) {}

  ~ZmqTransport() override {
    for (auto& [address, link] : links_) close(*link);
    router_.close();
  }

  Status bind(const std::string& address) {
    if (address.size() > kMaxRoutingId) {
      return Error{ErrorCode::kTransport, "address " + address + " is longer than 255 bytes"};
    }
    try {
      router_.set(zmq::sockopt::linger, 0);
      router_.set(zmq::sockopt::router_handover, true);  // a restarted peer takes over its id
      router_.set(zmq::sockopt::rcvhwm, kHighWaterMark);
      set_heartbeats(router_);
      router_.bind(address);
      address_ = router_.get(zmq::sockopt::last_endpoint);
    } catch (const zmq::error_t& e) {
      return Error{ErrorCode::kTransport, "cannot bind " + address + ": " + e.what()};
    }
    return ok_status();
  }

  const std::string& address() const override { return address_; }

  Status send(const std::string& address, const std::string& bytes) override {
    Result<Link*> link = open_link(address);
    if (!link.ok()) return link.error();
    try {
      zmq::message_t message(bytes.data(), bytes.size());
      if (!(*link)->dealer.send(message, zmq::send_flags::dontwait)) {
        return Error{ErrorCode::kTransport, "send queue to " + address + " is full"};
      }
    } catch (const zmq::error_t& e) {
      return Error{ErrorCode::kTransport, "cannot send to " + address + ": " + e.what()};
    }
    return ok_status();
  }

  Result<TransportEvent> next(std::chrono::milliseconds timeout) override {
    const Clock::time_point deadline = Clock::now() + timeout;
    while (events_.empty()) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (Status polled = poll(std::max(left, std::chrono::milliseconds(0))); !polled.ok())
        return polled.error();
      if (!events_.empty() || Clock::now() >= deadline) break;
    }
    if (events_.empty()) return Error{ErrorCode::kTimeout, "no frame"};
    TransportEvent event = std::move(events_.front());
    events_.pop_front();
    return event;
  }

 private:
  struct Link {
    zmq::socket_t dealer;
    zmq::socket_t monitor;  // PAIR, receives the dealer's events
  };

  void set_heartbeats(zmq::socket_t& socket) {
    socket.set(zmq::sockopt::heartbeat_ivl, static_cast<int>(options_.heartbeat_interval.count()));
    socket.set(zmq::sockopt::heartbeat_timeout, static_cast<int>(options_.peer_timeout.count()));
    socket.set(zmq::sockopt::heartbeat_ttl, static_cast<int>(options_.peer_timeout.count()));
  }

  Result<Link*> open_link(const std::string& address) {
    if (auto it = links_.find(address); it != links_.end()) return it->second.get();
    auto link = std::make_unique<Link>();
    try {
      link->dealer = zmq::socket_t(context(), zmq::socket_type::dealer);
      link->dealer.set(zmq::sockopt::linger, kDealerLingerMs);
      link->dealer.set(zmq::sockopt::routing_id, address_);
      link->dealer.set(zmq::sockopt::sndhwm, kHighWaterMark);
      set_heartbeats(link->dealer);
      const std::string monitor_address = "inproc://c12s-monitor-" + std::to_string(++monitor_count);
      if (zmq_socket_monitor(link->dealer.handle(), monitor_address.c_str(), ZMQ_EVENT_DISCONNECTED) != 0) {
        throw zmq::error_t();
      }
      link->monitor = zmq::socket_t(context(), zmq::socket_type::pair);
      link->monitor.set(zmq::sockopt::linger, 0);
      link->monitor.connect(monitor_address);
      link->dealer.connect(address);
    } catch (const zmq::error_t& e) {
      close(*link);
      return Error{ErrorCode::kTransport, "cannot connect to " + address + ": " + e.what()};
    }
    Link* raw = link.get();
    links_[address] = std::move(link);
    return raw;
  }

  static void close(Link& link) {
    if (link.dealer) zmq_socket_monitor(link.dealer.handle(), nullptr, 0);
    if (link.monitor) link.monitor.close();
    if (link.dealer) link.dealer.close();
  }

  // Waits up to `timeout` for the router or a monitor, and queues what they have.
  Status poll(std::chrono::milliseconds timeout) {
    std::vector<zmq_pollitem_t> items{{router_.handle(), 0, ZMQ_POLLIN, 0}};
    std::vector<std::string> watched;
    for (auto& [address, link] : links_) {
      items.push_back({link->monitor.handle(), 0, ZMQ_POLLIN, 0});
      watched.push_back(address);
    }
    try {
      zmq::poll(items, timeout);
    } catch (const zmq::error_t& e) {
      if (e.num() == EINTR) return ok_status();  // a signal (say, SIGCHLD): the caller polls again
      return Error{ErrorCode::kTransport, std::string("poll failed: ") + e.what()};
    }
    if (items[0].revents & ZMQ_POLLIN) receive_frames();
    for (std::size_t i = 1; i < items.size(); ++i) {
      if (items[i].revents & ZMQ_POLLIN) read_monitor(watched[i - 1]);
    }
    return ok_status();
  }

  void receive_frames() {
    for (int n = 0; n < 1024; ++n) {
      std::vector<zmq::message_t> parts;
      try {
        if (!zmq::recv_multipart(router_, std::back_inserter(parts), zmq::recv_flags::dontwait)) return;
      } catch (const zmq::error_t&) {
        return;
      }
      if (parts.empty()) continue;
      std::string peer = parts[0].to_string();
      // One frame per message; anything else is garbage the monitor rejects as malformed.
      std::string bytes = parts.size() == 2 ? parts[1].to_string() : std::string();
      if (!links_.count(peer) && !peer.empty() && peer[0] != '\0') (void)open_link(peer);
      events_.push_back(TransportEvent{TransportEvent::Kind::kFrame, std::move(peer), std::move(bytes)});
    }
  }

  void read_monitor(const std::string& address) {
    auto it = links_.find(address);
    if (it == links_.end()) return;
    bool lost = false;
    while (true) {
      std::vector<zmq::message_t> parts;
      try {
        if (!zmq::recv_multipart(it->second->monitor, std::back_inserter(parts), zmq::recv_flags::dontwait))
          break;
      } catch (const zmq::error_t&) {
        break;
      }
      std::uint16_t event = 0;
      if (!parts.empty() && parts[0].size() >= sizeof event)
        std::memcpy(&event, parts[0].data(), sizeof event);
      if (event == ZMQ_EVENT_DISCONNECTED) lost = true;
    }
    if (!lost) return;
    close(*it->second);
    links_.erase(it);
    events_.push_back(TransportEvent{TransportEvent::Kind::kPeerLost, address, ""});
  }

  ZmqOptions options_;
  std::string address_;
  zmq::socket_t router_;
  std::map<std::string, std::unique_ptr<Link>> links_;  // by remote address
  std::deque<TransportEvent> events_;                   // received, not yet returned by next()
};

}  // namespace

Result<std::unique_ptr<Transport>> make_zmq_transport(const std::string& address, ZmqOptions options) {
  auto transport = std::make_unique<ZmqTransport>(options);
  if (Status bound = transport->bind(address); !bound.ok()) return bound.error();
  return std::unique_ptr<Transport>(std::move(transport));
}

}  // namespace gtype::rt
