// The store of KeyValue (key_value.gtype), written with the event-driven API: serve() makes one
// session object per client's session and runs them all from one thread; the entries, kept in
// memory, are shared by every session.
//
//   kv_store ADDRESS [SESSIONS]
//
// Binds ADDRESS (tcp://host:port; port 0 picks a free one), prints the address it serves at,
// and serves until SESSIONS sessions have ended (forever when 0 or absent).
#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include <key_value/store.h>

namespace kv = gtype_gen::key_value;
namespace rt = gtype::rt;

// What outlives a session: the entries, and how many sessions have ended. Only the thread that
// runs serve() touches it, so it needs no lock.
struct Shared {
  std::map<std::string, std::string> entries;
  unsigned long ended = 0;
};

// One client's session.
class Session : public kv::store::Handler {
 public:
  Session(Shared& shared, std::atomic<bool>& stop, unsigned long sessions)
      : shared_(shared), stop_(stop), sessions_(sessions) {}

  void on_hello(const std::string& name) override {
    std::printf("store: %s says hello (session %llu)\n", name.c_str(),
                static_cast<unsigned long long>(session()));
  }
  // put(Entry): the reply, stored(), carries nothing, so the runtime sends it without asking.
  void on_put(const kv::Entry& entry) override { shared_.entries[entry.key] = entry.value; }
  void on_get(const std::string& key) override { asked_ = key; }
  // After a get, the store chooses: found(Entry) or missing(string).
  gtype::Result<kv::store::AfterSessionGet::Choice> choose_found_or_missing() override {
    using Get = kv::store::AfterSessionGet;
    auto entry = shared_.entries.find(asked_);
    if (entry == shared_.entries.end()) return Get::Choice(Get::Missing{asked_});
    return Get::Choice(Get::Found{kv::Entry{asked_, entry->second}});
  }
  void on_bye() override {}

  void ended() override {
    std::printf("store: session %llu ended\n", static_cast<unsigned long long>(session()));
    std::fflush(stdout);
    if (sessions_ != 0 && ++shared_.ended == sessions_) stop_ = true;
  }

 private:
  Shared& shared_;
  std::atomic<bool>& stop_;
  unsigned long sessions_;
  std::string asked_;  // the key of the pending get
};

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: kv_store ADDRESS [SESSIONS]\n");
    return 2;
  }
  // The store only answers: it needs no one's address (replies go where requests came from).
  auto role = kv::store::Role::bind(argv[1], rt::Directory());
  if (!role) {
    std::fprintf(stderr, "kv_store: %s\n", role.error().message().c_str());
    return 1;
  }
  std::printf("store: serving at %s\n", role->address().c_str());
  std::fflush(stdout);
  std::atomic<bool> stop{false};
  const unsigned long sessions = argc > 2 ? std::stoul(argv[2]) : 0;
  Shared shared;
  gtype::Status served = role->serve(
      [&](const rt::SessionInfo&) { return std::make_unique<Session>(shared, stop, sessions); }, stop);
  if (!served) {
    std::fprintf(stderr, "kv_store: %s\n", served.message().c_str());
    return 1;
  }
  return 0;
}
