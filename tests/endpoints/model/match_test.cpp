// The free-node lookup rules 4.9 to 4.11 (Algorithm 2), and the subset mode.
#include "c12s/model/match.h"

#include <gtest/gtest.h>

namespace c12s::model {
namespace {

Selector selector(std::string_view text) {
  Result<Selector> r = parse_selector(text);
  EXPECT_TRUE(r.ok()) << r.error().message();
  return std::move(r).value();
}

// Listing 5.2's node labels.
const Labels kRaspberryPi{{"os", "linux"},   {"disk", "flash"},    {"arch", "arm"}, {"model", "rpi"},
                          {"memory", "4GB"}, {"storage", "120GB"}, {"cpu", "1"},    {"cores", "4"}};

TEST(Match, ValueSatisfiesReadsLessOrEqualOnQuantities) {
  EXPECT_TRUE(value_satisfies("2GB", "4GB"));
  EXPECT_TRUE(value_satisfies("4GB", "4GB"));
  EXPECT_TRUE(value_satisfies("4096MB", "4GB"));
  EXPECT_FALSE(value_satisfies("5GB", "4GB"));
  EXPECT_TRUE(value_satisfies("1.4GHz", "2.5GHz"));
  EXPECT_TRUE(value_satisfies("2", "4"));
  EXPECT_FALSE(value_satisfies("8", "4"));
}

TEST(Match, ValueSatisfiesReadsEqualityOnText) {
  EXPECT_TRUE(value_satisfies("linux", "linux"));
  EXPECT_FALSE(value_satisfies("linux", "Linux"));
  EXPECT_FALSE(value_satisfies("arm", "arm64"));  // no prefix or lexicographic order on text
  EXPECT_FALSE(value_satisfies("a", "b"));
}

TEST(Match, ValueSatisfiesRejectsMixedAndInconvertible) {
  EXPECT_FALSE(value_satisfies("4GB", "lots"));
  EXPECT_FALSE(value_satisfies("lots", "4GB"));
  EXPECT_FALSE(value_satisfies("4", "4GB"));
  EXPECT_FALSE(value_satisfies("1GB", "2GHz"));
}

TEST(Match, ExactModeNeedsEveryLabelAndNoMore) {
  Selector all{kRaspberryPi, std::nullopt};
  all.labels["memory"] = "2GB";  // less is fine (rule 4.10)
  EXPECT_TRUE(matches(all, kRaspberryPi, MatchMode::kExact));
  EXPECT_FALSE(matches(selector("os=linux"), kRaspberryPi, MatchMode::kExact));
  EXPECT_EQ(mismatch_reason(selector("os=linux"), kRaspberryPi, MatchMode::kExact),
            "the node has 8 labels, the selector 1 (rule 4.9)");
}

TEST(Match, SubsetModeDropsTheCountRule) {
  EXPECT_TRUE(matches(selector("os=linux,memory=2GB"), kRaspberryPi, MatchMode::kSubset));
  EXPECT_TRUE(matches(selector(""), kRaspberryPi, MatchMode::kSubset));
  EXPECT_FALSE(matches(selector(""), kRaspberryPi, MatchMode::kExact));
  EXPECT_TRUE(matches(selector(""), Labels{}, MatchMode::kExact));
}

TEST(Match, ReasonsNameTheLabelAndTheRule) {
  EXPECT_EQ(mismatch_reason(selector("gpu=yes"), kRaspberryPi, MatchMode::kSubset),
            "no label 'gpu' (rule 4.10)");
  EXPECT_EQ(mismatch_reason(selector("memory=8GB"), kRaspberryPi, MatchMode::kSubset),
            "'memory' is 4GB, less than 8GB (rule 4.10)");
  EXPECT_EQ(mismatch_reason(selector("os=bsd"), kRaspberryPi, MatchMode::kSubset),
            "'os' is 'linux', not 'bsd' (rule 4.10)");
  EXPECT_EQ(mismatch_reason(selector("model=3"), kRaspberryPi, MatchMode::kSubset),
            "'model' is 'rpi', which does not compare with '3' (rule 4.10)");
  EXPECT_EQ(mismatch_reason(selector("os=linux"), kRaspberryPi, MatchMode::kSubset), "");
}

TEST(Match, FirstFailingPairInKeyOrder) {
  EXPECT_EQ(mismatch_reason(selector("os=bsd,arch=x86"), kRaspberryPi, MatchMode::kSubset),
            "'arch' is 'arm', not 'x86' (rule 4.10)");
}

// The thesis's test nodes (5.3): Raspberry Pis with 1GB and Beaglebones with 512MB.
TEST(Match, FiltersKeepInputOrder) {
  const std::vector<Labels> nodes{{{"model", "rpi"}, {"memory", "1GB"}},
                                  {{"model", "bbb"}, {"memory", "512MB"}},
                                  {{"model", "rpi"}, {"memory", "1GB"}},
                                  {{"model", "rpi"}, {"memory", "1GB"}, {"os", "raspbian"}},
                                  {{"model", "bbb"}, {"memory", "512MB"}}};
  EXPECT_EQ(matching_indices(nodes, selector("model=rpi,memory=1GB"), MatchMode::kExact),
            (std::vector<std::size_t>{0, 2}));
  EXPECT_EQ(matching_indices(nodes, selector("model=rpi,memory=1GB"), MatchMode::kSubset),
            (std::vector<std::size_t>{0, 2, 3}));
  EXPECT_EQ(matching_indices(nodes, selector("memory=512MB"), MatchMode::kSubset),
            (std::vector<std::size_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(matching_indices(nodes, selector("memory=0.75GB"), MatchMode::kSubset),
            (std::vector<std::size_t>{0, 2, 3}));
}

TEST(Match, FilterNodesOverRecords) {
  struct Node {
    std::string id;
    Labels labels;
  };
  const std::vector<Node> nodes{
      {"n3", {{"os", "linux"}}}, {"n1", {{"os", "bsd"}}}, {"n2", {{"os", "linux"}}}};
  const std::vector<Node> picked = filter_nodes(nodes, selector("os=linux"), MatchMode::kExact,
                                                [](const Node& n) -> const Labels& { return n.labels; });
  ASSERT_EQ(picked.size(), 2u);
  EXPECT_EQ(picked[0].id, "n3");
  EXPECT_EQ(picked[1].id, "n2");
}

}  // namespace
}  // namespace c12s::model
