// CURVE transports (curve.h): keys and key files, keyed addresses, what may be bound, frames
// carrying their sender's principal, and every way in that must be refused before a session
// exists: a key the authority does not admit, a plaintext peer, a peer that claims another's
// address, a frame meant for another role's principal, and bytes of a real session replayed or
// tampered with on a TCP connection of their own (a recording proxy between two transports).
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zmq.hpp>

#include <filesystem>
#include <fstream>
#include <thread>

#include "test_support.h"

namespace gtype::rt::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

// Admits the keys it was given, as their principals; records refusals.
class TestAuthority final : public KeyAuthority {
 public:
  void add(const std::string& key, const std::string& principal) {
    std::lock_guard lock(mutex_);
    admitted_[key] = principal;
  }
  std::optional<std::string> admit(std::string_view key) override {
    std::lock_guard lock(mutex_);
    auto it = admitted_.find(std::string(key));
    if (it == admitted_.end()) return std::nullopt;
    return it->second;
  }
  void refused(const std::string& why) override {
    std::lock_guard lock(mutex_);
    refusals_.push_back(why);
  }
  std::vector<std::string> refusals() {
    std::lock_guard lock(mutex_);
    return refusals_;
  }
  bool refused_with(const std::string& text) {
    std::lock_guard lock(mutex_);
    return std::any_of(refusals_.begin(), refusals_.end(),
                       [&](const std::string& r) { return r.find(text) != std::string::npos; });
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::string> admitted_;
  std::vector<std::string> refusals_;
};

CurveKeyPair fresh_keys() {
  Result<CurveKeyPair> keys = generate_curve_key_pair();
  EXPECT_TRUE(keys.ok());
  return *keys;
}

ZmqOptions curve_options(const CurveKeyPair& keys, std::shared_ptr<KeyAuthority> authority) {
  ZmqOptions options{250ms, 5000ms};
  options.curve = ZmqOptions::Curve{keys, std::move(authority)};
  return options;
}

// Two CURVE parties, each admitting the other: a client and a server.
struct Pair {
  CurveKeyPair client_keys = fresh_keys();
  CurveKeyPair server_keys = fresh_keys();
  std::shared_ptr<TestAuthority> client_authority = std::make_shared<TestAuthority>();
  std::shared_ptr<TestAuthority> server_authority = std::make_shared<TestAuthority>();
  Pair() {
    server_authority->add(client_keys.public_key, "user:alice");
    client_authority->add(server_keys.public_key, "service:b");
  }
  Result<std::unique_ptr<Transport>> client() {
    return make_zmq_transport("tcp://127.0.0.1:0", curve_options(client_keys, client_authority));
  }
  Result<std::unique_ptr<Transport>> server() {
    return make_zmq_transport("tcp://127.0.0.1:0", curve_options(server_keys, server_authority));
  }
};

// The events `t` has within `timeout`.
std::vector<TransportEvent> drain(Transport& t, std::chrono::milliseconds timeout) {
  std::vector<TransportEvent> events;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    Result<TransportEvent> e = t.next(20ms);
    if (e.ok()) events.push_back(*e);
  }
  return events;
}

std::string temporary_dir() {
  char pattern[] = "/tmp/c12s-curve-XXXXXX";
  return mkdtemp(pattern);
}

TEST(CurveKeys, PairsAndSecrets) {
  CurveKeyPair pair = fresh_keys();
  EXPECT_TRUE(is_curve_key(pair.public_key));
  EXPECT_TRUE(is_curve_key(pair.secret_key));
  EXPECT_NE(pair.public_key, pair.secret_key);
  Result<CurveKeyPair> again = curve_key_pair_from_secret(pair.secret_key);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->public_key, pair.public_key);
  EXPECT_FALSE(is_curve_key("short"));
  EXPECT_FALSE(is_curve_key(std::string(40, '"')));  // not in Z85's alphabet
  Result<CurveKeyPair> bad = curve_key_pair_from_secret("nope");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), StatusCode::kConfig);
}

TEST(CurveKeys, FilesKeepSecretsFromOthers) {
  const std::string dir = temporary_dir();
  CurveKeyPair pair = fresh_keys();
  ASSERT_TRUE(save_curve_secret_key(dir + "/me.key", pair).ok());
  ASSERT_TRUE(save_curve_public_key(dir + "/me.pub", pair.public_key).ok());
  struct stat info {};
  ASSERT_EQ(::stat((dir + "/me.key").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  Result<CurveKeyPair> loaded = load_curve_secret_key(dir + "/me.key");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message();
  EXPECT_EQ(loaded->public_key, pair.public_key);
  Result<std::string> pub = load_curve_public_key(dir + "/me.pub");
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(*pub, pair.public_key);

  ::chmod((dir + "/me.key").c_str(), 0644);
  Result<CurveKeyPair> exposed = load_curve_secret_key(dir + "/me.key");
  ASSERT_FALSE(exposed.ok());
  EXPECT_THAT(exposed.error().message(), HasSubstr("may be read by others (chmod 600 it)"));

  std::ofstream(dir + "/garbage.pub") << "not a key\n";
  Result<std::string> garbage = load_curve_public_key(dir + "/garbage.pub");
  ASSERT_FALSE(garbage.ok());
  EXPECT_THAT(garbage.error().message(), HasSubstr("garbage.pub: not a key file"));
  Result<std::string> missing = load_curve_public_key(dir + "/missing.pub");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), StatusCode::kNotFound);
  std::filesystem::remove_all(dir);
}

TEST(KeyedAddresses, SplitAndJoin) {
  const std::string key = fresh_keys().public_key;
  const std::string keyed = keyed_address("tcp://10.0.0.5:7001", key);
  EXPECT_EQ(keyed, "tcp://10.0.0.5:7001#" + key);
  KeyedAddress parts = split_keyed_address(keyed);
  EXPECT_EQ(parts.endpoint, "tcp://10.0.0.5:7001");
  EXPECT_EQ(parts.key, key);
  KeyedAddress plain = split_keyed_address("tcp://10.0.0.5:7001");
  EXPECT_EQ(plain.endpoint, "tcp://10.0.0.5:7001");
  EXPECT_EQ(plain.key, "");
  EXPECT_EQ(keyed_address("ipc:///x", ""), "ipc:///x");
  // Something after '#' that is not a key is part of the endpoint (ZeroMQ will say it is bad).
  EXPECT_EQ(split_keyed_address("tcp://h:1#short").key, "");
}

TEST(CurveBinding, PlaintextStaysOnLoopbackUnlessAsked) {
  auto everywhere = make_zmq_transport("tcp://0.0.0.0:0");
  ASSERT_FALSE(everywhere.ok());
  EXPECT_EQ(everywhere.error().code(), StatusCode::kConfig);
  EXPECT_THAT(everywhere.error().message(), HasSubstr("plaintext beyond loopback"));
  ZmqOptions asked;
  asked.plaintext_beyond_loopback = true;
  EXPECT_TRUE(make_zmq_transport("tcp://0.0.0.0:0", asked).ok());
  EXPECT_TRUE(make_zmq_transport("tcp://127.0.0.2:0").ok());
}

TEST(CurveBinding, KeyedAddressAdvertisedAndChecked) {
  Pair pair;
  auto server = make_zmq_transport("tcp://0.0.0.0:0", curve_options(pair.server_keys, pair.server_authority));
  ASSERT_TRUE(server.ok()) << server.error().message();  // CURVE may listen everywhere
  EXPECT_THAT((*server)->address(), MatchesRegex("tcp://0\\.0\\.0\\.0:[1-9][0-9]*#.{40}"));
  EXPECT_EQ(split_keyed_address((*server)->address()).key, pair.server_keys.public_key);

  ZmqOptions advertised = curve_options(pair.server_keys, pair.server_authority);
  advertised.advertise = "tcp://node-5.example";
  auto named = make_zmq_transport("tcp://127.0.0.1:0", advertised);
  ASSERT_TRUE(named.ok());
  EXPECT_THAT((*named)->address(), MatchesRegex("tcp://node-5\\.example:[1-9][0-9]*#.{40}"));
  advertised.advertise = "tcp://10.1.2.3:9000";
  auto fixed = make_zmq_transport("tcp://127.0.0.1:0", advertised);
  ASSERT_TRUE(fixed.ok());
  EXPECT_EQ((*fixed)->address(), "tcp://10.1.2.3:9000#" + pair.server_keys.public_key);

  auto inproc = make_zmq_transport("inproc://curve", curve_options(pair.server_keys, pair.server_authority));
  ASSERT_FALSE(inproc.ok());
  EXPECT_THAT(inproc.error().message(), HasSubstr("not inproc://"));
  auto nobody = make_zmq_transport("tcp://127.0.0.1:0", curve_options(pair.server_keys, nullptr));
  ASSERT_FALSE(nobody.ok());
  EXPECT_THAT(nobody.error().message(), HasSubstr("needs an authority"));
  auto other_key = make_zmq_transport("tcp://127.0.0.1:0#" + pair.client_keys.public_key,
                                      curve_options(pair.server_keys, pair.server_authority));
  ASSERT_FALSE(other_key.ok());
  EXPECT_THAT(other_key.error().message(), HasSubstr("not this transport's"));
  auto plain_keyed = make_zmq_transport("tcp://127.0.0.1:0#" + pair.client_keys.public_key);
  ASSERT_FALSE(plain_keyed.ok());
  EXPECT_THAT(plain_keyed.error().message(), HasSubstr("needs CURVE"));
}

TEST(CurveTransport, FramesCarryTheSendersPrincipal) {
  Pair pair;
  auto client = pair.client();
  auto server = pair.server();
  ASSERT_TRUE(client.ok() && server.ok());
  for (int i = 0; i < 10; ++i)
    ASSERT_TRUE((*client)->send((*server)->address(), "frame " + std::to_string(i)).ok());
  for (int i = 0; i < 10; ++i) {
    Result<TransportEvent> e = (*server)->next(3000ms);
    ASSERT_TRUE(e.ok()) << e.error().message();
    EXPECT_EQ(e->peer, (*client)->address());
    EXPECT_EQ(e->principal, "user:alice");
    EXPECT_EQ(e->bytes, "frame " + std::to_string(i));
  }
  // The reply goes back encrypted to the key in the client's address.
  ASSERT_TRUE((*server)->send((*client)->address(), "reply").ok());
  Result<TransportEvent> reply = (*client)->next(3000ms);
  ASSERT_TRUE(reply.ok()) << reply.error().message();
  EXPECT_EQ(reply->principal, "service:b");
  EXPECT_TRUE(pair.server_authority->refusals().empty());
}

TEST(CurveTransport, SpeaksOnlyToItsKind) {
  Pair pair;
  auto client = pair.client();
  auto plain = make_zmq_transport("tcp://127.0.0.1:0");
  ASSERT_TRUE(client.ok() && plain.ok());
  Status unkeyed = (*client)->send((*plain)->address(), "x");
  ASSERT_FALSE(unkeyed.ok());
  EXPECT_THAT(unkeyed.message(), HasSubstr("has no key"));
  Status keyed = (*plain)->send((*client)->address(), "x");
  ASSERT_FALSE(keyed.ok());
  EXPECT_THAT(keyed.message(), HasSubstr("this transport is plaintext"));
}

TEST(CurveTransport, UnadmittedKeyGetsNoConnection) {
  Pair pair;
  CurveKeyPair stranger = fresh_keys();  // the server does not admit it
  auto intruder = make_zmq_transport("tcp://127.0.0.1:0", curve_options(stranger, pair.client_authority));
  auto server = pair.server();
  ASSERT_TRUE(intruder.ok() && server.ok());
  ASSERT_TRUE((*intruder)->send((*server)->address(), "let me in").ok());
  EXPECT_TRUE(drain(**server, 700ms).empty());
  EXPECT_TRUE(pair.server_authority->refused_with("key " + stranger.public_key + " is not admitted"));
  // The intruder's link failed its handshake: it sees the server lost, not a hang.
  std::vector<TransportEvent> seen = drain(**intruder, 1500ms);
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.front().kind, TransportEvent::Kind::kPeerLost);
  EXPECT_THAT(seen.front().bytes, HasSubstr("refused this process's key"));  // why, for its sessions' errors
}

TEST(CurveTransport, WrongServerKeyIsALostPeer) {
  Pair pair;
  auto client = pair.client();
  auto server = pair.server();
  ASSERT_TRUE(client.ok() && server.ok());
  // The server's endpoint, but someone else's key: whoever listens there cannot prove it.
  const std::string impostor =
      keyed_address(split_keyed_address((*server)->address()).endpoint, fresh_keys().public_key);
  ASSERT_TRUE((*client)->send(impostor, "secret").ok());
  std::atomic<bool> done{false};
  std::thread pump([&] {
    while (!done) (void)(*server)->next(20ms);  // answers its ZAP requests
  });
  std::vector<TransportEvent> seen = drain(**client, 2000ms);
  done = true;
  pump.join();
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.front().kind, TransportEvent::Kind::kPeerLost);
  EXPECT_EQ(seen.front().peer, impostor);
  EXPECT_THAT(seen.front().bytes, HasSubstr("does not hold the key its address names"));
}

TEST(CurveTransport, PlaintextPeerIsRefused) {
  Pair pair;
  auto server = pair.server();
  ASSERT_TRUE(server.ok());
  zmq::context_t context;
  zmq::socket_t raw(context, zmq::socket_type::dealer);
  raw.set(zmq::sockopt::linger, 0);
  raw.set(zmq::sockopt::routing_id, "tcp://127.0.0.1:1");
  raw.connect(split_keyed_address((*server)->address()).endpoint);
  raw.send(zmq::message_t(), zmq::send_flags::dontwait);
  raw.send(zmq::str_buffer("plaintext frame"), zmq::send_flags::dontwait);
  EXPECT_TRUE(drain(**server, 700ms).empty());
  EXPECT_TRUE(pair.server_authority->refused_with("failed its handshake"));
}

TEST(CurveTransport, AdmittedKeyCannotClaimAnotherAddress) {
  Pair pair;
  auto server = pair.server();
  ASSERT_TRUE(server.ok());
  // A raw CURVE client with alice's (admitted) key, claiming to be at a node's address.
  const std::string victim = keyed_address("tcp://127.0.0.1:9", fresh_keys().public_key);
  zmq::context_t context;
  zmq::socket_t raw(context, zmq::socket_type::dealer);
  raw.set(zmq::sockopt::linger, 0);
  raw.set(zmq::sockopt::routing_id, victim);
  raw.set(zmq::sockopt::curve_serverkey, pair.server_keys.public_key);
  raw.set(zmq::sockopt::curve_publickey, pair.client_keys.public_key);
  raw.set(zmq::sockopt::curve_secretkey, pair.client_keys.secret_key);
  raw.connect(split_keyed_address((*server)->address()).endpoint);
  raw.send(zmq::str_buffer("I am the node"), zmq::send_flags::dontwait);
  EXPECT_TRUE(drain(**server, 700ms).empty());
  EXPECT_TRUE(pair.server_authority->refused_with("claims to come from " + victim));
}

// PingPong over CURVE where B lets only alice play A.
class CurveEndpoints : public ::testing::Test {
 protected:
  EndpointOptions b_options() {
    EndpointOptions options = fast_options(&rejections_, 3000ms);
    options.authorize = [](std::string_view role, std::string_view principal) {
      return role == "A" && principal == "user:alice";
    };
    return options;
  }
  Pair pair_;
  Rejections rejections_;
};

TEST_F(CurveEndpoints, AuthorizedPrincipalPlays) {
  auto b = make_endpoint(kPingB, Directory(), pair_.server(), b_options());
  auto a =
      make_endpoint(kPingA, directory({{"B", b->address()}}), pair_.client(), fast_options(nullptr, 3000ms));
  ASSERT_TRUE(a && b);
  Result<SessionId> s = a->start();
  ASSERT_TRUE(s.ok());
  std::thread client([&] { EXPECT_TRUE(ping_client(*a, *s, 3).ok()); });
  Result<SessionId> served = b->next_session(3000ms);
  ASSERT_TRUE(served.ok()) << served.error().message();
  EXPECT_EQ(b->info(*served).peers.at(0).principal, "user:alice");
  Result<std::vector<std::int64_t>> pings = ping_server(*b, *served);
  client.join();
  ASSERT_TRUE(pings.ok()) << pings.error().message();
  EXPECT_EQ(pings->size(), 3u);
}

TEST_F(CurveEndpoints, OtherPrincipalIsRefusedBeforeAnySession) {
  pair_.server_authority->add(pair_.client_keys.public_key, "node:node-5");  // admitted, not alice
  auto b = make_endpoint(kPingB, Directory(), pair_.server(), b_options());
  auto a =
      make_endpoint(kPingA, directory({{"B", b->address()}}), pair_.client(), fast_options(nullptr, 300ms));
  ASSERT_TRUE(a && b);
  Result<SessionId> s = a->start();
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(a->act(*s, 0, pack_none()).ok());
  Result<SessionId> served = b->next_session(700ms);
  ASSERT_FALSE(served.ok());
  EXPECT_EQ(served.error().code(), StatusCode::kTimeout);
  EXPECT_EQ(b->counters().unauthorized, 1u);
  EXPECT_EQ(b->counters().unknown_sessions, 0u);
  ASSERT_EQ(rejections_.messages().size(), 1u);
  EXPECT_THAT(rejections_.messages()[0], HasSubstr("node:node-5 may not play role A"));
}

// A TCP proxy on loopback that forwards one connection to `target` and records what the client
// sent, as an attacker on the path would; it may flip a byte of every CURVE MESSAGE command the
// client sends (the first byte of its box, after the command name and the 8-byte nonce), and
// may play the recording again on a connection of its own.
class RecordingProxy {
 public:
  explicit RecordingProxy(int target_port, bool tamper = false) : target_port_(target_port), tamper_(tamper) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address = loopback(0);
    EXPECT_EQ(::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    EXPECT_EQ(::listen(listener_, 1), 0);
    socklen_t length = sizeof address;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { relay(); });
  }
  ~RecordingProxy() {
    done_ = true;
    if (thread_.joinable()) thread_.join();
    ::close(listener_);
  }
  int port() const { return port_; }
  std::string recorded() {
    std::lock_guard lock(mutex_);
    return recorded_;
  }
  void stop() {
    done_ = true;
    if (thread_.joinable()) thread_.join();
  }

  // Opens a connection of its own to the target and sends `bytes` (bounded in time).
  static void replay(int target_port, const std::string& bytes) {
    const int fd = connect_to(target_port);
    ASSERT_GE(fd, 0);
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<std::size_t>(n);
      std::this_thread::sleep_for(1ms);  // let the server answer between commands
    }
    char sink[4096];
    for (int i = 0; i < 50; ++i) {  // read its answers for a while, then hang up
      pollfd item{fd, POLLIN, 0};
      if (::poll(&item, 1, 10) > 0 && ::recv(fd, sink, sizeof sink, 0) <= 0) break;
    }
    ::close(fd);
  }

 private:
  static sockaddr_in loopback(int port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
  }
  static int connect_to(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address = loopback(port);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      ::close(fd);
      return -1;
    }
    return fd;
  }
  void relay() {
    pollfd accepting{listener_, POLLIN, 0};
    while (!done_ && ::poll(&accepting, 1, 20) <= 0) {
    }
    if (done_) return;
    const int client = ::accept(listener_, nullptr, nullptr);
    const int server = connect_to(target_port_);
    char buffer[65536];
    while (!done_ && client >= 0 && server >= 0) {
      pollfd items[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
      if (::poll(items, 2, 20) <= 0) continue;
      if (items[0].revents != 0) {
        const ssize_t n = ::recv(client, buffer, sizeof buffer, 0);
        if (n <= 0) break;
        {
          std::lock_guard lock(mutex_);
          recorded_.append(buffer, static_cast<std::size_t>(n));
        }
        if (tamper_) flip_boxes(buffer, static_cast<std::size_t>(n));
        ::send(server, buffer, static_cast<std::size_t>(n), MSG_NOSIGNAL);
      }
      if (items[1].revents != 0) {
        const ssize_t n = ::recv(server, buffer, sizeof buffer, 0);
        if (n <= 0) break;
        ::send(client, buffer, static_cast<std::size_t>(n), MSG_NOSIGNAL);
      }
    }
    if (client >= 0) ::close(client);
    if (server >= 0) ::close(server);
  }

  static void flip_boxes(char* chunk, std::size_t size) {
    const std::string_view text(chunk, size);
    constexpr std::string_view kName = "\x07MESSAGE";
    for (std::size_t at = text.find(kName); at != std::string_view::npos; at = text.find(kName, at + 1)) {
      const std::size_t box = at + kName.size() + 8;
      if (box < size) chunk[box] = static_cast<char>(chunk[box] ^ 0x01);
    }
  }

  int target_port_;
  bool tamper_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> done_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::string recorded_;
};

int port_of(const std::string& address) {
  const std::string endpoint = split_keyed_address(address).endpoint;
  return std::stoi(endpoint.substr(endpoint.rfind(':') + 1));
}

// A session goes through the proxy; its bytes, replayed, start nothing at B: CURVE's handshake
// binds every connection to fresh keys (the server's cookie), so the replay fails it.
TEST_F(CurveEndpoints, ReplayedBytesStartNothing) {
  auto b = make_endpoint(kPingB, Directory(), pair_.server(), b_options());
  ASSERT_TRUE(b);
  RecordingProxy proxy(port_of(b->address()));
  const std::string via_proxy =
      keyed_address("tcp://127.0.0.1:" + std::to_string(proxy.port()), pair_.server_keys.public_key);
  auto a =
      make_endpoint(kPingA, directory({{"B", via_proxy}}), pair_.client(), fast_options(nullptr, 3000ms));
  ASSERT_TRUE(a);
  Result<SessionId> s = a->start();
  ASSERT_TRUE(s.ok());
  std::thread client([&] { EXPECT_TRUE(ping_client(*a, *s, 2).ok()); });
  Result<SessionId> served = b->next_session(3000ms);
  ASSERT_TRUE(served.ok()) << served.error().message();
  ASSERT_TRUE(ping_server(*b, *served).ok());
  client.join();
  a.reset();  // the session is over; its connection closes
  proxy.stop();
  const std::string recorded = proxy.recorded();
  ASSERT_GT(recorded.size(), 300u);  // greeting, HELLO, INITIATE, messages

  const Counters before = b->counters();
  RecordingProxy::replay(port_of(b->address()), recorded);
  Result<SessionId> replayed = b->next_session(500ms);
  ASSERT_FALSE(replayed.ok());
  EXPECT_EQ(replayed.error().code(), StatusCode::kTimeout);
  EXPECT_TRUE(pair_.server_authority->refused_with("failed its handshake"));  // they did reach B
  const Counters& after = b->counters();
  EXPECT_EQ(after.delivered, before.delivered);
  EXPECT_EQ(after.unknown_sessions, before.unknown_sessions);
  EXPECT_EQ(after.malformed_frames, before.malformed_frames);
  EXPECT_EQ(after.unauthorized, before.unauthorized);
}

// A frame changed on the wire fails its box's authentication: B drops the connection, and the
// session never starts there (A's side fails: B is lost to it).
TEST_F(CurveEndpoints, TamperedFrameStartsNothing) {
  auto b = make_endpoint(kPingB, Directory(), pair_.server(), b_options());
  ASSERT_TRUE(b);
  RecordingProxy proxy(port_of(b->address()), /*tamper=*/true);
  const std::string via_proxy =
      keyed_address("tcp://127.0.0.1:" + std::to_string(proxy.port()), pair_.server_keys.public_key);
  auto a =
      make_endpoint(kPingA, directory({{"B", via_proxy}}), pair_.client(), fast_options(nullptr, 1000ms));
  ASSERT_TRUE(a);
  Result<SessionId> s = a->start();
  ASSERT_TRUE(s.ok());
  std::thread client([&] { EXPECT_FALSE(ping_client(*a, *s, 1).ok()); });
  Result<SessionId> served = b->next_session(1500ms);
  client.join();
  ASSERT_FALSE(served.ok());
  EXPECT_EQ(served.error().code(), StatusCode::kTimeout);
  EXPECT_NE(proxy.recorded().find("\x07MESSAGE"), std::string::npos);  // it did see (and flip) frames
  EXPECT_EQ(b->counters().delivered, 0u);
  EXPECT_EQ(b->counters().malformed_frames, 0u);
}

}  // namespace
}  // namespace gtype::rt::testing
