// The monitor's arrival stage: every transport event is checked before anything is queued.
//
// A frame must decode, be for this protocol and this role, come from another role of the
// protocol that its sender's principal may play (EndpointOptions::authorize), (once a peer's
// address is known in a session) from that address, and belong
// to an open session or start one (see endpoint.h). Frames that fail these checks cannot be
// pinned on a session: they are counted, told to on_reject and dropped, and no session changes.
// A frame that passes them is from a session's peer, so if its label is one the role can no
// longer take from that peer, or its payload does not decode, the peer breaks the protocol:
// the frame is counted and the session fails (kProtocolViolation), telling its peers.
// Whether a queued frame fits the state the role is in when it takes it is checked later, by
// Impl::take (endpoint.cpp).
#include <cmath>

#include "endpoint_impl.h"

namespace gtype::rt {

void Endpoint::Impl::reject(std::uint64_t Counters::*counter, std::string message) {
  ++(counters.*counter);
  if (options.on_reject) options.on_reject(Status{StatusCode::kProtocolViolation, std::move(message)});
}

Status Endpoint::Impl::pump(Clock::time_point deadline, int most) {
  std::chrono::milliseconds left{0};  // the clock only when it may wait (see serve())
  if (!transport->queued())
    left = std::max(std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()), left);
  Result<TransportEvent> event = transport->next(left);
  for (int taken = 1; event.ok(); ++taken) {
    on_event(*event);
    // The rest on the next pump; but a session an ack ended waits for all that came with it.
    if ((taken >= most && (acked_to_end.empty() || taken >= kMostPerPump)) || !transport->queued()) break;
    event = transport->next(std::chrono::milliseconds(0));
  }
  // A session that an accept brought to its end ends only now, after the frames that came with
  // the ack: an acceptor that ends at the accept sends its disconnect right behind, and having
  // seen it, finish() spares a disconnect to a peer that may be exiting already.
  for (SessionId id : acked_to_end) {
    if (Session* session = find(id); session != nullptr && !session->failure && !session->ended) {
      finish(*session);
      touch(*session);
    }
  }
  acked_to_end.clear();
  if (!event.ok() && event.error().code() != StatusCode::kTimeout) return event.error();
  return Status();
}

void Endpoint::Impl::on_event(const TransportEvent& event) {
  if (event.kind == TransportEvent::Kind::kPeerLost) {
    on_peer_lost(event.peer, event.bytes);
  } else {
    on_frame(event.peer, event.principal, event.bytes);
  }
}

std::string Endpoint::Impl::lost_detail(const Session& session, std::uint16_t peer) const {
  const PeerLink& link = session.peers[peer];
  if (!link.lost_reason.empty()) {
    return "role " + std::string(index.role_name(peer)) + " at " + link.address +
           " cannot be reached: " + link.lost_reason;
  }
  return "role " + std::string(index.role_name(peer)) + " at " + link.address +
         " was lost (its process died or the link broke)";
}

// Every frame the peer sent has been through on_frame by now (the transport reports a loss after
// them), so a peer that ended has said so (kDisconnect): its loss fails nothing by itself.
// Otherwise the session fails at once — in explicit protocols only while a connection with the
// peer is open or being opened: with none, the role may well be done with it (this role closed
// the connection, so the peer had nothing to disconnect at its end). Either way the session
// fails later if the role needs the peer again: waits for it with nothing of its queued
// (take()), or sends to it (begin_act()).
void Endpoint::Impl::on_peer_lost(const std::string& address, const std::string& reason) {
  const bool explicit_connections = index.spec().explicit_connections;
  const std::uint16_t spec_roles = index.spec().role_count;  // each session has a link per role
  for (auto& [id, session] : sessions) {
    if (session.failure || session.ended) continue;
    for (std::uint16_t p = 0; p < spec_roles; ++p) {
      PeerLink& link = session.peers[p];
      if (p == index.spec().self || !link.met || link.lost || link.address != address) continue;
      link.lost = true;
      link.lost_reason = reason;
      touch(session);  // serve() looks again: it may wait for this peer
      if (link.closed_by_peer) continue;
      const bool connecting = session.pending && session.pending->peer == p;
      if (explicit_connections && !link.connected && !connecting) continue;
      fail(session, StatusCode::kPeerLost, lost_detail(session, p), p);
      break;
    }
  }
}

namespace {

std::string kind_name(FrameKind kind) {
  switch (kind) {
    case FrameKind::kMessage:
      return "message";
    case FrameKind::kConnect:
      return "connect";
    case FrameKind::kConnectAck:
      return "connect-ack";
    case FrameKind::kDisconnect:
      return "disconnect";
    case FrameKind::kAbort:
      return "abort";
  }
  return "?";
}

std::string shown(const EnvelopeView& frame) {
  std::string label(frame.label);
  if (frame.kind == FrameKind::kMessage) return label;
  if (frame.kind == FrameKind::kConnect) return label.empty() ? "a connect" : "a connect with " + label;
  return "a " + kind_name(frame.kind);
}

}  // namespace

void Endpoint::Impl::on_frame(const std::string& source, const std::string& principal,
                              const std::string& bytes) {
  const RoleSpec& spec = index.spec();
  const std::string_view self = index.self_name();
  // Messages are built only for frames that are rejected: this runs for every frame.
  auto where = [&] {
    return std::string(spec.protocol) + " role " + std::string(self) + ": frame from " + source +
           " rejected: ";
  };
  Result<EnvelopeView> decoded = decode_view(bytes);
  if (!decoded.ok()) return reject(&Counters::malformed_frames, where() + decoded.error().message());
  const EnvelopeView& frame = *decoded;
  if (frame.protocol != spec.protocol) {
    return reject(&Counters::wrong_protocol, where() + "it is for protocol " + std::string(frame.protocol));
  }
  std::optional<std::uint16_t> sender = index.role(frame.from);
  if (!sender || *sender == spec.self) {
    return reject(&Counters::wrong_senders, where() + "it comes from role '" + std::string(frame.from) +
                                                "', which is not a peer of " + std::string(self) + " in " +
                                                std::string(spec.protocol));
  }
  if (frame.to != self)
    return reject(&Counters::wrong_senders,
                  where() + "it is addressed to role '" + std::string(frame.to) + "'");
  if (options.authorize && !options.authorize(frame.from, principal)) {
    return reject(&Counters::unauthorized, where() +
                                               (principal.empty() ? "an unauthenticated sender" : principal) +
                                               " may not play role " + std::string(frame.from));
  }
  auto in_session = [&] { return "session " + std::to_string(frame.session) + ": "; };
  const Action action = frame.kind == FrameKind::kConnect ? Action::kAccept : Action::kReceive;
  std::uint16_t message = kNoMessageIndex;  // what the frame is, once a reach check says kYes
  bool checked = false;                     // it started the session: state 0 has checked it

  auto it = sessions.find(frame.session);
  if (it == sessions.end()) {
    if (closed.count(frame.session)) {
      if (frame.kind == FrameKind::kMessage || frame.kind == FrameKind::kConnect) {
        reject(&Counters::unknown_sessions, where() + in_session() + shown(frame) + " from " +
                                                std::string(frame.from) +
                                                " arrived after the session ended or failed");
      }
      return;  // late control frames of a finished session are expected
    }
    if (frame.kind == FrameKind::kAbort) return;  // aborts go to every peer with an address, joined or not
    const bool starts = frame.kind == (spec.explicit_connections ? FrameKind::kConnect : FrameKind::kMessage);
    SpecIndex::Reach reach = starts && index.waits(0)
                                 ? index.reachable(0, action, *sender, frame.label, frame.payload, &message)
                                 : SpecIndex::Reach::kNoLabel;
    if (reach == SpecIndex::Reach::kNoLabel) {
      return reject(&Counters::unknown_sessions, where() + "unknown " + in_session() + "and " + shown(frame) +
                                                     " from " + std::string(frame.from) +
                                                     " does not start a session of " + std::string(self));
    }
    if (reach == SpecIndex::Reach::kBadPayload) {
      return reject(&Counters::malformed_payloads, where() + in_session() + "the payload of " +
                                                       std::string(frame.label) + " from " +
                                                       std::string(frame.from) + " is malformed");
    }
    it = sessions.find(open(frame.session).id);
    fresh.push_back(frame.session);
    checked = true;
  }
  Session& session = it->second;
  if (session.failure || session.ended) return;
  touch(session);
  PeerLink& link = session.peers[*sender];
  if (link.learned && link.address != source) {
    return reject(&Counters::wrong_senders, where() + in_session() + "role " + std::string(frame.from) +
                                                " sends from " + link.address +
                                                " in this session, not from " + source);
  }
  if (!link.learned) {
    link.address = source;
    link.principal = principal;
    transport->watch(source);  // checked: from a role of this session, or one it starts
  }
  link.learned = link.met = true;

  switch (frame.kind) {
    case FrameKind::kAbort:
      return fail(session, StatusCode::kAborted,
                  "aborted by role " + std::string(frame.from) + ": " + std::string(frame.payload), *sender);
    case FrameKind::kConnectAck:
      if (!session.pending || session.pending->peer != *sender) {
        return reject(&Counters::wrong_labels, describe(session) + ": role " + std::string(frame.from) +
                                                   " accepted a connection that " + std::string(self) +
                                                   " did not ask for");
      }
      link.connected = true;
      move_to(session, session.pending->target);
      session.pending.reset();
      if (index.is_end(session.state)) acked_to_end.push_back(session.id);  // see pump()
      return;
    case FrameKind::kDisconnect:
      link.closed_by_peer = true;
      link.inbox.push_back(Arrived{frame.kind, {}, {}});
      return;
    case FrameKind::kConnect:
    case FrameKind::kMessage:
      break;
  }
  SpecIndex::Reach reach =
      frame.kind == FrameKind::kConnect && !spec.explicit_connections ? SpecIndex::Reach::kNoLabel
      : checked                                                       ? SpecIndex::Reach::kYes
                : index.reachable(session.state, action, *sender, frame.label, frame.payload, &message);
  if (reach != SpecIndex::Reach::kYes) {
    const bool bad_payload = reach == SpecIndex::Reach::kBadPayload;
    std::string detail = bad_payload
                             ? "the payload of " + std::string(frame.label) + " from " +
                                   std::string(frame.from) + " is malformed"
                             : "role " + std::string(frame.from) + " sent " + shown(frame) + ", which " +
                                   std::string(self) + " cannot take from " + std::string(frame.from) +
                                   " at state " + index.state_name(session.state) + " or later (it can take " +
                                   index.reachable_labels(session.state, action, *sender) + ")";
    reject(bad_payload ? &Counters::malformed_payloads : &Counters::wrong_labels,
           describe(session) + ": " + detail);
    return fail(session, StatusCode::kProtocolViolation, detail);
  }
  if (frame.kind == FrameKind::kConnect) link.closed_by_peer = false;
  link.inbox.push_back(Arrived{frame.kind, std::string(frame.label), std::string(frame.payload), message});
}

}  // namespace gtype::rt
