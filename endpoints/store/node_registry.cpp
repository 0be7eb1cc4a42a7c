// The node registry over four tables: nodes (one row per node id, with its status, lease and
// holder), node_labels, node_metrics and node_swim (the last health check's, replaced by each one).
// Every operation that reads more than one row or writes runs in one transaction, so it sees
// and leaves a consistent registry; the CHECK constraints hold the invariants of the header
// even against a bug here.
#include "c12s/store/node_registry.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <set>

#include "c12s/model/quote.h"

namespace c12s::store {
namespace {

const std::vector<std::string_view> kMigrations = {
    R"sql(
CREATE TABLE nodes (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  address TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('free', 'reserved', 'used')),
  lease_deadline_ms INTEGER NOT NULL,
  death_reported INTEGER NOT NULL DEFAULT 0 CHECK (death_reported IN (0, 1)),
  task TEXT,
  topology TEXT,
  region TEXT,
  cluster TEXT,
  CHECK ((status = 'free') = (task IS NULL)),
  CHECK ((status = 'used') = (topology IS NOT NULL)),
  CHECK ((topology IS NULL) = (region IS NULL) AND (region IS NULL) = (cluster IS NULL))
) STRICT;
CREATE INDEX nodes_by_task ON nodes (task) WHERE task IS NOT NULL;
CREATE TABLE node_labels (
  node_id TEXT NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (node_id, key)
) STRICT, WITHOUT ROWID;
CREATE TABLE node_metrics (
  node_id TEXT NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (node_id, name)
) STRICT, WITHOUT ROWID;
)sql",
    // A used node that a re-formation of its topology will take over when it commits: until
    // then it stays in its cluster, so that a failed re-formation leaves the topology formed.
    "ALTER TABLE nodes ADD COLUMN next_task TEXT",
    // How a node's SWIM sees the other members of its cluster, as of its last health check.
    R"sql(
CREATE TABLE node_swim (
  node_id TEXT NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
  member TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('alive', 'suspect', 'dead')),
  PRIMARY KEY (node_id, member)
) STRICT, WITHOUT ROWID;
)sql",
};

NodeStatus status_from_text(const std::string& text) {
  if (text == "reserved") return NodeStatus::kReserved;
  if (text == "used") return NodeStatus::kUsed;
  return NodeStatus::kFree;  // the CHECK constraint allows nothing else
}

Status check_task(std::string_view task) {
  if (model::is_name(task)) return Status::success();
  return Status::rejected("task id " + model::quote(task) + " is not a name of " +
                          std::string(model::kNameRule));
}

// What holds a node, for messages: "free", "reserved by task 't'", "used in cluster 'a/b/c'".
struct Holding {
  NodeStatus status = NodeStatus::kFree;
  std::int64_t lease_deadline_ms = 0;
  std::string task;
  std::string next_task;  // a re-formation that takes the used node over when it commits
  ClusterPath cluster;

  std::string describe() const {
    switch (status) {
      case NodeStatus::kFree:
        return "free";
      case NodeStatus::kReserved:
        return "reserved by task " + model::quote(task);
      case NodeStatus::kUsed:
        return "used in cluster " + model::quote(cluster.to_string()) + " by task " + model::quote(task) +
               (next_task.empty() ? "" : ", to be taken over by task " + model::quote(next_task));
    }
    return "?";
  }
};

constexpr std::string_view kReadHolding =
    "SELECT status, lease_deadline_ms, task, topology, region, cluster, next_task FROM nodes WHERE id = ?1";

// The holding of node `id`, by `read` (kReadHolding prepared); *found is false if it is not
// registered. `read` is reset after, so that it holds no read open.
Status read_holding(Statement& read, std::string_view id, bool* found, Holding* out) {
  read.bind_text(1, id);
  Status s = read.step(found);
  if (s.ok() && *found) {
    out->status = status_from_text(read.column_text(0));
    out->lease_deadline_ms = read.column_int(1);
    out->task = read.column_text(2);
    out->cluster = ClusterPath{read.column_text(3), read.column_text(4), read.column_text(5)};
    out->next_task = read.column_text(6);
  }
  read.reset();
  return s;
}

Status not_registered(std::string_view id) {
  return Status::rejected("node " + model::quote(id) + " is not registered");
}

// Whether the rows of node `id` that `read` (SELECT * FROM table WHERE node_id = ?1 ORDER BY 2)
// gives are `values` (texts): a health check that brings the same labels writes none.
template <typename Map>
Status same_children(Statement& read, std::string_view id, const Map& values, bool* same) {
  read.bind_text(1, id);
  *same = true;
  auto value = values.begin();
  for (bool row = true;;) {
    Status s = read.step(&row);
    if (!s.ok() || !row) {
      *same = *same && value == values.end();
      read.reset();
      return s;
    }
    if (value == values.end() || read.column_text(1) != value->first ||
        read.column_text(2) != value->second) {
      *same = false;
      read.reset();
      return Status::success();
    }
    ++value;
  }
}

// Replaces the rows of node `id` with `values`: `erase` and `insert` are the table's DELETE and
// INSERT, prepared.
template <typename Map, typename Bind>
Status replace_children(Statement& erase, Statement& insert, std::string_view id, const Map& values,
                        Bind bind) {
  erase.bind_text(1, id);
  Status s = erase.run();
  erase.reset();
  if (!s.ok()) return s;
  for (const auto& [key, value] : values) {
    insert.reset();
    insert.bind_text(1, id).bind_text(2, key);
    bind(insert, value);
    s = insert.run();
    if (!s.ok()) break;
  }
  insert.reset();
  return s;
}

}  // namespace

const char* node_status_name(NodeStatus status) {
  switch (status) {
    case NodeStatus::kFree:
      return "free";
    case NodeStatus::kReserved:
      return "reserved";
    case NodeStatus::kUsed:
      return "used";
  }
  return "?";
}

Status NodeRegistry::open(Database* db, std::unique_ptr<NodeRegistry>* out) {
  out->reset();
  Status s = db->migrate("nodes", kMigrations);
  if (!s.ok()) return s;
  out->reset(new NodeRegistry(db));
  return Status::success();
}

Status NodeRegistry::heartbeat(const NodeReport& report, Time now, std::chrono::milliseconds lease,
                               NodeStatus* status, NodeRecord* record) {
  if (!model::is_name(report.id)) {
    return Status::rejected("node id " + model::quote(report.id) + " is not a name of " +
                            std::string(model::kNameRule));
  }
  if (lease.count() <= 0) {
    return Status::rejected("the lease of node " + model::quote(report.id) +
                            " must be longer than zero, not " + std::to_string(lease.count()) + " ms");
  }
  for (const auto& [member, state] : report.swim) {
    if (state != "alive" && state != "suspect" && state != "dead") {
      return Status::rejected("node " + model::quote(report.id) + " reports member " + model::quote(member) +
                              " as " + model::quote(state) + ", not alive, suspect or dead");
    }
  }
  for (const auto& [name, value] : report.metrics) {
    if (!std::isfinite(value)) {  // SQLite would store NaN as NULL
      return Status::rejected("metric " + model::quote(name) + " of node " + model::quote(report.id) +
                              " is not a finite number");
    }
  }
  NodeStatus after = NodeStatus::kFree;
  Holding holding;
  Status s = db_->transaction([&]() -> Status {
    bool found = false;
    Statement* read = nullptr;
    Status s = prepared(kReadHolding, &read);
    if (s.ok()) s = read_holding(*read, report.id, &found, &holding);
    if (!s.ok()) return s;
    Statement* write = nullptr;
    if (!found) {
      holding = Holding{};
      s = prepared(
          "INSERT INTO nodes (id, name, address, status, lease_deadline_ms) VALUES (?1, ?2, ?3, 'free', ?4)",
          &write);
    } else {
      const bool came_back = holding.lease_deadline_ms <= to_millis(now);
      after = came_back && holding.status == NodeStatus::kReserved ? NodeStatus::kFree : holding.status;
      if (after == NodeStatus::kFree) holding.task.clear();
      s = prepared(
          after == NodeStatus::kFree
              ? "UPDATE nodes SET name = ?2, address = ?3, lease_deadline_ms = ?4, death_reported = 0,"
                " status = 'free', task = NULL WHERE id = ?1"
              : "UPDATE nodes SET name = ?2, address = ?3, lease_deadline_ms = ?4, death_reported = 0"
                " WHERE id = ?1",
          &write);
    }
    if (!s.ok()) return s;
    write->bind_text(1, report.id).bind_text(2, report.name).bind_text(3, report.address);
    write->bind_int(4, to_millis(now + lease));
    s = write->run();
    write->reset();
    if (!s.ok()) return s;
    s = write_children(report, found);
    return s;
  });
  if (!s.ok()) return s;
  if (status != nullptr) *status = after;
  if (record != nullptr) {
    record->id = report.id;
    record->name = report.name;
    record->address = report.address;
    record->labels = model::Labels(report.labels.begin(), report.labels.end());
    record->metrics = Metrics(report.metrics.begin(), report.metrics.end());
    record->swim = report.swim;
    record->status = after;
    record->lease_deadline = now + lease;
    record->task = holding.task;
    record->next_task = holding.next_task;
    record->cluster.reset();
    if (after == NodeStatus::kUsed) record->cluster = holding.cluster;
  }
  return s;
}

Status NodeRegistry::write_children(const NodeReport& report, bool known) {
  // Labels and SWIM views change seldom: compared first (one read), rewritten only when they
  // differ. Metrics change with every check.
  struct Table {
    const char* select;
    const char* erase;
    const char* insert;
  };
  static constexpr Table kLabels{"SELECT * FROM node_labels WHERE node_id = ?1 ORDER BY 2",
                                 "DELETE FROM node_labels WHERE node_id = ?1",
                                 "INSERT INTO node_labels VALUES (?1, ?2, ?3)"};
  static constexpr Table kSwim{"SELECT * FROM node_swim WHERE node_id = ?1 ORDER BY 2",
                               "DELETE FROM node_swim WHERE node_id = ?1",
                               "INSERT INTO node_swim VALUES (?1, ?2, ?3)"};
  const auto bind_text = [](Statement& st, const std::string& value) { st.bind_text(3, value); };
  for (const auto& [table, values] : {std::pair{&kLabels, &report.labels}, std::pair{&kSwim, &report.swim}}) {
    Statement *select = nullptr, *erase = nullptr, *insert = nullptr;
    Status s = prepared(table->select, &select);
    if (s.ok()) s = prepared(table->erase, &erase);
    if (s.ok()) s = prepared(table->insert, &insert);
    bool same = false;
    if (s.ok() && known) s = same_children(*select, report.id, *values, &same);
    if (s.ok() && !same) s = replace_children(*erase, *insert, report.id, *values, bind_text);
    if (!s.ok()) return s;
  }
  Statement *erase = nullptr, *insert = nullptr;
  Status s = prepared("DELETE FROM node_metrics WHERE node_id = ?1", &erase);
  if (s.ok()) s = prepared("INSERT INTO node_metrics VALUES (?1, ?2, ?3)", &insert);
  if (!s.ok()) return s;
  return replace_children(*erase, *insert, report.id, report.metrics,
                          [](Statement& st, double value) { st.bind_double(3, value); });
}

Status NodeRegistry::prepared(std::string_view sql, Statement** out) {
  auto found = statements_.find(sql);
  if (found == statements_.end()) {
    Statement statement;
    if (Status s = db_->prepare(sql, &statement); !s.ok()) return s;
    found = statements_.emplace(std::string(sql), std::move(statement)).first;
  }
  found->second.reset();
  *out = &found->second;
  return Status::success();
}

Status NodeRegistry::load(std::string_view where, const std::function<void(Statement&)>& bind,
                          std::vector<NodeRecord>* out) {
  std::vector<NodeRecord> records;
  const std::string condition(where);
  // Three reads, each ordered by node id, merged below; one transaction makes them one
  // snapshot.
  Status s = db_->transaction([&]() -> Status {
    Statement nodes;
    Status s = db_->prepare(
        "SELECT id, name, address, status, lease_deadline_ms, task, topology, region, cluster, next_task"
        " FROM nodes n WHERE " +
            condition + " ORDER BY id",
        &nodes);
    if (!s.ok()) return s;
    bind(nodes);
    for (bool row = true;;) {
      s = nodes.step(&row);
      if (!s.ok()) return s;
      if (!row) break;
      NodeRecord record;
      record.id = nodes.column_text(0);
      record.name = nodes.column_text(1);
      record.address = nodes.column_text(2);
      record.status = status_from_text(nodes.column_text(3));
      record.lease_deadline = from_millis(nodes.column_int(4));
      record.task = nodes.column_text(5);
      record.next_task = nodes.column_text(9);
      if (record.status == NodeStatus::kUsed) {
        record.cluster = ClusterPath{nodes.column_text(6), nodes.column_text(7), nodes.column_text(8)};
      }
      records.push_back(std::move(record));
    }
    // Labels, metrics and SWIM views of the same nodes, in the same order: walk the lists together.
    enum Child { kLabels, kMetrics, kSwim };
    for (const Child child : {kLabels, kMetrics, kSwim}) {
      static constexpr const char* kSelect[] = {"SELECT c.node_id, c.key, c.value FROM node_labels c",
                                                "SELECT c.node_id, c.name, c.value FROM node_metrics c",
                                                "SELECT c.node_id, c.member, c.state FROM node_swim c"};
      Statement children;
      s = db_->prepare(std::string(kSelect[child]) + " JOIN nodes n ON n.id = c.node_id WHERE " + condition +
                           " ORDER BY c.node_id, 2",
                       &children);
      if (!s.ok()) return s;
      bind(children);
      auto record = records.begin();
      for (bool row = true;;) {
        s = children.step(&row);
        if (!s.ok()) return s;
        if (!row) break;
        const std::string id = children.column_text(0);
        while (record != records.end() && record->id < id) ++record;
        if (record == records.end() || record->id != id) continue;  // cannot happen: same condition
        if (child == kLabels) record->labels[children.column_text(1)] = children.column_text(2);
        if (child == kMetrics) record->metrics[children.column_text(1)] = children.column_double(2);
        if (child == kSwim) record->swim[children.column_text(1)] = children.column_text(2);
      }
    }
    return Status::success();
  });
  if (s.ok()) *out = std::move(records);
  return s;
}

Status NodeRegistry::free_nodes(const model::Selector& selector, model::MatchMode mode, Time now,
                                std::vector<NodeRecord>* out) {
  std::vector<NodeRecord> candidates;
  Status s = load(
      "n.status = 'free' AND n.lease_deadline_ms > ?1",
      [&](Statement& st) { st.bind_int(1, to_millis(now)); }, &candidates);
  if (!s.ok()) return s;
  *out = model::filter_nodes(candidates, selector, mode, [](const NodeRecord& node) { return node.labels; });
  return Status::success();
}

Status NodeRegistry::reserve(std::string_view task, const std::vector<std::string>& ids, Time now,
                             std::optional<std::string_view> topology) {
  Status s = check_task(task);
  if (!s.ok()) return s;
  if (ids.empty()) return Status::rejected("no nodes to reserve for task " + model::quote(task));
  return db_->transaction([&]() -> Status {
    std::set<std::string_view> seen;
    std::vector<std::string_view> taken_over;  // used in `topology`: marked, left in their clusters
    for (const std::string& id : ids) {
      if (!seen.insert(id).second) return Status::rejected("node " + model::quote(id) + " is given twice");
      bool found = false;
      Holding holding;
      Statement* read = nullptr;
      Status s = prepared(kReadHolding, &read);
      if (s.ok()) s = read_holding(*read, id, &found, &holding);
      if (!s.ok()) return s;
      if (!found) return not_registered(id);
      if (holding.lease_deadline_ms <= to_millis(now)) {
        return Status::rejected("node " + model::quote(id) + " is not live: its lease ran out " +
                                std::to_string(to_millis(now) - holding.lease_deadline_ms) + " ms ago");
      }
      const bool takes_over = topology && holding.status == NodeStatus::kUsed &&
                              holding.cluster.topology == *topology && holding.task != task &&
                              holding.next_task.empty();
      if (takes_over) {
        taken_over.push_back(id);
      } else if (holding.status != NodeStatus::kFree) {
        return Status::rejected("node " + model::quote(id) + " is not free: it is " + holding.describe());
      }
    }
    Statement update;
    Status s = db_->prepare("UPDATE nodes SET status = 'reserved', task = ?1 WHERE id = ?2", &update);
    if (!s.ok()) return s;
    Statement mark;
    s = db_->prepare("UPDATE nodes SET next_task = ?1 WHERE id = ?2", &mark);
    if (!s.ok()) return s;
    for (const std::string& id : ids) {
      const bool takes_over = std::find(taken_over.begin(), taken_over.end(), id) != taken_over.end();
      Statement& write = takes_over ? mark : update;
      write.reset();
      write.bind_text(1, task).bind_text(2, id);
      s = write.run();
      if (!s.ok()) return s;
    }
    return Status::success();
  });
}

Status NodeRegistry::release(std::string_view task, std::vector<std::string>* released) {
  Status s = check_task(task);
  if (!s.ok()) return s;
  std::vector<std::string> ids;
  s = db_->transaction([&]() -> Status {
    Statement held;
    Status s = db_->prepare("SELECT id FROM nodes WHERE task = ?1 ORDER BY id", &held);
    if (!s.ok()) return s;
    held.bind_text(1, task);
    for (bool row = true;;) {
      s = held.step(&row);
      if (!s.ok()) return s;
      if (!row) break;
      ids.push_back(held.column_text(0));
    }
    Statement update;
    s = db_->prepare(
        "UPDATE nodes SET status = 'free', task = NULL, topology = NULL, region = NULL, cluster = NULL,"
        " next_task = NULL WHERE task = ?1",
        &update);
    if (!s.ok()) return s;
    update.bind_text(1, task);
    if (s = update.run(); !s.ok()) return s;
    // The nodes it was to take over stay where they are, with the task that uses them.
    Statement untake;
    s = db_->prepare("UPDATE nodes SET next_task = NULL WHERE next_task = ?1", &untake);
    if (!s.ok()) return s;
    untake.bind_text(1, task);
    return untake.run();
  });
  if (s.ok() && released != nullptr) *released = std::move(ids);
  return s;
}

Status NodeRegistry::mark_used(std::string_view task, const std::map<std::string, ClusterPath>& clusters) {
  Status s = check_task(task);
  if (!s.ok()) return s;
  if (clusters.empty()) return Status::rejected("no nodes to mark used for task " + model::quote(task));
  for (const auto& [id, path] : clusters) {
    if (!path.valid()) {
      return Status::rejected("cluster path " + model::quote(path.to_string()) + " of node " +
                              model::quote(id) + " is not three names of " + std::string(model::kNameRule));
    }
  }
  return db_->transaction([&]() -> Status {
    Statement update;
    Status s = db_->prepare(
        "UPDATE nodes SET status = 'used', task = ?5, next_task = NULL, topology = ?2, region = ?3,"
        " cluster = ?4 WHERE id = ?1",
        &update);
    if (!s.ok()) return s;
    for (const auto& [id, path] : clusters) {
      bool found = false;
      Holding holding;
      Statement* read = nullptr;
      s = prepared(kReadHolding, &read);
      if (s.ok()) s = read_holding(*read, id, &found, &holding);
      if (!s.ok()) return s;
      if (!found) return not_registered(id);
      const bool taken_over = holding.next_task == task;
      if (!taken_over && (holding.task != task || holding.status == NodeStatus::kFree ||
                          (holding.status == NodeStatus::kUsed && holding.cluster != path))) {
        return Status::rejected("node " + model::quote(id) + " is not reserved by task " +
                                model::quote(task) + ": it is " + holding.describe());
      }
      if (!taken_over && holding.status == NodeStatus::kUsed) continue;  // a repeated acknowledgement
      update.reset();
      update.bind_text(1, id)
          .bind_text(2, path.topology)
          .bind_text(3, path.region)
          .bind_text(4, path.cluster)
          .bind_text(5, task);
      s = update.run();
      if (!s.ok()) return s;
    }
    return Status::success();
  });
}

Status NodeRegistry::expire(Time now, std::vector<std::string>* expired) {
  std::vector<std::string> ids;
  Status s = db_->transaction([&]() -> Status {
    Statement dead;
    Status s = db_->prepare(
        "SELECT id FROM nodes WHERE lease_deadline_ms <= ?1 AND death_reported = 0 ORDER BY id", &dead);
    if (!s.ok()) return s;
    dead.bind_int(1, to_millis(now));
    for (bool row = true;;) {
      s = dead.step(&row);
      if (!s.ok()) return s;
      if (!row) break;
      ids.push_back(dead.column_text(0));
    }
    Statement mark;
    s = db_->prepare(
        "UPDATE nodes SET death_reported = 1 WHERE lease_deadline_ms <= ?1 AND death_reported = 0", &mark);
    if (!s.ok()) return s;
    mark.bind_int(1, to_millis(now));
    return mark.run();
  });
  *expired = s.ok() ? std::move(ids) : std::vector<std::string>();
  return s;
}

Status NodeRegistry::holding(std::string_view task, TaskHolding* out) {
  Status s = check_task(task);
  if (!s.ok()) return s;
  Statement count;
  s = db_->prepare(
      "SELECT (SELECT count(*) FROM nodes WHERE task = ?1 AND status = 'reserved'),"
      " (SELECT count(*) FROM nodes WHERE task = ?1 AND status = 'used'),"
      " (SELECT count(*) FROM nodes WHERE next_task = ?1)",
      &count);
  if (!s.ok()) return s;
  count.bind_text(1, task);
  bool row = false;
  if (s = count.step(&row); !s.ok()) return s;
  assert(row);  // an aggregate always gives one row
  *out = TaskHolding{static_cast<std::size_t>(count.column_int(0)),
                     static_cast<std::size_t>(count.column_int(1)),
                     static_cast<std::size_t>(count.column_int(2))};
  return Status::success();
}

Status NodeRegistry::get(std::string_view id, NodeRecord* out) {
  std::vector<NodeRecord> found;
  Status s = load(
      "n.id = ?1", [&](Statement& st) { st.bind_text(1, id); }, &found);
  if (!s.ok()) return s;
  if (found.empty()) return Status::not_found("node " + model::quote(id) + " is not registered");
  *out = std::move(found.front());
  return Status::success();
}

Status NodeRegistry::all(std::vector<NodeRecord>* out) {
  return load(
      "1", [](Statement&) {}, out);
}

}  // namespace c12s::store
