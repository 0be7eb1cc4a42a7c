// The idempotency check (Algorithm 5): canonical forms, fingerprints, SHA-256, the index.
#include "c12s/model/idempotency.h"

#include <gtest/gtest.h>

#include "test_data.h"

namespace c12s::model {
namespace {

using testing::read_data;

TopologySpec listing54() {
  Result<TopologySpec> r = parse_topology(read_data("thesis/listing_5_4.yaml"), "listing_5_4.yaml");
  EXPECT_TRUE(r.ok()) << r.error().message();
  return std::move(r).value();
}

TopologySpec parse_ok(std::string_view text) {
  Result<TopologySpec> r = parse_topology(text, "topology.yaml");
  EXPECT_TRUE(r.ok()) << r.error().message();
  return r.ok() ? std::move(r).value() : TopologySpec{};
}

TEST(Sha256, KnownAnswers) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, PaddingBoundaries) {  // the lengths where the tail takes one block or two
  const std::pair<std::size_t, const char*> cases[] = {
      {55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
      {56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
      {63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"},
      {64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
      {65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"},
      {119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"},
      {120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"},
      {128, "6836cf13bac400e9105071cd6af47084dfacad4e5e302c94bfed24e013afb73e"},
  };
  for (const auto& [length, digest] : cases)
    EXPECT_EQ(sha256_hex(std::string(length, 'a')), digest) << length;
}

TEST(Idempotency, CanonicalFormOfListing54) {
  EXPECT_EQ(canonical_form(listing54()),
            "topology 10:MyTopology\n"
            "label 2:l1 2:v1\n"
            "label 2:l2 2:v2\n"
            "label 2:l3 2:v3\n"
            "region 7:region1\n"
            "cluster 8:cluster1\n"
            "retention 86400000ms\n"
            "node 10:machineid1 5:node1\n"
            "node 10:machineid2 5:node2\n"
            "node 10:machineid3 5:node3\n"
            "label 4:arch 3:arm\n"
            "label 6:memory 3:1GB\n"
            "label 5:model 3:rpi\n"
            "label 2:os 5:linux\n"
            "label 7:storage 5:100GB\n");
}

// Pinned: a fingerprint is stored and compared across processes and machines, so it must
// never change for the same topology. Changing the canonical form breaks stored fingerprints.
TEST(Idempotency, FingerprintOfListing54IsPinned) {
  EXPECT_EQ(fingerprint(listing54()), "1a0336595bea212c8688062c68956168d78a3e072bae71e8150aca0cd5058260");
}

// Listing 5.4 with regions, clusters, nodes and labels in another order, another queue and
// task name: the same infrastructure (4.6.4).
constexpr std::string_view kListing54Reordered = R"(constellations:
  kind: Topology
  version: v1
  metadata:
    queue: other
    taskName: again
  payload:
    topology:
      region1:
        cluster1:
          machineid3:
            selector:
              labels:
                memory: 1GB
                storage: 100GB
                model: rpi
                arch: arm
                os: linux
            name: node3
          machineid2:
            name: node2
          retention:
            period: 1d
          machineid1:
            name: node1
    selector:
      labels:
        l3: v3
        l1: v1
        l2: v2
    name: MyTopology
)";

TEST(Idempotency, OrderAndMetadataDoNotMatter) {
  const TopologySpec reordered = parse_ok(kListing54Reordered);
  EXPECT_EQ(fingerprint(reordered), fingerprint(listing54()));
  EXPECT_TRUE(same_topology(reordered, listing54()));
}

TEST(Idempotency, ChangesChangeTheFingerprint) {
  const TopologySpec base = listing54();
  const std::string original = fingerprint(base);
  auto changed = [&](auto edit) {
    TopologySpec t = base;
    edit(t);
    return fingerprint(t) != original && !same_topology(t, base);
  };
  auto nodes = [](TopologySpec& t) -> std::vector<NodeSpec>& { return t.regions[0].clusters[0].nodes; };
  EXPECT_TRUE(changed([](TopologySpec& t) { t.name = "Other"; }));
  EXPECT_TRUE(changed([&](TopologySpec& t) { nodes(t)[0].id = "machineid9"; }));
  EXPECT_TRUE(changed([&](TopologySpec& t) { nodes(t)[0].name = "renamed"; }));
  EXPECT_TRUE(changed([&](TopologySpec& t) { nodes(t).pop_back(); }));  // nodes per cluster
  EXPECT_TRUE(changed([&](TopologySpec& t) { nodes(t).push_back({"machineid4", "node4", {}}); }));
  EXPECT_TRUE(changed([&](TopologySpec& t) { nodes(t)[2].labels.erase("os"); }));  // labels per node
  EXPECT_TRUE(changed([&](TopologySpec& t) { nodes(t)[2].labels["memory"] = "2GB"; }));
  EXPECT_TRUE(changed([&](TopologySpec& t) { nodes(t)[0].labels["os"] = "linux"; }));
  EXPECT_TRUE(changed([](TopologySpec& t) { t.labels.erase("l1"); }));
  EXPECT_TRUE(changed([](TopologySpec& t) { t.regions[0].name = "region2"; }));
  EXPECT_TRUE(changed([](TopologySpec& t) { t.regions[0].labels["zone"] = "a"; }));
  EXPECT_TRUE(changed([](TopologySpec& t) { t.regions[0].clusters[0].retention.reset(); }));
  EXPECT_TRUE(changed([](TopologySpec& t) { t.regions[0].clusters[0].labels["rack"] = "1"; }));
  EXPECT_TRUE(changed([](TopologySpec& t) {  // the same nodes in another shape
    ClusterSpec second{"cluster2", std::nullopt, {}, {t.regions[0].clusters[0].nodes.back()}};
    t.regions[0].clusters[0].nodes.pop_back();
    t.regions[0].clusters.push_back(second);
  }));
}

TEST(Idempotency, NamesCannotFakeStructure) {
  // Without the lengths, a node named "x\nnode ..." could write a line of its own.
  TopologySpec a = listing54();
  TopologySpec b = a;
  a.regions[0].clusters[0].nodes[0].name = "node1\nnode 10:machineid2 5:node2";
  b.regions[0].clusters[0].nodes.push_back({"machineid2", "node2", {}});
  EXPECT_NE(canonical_form(a), canonical_form(b));
}

TEST(IdempotencyIndex, NewThenAlreadyFormedThenReplaces) {
  IdempotencyIndex index;
  const TopologySpec t = listing54();
  EXPECT_EQ(index.check(t), MutationCheck::kNew);
  index.record(t);
  EXPECT_EQ(index.check(t), MutationCheck::kAlreadyFormed);
  EXPECT_EQ(index.check(parse_ok(kListing54Reordered)), MutationCheck::kAlreadyFormed);
  TopologySpec bigger = t;
  bigger.regions[0].clusters[0].nodes.push_back({"machineid4", "node4", {}});
  EXPECT_EQ(index.check(bigger), MutationCheck::kReplaces);
  index.record(bigger);
  EXPECT_EQ(index.size(), 1u);
  EXPECT_EQ(index.check(bigger), MutationCheck::kAlreadyFormed);
  EXPECT_EQ(index.check(t), MutationCheck::kReplaces);
  EXPECT_EQ(index.fingerprint_of("MyTopology"), fingerprint(bigger));
  EXPECT_FALSE(index.fingerprint_of("Other"));
  EXPECT_STREQ(mutation_check_name(MutationCheck::kAlreadyFormed), "already formed");
  EXPECT_STREQ(mutation_check_name(MutationCheck::kNew), "new");
  EXPECT_STREQ(mutation_check_name(MutationCheck::kReplaces), "replaces");
}

}  // namespace
}  // namespace c12s::model
