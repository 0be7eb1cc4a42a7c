// Properties of the model, checked on random inputs with RapidCheck.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <functional>
#include <random>
#include <set>

#include "c12s/model/daemon_config.h"
#include "c12s/model/idempotency.h"
#include "c12s/model/match.h"
#include "c12s/model/quantity.h"
#include "c12s/model/queue_config.h"
#include "c12s/model/selector.h"
#include "c12s/model/token_bucket.h"
#include "c12s/model/topology.h"
#include "test_data.h"

namespace c12s::model {
namespace {

using namespace std::chrono_literals;

rc::Gen<std::string> gen_text(std::string alphabet, int longest) {
  return rc::gen::exec([alphabet, longest] {
    const int length = *rc::gen::inRange(1, longest + 1);
    std::string out;
    for (int i = 0; i < length; ++i) out += alphabet[*rc::gen::inRange<std::size_t>(0, alphabet.size())];
    return out;
  });
}

// Names never spell the reserved words 'selector' and 'retention': their letters are few.
rc::Gen<std::string> gen_name() { return gen_text("abcxyz0123_-", 5); }
rc::Gen<std::string> gen_token() { return gen_text("abXY019._-/", 5); }

rc::Gen<Labels> gen_labels(int most) {
  return rc::gen::exec([most] {
    Labels labels;
    const int count = *rc::gen::inRange(0, most + 1);
    for (int i = 0; i < count; ++i) labels[*gen_token()] = *gen_token();
    return labels;
  });
}

// A valid topology: names unique among siblings (an index makes them so), node ids unique in
// the whole topology, every region and cluster non-empty.
rc::Gen<TopologySpec> gen_topology() {
  return rc::gen::exec([] {
    TopologySpec t;
    t.version = "v1";
    t.kind = "Topology";
    t.name = *gen_name();
    t.labels = *gen_labels(3);
    int next_node = 0;
    const int regions = *rc::gen::inRange(1, 4);
    for (int r = 0; r < regions; ++r) {
      RegionSpec region{*gen_name() + "r" + std::to_string(r), *gen_labels(2), {}};
      const int clusters = *rc::gen::inRange(1, 4);
      for (int c = 0; c < clusters; ++c) {
        ClusterSpec cluster{*gen_name() + "c" + std::to_string(c), std::nullopt, *gen_labels(2), {}};
        if (*rc::gen::arbitrary<bool>()) {
          cluster.retention = format_duration(std::chrono::seconds(*rc::gen::inRange(1, 1000000)));
        }
        const int nodes = *rc::gen::inRange(1, 4);
        for (int n = 0; n < nodes; ++n) {
          NodeSpec node{*gen_name() + "n" + std::to_string(next_node++), "", *gen_labels(3)};
          if (*rc::gen::arbitrary<bool>()) node.name = *gen_name();
          cluster.nodes.push_back(std::move(node));
        }
        region.clusters.push_back(std::move(cluster));
      }
      t.regions.push_back(std::move(region));
    }
    return t;
  });
}

// The topology as a mutate file, every list and map in an order `seed` picks.
class ShuffledWriter {
 public:
  explicit ShuffledWriter(std::uint64_t seed) : random_(seed) {}

  std::string write(const TopologySpec& t) {
    out_ = "constellations:\n";
    std::vector<std::function<void()>> parts;
    parts.push_back([this] { line(2, "version: v1"); });
    parts.push_back([this] { line(2, "kind: Topology"); });
    parts.push_back([this, &t] { payload(t); });
    in_any_order(parts);
    return out_;
  }

 private:
  void payload(const TopologySpec& t) {
    line(2, "payload:");
    std::vector<std::function<void()>> parts;
    parts.push_back([this, &t] { line(4, "name: " + q(t.name)); });
    parts.push_back([this, &t] { regions(t); });
    if (!t.labels.empty()) parts.push_back([this, &t] { selector(4, t.labels); });
    in_any_order(parts);
  }

  void regions(const TopologySpec& t) {
    line(4, "topology:");
    std::vector<std::function<void()>> parts;
    for (const RegionSpec& r : t.regions) parts.push_back([this, r = &r] { region(*r); });
    in_any_order(parts);
  }

  void region(const RegionSpec& r) {
    line(6, q(r.name) + ":");
    std::vector<std::function<void()>> parts;
    if (!r.labels.empty()) parts.push_back([&] { selector(8, r.labels); });
    for (const ClusterSpec& c : r.clusters) parts.push_back([this, c = &c] { cluster(*c); });
    in_any_order(parts);
  }

  void cluster(const ClusterSpec& c) {
    line(8, q(c.name) + ":");
    std::vector<std::function<void()>> parts;
    if (!c.labels.empty()) parts.push_back([&] { selector(10, c.labels); });
    if (c.retention) {
      parts.push_back([&] {
        line(10, "retention:");
        line(12, "period: " + *c.retention);
      });
    }
    for (const NodeSpec& n : c.nodes) parts.push_back([this, n = &n] { node(*n); });
    in_any_order(parts);
  }

  void node(const NodeSpec& n) {
    line(10, q(n.id) + ":");  // with neither name nor labels, the node's value is empty
    std::vector<std::function<void()>> parts;
    if (!n.name.empty()) parts.push_back([&] { line(12, "name: " + q(n.name)); });
    if (!n.labels.empty()) parts.push_back([&] { selector(12, n.labels); });
    in_any_order(parts);
  }

  void selector(int indent, const Labels& labels) {
    line(indent, "selector:");
    line(indent + 2, "labels:");
    std::vector<std::function<void()>> parts;
    for (const auto& label : labels) {
      parts.push_back([this, indent, l = &label] { line(indent + 4, q(l->first) + ": " + q(l->second)); });
    }
    in_any_order(parts);
  }

  void in_any_order(std::vector<std::function<void()>>& parts) {
    std::shuffle(parts.begin(), parts.end(), random_);
    for (auto& part : parts) part();
  }
  void line(int indent, const std::string& text) { out_ += std::string(indent, ' ') + text + "\n"; }
  static std::string q(const std::string& text) { return "\"" + text + "\""; }

  std::mt19937_64 random_;
  std::string out_;
};

TopologySpec reparse(const TopologySpec& t, std::uint64_t seed) {
  const std::string text = ShuffledWriter(seed).write(t);
  Result<TopologySpec> r = parse_topology(text, "random.yaml");
  RC_ASSERT(r.ok());
  return std::move(r).value();
}

RC_GTEST_PROP(ModelProperties, FingerprintIgnoresTheOrderOfEverything, ()) {
  const TopologySpec t = *gen_topology();
  const std::string expected = fingerprint(t);
  RC_ASSERT(fingerprint(reparse(t, *rc::gen::arbitrary<std::uint64_t>())) == expected);
  RC_ASSERT(fingerprint(reparse(t, *rc::gen::arbitrary<std::uint64_t>())) == expected);
}

RC_GTEST_PROP(ModelProperties, ChangingOneNodeIdChangesTheFingerprint, ()) {
  TopologySpec t = *gen_topology();
  const std::string before = fingerprint(t);
  RegionSpec& region = t.regions[*rc::gen::inRange<std::size_t>(0, t.regions.size())];
  ClusterSpec& cluster = region.clusters[*rc::gen::inRange<std::size_t>(0, region.clusters.size())];
  NodeSpec& node = cluster.nodes[*rc::gen::inRange<std::size_t>(0, cluster.nodes.size())];
  node.id += *gen_name();
  RC_ASSERT(fingerprint(t) != before);
}

RC_GTEST_PROP(ModelProperties, ChangingOneLabelOrCountChangesTheFingerprint, ()) {
  TopologySpec t = *gen_topology();
  const std::string before = fingerprint(t);
  RegionSpec& region = t.regions[*rc::gen::inRange<std::size_t>(0, t.regions.size())];
  ClusterSpec& cluster = region.clusters[*rc::gen::inRange<std::size_t>(0, region.clusters.size())];
  NodeSpec& node = cluster.nodes[*rc::gen::inRange<std::size_t>(0, cluster.nodes.size())];
  switch (*rc::gen::inRange(0, 3)) {
    case 0:
      node.labels["zz"] = node.labels.count("zz") != 0 ? node.labels["zz"] + "1" : "1";
      break;
    case 1:
      cluster.nodes.push_back({"fresh-node", "", {}});
      break;
    default:
      cluster.nodes.erase(cluster.nodes.begin());
      break;
  }
  RC_ASSERT(fingerprint(t) != before);
}

RC_GTEST_PROP(ModelProperties, SelectorPrintThenParseGivesItBack, ()) {
  const Selector s{*gen_labels(6), std::nullopt};
  const Result<Selector> back = parse_selector(format_selector(s));
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == s);
}

RC_GTEST_PROP(ModelProperties, SelectorBlanksAroundTokensDoNotMatter, ()) {
  const Selector s{*gen_labels(6), std::nullopt};
  RC_PRE(!s.labels.empty());
  auto blanks = [] { return *rc::gen::container<std::string>(rc::gen::element(' ', '\t')); };
  std::string text;
  for (const auto& [key, value] : s.labels) {
    if (!text.empty()) text += ",";
    text += blanks() + key + blanks() + "=" + blanks() + value + blanks();
  }
  const Result<Selector> back = parse_selector(text);
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == s);
}

RC_GTEST_PROP(ModelProperties, ExactMatchImpliesSubsetMatch, ()) {
  const Labels node = *gen_labels(4);
  const Selector s{*gen_labels(4), std::nullopt};
  if (matches(s, node, MatchMode::kExact)) RC_ASSERT(matches(s, node, MatchMode::kSubset));
  RC_ASSERT(
      matches(Selector{node, std::nullopt}, node, MatchMode::kExact));  // every node matches its own labels
}

RC_GTEST_PROP(ModelProperties, QuantitiesCompareLikeIntegers, ()) {
  const std::pair<const char*, std::uint64_t> units[] = {
      {"B", 1}, {"KB", 1ULL << 10}, {"MiB", 1ULL << 20}, {"GB", 1ULL << 30}};
  const auto x = *rc::gen::inRange<std::uint64_t>(0, 1000000);
  const auto y = *rc::gen::inRange<std::uint64_t>(0, 1000000);
  const auto& [unit_x, scale_x] = units[*rc::gen::inRange(0, 4)];
  const auto& [unit_y, scale_y] = units[*rc::gen::inRange(0, 4)];
  const std::optional<std::strong_ordering> got =
      compare_quantities(Quantity{std::to_string(x), unit_x}, Quantity{std::to_string(y), unit_y});
  RC_ASSERT(got.has_value());
  RC_ASSERT(*got == (x * scale_x <=> y * scale_y));
  RC_ASSERT(value_satisfies(std::to_string(x) + unit_x, std::to_string(y) + unit_y) ==
            (x * scale_x <= y * scale_y));
}

RC_GTEST_PROP(ModelProperties, DurationFormatThenParseGivesItBack, ()) {
  const std::chrono::milliseconds d(*rc::gen::inRange<std::int64_t>(0, 1000000000000));
  RC_ASSERT(parse_duration(format_duration(d)) == d);
}

RC_GTEST_PROP(ModelProperties, TokenBucketKeepsItsCapacityAndRate, ()) {
  const auto capacity = *rc::gen::inRange<std::uint64_t>(1, 10);
  const TokenBucketConfig config{capacity, *rc::gen::inRange<std::uint64_t>(0, capacity + 1),
                                 std::chrono::milliseconds(*rc::gen::inRange(1, 5000))};
  const Instant start{std::chrono::hours(*rc::gen::inRange(0, 1000))};
  TokenBucket bucket(config, start);
  Instant now = start;
  std::uint64_t taken = 0;
  const int steps = *rc::gen::inRange(1, 60);
  for (int i = 0; i < steps; ++i) {
    now += std::chrono::milliseconds(*rc::gen::inRange(0, 8000));
    RC_ASSERT(bucket.available(now) <= capacity);
    const auto want = *rc::gen::inRange<std::uint64_t>(0, capacity + 2);
    const std::uint64_t had = bucket.available(now);
    const bool took = bucket.try_take(now, want);
    RC_ASSERT(took == (want <= had));
    if (took) taken += want;
    const auto intervals = static_cast<std::uint64_t>((now - start) / config.fill_interval);
    RC_ASSERT(taken <= config.tokens + intervals);
  }
}

// Random edits of the thesis's listings: every parser answers with a value or diagnostics,
// never a crash, an exception or an empty error list.
rc::Gen<std::string> gen_mangled(std::string text) {
  return rc::gen::exec([text] {
    std::string out = text;
    const int edits = *rc::gen::inRange(1, 8);
    for (int i = 0; i < edits && !out.empty(); ++i) {
      const std::size_t at = *rc::gen::inRange<std::size_t>(0, out.size());
      const char c = *rc::gen::element(':', ' ', '\n', '-', '{', '}', '[', ']', '&', '*', '!', '?', '"', '\'',
                                       '#', '|', '>', 'x', '0', '\t', '%', '@', ',');
      switch (*rc::gen::inRange(0, 3)) {
        case 0:
          out.erase(at, 1);
          break;
        case 1:
          out.insert(at, 1, c);
          break;
        default:
          out[at] = c;
          break;
      }
    }
    return out;
  });
}

template <typename T>
void check_answer(const Result<T>& r) {
  if (r.ok()) return;
  const gtype::DiagnosticReport* report = r.error().diagnostics();
  RC_ASSERT(report != nullptr);
  RC_ASSERT(!report->errors.empty());
  for (const gtype::Diagnostic& d : report->errors) RC_ASSERT(!d.message.empty());
}

RC_GTEST_PROP(ModelProperties, ParsersSurviveMangledListings, ()) {
  using testing::read_data;
  static const std::string topology = read_data("thesis/listing_5_4.yaml");
  static const std::string daemon = read_data("thesis/listing_5_2.yaml");
  static const std::string queue = read_data("thesis/listing_5_5.yaml");
  check_answer(parse_topology(*gen_mangled(topology), "t.yaml"));
  check_answer(parse_daemon_config(*gen_mangled(daemon), "d.yaml"));
  check_answer(parse_queue_config(*gen_mangled(queue), "q.yaml"));
  check_answer(parse_selector(*gen_text("ab=, \t.", 20)));
}

}  // namespace
}  // namespace c12s::model
