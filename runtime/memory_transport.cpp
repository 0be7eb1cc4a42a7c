// The in-memory network: transports of one process that hand frames to each other's mailboxes.
//
// Each attached address has a mailbox (events in arrival order, a condition variable) and the
// set of addresses it has exchanged frames with. Destroying a transport, or kill(), removes the
// mailbox and tells every address in that set kPeerLost, as a dead process's TCP peers would
// learn. Frames to an address that is not attached are dropped, as ZeroMQ would queue them for
// a peer that never comes. A killed transport that still exists drops what it sends and answers
// kClosed. Thread-safe: one mutex guards the whole network.
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>

#include "gtype/rt/transport.h"

namespace gtype::rt {

namespace memory_detail {

// The network itself (MemoryNetwork::State is private to MemoryNetwork, so it only wraps this).
struct Network {
  struct Mailbox {
    std::deque<TransportEvent> events;
    std::condition_variable arrived;
    std::set<std::string> peers;
  };
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<Mailbox>> mailboxes;  // the attached addresses

  // Requires the mutex.
  void remove(const std::string& address) {
    auto it = mailboxes.find(address);
    if (it == mailboxes.end()) return;
    std::shared_ptr<Mailbox> gone = it->second;
    mailboxes.erase(it);
    gone->arrived.notify_all();
    for (const std::string& peer : gone->peers) {
      auto other = mailboxes.find(peer);
      if (other == mailboxes.end()) continue;
      other->second->events.push_back(TransportEvent{TransportEvent::Kind::kPeerLost, address, "", ""});
      other->second->arrived.notify_all();
    }
  }
};

}  // namespace memory_detail

namespace {

using memory_detail::Network;

class MemoryTransport final : public Transport {
 public:
  MemoryTransport(std::shared_ptr<Network> network, std::string address,
                  std::shared_ptr<Network::Mailbox> mailbox)
      : network_(std::move(network)), address_(std::move(address)), mailbox_(std::move(mailbox)) {}

  ~MemoryTransport() override {
    std::lock_guard lock(network_->mutex);
    if (alive()) network_->remove(address_);
  }

  const std::string& address() const override { return address_; }

  Status send(const std::string& address, const std::string& bytes) override {
    std::lock_guard lock(network_->mutex);
    if (!alive()) return Status();  // a dead process sends nothing
    auto it = network_->mailboxes.find(address);
    if (it == network_->mailboxes.end()) return Status();
    mailbox_->peers.insert(address);
    it->second->peers.insert(address_);
    it->second->events.push_back(TransportEvent{TransportEvent::Kind::kFrame, address_, bytes, ""});
    it->second->arrived.notify_all();
    return Status();
  }

  Result<TransportEvent> next(std::chrono::milliseconds timeout) override {
    std::unique_lock lock(network_->mutex);
    mailbox_->arrived.wait_for(lock, timeout, [&] { return !alive() || !mailbox_->events.empty(); });
    if (!alive()) return Status{StatusCode::kClosed, "transport " + address_ + " was killed"};
    if (mailbox_->events.empty()) return Status{StatusCode::kTimeout, "no frame"};
    TransportEvent event = std::move(mailbox_->events.front());
    mailbox_->events.pop_front();
    return event;
  }

  bool queued() const override {
    std::lock_guard lock(network_->mutex);
    return alive() && !mailbox_->events.empty();
  }

 private:
  // Requires the mutex.
  bool alive() const {
    auto it = network_->mailboxes.find(address_);
    return it != network_->mailboxes.end() && it->second == mailbox_;
  }

  std::shared_ptr<Network> network_;
  std::string address_;
  std::shared_ptr<Network::Mailbox> mailbox_;
};

}  // namespace

struct MemoryNetwork::State : memory_detail::Network {};

MemoryNetwork::MemoryNetwork() : state_(std::make_shared<State>()) {}
MemoryNetwork::~MemoryNetwork() = default;

Result<std::unique_ptr<Transport>> MemoryNetwork::attach(const std::string& address) {
  std::lock_guard lock(state_->mutex);
  if (state_->mailboxes.count(address) != 0) {
    return Status{StatusCode::kTransport, "memory address " + address + " is already in use"};
  }
  auto mailbox = std::make_shared<Network::Mailbox>();
  state_->mailboxes[address] = mailbox;
  return std::unique_ptr<Transport>(new MemoryTransport(state_, address, std::move(mailbox)));
}

void MemoryNetwork::kill(const std::string& address) {
  std::lock_guard lock(state_->mutex);
  state_->remove(address);
}

void MemoryNetwork::inject(const std::string& from, const std::string& address, const std::string& bytes) {
  std::lock_guard lock(state_->mutex);
  auto it = state_->mailboxes.find(address);
  if (it == state_->mailboxes.end()) return;
  it->second->events.push_back(TransportEvent{TransportEvent::Kind::kFrame, from, bytes, ""});
  it->second->arrived.notify_all();
}

}  // namespace gtype::rt
