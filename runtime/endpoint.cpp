// The endpoint: sessions of one role, the role's actions, and the public API (endpoint.h).
//
// Blocking calls drain the transport first (so an abort or a lost peer is seen before acting),
// then act or wait, pumping the transport until their deadline. serve() drives the sessions
// something happened to, and those whose timeout is due (Impl::deadlines), and pumps the
// transport between rounds (until the next deadline, at most kServePoll, when idle).
// Only the public calls erase sessions (report/close); the arrival stage never does, so a
// Session& stays valid across pump(). Consumption stage, in take(): the head of each queue the
// current state reads from must fit one of its transitions, else the session fails.
#include <cassert>

#include "endpoint_impl.h"

namespace gtype::rt {
namespace {

constexpr std::chrono::milliseconds kServePoll{50};

std::string millis(std::chrono::milliseconds d) { return std::to_string(d.count()) + " ms"; }

// `t + d`, or about the latest time point when that would overflow (a timeout of "forever").
Clock::time_point later(Clock::time_point t, std::chrono::milliseconds d) {
  const auto room = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::time_point::max() - t);
  return d >= room ? Clock::time_point::max() - Clock::duration(1) : t + d;
}

}  // namespace

Endpoint::Impl::Impl(const RoleSpec& spec, Directory directory_, std::unique_ptr<Transport> transport_,
                     EndpointOptions options_)
    : index(spec),
      directory(std::move(directory_)),
      transport(std::move(transport_)),
      options(std::move(options_)),
      random(options.seed != 0 ? options.seed : std::random_device{}()) {
  for (std::uint16_t p = 0; p < index.spec().role_count; ++p)
    role_addresses.push_back(directory.address(index.role_name(p)));
}

Session& Endpoint::Impl::open(SessionId id) {
  Session& session = sessions[id];
  session.id = id;
  session.since = Clock::now();
  session.peers.resize(index.spec().role_count);
  for (std::uint16_t p = 0; p < index.spec().role_count; ++p) {  // peers has role_count links
    if (role_addresses[p]) session.peers[p].address = *role_addresses[p];
  }
  touch(session);
  return session;
}

Session* Endpoint::Impl::find(SessionId id) {
  auto it = sessions.find(id);
  return it == sessions.end() ? nullptr : &it->second;
}

std::string Endpoint::Impl::describe(const Session& session) const {
  return std::string(index.spec().protocol) + " session " + std::to_string(session.id) + " at role " +
         std::string(index.self_name());
}

void Endpoint::Impl::move_to(Session& session, std::uint16_t state) {
  session.state = state;
  session.since = Clock::now();
}

Status Endpoint::Impl::send(Session& session, std::uint16_t peer, FrameKind kind, std::string_view label,
                            std::string_view payload) {
  PeerLink& link = session.peers[peer];
  if (link.address.empty()) {
    return Status{StatusCode::kTransport,
                  "no address for role " + std::string(index.role_name(peer)) +
                      ": it is not in the directory and has not sent to this session"};
  }
  link.met = true;
  return transport->send(link.address,
                         encode(EnvelopeView{kind, index.spec().protocol, session.id, index.self_name(),
                                             index.role_name(peer), label, payload}));
}

void Endpoint::Impl::fail(Session& session, StatusCode code, const std::string& detail,
                          std::optional<std::uint16_t> except) {
  if (session.failure || session.ended) return;
  touch(session);
  session.failure = Status{code, describe(session) + ": " + detail};
  ++counters.failed_sessions;
  session.pending.reset();
  for (std::uint16_t p = 0; p < index.spec().role_count; ++p) {  // peers has role_count links
    PeerLink& link = session.peers[p];
    link.inbox.clear();
    // Every peer that may still wait on this role, met or not (in a chain A -> B -> C -> A, C
    // has not met A, which waits for it); those not in the session drop the abort unseen. Not
    // to a lost peer: nothing would take it, and the frame would only delay the transport's end.
    if (p == index.spec().self || p == except || link.closed_by_peer || link.lost || link.address.empty())
      continue;
    (void)send(session, p, FrameKind::kAbort, "", detail);  // best effort: the session is over anyway
  }
}

void Endpoint::Impl::finish(Session& session) {
  session.ended = true;
  ++counters.ended_sessions;
  const bool explicit_connections = index.spec().explicit_connections;
  for (std::uint16_t p = 0; p < index.spec().role_count; ++p) {  // peers has role_count links
    PeerLink& link = session.peers[p];
    link.inbox.clear();
    if (p == index.spec().self || !(explicit_connections ? link.connected : link.met)) continue;
    link.connected = false;
    // Not to a peer that disconnected first (it has ended, or closed its side, and needs no
    // answer: it may well have exited, and a frame to it would then only delay the transport's
    // end), nor to a lost one.
    if (link.closed_by_peer || link.lost) continue;
    (void)send(session, p, FrameKind::kDisconnect, "", "");
  }
}

void Endpoint::Impl::close(SessionId id) {
  if (auto it = sessions.find(id); it != sessions.end()) {
    if (it->second.due != Clock::time_point::max()) deadlines.erase({it->second.due, id});
    sessions.erase(it);
  }
  if (closed.insert(id).second) closed_order.push_back(id);
  while (closed_order.size() > kClosedMemory) {
    closed.erase(closed_order.front());
    closed_order.pop_front();
  }
}

Status Endpoint::Impl::report(SessionId id) {
  Session* session = find(id);
  assert(session != nullptr && session->failure);
  Status error = *session->failure;
  close(id);
  return error;
}

void Endpoint::Impl::begin_act(Session& session, std::uint16_t transition, std::string_view payload) {
  auto out = index.out(session.state);
  auto self = [&] { return std::string(index.self_name()); };  // for messages: built on failure only
  if (transition >= out.size() || index.waits(session.state)) {
    return fail(session, StatusCode::kProtocolViolation,
                "role " + self() + " has no sending transition " + std::to_string(transition) + " at state " +
                    index.state_name(session.state));
  }
  const TransitionSpec& t = out[transition];
  PeerLink& link = session.peers[t.peer];
  auto peer = [&] { return std::string(index.role_name(t.peer)); };
  const std::string_view label = index.label(t.message);
  const bool explicit_connections = index.spec().explicit_connections;
  if (link.lost && t.action != Action::kDisconnect)
    return fail(session, StatusCode::kPeerLost, lost_detail(session, t.peer));
  FrameKind kind = FrameKind::kMessage;
  switch (t.action) {
    case Action::kSend:
      if (explicit_connections && !link.connected) {
        return fail(
            session, StatusCode::kProtocolViolation,
            "role " + self() + " sends " + std::string(label) + " to " + peer() + " without a connection");
      }
      break;
    case Action::kConnect:
      if (link.connected) {
        return fail(session, StatusCode::kProtocolViolation,
                    "role " + self() + " connects to " + peer() + ", to which it is already connected");
      }
      kind = FrameKind::kConnect;
      break;
    case Action::kDisconnect:
      link.connected = false;
      kind = FrameKind::kDisconnect;
      break;
    case Action::kReceive:
    case Action::kAccept:
      assert(false);  // ruled out by index.waits() above
  }
  // Nor does a disconnect go to a lost peer, or one that disconnected first (see finish()).
  const bool unneeded = kind == FrameKind::kDisconnect && (link.lost || link.closed_by_peer);
  Status sent = unneeded ? Status() : send(session, t.peer, kind, label, payload);
  if (!sent.ok()) return fail(session, sent.code(), "cannot send to " + peer() + ": " + sent.message());
  if (kind == FrameKind::kConnect) {
    session.pending = Session::PendingConnect{t.peer, t.target, Clock::now() + options.connect_timeout};
    return;
  }
  move_to(session, t.target);
  if (index.is_end(session.state)) finish(session);
}

Endpoint::Impl::Take Endpoint::Impl::take(Session& session, Incoming* incoming) {
  auto out = index.out(session.state);
  // Messages are built only when the session fails: this runs for every frame taken.
  auto waits_for = [&] {
    return "role " + std::string(index.self_name()) + " at state " + index.state_name(session.state) +
           " waits for " + index.expected(session.state);
  };
  std::optional<std::uint16_t> lost;  // a peer waited for that is gone, with nothing of its queued
  for (const TransitionSpec& first : out) {
    const std::uint16_t p = first.peer;
    PeerLink& link = session.peers[p];
    auto peer = [&] { return std::string(index.role_name(p)); };
    bool receives = false;
    for (const TransitionSpec& t : out) receives |= t.peer == p && t.action == Action::kReceive;
    while (!link.inbox.empty() && link.inbox.front().kind == FrameKind::kDisconnect) {
      if (receives) {
        fail(session, StatusCode::kProtocolViolation, waits_for() + ", but " + peer() + " disconnected");
        return Take::kFailed;
      }
      link.inbox.pop_front();
      link.connected = false;
    }
    if (link.inbox.empty()) {
      if (link.lost) lost = p;
      continue;
    }
    Arrived& frame = link.inbox.front();
    const Action action = frame.kind == FrameKind::kConnect ? Action::kAccept : Action::kReceive;
    for (std::uint16_t i = 0; i < static_cast<std::uint16_t>(out.size()); ++i) {  // a state's count is 16-bit
      const TransitionSpec& t = out[i];
      if (t.peer != p || t.action != action) continue;
      // The arrival check unpacked the payload already, as frame.message.
      if (t.message != frame.message && !index.fits(t.message, frame.label, frame.payload)) continue;
      // Explicit protocols: a message needs an open connection, an accept a closed one.
      const bool connection_wrong = action == Action::kReceive ? !link.connected : link.connected;
      if (index.spec().explicit_connections && connection_wrong) {
        fail(session, StatusCode::kProtocolViolation,
             action == Action::kReceive
                 ? waits_for() + ", but " + peer() + " sent " + frame.label + " without a connection"
                 : waits_for() + ", but " + peer() + " connected again while connected");
        return Take::kFailed;
      }
      if (action == Action::kAccept) {
        link.connected = true;
        if (Status sent = send(session, p, FrameKind::kConnectAck, "", ""); !sent.ok()) {
          fail(session, sent.code(), "cannot accept " + peer() + ": " + sent.message());
          return Take::kFailed;
        }
      }
      incoming->transition = i;
      incoming->payload = std::move(frame.payload);
      link.inbox.pop_front();
      move_to(session, t.target);
      return Take::kTaken;
    }
    const std::string sent = frame.kind == FrameKind::kConnect
                                 ? (frame.label.empty() ? "connected" : "connected with " + frame.label)
                                 : "sent " + frame.label;
    fail(session, StatusCode::kProtocolViolation, waits_for() + ", but " + peer() + " " + sent);
    return Take::kFailed;
  }
  if (lost) {
    fail(session, StatusCode::kPeerLost, lost_detail(session, *lost));
    return Take::kFailed;
  }
  return Take::kNothing;
}

// --- public API ---------------------------------------------------------------------------------

Result<std::unique_ptr<Endpoint>> Endpoint::create(const RoleSpec& spec, Directory directory,
                                                   std::unique_ptr<Transport> transport,
                                                   EndpointOptions options) {
  if (std::string problem = SpecIndex::validate(spec); !problem.empty())
    return Status{StatusCode::kConfig, problem};
  if (!transport)
    return Status{StatusCode::kConfig, std::string(spec.protocol) + ": an endpoint needs a transport"};
  auto impl = std::make_unique<Impl>(spec, std::move(directory), std::move(transport), std::move(options));
  return std::unique_ptr<Endpoint>(new Endpoint(std::move(impl)));
}

Endpoint::Endpoint(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Endpoint::~Endpoint() {
  for (auto& [id, session] : impl_->sessions) {
    impl_->fail(session, StatusCode::kClosed,
                "the endpoint of role " + std::string(impl_->index.self_name()) + " was closed");
  }
}

const RoleSpec& Endpoint::spec() const { return impl_->index.spec(); }
const std::string& Endpoint::address() const { return impl_->transport->address(); }
const Counters& Endpoint::counters() const { return impl_->counters; }

Result<SessionId> Endpoint::start() {
  SessionId id = 0;
  do {
    id = impl_->random();
  } while (id == 0 || impl_->sessions.count(id) || impl_->closed.count(id));
  return impl_->open(id).id;
}

Result<SessionId> Endpoint::next_session(std::optional<std::chrono::milliseconds> timeout) {
  const auto wait = timeout.value_or(impl_->options.receive_timeout);
  const Clock::time_point deadline = Clock::now() + wait;
  while (true) {
    while (!impl_->fresh.empty()) {
      SessionId id = impl_->fresh.front();
      impl_->fresh.pop_front();
      if (impl_->sessions.count(id)) return id;
    }
    if (Clock::now() >= deadline) {
      return Status{StatusCode::kTimeout, std::string(spec().protocol) + " role " +
                                              std::string(impl_->index.self_name()) +
                                              ": no new session within " + millis(wait)};
    }
    if (Status pumped = impl_->pump(deadline); !pumped.ok()) return pumped;
  }
}

std::uint16_t Endpoint::state(SessionId session) const {
  auto it = impl_->sessions.find(session);
  assert(it != impl_->sessions.end());
  return it->second.state;
}

SessionInfo Endpoint::info(SessionId id) const {
  auto it = impl_->sessions.find(id);
  assert(it != impl_->sessions.end() && "requires has_session");
  SessionInfo info{id, {}};
  for (std::uint16_t p = 0; p < impl_->index.spec().role_count; ++p) {
    if (p == impl_->index.spec().self) continue;
    const PeerLink& link = it->second.peers[p];
    info.peers.push_back(PeerInfo{std::string(impl_->index.role_name(p)), link.address, link.principal});
  }
  return info;
}

bool Endpoint::has_session(SessionId session) const { return impl_->sessions.count(session) != 0; }

namespace {

Status not_open(const Endpoint& endpoint, SessionId id, std::string_view self) {
  return Status{StatusCode::kClosed, std::string(endpoint.spec().protocol) + " session " +
                                         std::to_string(id) + " is not open at role " + std::string(self)};
}

}  // namespace

Status Endpoint::act(SessionId id, std::uint16_t transition, std::string_view payload) {
  Impl& impl = *impl_;
  if (Status pumped = impl.pump(Clock::now()); !pumped.ok()) return pumped;
  Session* session = impl.find(id);
  if (session == nullptr) return not_open(*this, id, impl.index.self_name());
  if (!session->failure) impl.begin_act(*session, transition, payload);
  while (true) {
    if (session->failure) return impl.report(id);
    if (session->ended) {
      impl.close(id);
      return Status();
    }
    if (!session->pending) return Status();
    if (Clock::now() >= session->pending->deadline) {
      impl.fail(*session, StatusCode::kTimeout,
                "role " + std::string(impl.index.role_name(session->pending->peer)) +
                    " did not accept the connection within " + millis(impl.options.connect_timeout));
      continue;
    }
    if (Status pumped = impl.pump(session->pending->deadline); !pumped.ok()) return pumped;
  }
}

Result<Incoming> Endpoint::receive(SessionId id, std::optional<std::chrono::milliseconds> timeout) {
  Impl& impl = *impl_;
  if (Status pumped = impl.pump(Clock::now()); !pumped.ok()) return pumped;
  Session* session = impl.find(id);
  if (session == nullptr) return not_open(*this, id, impl.index.self_name());
  const auto wait = timeout.value_or(impl.options.receive_timeout);
  const Clock::time_point deadline = Clock::now() + wait;
  while (true) {
    if (session->failure) return impl.report(id);
    assert(impl.index.waits(session->state) && !session->pending);
    Incoming incoming{};
    switch (impl.take(*session, &incoming)) {
      case Impl::Take::kTaken:
        ++impl.counters.delivered;
        if (impl.index.is_end(session->state)) {
          impl.finish(*session);
          impl.close(id);
        }
        return incoming;
      case Impl::Take::kFailed:
        continue;
      case Impl::Take::kNothing:
        break;
    }
    if (Clock::now() >= deadline) {
      impl.fail(*session, StatusCode::kTimeout,
                "nothing arrived within " + millis(wait) + ": role " + std::string(impl.index.self_name()) +
                    " at state " + impl.index.state_name(session->state) + " waits for " +
                    impl.index.expected(session->state));
      continue;
    }
    if (Status pumped = impl.pump(deadline); !pumped.ok()) return pumped;
  }
}

void Endpoint::abandon(SessionId id, const std::string& reason) {
  Session* session = impl_->find(id);
  if (session == nullptr) return;
  impl_->fail(*session, StatusCode::kAborted, reason);
  impl_->close(id);
}

Status Endpoint::serve(SessionDriver& driver, const std::atomic<bool>& stop) {
  Impl& impl = *impl_;
  // The first round visits every session (some may have been opened before serve()); later
  // ones those touched and those whose timeout is due: a round costs what happened in it.
  bool first = true;
  std::vector<SessionId> ids;
  while (!stop.load()) {
    impl.fresh.clear();
    ids.clear();
    if (first) {
      for (auto& [id, session] : impl.sessions) ids.push_back(id);
      first = false;
    } else {
      ids.swap(impl.touched);
    }
    if (!impl.deadlines.empty()) {
      const Clock::time_point now = Clock::now();
      while (!impl.deadlines.empty() && impl.deadlines.begin()->first <= now) {
        const SessionId id = impl.deadlines.begin()->second;
        impl.deadlines.erase(impl.deadlines.begin());
        if (Session* session = impl.find(id)) session->due = Clock::time_point::max();
        ids.push_back(id);  // visit() puts it back if it still waits
      }
    }
    for (SessionId id : ids) {
      if (Session* session = impl.find(id)) session->touched = false;
    }
    impl.touched.clear();  // all in ids
    for (SessionId id : ids) visit(id, driver);
    if (stop.load()) break;
    // Sessions touched meanwhile are visited without waiting (a past time point: no clock);
    // else the pump waits for the first deadline, but no longer than kServePoll (to see `stop`).
    Clock::time_point wake;
    if (impl.touched.empty()) {
      wake = Clock::now() + kServePoll;
      if (!impl.deadlines.empty()) wake = std::min(wake, impl.deadlines.begin()->first);
    }
    // One event at a time, its session visited right after: a frame is answered as soon as
    // it is checked, not once every frame that came with it is (the transport has read them
    // all from ZeroMQ already, so this costs no system call).
    if (Status pumped = impl.pump(wake, 1); !pumped.ok()) return pumped;
  }
  return Status();
}

void Endpoint::visit(SessionId id, SessionDriver& driver) {
  Impl& impl = *impl_;
  while (Session* session = impl.find(id)) {
    if (session->failure) {
      Status error = impl.report(id);
      driver.failed(id, error);
      return;
    }
    if (session->ended) {
      impl.close(id);
      driver.ended(id);
      return;
    }
    if (session->pending) {
      if (Clock::now() < session->pending->deadline)
        return impl.schedule(*session, session->pending->deadline);
      impl.fail(*session, StatusCode::kTimeout,
                "role " + std::string(impl.index.role_name(session->pending->peer)) +
                    " did not accept the connection within " + millis(impl.options.connect_timeout));
      continue;
    }
    const std::uint16_t state = session->state;
    if (!impl.index.waits(state)) {
      Result<Choice> choice = driver.choose(id, state);
      if ((session = impl.find(id)) == nullptr) return;  // the driver abandoned it
      if (!choice.ok()) {
        impl.fail(*session, choice.error().code(), choice.error().message());
      } else {
        impl.begin_act(*session, choice->transition, choice->payload);
      }
      continue;
    }
    Incoming incoming{};
    Impl::Take took = impl.take(*session, &incoming);
    if (took == Impl::Take::kTaken) {
      ++impl.counters.delivered;
      if (impl.index.is_end(session->state)) impl.finish(*session);
      driver.received(id, state, incoming);
      continue;
    }
    if (took == Impl::Take::kNothing) {
      if (Clock::now() - session->since < impl.options.receive_timeout)
        return impl.schedule(*session, later(session->since, impl.options.receive_timeout));
      impl.fail(*session, StatusCode::kTimeout,
                "nothing arrived within " + millis(impl.options.receive_timeout) + ": role " +
                    std::string(impl.index.self_name()) + " at state " + impl.index.state_name(state) +
                    " waits for " + impl.index.expected(state));
    }
  }
}

}  // namespace gtype::rt
