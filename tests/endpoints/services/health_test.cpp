// ClusterViews (services/convert.h): a node's health from its lease and the SWIM views its
// cluster's members reported, as `list --detail` and `c12s nodes` show it (issue 13).
#include <gtest/gtest.h>

#include "c12s/services/convert.h"

namespace c12s::services {
namespace {

using namespace std::chrono_literals;
using Views = std::map<std::string, std::string>;

store::Time at(std::int64_t millis) { return store::from_millis(millis); }

// A node used in `cluster` (empty: free) with a lease to `deadline` and its SWIM view.
store::NodeRecord node(const std::string& id, const std::string& cluster, std::int64_t deadline,
                       Views swim = {}) {
  store::NodeRecord record;
  record.id = id;
  record.lease_deadline = at(deadline);
  record.swim = std::move(swim);
  if (!cluster.empty()) {
    record.status = store::NodeStatus::kUsed;
    record.cluster = store::ClusterPath{"t", "r", cluster};
  }
  return record;
}

TEST(ClusterViews, HealthIsDeadWhenTheLeaseRanOutSuspectWhenALiveMemberSaysSo) {
  const std::vector<store::NodeRecord> all{
      node("a", "c1", 2000, {{"b", "suspect"}, {"c", "alive"}}),
      node("b", "c1", 2000, {{"a", "alive"}, {"c", "alive"}}),
      node("c", "c1", 500, {{"a", "alive"}, {"b", "dead"}}),  // dead: its view no longer counts
      node("d", "", 2000),
  };
  const ClusterViews views(all, at(1000));
  EXPECT_EQ(views.of("b"), (Views{{"a", "suspect"}, {"c", "dead"}}));
  EXPECT_EQ(views.of("c"), (Views{{"a", "alive"}, {"b", "alive"}}));
  EXPECT_EQ(views.of("d"), Views{});
  EXPECT_EQ(to_sort(all[0], 1000ms, at(1000), views).health, "alive");
  EXPECT_EQ(to_sort(all[1], 1000ms, at(1000), views).health, "suspect");
  EXPECT_EQ(to_sort(all[2], 1000ms, at(1000), views).health, "dead");
  EXPECT_EQ(to_sort(all[3], 1000ms, at(1000), views).health, "alive");
  EXPECT_EQ(to_sort(all[1], 1000ms, at(1000), views).swim, (Views{{"a", "suspect"}, {"c", "dead"}}));
  // Without views, the lease alone.
  EXPECT_EQ(to_sort(all[1], 1000ms, at(1000)).health, "alive");
  EXPECT_EQ(to_sort(all[2], 1000ms, at(1000)).health, "dead");
}

TEST(ClusterViews, AViewOfANodeOutsideTheViewersClusterIsIgnored) {
  // `a` still reports `b` from before a re-formation moved `b` to another cluster.
  const std::vector<store::NodeRecord> all{node("a", "c1", 2000, {{"b", "dead"}}), node("b", "c2", 2000),
                                           node("e", "", 2000, {{"b", "suspect"}})};
  const ClusterViews views(all, at(1000));
  EXPECT_EQ(views.of("b"), Views{});
  EXPECT_FALSE(views.suspected("b"));
}

}  // namespace
}  // namespace c12s::services
