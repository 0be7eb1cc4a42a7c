// Who may connect and who may play what (authority.h), the networks processes bind through
// (network.h, identity.h), and keyed system maps.
#include "c12s/system/authority.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "c12s/system/identity.h"
#include "c12s/system/network.h"

namespace c12s::system {
namespace {

namespace rt = gtype::rt;

std::string key() { return rt::generate_curve_key_pair()->public_key; }

class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/c12s-authority-XXXXXX";
    path_ = mkdtemp(pattern);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(Principals, KindAndName) {
  EXPECT_TRUE(is_principal("node:node-5"));
  EXPECT_TRUE(is_principal("service:state"));
  EXPECT_TRUE(is_principal("user:alice.b_c"));
  EXPECT_TRUE(is_principal("admin:root"));
  EXPECT_FALSE(is_principal("node-5"));
  EXPECT_FALSE(is_principal("robot:x"));
  EXPECT_FALSE(is_principal("user:"));
  EXPECT_FALSE(is_principal("user:a b"));
  EXPECT_FALSE(is_principal("user:\x1b[31m"));
}

TEST(AdmittedFile, ParsesAndReportsEveryKindOfMistake) {
  const std::string a = key(), b = key();
  auto parsed = parse_admitted("# comment\n\nnode:node-1 " + a + "\nuser:alice " + b + "\n", "admitted");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[0], (AdmittedKey{"node:node-1", a}));
  auto error = [](const std::string& text) {
    auto result = parse_admitted(text, "admitted");
    return result.ok() ? std::string() : result.error().message();
  };
  EXPECT_EQ(error("node:node-1\n"), "admitted:1: expected `principal key`");
  EXPECT_EQ(error("node:node-1 " + a + " extra\n"), "admitted:1: expected `principal key`");
  EXPECT_EQ(error("\nrobot:x " + a + "\n"),
            "admitted:2: 'robot:x' is not a principal (service:, node:, user: or admin:NAME)");
  EXPECT_EQ(error("node:n not-a-key\n"), "admitted:1: not a CURVE public key (40 Z85 characters)");
  EXPECT_EQ(error("node:n " + a + "\nnode:n " + b + "\n"), "admitted:2: node:n is listed twice");
  EXPECT_EQ(error("node:n " + a + "\nnode:m " + a + "\n"),
            "admitted:2: this key is listed for another principal");
}

TEST(AdmittedFile, SavedPrivateAndReadBack) {
  TempDir dir;
  const std::vector<AdmittedKey> keys{{"node:node-1", key()}, {"user:alice", key()}};
  ASSERT_TRUE(save_admitted(dir / "admitted", keys).ok());
  struct stat info {};
  ASSERT_EQ(::stat((dir / "admitted").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  auto loaded = load_admitted(dir / "admitted");
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(*loaded, keys);
  auto missing = load_admitted(dir / "none");
  ASSERT_TRUE(missing.ok());
  EXPECT_TRUE(missing->empty());
}

TEST(MayPlay, EachRoleItsPlayers) {
  EXPECT_TRUE(may_play("HealthCheck", "node", "node:node-5"));
  EXPECT_FALSE(may_play("HealthCheck", "node", "user:alice"));
  EXPECT_FALSE(may_play("HealthCheck", "node", "service:state"));
  EXPECT_TRUE(may_play("HealthCheck", "nodes", "service:nodes"));
  EXPECT_FALSE(may_play("HealthCheck", "nodes", "service:state"));
  EXPECT_TRUE(may_play("IdempotencyCheck", "user", "user:alice"));
  EXPECT_TRUE(may_play("IdempotencyCheck", "user", "admin:root"));
  EXPECT_FALSE(may_play("IdempotencyCheck", "user", "node:node-5"));
  EXPECT_TRUE(may_play("IdempotencyCheck", "sched", "service:queue"));
  EXPECT_TRUE(may_play("Formation", "sched", "service:scheduler"));
  EXPECT_TRUE(may_play("FormationPush", "push", "service:push"));
  EXPECT_FALSE(may_play("FormationPush", "push", "node:node-1"));
  EXPECT_TRUE(may_play("SwimPing", "prober", "node:node-1"));
  EXPECT_TRUE(may_play("TaskLog", "reporter", "node:node-1"));
  EXPECT_TRUE(may_play("TaskLog", "reporter", "service:state"));
  EXPECT_FALSE(may_play("TaskLog", "reporter", "user:alice"));
  EXPECT_FALSE(may_play("Nothing", "nobody", "admin:root"));
  EXPECT_TRUE(may_play("HealthCheck", "node", ""));  // plaintext: nobody is authenticated
}

TEST(Authority, AdmitsWhatItIsToldAndWhatTheFileSays) {
  TempDir dir;
  const std::string told = key(), filed = key(), later = key();
  Authority authority;
  authority.admit_key("node:node-1", told);
  ASSERT_TRUE(save_admitted(dir / "admitted", {{"user:alice", filed}}).ok());
  ASSERT_TRUE(authority.watch_file(dir / "admitted").ok());
  EXPECT_EQ(authority.admit(told), "node:node-1");
  EXPECT_EQ(authority.admit(filed), "user:alice");
  EXPECT_EQ(authority.admit(later), std::nullopt);
  // The file changes: the authority sees it within its check period (1 s).
  ASSERT_TRUE(save_admitted(dir / "admitted", {{"user:alice", filed}, {"user:bob", later}}).ok());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!authority.admit(later) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(authority.admit(later), "user:bob");
  // A broken file keeps the last good list.
  std::ofstream(dir / "admitted") << "garbage\n";
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(authority.admit(later), "user:bob");
  authority.forget("node:node-1");
  EXPECT_EQ(authority.admit(told), std::nullopt);
  std::ofstream(dir / "bad") << "garbage\n";
  EXPECT_FALSE(authority.watch_file(dir / "bad").ok());
}

TEST(Authority, AdmitsTheServicesOfAKeyedMap) {
  std::map<std::string, std::string> keys;
  for (const std::string& service : service_names()) keys[service] = key();
  const SystemMap map = SystemMap::loopback("/data", 7400, keys);
  EXPECT_TRUE(map.curve());
  EXPECT_EQ(rt::split_keyed_address(map.endpoints.at("HealthCheck/nodes")).key, keys["nodes"]);
  Authority authority;
  authority.admit_services(map);
  EXPECT_EQ(authority.admit(keys["state"]), "service:state");
  EXPECT_EQ(authority.admit(keys["scheduler"]), std::nullopt);  // it serves nothing: the file admits it
  EXPECT_FALSE(SystemMap::loopback("/data", 7400).curve());
}

TEST(SystemMapFile, KeyedOrPlaintextNotBoth) {
  TempDir dir;
  std::ofstream(dir / "system.yaml") << "data: /d\nendpoints:\n  HealthCheck/nodes: tcp://127.0.0.1:1#" +
                                            key() + "\n  HealthCheck/state: tcp://127.0.0.1:2\n";
  auto map = SystemMap::load(dir / "system.yaml");
  ASSERT_FALSE(map.ok());
  EXPECT_NE(map.error().message().find("endpoint 'HealthCheck/state' is not keyed, unlike those before it"),
            std::string::npos)
      << map.error().message();
}

TEST(Networks, PlaintextMapGivesPlaintextNetworks) {
  const SystemMap map = SystemMap::loopback("/data", 7400);
  auto service = service_network(map, "nodes", NetworkFlags{});
  ASSERT_TRUE(service.ok());
  EXPECT_FALSE(service->curve());
  auto daemon = daemon_network(map, "node-1", NetworkFlags{});
  ASSERT_TRUE(daemon.ok());
  EXPECT_FALSE(daemon->curve());
  auto transport = service->transport(0);
  ASSERT_TRUE(transport.ok());
  EXPECT_EQ((*transport)->address().rfind("tcp://127.0.0.1:", 0), 0u);
}

TEST(Networks, KeyedMapNeedsKeys) {
  TempDir dir;
  std::map<std::string, std::string> keys;
  rt::CurveKeyPair nodes = *rt::generate_curve_key_pair();
  for (const std::string& service : service_names()) keys[service] = key();
  keys["nodes"] = nodes.public_key;
  SystemMap map = SystemMap::loopback(dir.path(), 7400, keys);
  std::filesystem::create_directories(map.keys_dir());

  auto without = service_network(map, "nodes", NetworkFlags{});
  ASSERT_FALSE(without.ok());
  EXPECT_NE(without.error().message().find("service-nodes.key: no such key file"), std::string::npos)
      << without.error().message();
  ASSERT_TRUE(rt::save_curve_secret_key(map.keys_dir() + "/service-nodes.key", nodes).ok());
  auto with = service_network(map, "nodes", NetworkFlags{});
  ASSERT_TRUE(with.ok()) << with.error().message();
  EXPECT_TRUE(with->curve());
  // It listens where the map says, keyed with its own key; another service's address is not its.
  auto at = with->transport_at("tcp://127.0.0.1:0#" + nodes.public_key);
  ASSERT_TRUE(at.ok()) << at.error().message();
  auto others = with->transport_at(map.endpoints.at("HealthCheck/state"));
  ASSERT_FALSE(others.ok());
  EXPECT_NE(others.error().message().find("its key is not this process's"), std::string::npos);
  auto plain = with->transport_at("tcp://127.0.0.1:0");
  ASSERT_FALSE(plain.ok());
  EXPECT_NE(plain.error().message().find("has no key"), std::string::npos);

  auto daemon = daemon_network(map, "node-1", NetworkFlags{});
  ASSERT_FALSE(daemon.ok());
  EXPECT_NE(daemon.error().message().find("--key FILE"), std::string::npos);
}

TEST(Networks, AdvertisedHostAndPlaintextBeyondLoopback) {
  NetworkFlags flags;
  flags.bind_host = "0.0.0.0";
  flags.advertise_host = "10.9.8.7";
  auto refused = service_network(SystemMap::loopback("/data", 7400), "nodes", flags);
  ASSERT_TRUE(refused.ok());
  auto transport = refused->transport(0);
  ASSERT_FALSE(transport.ok());  // plaintext on every interface, not asked for
  flags.insecure = true;
  auto insecure = service_network(SystemMap::loopback("/data", 7400), "nodes", flags);
  auto allowed = insecure->transport(0);
  ASSERT_TRUE(allowed.ok()) << allowed.error().message();
  EXPECT_EQ((*allowed)->address().rfind("tcp://10.9.8.7:", 0), 0u) << (*allowed)->address();
  auto at = insecure->transport_at("tcp://10.9.8.7:0");
  ASSERT_TRUE(at.ok()) << at.error().message();
  EXPECT_EQ((*at)->address().rfind("tcp://10.9.8.7:", 0), 0u);  // the map's host, as peers are to use it
  EXPECT_NE((*at)->address(), "tcp://10.9.8.7:0");              // with the port bound
}

}  // namespace
}  // namespace c12s::system
