// Generated code running on the runtime, in one process over the in-memory network: payloads
// on the wire, both APIs through every branch of the sample protocols, and what happens to a
// state that is reused or dropped. (Processes over TCP: thesis_e2e_test.cpp.)
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtype/gen/flow.h>

#include "codegen_samples.h"

namespace rt = gtype::rt;
namespace pp = gtype_gen::ping_pong;
namespace draw = gtype_gen::draw;
using namespace std::chrono_literals;

namespace {

rt::EndpointOptions quick() {
  rt::EndpointOptions options;
  options.receive_timeout = 3000ms;
  options.connect_timeout = 3000ms;
  return options;
}

// Roles of one protocol on one in-memory network, each at mem://<name>.
class Network {
 public:
  explicit Network(std::vector<std::string> roles) {
    for (const std::string& role : roles) directory_.set(role, "mem://" + role);
  }
  template <typename Role>
  Role attach(const std::string& name) {
    auto transport = network_.attach("mem://" + name);
    EXPECT_TRUE(transport.ok());
    auto role = Role::create(directory_, std::move(*transport), quick());
    EXPECT_TRUE(role.ok()) << (role.ok() ? "" : role.error().message());
    return std::move(*role);
  }

 private:
  rt::MemoryNetwork network_;
  rt::Directory directory_;
};

draw::Shape sample_shape() {
  draw::Shape shape;
  shape.name = "triangle";
  shape.points = {{0, 0}, {1, 0}, {0.5, 0.75}};
  shape.tags = {{"colour", "blue"}, {"layer", "2"}};
  shape.note = "a note";
  shape.blob = {0x00, 0xff, 0x10};
  shape.sides = 3;
  shape.closed = true;
  shape.origin = draw::Point{-1.5, 2.25};
  return shape;
}

std::string packed(const std::function<void(msgpack::packer<msgpack::sbuffer>&)>& write) {
  msgpack::sbuffer buffer;
  msgpack::packer<msgpack::sbuffer> packer(buffer);
  write(packer);
  return std::string(buffer.data(), buffer.size());
}

// ---------------------------------------------------------------------------- payloads

TEST(Payloads, RoundTrip) {
  const draw::Shape shape = sample_shape();
  const std::string payload = gtype::gen::pack_payload(shape, draw::Count{-42});
  auto values = gtype::gen::unpack_payload<draw::Shape, draw::Count>(payload);
  ASSERT_TRUE(values.has_value());
  EXPECT_EQ(std::get<0>(*values), shape);
  EXPECT_EQ(std::get<1>(*values), -42);
  draw::Shape empty;
  auto again = gtype::gen::unpack_payload<draw::Shape>(gtype::gen::pack_payload(empty));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(std::get<0>(*again), empty);
}

TEST(Payloads, SortsAreMapsFromFieldNames) {
  const std::string payload = gtype::gen::pack_payload(draw::Point{1.5, -2});
  const msgpack::object_handle handle = msgpack::unpack(payload.data(), payload.size());
  const msgpack::object& array = handle.get();
  ASSERT_EQ(array.type, msgpack::type::ARRAY);
  ASSERT_EQ(array.via.array.size, 1u);
  const msgpack::object& point = array.via.array.ptr[0];
  ASSERT_EQ(point.type, msgpack::type::MAP);
  ASSERT_EQ(point.via.map.size, 2u);
  EXPECT_EQ(point.via.map.ptr[0].key.as<std::string>(), "x");
  EXPECT_EQ(point.via.map.ptr[0].val.as<double>(), 1.5);
  EXPECT_EQ(point.via.map.ptr[1].key.as<std::string>(), "y");
}

TEST(Payloads, OnlyWellFormedPayloadsAreValid) {
  using gtype::gen::payload_valid;
  auto point = [](std::vector<std::pair<std::string, double>> fields) {
    return packed([&](auto& p) {
      p.pack_array(1);
      p.pack_map(static_cast<std::uint32_t>(fields.size()));
      for (const auto& [key, value] : fields) {
        p.pack(key);
        p.pack(value);
      }
    });
  };
  EXPECT_TRUE(payload_valid<draw::Point>(point({{"y", 2}, {"x", 1}}))) << "fields in any order";
  EXPECT_FALSE(payload_valid<draw::Point>(point({{"x", 1}}))) << "a field missing";
  EXPECT_FALSE(payload_valid<draw::Point>(point({{"x", 1}, {"y", 2}, {"z", 3}}))) << "an unknown field";
  EXPECT_FALSE(payload_valid<draw::Point>(point({{"x", 1}, {"x", 2}}))) << "a field twice";
  EXPECT_FALSE(payload_valid<draw::Point>(packed([](auto& p) {
    p.pack_array(1);
    p.pack_map(2);
    p.pack(std::string("x"));
    p.pack(std::string("one"));
    p.pack(std::string("y"));
    p.pack(2.0);
  }))) << "a field of the wrong sort";
  EXPECT_FALSE(payload_valid<draw::Point>(gtype::gen::pack_payload())) << "too few values";
  EXPECT_FALSE(payload_valid<draw::Point>(gtype::gen::pack_payload(draw::Point{}, draw::Point{})))
      << "too many";
  EXPECT_FALSE(payload_valid<draw::Point>(gtype::gen::pack_payload(draw::Point{}) + "x")) << "trailing bytes";
  EXPECT_FALSE(payload_valid<draw::Point>("")) << "nothing";
  EXPECT_FALSE(payload_valid<std::uint64_t>(gtype::gen::pack_payload(std::int64_t{-1})))
      << "uint is not negative";
  EXPECT_TRUE(payload_valid<>(gtype::gen::pack_payload()));
}

TEST(Payloads, TheMessageTableChecksEachMessage) {
  const auto& messages = draw::detail::kMessages;
  auto find = [&](std::string_view label) {
    for (const rt::MessageSpec& m : messages) {
      if (m.label == label) return m;
    }
    ADD_FAILURE() << "no message " << label;
    return messages[0];
  };
  EXPECT_TRUE(find("shape").payload_valid(gtype::gen::pack_payload(sample_shape(), draw::Count{1})));
  EXPECT_FALSE(find("shape").payload_valid(gtype::gen::pack_payload(sample_shape())));
  EXPECT_TRUE(find("drawn").payload_valid(gtype::gen::pack_payload(std::uint64_t{3}, std::string("ok"))));
  EXPECT_FALSE(find("drawn").payload_valid(gtype::gen::pack_payload(std::string("ok"), std::uint64_t{3})));
}

// ---------------------------------------------------------------------------- state channels

// PingPong's server with the state API: answers n + 1 to every ping; returns the bye's point.
draw::Point serve_ping_pong(pp::server::Role& server, std::vector<std::int64_t>& pings) {
  auto s0 = server.next_session(3000ms);
  if (!s0) return {-1, -1};
  auto first = std::move(*s0).receive();
  if (!first) return {-2, -2};
  pings.push_back(first->value);
  std::int64_t n = first->value;
  pp::server::Loop state = std::move(first->next);
  for (;;) {
    auto waiting = std::move(state).send_pong(n + 1);
    if (!waiting) return {-3, -3};
    auto branch = std::move(*waiting).receive();
    if (!branch) return {-4, -4};
    if (auto* ping = std::get_if<pp::server::AfterLoopPong::Ping>(&*branch)) {
      pings.push_back(ping->value);
      n = ping->value;
      state = std::move(ping->next);
      continue;
    }
    return std::get<pp::server::AfterLoopPong::Bye>(*branch).value;
  }
}

TEST(StateChannels, PingPongTakesTheLoopAndTheExit) {
  Network network({"client", "server"});
  auto server = network.attach<pp::server::Role>("server");
  auto client = network.attach<pp::client::Role>("client");
  std::vector<std::int64_t> pings;
  draw::Point bye{};
  std::thread server_thread([&] { bye = serve_ping_pong(server, pings); });

  std::vector<std::int64_t> pongs;
  auto s0 = client.start();
  ASSERT_TRUE(s0.ok());
  auto s1 = std::move(*s0).connect_ping(10);
  ASSERT_TRUE(s1.ok()) << s1.error().message();
  for (int round = 0;; ++round) {
    auto pong = std::move(*s1).receive();
    ASSERT_TRUE(pong.ok()) << pong.error().message();
    pongs.push_back(pong->value);
    if (round == 2) {
      auto end = std::move(pong->next).send_bye(pp::Point{3.5, -1});
      ASSERT_TRUE(end.ok()) << end.error().message();
      break;
    }
    s1 = std::move(pong->next).send_ping(pong->value * 10);
    ASSERT_TRUE(s1.ok()) << s1.error().message();
  }
  server_thread.join();
  EXPECT_EQ(pings, (std::vector<std::int64_t>{10, 110, 1110}));
  EXPECT_EQ(pongs, (std::vector<std::int64_t>{11, 111, 1111}));
  EXPECT_EQ(bye, (pp::Point{3.5, -1}));
}

// Canvas and archive of Draw as coroutines (gtype/gen/flow.h): each co_await is one step of the
// state API, and the first step that fails ends the flow with its error.
gtype::gen::Flow<void> canvas_flow(draw::canvas::Role& canvas, const draw::Shape& shape, bool accept) {
  auto connected = co_await canvas.next_session(3000ms);
  auto got = co_await std::move(connected).receive();
  auto received = co_await std::move(got.next).receive();
  if (!(received.value0 == shape) || received.value1 != 7) co_await gtype::Status::rejected("wrong shape");
  if (accept) {
    auto drawn = co_await std::move(received.next).send_drawn(std::uint64_t{3}, "drawn");
    auto kept = co_await std::move(drawn).connect_keep(shape);
    auto painter_left = co_await std::move(kept).disconnect_archive();
    co_await std::move(painter_left).disconnect_painter();
  } else {
    auto refused = co_await std::move(received.next).send_refused("too many sides");
    co_await std::move(refused).disconnect_painter();
  }
}

gtype::gen::Flow<draw::Shape> archive_flow(draw::archive::Role& archive) {
  auto s0 = co_await archive.next_session(3000ms);
  auto kept = co_await std::move(s0).receive();
  co_await std::move(kept.next).disconnect_canvas();
  co_return kept.value;
}

// Draw with the state API on every side; `accept` picks canvas's branch.
void run_draw(bool accept) {
  Network network({"painter", "canvas", "archive"});
  auto painter = network.attach<draw::painter::Role>("painter");
  auto canvas = network.attach<draw::canvas::Role>("canvas");
  auto archive = network.attach<draw::archive::Role>("archive");
  const draw::Shape shape = sample_shape();

  gtype::Status canvas_status = gtype::Status::config("not run");
  std::thread canvas_thread([&] { canvas_status = canvas_flow(canvas, shape, accept).status(); });
  std::optional<gtype::Result<draw::Shape>> archived;
  std::thread archive_thread([&] {
    if (accept) archived.emplace(archive_flow(archive).result());  // archive takes no part in a refusal
  });

  auto s0 = painter.start();
  ASSERT_TRUE(s0.ok());
  auto s1 = std::move(*s0).connect_canvas();
  ASSERT_TRUE(s1.ok()) << s1.error().message();
  auto s2 = std::move(*s1).send_shape(shape, draw::Count{7});
  ASSERT_TRUE(s2.ok()) << s2.error().message();
  auto answer = std::move(*s2).receive();
  ASSERT_TRUE(answer.ok()) << answer.error().message();
  if (accept) {
    auto* drawn = std::get_if<draw::painter::AfterConnectCanvasShape::Drawn>(&*answer);
    ASSERT_NE(drawn, nullptr);
    EXPECT_EQ(drawn->value0, 3u);
    EXPECT_EQ(drawn->value1, "drawn");
    auto end = std::move(drawn->next).disconnect_canvas();
    EXPECT_TRUE(end.ok()) << end.error().message();
  } else {
    auto* refused = std::get_if<draw::painter::AfterConnectCanvasShape::Refused>(&*answer);
    ASSERT_NE(refused, nullptr);
    EXPECT_EQ(refused->value, "too many sides");
    auto end = std::move(refused->next).disconnect_canvas();
    EXPECT_TRUE(end.ok()) << end.error().message();
  }
  canvas_thread.join();
  archive_thread.join();
  EXPECT_TRUE(canvas_status.ok()) << canvas_status.to_string();
  ASSERT_EQ(archived.has_value(), accept);
  if (accept) {
    ASSERT_TRUE(archived->ok()) << archived->error().to_string();
    EXPECT_EQ(**archived, shape);
  }
}

TEST(StateChannels, DrawWhenTheCanvasDraws) { run_draw(true); }
TEST(StateChannels, DrawWhenTheCanvasRefuses) { run_draw(false); }

TEST(Flows, EndAtTheirFirstErrorWithIt) {
  Network network({"painter", "canvas", "archive"});
  auto canvas = network.attach<draw::canvas::Role>("canvas");
  bool went_on = false;
  auto wait_for_a_painter = [&](draw::canvas::Role& role) -> gtype::gen::Flow<int> {
    auto s0 = co_await role.next_session(50ms);  // nobody starts a session
    went_on = true;
    co_return 1;
  };
  const gtype::Result<int> waited = wait_for_a_painter(canvas).result();
  ASSERT_FALSE(waited.ok());
  EXPECT_EQ(waited.error().code(), gtype::StatusCode::kTimeout);
  EXPECT_FALSE(went_on);

  auto checks = [](gtype::Status first, gtype::Status second) -> gtype::gen::Flow<void> {
    co_await std::move(first);
    co_await std::move(second);
  };
  EXPECT_TRUE(checks(gtype::Status(), gtype::Status()).status().ok());
  EXPECT_EQ(checks(gtype::Status(), gtype::Status::rejected("no")).status().to_string(), "rejected: no");
  EXPECT_EQ(checks(gtype::Status::config("first"), gtype::Status::rejected("no")).status().to_string(),
            "config: first");
}

TEST(StateChannels, AConsumedStateSaysSo) {
  Network network({"client", "server"});
  auto client = network.attach<pp::client::Role>("client");
  auto s0 = client.start();
  ASSERT_TRUE(s0.ok());
  pp::client::Start kept = std::move(*s0);
  EXPECT_TRUE(s0->consumed());
  EXPECT_FALSE(kept.consumed());
  auto again = std::move(*s0).connect_ping(1);  // NOLINT(bugprone-use-after-move): the point of the test
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), gtype::StatusCode::kConsumedState);
  testing::internal::CaptureStderr();
  { pp::client::Start dropped = std::move(kept); }
  const std::string said = testing::internal::GetCapturedStderr();
  EXPECT_NE(said.find("PingPong/client in state Start dropped before its end"), std::string::npos) << said;
  EXPECT_EQ(said.find("dropped", said.find("dropped") + 1), std::string::npos) << "said once: " << said;
}

TEST(StateChannels, DroppingASessionAbandonsIt) {
  Network network({"client", "server"});
  auto server = network.attach<pp::server::Role>("server");
  auto client = network.attach<pp::client::Role>("client");
  std::string server_said;
  std::thread server_thread([&] {
    auto s0 = server.next_session(3000ms);
    if (!s0) return;
    auto ping = std::move(*s0).receive();
    if (!ping) return;
    testing::internal::CaptureStderr();
    { pp::server::Loop dropped = std::move(ping->next); }
    server_said = testing::internal::GetCapturedStderr();
  });
  // The abort may overtake the acknowledgement of the connection: then the connect fails.
  auto s1 = std::move(*client.start()).connect_ping(1);
  gtype::Status error = s1.ok() ? gtype::Status{gtype::StatusCode::kClosed, "no error"} : s1.error();
  if (s1.ok()) {
    auto pong = std::move(*s1).receive();
    if (!pong.ok()) error = pong.error();
  }
  server_thread.join();
  EXPECT_EQ(error.code(), gtype::StatusCode::kAborted) << error.message();
  EXPECT_NE(error.message().find("session dropped by PingPong/server in state Loop"), std::string::npos)
      << error.message();
  EXPECT_NE(server_said.find("dropped before its end"), std::string::npos) << server_said;
}

TEST(StateChannels, AReceiveTimesOut) {
  Network network({"client", "server"});
  auto server = network.attach<pp::server::Role>("server");
  auto client = network.attach<pp::client::Role>("client");
  std::atomic<bool> done{false};
  std::thread server_thread([&] {
    auto s0 = server.next_session(3000ms);
    if (!s0) return;
    auto ping = std::move(*s0).receive();
    while (!done) std::this_thread::sleep_for(5ms);  // never answers
  });
  auto s1 = std::move(*client.start()).connect_ping(1);
  ASSERT_TRUE(s1.ok()) << s1.error().message();
  auto pong = std::move(*s1).receive(50ms);
  done = true;
  server_thread.join();
  ASSERT_FALSE(pong.ok());
  EXPECT_EQ(pong.error().code(), gtype::StatusCode::kTimeout);
}

// ---------------------------------------------------------------------------- event-driven

// What PingPong's server sessions leave behind, shared by all of them: `ended` is read while
// serve() runs, the rest once it has returned.
struct ServerTally {
  std::atomic<int> ended{0};
  std::vector<pp::Point> byes;
  std::vector<std::string> failures;
  std::vector<rt::SessionInfo> started;  // what the factory was given, once per session
};

// One session of PingPong's server: pong is the last ping plus one.
class PingPongServer : public pp::server::Handler {
 public:
  explicit PingPongServer(ServerTally& tally) : tally_(tally) {}
  void on_ping(const std::int64_t& value) override { last_ = value; }
  gtype::Result<std::int64_t> choose_pong() override { return last_ + 1; }
  void on_bye(const pp::Point& value) override { tally_.byes.push_back(value); }
  void ended() override { ++tally_.ended; }
  void failed(const gtype::Status& error) override { tally_.failures.push_back(error.message()); }

 private:
  ServerTally& tally_;
  std::int64_t last_ = 0;  // this session's
};

pp::server::Factory ping_pong_servers(ServerTally& tally) {
  return [&tally](const rt::SessionInfo& session) {
    tally.started.push_back(session);
    return std::make_unique<PingPongServer>(tally);
  };
}

TEST(EventDriven, OneServerManyConcurrentSessions) {
  constexpr int kClients = 24;
  rt::MemoryNetwork network;
  rt::Directory directory;
  directory.set("server", "mem://server");
  auto server = pp::server::Role::create(directory, std::move(*network.attach("mem://server")), quick());
  ASSERT_TRUE(server.ok());
  ServerTally tally;
  std::atomic<bool> stop{false};
  gtype::Status served;
  std::thread server_thread([&] { served = server->serve(ping_pong_servers(tally), stop); });

  std::vector<std::string> errors(kClients);
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] {
      auto client = pp::client::Role::create(
          directory, std::move(*network.attach("mem://client" + std::to_string(i))), quick());
      if (!client) return void(errors[i] = client.error().message());
      auto s1 = std::move(*client->start()).connect_ping(i);
      for (int round = 0; s1; ++round) {
        auto pong = std::move(*s1).receive();
        if (!pong) return void(errors[i] = pong.error().message());
        if (pong->value != (round == 0 ? i : 100 * i + round - 1) + 1) return void(errors[i] = "wrong pong");
        if (round == 2) {
          auto end = std::move(pong->next).send_bye(pp::Point{static_cast<double>(i), 0});
          if (!end) errors[i] = end.error().message();
          return;
        }
        s1 = std::move(pong->next).send_ping(100 * i + round);
      }
      errors[i] = s1.error().message();
    });
  }
  for (std::thread& client : clients) client.join();
  for (int i = 0; i < 200 && tally.ended < kClients; ++i) std::this_thread::sleep_for(10ms);
  stop = true;
  server_thread.join();
  for (int i = 0; i < kClients; ++i) EXPECT_EQ(errors[i], "") << "client " << i;
  EXPECT_TRUE(served.ok()) << (served.ok() ? "" : served.message());
  EXPECT_EQ(tally.ended, kClients);
  EXPECT_EQ(tally.byes.size(), static_cast<std::size_t>(kClients));
  EXPECT_TRUE(tally.failures.empty());
  // One object per session, made knowing the session and who takes part.
  std::set<rt::SessionId> ids;
  for (const rt::SessionInfo& session : tally.started) {
    ids.insert(session.id);
    ASSERT_EQ(session.peers.size(), 1u);
    EXPECT_EQ(session.peers[0].role, "client");
    EXPECT_EQ(session.peers[0].address.rfind("mem://client", 0), 0u) << session.peers[0].address;
  }
  EXPECT_EQ(tally.started.size(), static_cast<std::size_t>(kClients));
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kClients));
}

// What PingPong's client session leaves behind once it is over.
struct ClientTally {
  std::vector<std::int64_t> pongs;
  std::string failure;
  int alive = 0;  // session objects not yet destroyed
};

// One session of PingPong's client: pings 1, then each pong times ten, until the third pong.
class PingPongClient : public pp::client::Handler {
 public:
  PingPongClient(ClientTally& tally, std::atomic<bool>& stop) : tally_(tally), stop_(stop) { ++tally_.alive; }
  ~PingPongClient() override { --tally_.alive; }
  gtype::Result<std::int64_t> choose_ping() override { return 1; }
  void on_pong(const std::int64_t& value) override { pongs_.push_back(value); }
  gtype::Result<pp::client::AfterLoopPong::Choice> choose_ping_or_bye() override {
    using Pong = pp::client::AfterLoopPong;
    if (pongs_.size() == 3) return Pong::Choice(Pong::Bye{pp::Point{0.5, 0.25}});
    return Pong::Choice(Pong::Ping{pongs_.back() * 10});
  }
  void ended() override {
    tally_.pongs = pongs_;
    stop_ = true;
  }
  void failed(const gtype::Status& error) override {
    tally_.failure = error.message();
    stop_ = true;
  }

 private:
  ClientTally& tally_;
  std::atomic<bool>& stop_;
  std::vector<std::int64_t> pongs_;
};

TEST(EventDriven, BothSidesServedByHandlers) {
  Network network({"client", "server"});
  auto server = network.attach<pp::server::Role>("server");
  auto client = network.attach<pp::client::Role>("client");
  ServerTally server_tally;
  std::atomic<bool> server_stop{false};
  std::thread server_thread(
      [&] { static_cast<void>(server.serve(ping_pong_servers(server_tally), server_stop)); });
  std::atomic<bool> client_stop{false};
  ClientTally client_tally;
  ASSERT_TRUE(client.start_served(std::make_unique<PingPongClient>(client_tally, client_stop)).ok());
  gtype::Status served = client.serve(client_stop);
  for (int i = 0; i < 200 && server_tally.ended < 1; ++i) std::this_thread::sleep_for(10ms);
  server_stop = true;
  server_thread.join();
  EXPECT_TRUE(served.ok());
  EXPECT_EQ(client_tally.failure, "");
  EXPECT_EQ(client_tally.pongs, (std::vector<std::int64_t>{2, 21, 211}));
  EXPECT_EQ(client_tally.alive, 0) << "the session object is destroyed once the session has ended";
  ASSERT_EQ(server_tally.byes.size(), 1u);
  EXPECT_EQ(server_tally.byes[0], (pp::Point{0.5, 0.25}));
}

// A client session object that leaves failed() as generated: it says so on standard error.
class PlainPingPongClient : public pp::client::Handler {
 public:
  explicit PlainPingPongClient(std::atomic<bool>& stop) : stop_(stop) {}
  ~PlainPingPongClient() override { stop_ = true; }  // after ended() or failed()
  gtype::Result<std::int64_t> choose_ping() override { return 1; }
  void on_pong(const std::int64_t&) override {}
  gtype::Result<pp::client::AfterLoopPong::Choice> choose_ping_or_bye() override {
    return pp::client::AfterLoopPong::Choice(pp::client::AfterLoopPong::Bye{});
  }

 private:
  std::atomic<bool>& stop_;
};

TEST(EventDriven, AFactoryThatReturnsNullRefusesTheSession) {
  Network network({"client", "server"});
  auto server = network.attach<pp::server::Role>("server");
  auto client = network.attach<pp::client::Role>("client");
  int asked = 0;
  std::atomic<bool> server_stop{false};
  std::thread server_thread([&] {
    static_cast<void>(server.serve(
        [&](const rt::SessionInfo&) {
          ++asked;
          return std::unique_ptr<pp::server::Handler>();
        },
        server_stop));
  });
  std::atomic<bool> client_stop{false};
  ASSERT_TRUE(client.start_served(std::make_unique<PlainPingPongClient>(client_stop)).ok());
  testing::internal::CaptureStderr();
  gtype::Status served = client.serve(client_stop);
  const std::string said = testing::internal::GetCapturedStderr();
  server_stop = true;
  server_thread.join();
  EXPECT_TRUE(served.ok());
  EXPECT_EQ(asked, 1);
  EXPECT_NE(said.find("gtype: a session of PingPong/client failed: aborted: "), std::string::npos) << said;
  EXPECT_NE(said.find("PingPong/server refused the session"), std::string::npos) << said;
}

// One session of Draw's canvas, through either of its branches; `ended` counts the sessions.
class Canvas : public draw::canvas::Handler {
 public:
  explicit Canvas(std::atomic<int>& ended) : ended_(ended) {}
  void on_accept_painter() override {}
  void on_shape(const draw::Shape& shape, const draw::Count& count) override {
    shape_ = shape;
    count_ = count;
  }
  gtype::Result<draw::canvas::AfterAcceptPainterShape::Choice> choose_drawn_or_refused() override {
    using Shaped = draw::canvas::AfterAcceptPainterShape;
    if (count_ > 0) return Shaped::Choice(Shaped::Drawn{shape_.sides, "ok"});
    return Shaped::Choice(Shaped::Refused{"no"});
  }
  gtype::Result<draw::Shape> choose_keep() override { return shape_; }
  void ended() override { ++ended_; }

 private:
  std::atomic<int>& ended_;
  draw::Shape shape_;
  draw::Count count_ = 0;
};

TEST(EventDriven, DrawCanvasTakesBothBranches) {
  Network network({"painter", "canvas", "archive"});
  auto canvas = network.attach<draw::canvas::Role>("canvas");
  auto archive = network.attach<draw::archive::Role>("archive");
  auto painter = network.attach<draw::painter::Role>("painter");
  std::atomic<int> ended{0};
  std::atomic<bool> stop{false};
  std::thread canvas_thread([&] {
    static_cast<void>(
        canvas.serve([&](const rt::SessionInfo&) { return std::make_unique<Canvas>(ended); }, stop));
  });
  std::thread archive_thread([&] {
    auto s0 = archive.next_session(3000ms);
    if (!s0) return;
    auto kept = std::move(*s0).receive();
    if (!kept) return;
    static_cast<void>(std::move(kept->next).disconnect_canvas());
  });
  for (draw::Count count : {draw::Count{1}, draw::Count{0}}) {
    auto s2 = std::move(*std::move(*painter.start()).connect_canvas()).send_shape(sample_shape(), count);
    ASSERT_TRUE(s2.ok()) << s2.error().message();
    auto answer = std::move(*s2).receive();
    ASSERT_TRUE(answer.ok()) << answer.error().message();
    ASSERT_EQ(answer->index(), count > 0 ? 0u : 1u);
    auto end = std::visit([](auto& branch) { return std::move(branch.next).disconnect_canvas(); }, *answer);
    EXPECT_TRUE(end.ok()) << end.error().message();
  }
  archive_thread.join();
  for (int i = 0; i < 200 && ended < 2; ++i) std::this_thread::sleep_for(10ms);
  stop = true;
  canvas_thread.join();
  EXPECT_EQ(ended, 2);
}

}  // namespace
