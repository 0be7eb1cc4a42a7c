// Writes the seed corpora of the binary fuzz targets: well-formed frames (frames), one payload
// of each message of every_sort.gtype (payload) and whole sessions (monitor), so that the
// fuzzers start from inputs that get past the first checks. Run by run.sh, and before the
// replay tests of the normal suite: the seeds always follow the current encodings.
// Usage: fuzz_make_seeds FOLDER (writes FOLDER/frames/*, FOLDER/payload/*, FOLDER/monitor/*).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "fuzz_sorts.h"
#include "gtype/rt/envelope.h"
#ifdef FUZZ_CONTROL_PLANE
#include "c12s/membership/message.h"
#endif

namespace {

namespace fs = std::filesystem;
namespace sorts = gtype_gen::every_sort;

bool write_all(const fs::path& folder, const std::vector<std::string>& inputs) {
  fs::create_directories(folder);
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    std::ofstream out(folder / ("seed_" + std::to_string(i)), std::ios::binary | std::ios::trunc);
    out << inputs[i];
    if (!out.good()) return false;
  }
  return true;
}

sorts::Leaf leaf() { return sorts::Leaf{-5, 7, 0.5, true, "leaf", {1, 2, 3}}; }

std::vector<std::string> payloads() {
  sorts::Tree tree{"root", {sorts::Tree{"child", {}, {}, leaf()}}, {}, std::nullopt};
  tree.named.emplace("left", sorts::Tree{"named", {}, {}, std::nullopt});
  sorts::Tables tables;
  tables.by_number[-1] = {1, 2};
  tables.flags = {true, std::nullopt, false};
  tables.nested = {{"a", "b"}, {}};
  tables.blobs = std::map<std::string, std::vector<std::uint8_t>>{{"k", {0xFF}}};
  tables.leaves.emplace("only", leaf());
  tables.id[0] = 42;
  tables.count = -1;
  return {
      gtype::gen::pack_payload(std::int64_t{-1}, std::uint64_t{1} << 40, 2.5, false, std::string("text"),
                               std::vector<std::uint8_t>{0, 1}),
      gtype::gen::pack_payload(leaf()),
      gtype::gen::pack_payload(tree, std::int64_t{3}),
      gtype::gen::pack_payload(tables, tables.id),
      gtype::gen::pack_payload(std::vector<std::int64_t>{1, -2}, std::map<std::string, double>{{"x", 1.0}},
                               std::optional<std::string>("maybe"), std::vector<sorts::Leaf>{leaf()}),
      gtype::gen::pack_payload(),
  };
}

std::vector<std::string> frames(const std::vector<std::string>& payloads) {
  using gtype::rt::Envelope;
  using gtype::rt::FrameKind;
  return {
      gtype::rt::encode(Envelope{FrameKind::kMessage, "EverySort", 1, "writer", "reader", "leaf", payloads[1]}),
      gtype::rt::encode(Envelope{FrameKind::kConnect, "HealthCheck", 1ull << 63, "node", "nodes", "", ""}),
      gtype::rt::encode(Envelope{FrameKind::kConnectAck, "P", 0, "b", "a", "", ""}),
      gtype::rt::encode(Envelope{FrameKind::kDisconnect, "P", 7, "a", "b", "", ""}),
      gtype::rt::encode(Envelope{FrameKind::kAbort, "P", 300, "a", "b", "", "the reason"}),
      gtype::rt::encode(Envelope{FrameKind::kMessage, "P", 9, "a", "b", std::string(40, 'l'), std::string(300, 'p')}),
#ifdef FUZZ_CONTROL_PLANE
      c12s::membership::encode(c12s::membership::Message{
          c12s::membership::MessageKind::kPing, 3, "m2",
          {{"m1", "tcp://127.0.0.1:1", c12s::membership::State::kSuspect, 2}}}),
#endif
  };
}

// Inputs of the monitor target (see monitor_fuzz.cpp for the format): a whole Exchange session
// to `store`, with a loop turn, and an EverySort message to `reader`.
std::vector<std::string> monitor_inputs() {
  // opcode (bit 0: the endpoint, bits 1-3 non-zero: an envelope), sender address, kind,
  // protocol (even: the endpoint's), session, from, to, label, payload (0: a valid one)
  auto frame = [](std::initializer_list<int> bytes) {
    std::string out;
    for (int b : bytes) out.push_back(static_cast<char>(b));
    return out;
  };
  const std::string open = frame({0x02, 0, 1, 0, 1, 0, 1, 1, 0});  // server ->> store : open(Leaf)
  const std::string keep = frame({0x02, 0, 0, 0, 1, 0, 1, 3, 0});  // server -> store : keep
  const std::string done = frame({0x02, 0, 0, 0, 1, 0, 1, 6, 0});  // server -> store : done
  const std::string bye = frame({0x02, 0, 3, 0, 1, 0, 1, 12, 2});  // disconnect server, store
  const std::string leaf = frame({0x03, 2, 0, 0, 2, 3, 4, 8, 0});  // writer -> reader : leaf
  const std::string raw = frame({0x00, 0, 3, 0x93, 0x01, 0x02});   // 3 raw bytes to store
  return {open + keep + done + bye, open + keep + keep + done + bye + leaf, leaf + raw, open + bye};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s FOLDER\n", argv[0]);
    return 2;
  }
  const fs::path folder = argv[1];
  const std::vector<std::string> payload_seeds = payloads();
  if (!write_all(folder / "payload", payload_seeds) || !write_all(folder / "frames", frames(payload_seeds)) ||
      !write_all(folder / "monitor", monitor_inputs())) {
    std::fprintf(stderr, "%s: cannot write the seeds under %s\n", argv[0], argv[1]);
    return 1;
  }
  return 0;
}
