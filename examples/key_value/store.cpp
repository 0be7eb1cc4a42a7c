// The store of KeyValue (key_value.gtype), written with the event-driven API: one Handler
// serves every client's session from one thread, keeping the entries in memory.
//
//   kv_store ADDRESS [SESSIONS]
//
// Binds ADDRESS (tcp://host:port; port 0 picks a free one), prints the address it serves at,
// and serves until SESSIONS sessions have ended (forever when 0 or absent).
#include <atomic>
#include <cstdio>
#include <map>
#include <string>

#include <key_value/store.h>

namespace kv = gtype_gen::key_value;
namespace rt = gtype::rt;

class Store : public kv::store::Handler {
 public:
  Store(std::atomic<bool>& stop, unsigned long sessions) : stop_(stop), sessions_(sessions) {}

  void on_hello(rt::SessionId session, const std::string& name) override {
    std::printf("store: %s says hello (session %llu)\n", name.c_str(), static_cast<unsigned long long>(session));
  }
  // put(Entry): the reply, stored(), carries nothing, so the runtime sends it without asking.
  void on_put(rt::SessionId, const kv::Entry& entry) override { entries_[entry.key] = entry.value; }
  void on_get(rt::SessionId session, const std::string& key) override { asked_[session] = key; }
  // After a get, the store chooses: found(Entry) or missing(string).
  rt::Result<kv::store::S3::Choice> choose_found_or_missing(rt::SessionId session) override {
    const std::string key = asked_[session];
    auto entry = entries_.find(key);
    if (entry == entries_.end()) return kv::store::S3::Choice(kv::store::S3::Missing{key});
    return kv::store::S3::Choice(kv::store::S3::Found{kv::Entry{key, entry->second}});
  }
  void on_bye(rt::SessionId session) override { asked_.erase(session); }

  void ended(rt::SessionId session) override {
    std::printf("store: session %llu ended\n", static_cast<unsigned long long>(session));
    std::fflush(stdout);
    if (sessions_ != 0 && ++ended_ == sessions_) stop_ = true;
  }

 private:
  std::atomic<bool>& stop_;
  unsigned long sessions_;
  unsigned long ended_ = 0;
  std::map<std::string, std::string> entries_;
  std::map<rt::SessionId, std::string> asked_;  // per session: the key of its pending get
};

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: kv_store ADDRESS [SESSIONS]\n");
    return 2;
  }
  // The store only answers: it needs no one's address (replies go where requests came from).
  auto role = kv::store::Role::bind(argv[1], rt::Directory());
  if (!role) {
    std::fprintf(stderr, "kv_store: %s\n", role.error().message.c_str());
    return 1;
  }
  std::printf("store: serving at %s\n", role->address().c_str());
  std::fflush(stdout);
  std::atomic<bool> stop{false};
  Store store(stop, argc > 2 ? std::stoul(argv[2]) : 0);
  rt::Status served = role->serve(store, stop);
  if (!served) {
    std::fprintf(stderr, "kv_store: %s\n", served.error().message.c_str());
    return 1;
  }
  return 0;
}
