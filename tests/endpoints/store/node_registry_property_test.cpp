// NodeRegistry against a model: random runs of health checks, reservations, uses, releases,
// expiries and queries, with the clock moving forward by random steps, give the same answers
// (every status, message, id list) and leave the same registry as a plain in-memory map that
// follows the rules of node_registry.h.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <set>

#include "c12s/store/node_registry.h"
#include "store_test.h"

namespace c12s::store {
namespace {

using namespace std::chrono_literals;

constexpr std::chrono::milliseconds kLease = 1000ms;
const std::vector<std::string> kIds = {"n0", "n1", "n2", "n3", "n4", "n5"};
const std::vector<std::string> kTasks = {"t0", "t1"};
const std::vector<ClusterPath> kPaths = {{"topo", "eu", "c1"}, {"topo", "eu", "c2"}, {"other", "us", "c1"}};

struct Op {
  enum Kind { kHeartbeat, kReserve, kRelease, kMarkUsed, kExpire, kFreeNodes } kind = kExpire;
  std::int64_t advance = 0;                     // the clock moves this far before the operation
  std::string id;                               // heartbeat
  model::Labels labels;                         // heartbeat
  std::string task;                             // reserve, release, mark used
  std::vector<std::string> ids;                 // reserve
  std::map<std::string, ClusterPath> clusters;  // mark used
  model::Selector selector;                     // free nodes
  model::MatchMode mode = model::MatchMode::kSubset;
};

rc::Gen<model::Labels> gen_labels() {
  return rc::gen::exec([] {
    model::Labels labels;
    if (*rc::gen::arbitrary<bool>()) labels["os"] = *rc::gen::element<std::string>("linux", "bsd");
    if (*rc::gen::arbitrary<bool>())
      labels["memory"] = *rc::gen::element<std::string>("1GB", "2GB", "4096MB");
    return labels;
  });
}

// The registry's rules on a std::map, written as plainly as possible.
class Model {
 public:
  struct Node {
    NodeStatus status = NodeStatus::kFree;
    std::int64_t deadline = 0;
    std::string task;
    std::optional<ClusterPath> cluster;
    bool reported = false;
    model::Labels labels;
  };

  void heartbeat(const std::string& id, const model::Labels& labels, std::int64_t now) {
    auto found = nodes_.find(id);
    if (found == nodes_.end()) {
      found = nodes_.emplace(id, Node()).first;
    } else if (found->second.deadline <= now && found->second.status == NodeStatus::kReserved) {
      found->second.status = NodeStatus::kFree;
      found->second.task.clear();
    }
    found->second.deadline = now + kLease.count();
    found->second.reported = false;
    found->second.labels = labels;
  }

  std::string reserve(const std::string& task, const std::vector<std::string>& ids, std::int64_t now) {
    if (ids.empty()) return "no nodes to reserve for task '" + task + "'";
    std::set<std::string> seen;
    for (const std::string& id : ids) {
      if (!seen.insert(id).second) return "node '" + id + "' is given twice";
      if (!nodes_.count(id)) return "node '" + id + "' is not registered";
      const Node& node = nodes_.at(id);
      if (node.deadline <= now) {
        return "node '" + id + "' is not live: its lease ran out " + std::to_string(now - node.deadline) +
               " ms ago";
      }
      if (node.status != NodeStatus::kFree) return "node '" + id + "' is not free: it is " + describe(node);
    }
    for (const std::string& id : ids) {
      nodes_.at(id).status = NodeStatus::kReserved;
      nodes_.at(id).task = task;
    }
    return "";
  }

  std::vector<std::string> release(const std::string& task) {
    std::vector<std::string> released;
    for (auto& [id, node] : nodes_) {
      if (node.task != task) continue;
      released.push_back(id);
      node = Node{NodeStatus::kFree, node.deadline, "", std::nullopt, node.reported, node.labels};
    }
    return released;
  }

  std::string mark_used(const std::string& task, const std::map<std::string, ClusterPath>& clusters) {
    if (clusters.empty()) return "no nodes to mark used for task '" + task + "'";
    for (const auto& [id, path] : clusters) {
      if (!nodes_.count(id)) return "node '" + id + "' is not registered";
      const Node& node = nodes_.at(id);
      if (node.task != task || node.status == NodeStatus::kFree ||
          (node.status == NodeStatus::kUsed && node.cluster != path)) {
        return "node '" + id + "' is not reserved by task '" + task + "': it is " + describe(node);
      }
    }
    for (const auto& [id, path] : clusters) {
      nodes_.at(id).status = NodeStatus::kUsed;
      nodes_.at(id).cluster = path;
    }
    return "";
  }

  std::vector<std::string> expire(std::int64_t now) {
    std::vector<std::string> expired;
    for (auto& [id, node] : nodes_) {
      if (node.deadline > now || node.reported) continue;
      node.reported = true;
      expired.push_back(id);
    }
    return expired;
  }

  std::vector<std::string> free_nodes(const model::Selector& selector, model::MatchMode mode,
                                      std::int64_t now) const {
    std::vector<std::string> ids;
    for (const auto& [id, node] : nodes_) {
      if (node.status == NodeStatus::kFree && node.deadline > now &&
          model::matches(selector, node.labels, mode)) {
        ids.push_back(id);
      }
    }
    return ids;
  }

  const std::map<std::string, Node>& nodes() const { return nodes_; }

 private:
  static std::string describe(const Node& node) {
    switch (node.status) {
      case NodeStatus::kFree:
        return "free";
      case NodeStatus::kReserved:
        return "reserved by task '" + node.task + "'";
      case NodeStatus::kUsed:
        return "used in cluster '" + node.cluster->to_string() + "' by task '" + node.task + "'";
    }
    return "?";
  }

  std::map<std::string, Node> nodes_;
};

// Picks up to three of `candidates` in random order, or, one time in four or when there are
// none, up to three ids at random (unknown, repeated or unsuitable ones included): most
// reservations and uses can succeed, and every way of failing still comes up.
std::vector<std::string> pick_ids(const std::vector<std::string>& candidates) {
  const bool aimed = !candidates.empty() && *rc::gen::inRange(0, 4) != 0;
  const std::vector<std::string>& pool = aimed ? candidates : kIds;
  std::vector<std::string> ids;
  const int count = *rc::gen::inRange(aimed ? 1 : 0, 4);
  for (int i = 0; i < count; ++i) ids.push_back(*rc::gen::elementOf(pool));
  return ids;
}

// The next operation, aimed with the model's `state` at the time it will run.
Op gen_op(const Model& state, std::int64_t now) {
  Op op;
  op.kind = static_cast<Op::Kind>(*rc::gen::weightedElement<int>({{4, Op::kHeartbeat},
                                                                  {3, Op::kReserve},
                                                                  {1, Op::kRelease},
                                                                  {3, Op::kMarkUsed},
                                                                  {1, Op::kExpire},
                                                                  {1, Op::kFreeNodes}}));
  op.advance = *rc::gen::inRange<std::int64_t>(0, 400);
  now += op.advance;
  op.id = *rc::gen::elementOf(kIds);
  op.labels = *gen_labels();
  op.task = *rc::gen::elementOf(kTasks);
  std::vector<std::string> free;
  std::vector<std::string> held;
  for (const auto& [id, node] : state.nodes()) {
    if (node.status == NodeStatus::kFree && node.deadline > now) free.push_back(id);
    if (node.task == op.task) held.push_back(id);
  }
  op.ids = pick_ids(free);
  for (const std::string& id : pick_ids(held)) {
    // A used node's own cluster three times in four: a repeated acknowledgement.
    const auto node = state.nodes().find(id);
    const bool same = node != state.nodes().end() && node->second.cluster && *rc::gen::inRange(0, 4) != 0;
    op.clusters[id] = same ? *node->second.cluster : *rc::gen::elementOf(kPaths);
  }
  op.selector.labels = *gen_labels();
  op.mode = *rc::gen::element(model::MatchMode::kExact, model::MatchMode::kSubset);
  return op;
}

std::vector<std::string> ids_of(const std::vector<NodeRecord>& records) {
  std::vector<std::string> ids;
  for (const NodeRecord& record : records) ids.push_back(record.id);
  return ids;
}

// The whole registry agrees with the model: the same ids, and for each the same status,
// holder, cluster, lease and labels.
void check_same(NodeRegistry& registry, const Model& model) {
  std::vector<NodeRecord> all;
  RC_ASSERT(registry.all(&all).ok());
  RC_ASSERT(all.size() == model.nodes().size());
  auto expected = model.nodes().begin();
  for (const NodeRecord& record : all) {
    RC_ASSERT(record.id == expected->first);
    RC_ASSERT(record.status == expected->second.status);
    RC_ASSERT(record.task == expected->second.task);
    RC_ASSERT(record.cluster == expected->second.cluster);
    RC_ASSERT(to_millis(record.lease_deadline) == expected->second.deadline);
    RC_ASSERT(record.labels == expected->second.labels);
    ++expected;
  }
}

RC_GTEST_PROP(NodeRegistryProperty, AgreesWithAnInMemoryModel, ()) {
  const int length = *rc::gen::inRange(1, 40);
  testing::TempDir dir;
  std::unique_ptr<Database> db;
  RC_ASSERT(Database::open(dir.file("nodes.db"), &db).ok());
  std::unique_ptr<NodeRegistry> registry;
  RC_ASSERT(NodeRegistry::open(db.get(), &registry).ok());
  Model model;
  std::int64_t now = 0;
  for (int step = 0; step < length; ++step) {
    const Op op = gen_op(model, now);
    now += op.advance;
    switch (op.kind) {
      case Op::kHeartbeat: {
        RC_ASSERT(
            registry
                ->heartbeat(testing::node_report(op.id, op.id, "", op.labels, {}), from_millis(now), kLease)
                .ok());
        model.heartbeat(op.id, op.labels, now);
        break;
      }
      case Op::kReserve: {
        const Status s = registry->reserve(op.task, op.ids, from_millis(now));
        RC_ASSERT(s.message() == model.reserve(op.task, op.ids, now));
        break;
      }
      case Op::kRelease: {
        std::vector<std::string> released;
        RC_ASSERT(registry->release(op.task, &released).ok());
        RC_ASSERT(released == model.release(op.task));
        break;
      }
      case Op::kMarkUsed: {
        const Status s = registry->mark_used(op.task, op.clusters);
        RC_ASSERT(s.message() == model.mark_used(op.task, op.clusters));
        break;
      }
      case Op::kExpire: {
        std::vector<std::string> expired;
        RC_ASSERT(registry->expire(from_millis(now), &expired).ok());
        RC_ASSERT(expired == model.expire(now));
        break;
      }
      case Op::kFreeNodes: {
        std::vector<NodeRecord> free;
        RC_ASSERT(registry->free_nodes(op.selector, op.mode, from_millis(now), &free).ok());
        RC_ASSERT(ids_of(free) == model.free_nodes(op.selector, op.mode, now));
        break;
      }
    }
    check_same(*registry, model);
  }
}

}  // namespace
}  // namespace c12s::store
