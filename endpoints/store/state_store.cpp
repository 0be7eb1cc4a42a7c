// The desired state over three tables: topologies (name -> fingerprint and encoded spec),
// state_paths (one row per element, keyed by path as in listing 5.3; node rows carry the
// node's liveness) and state_labels (each element's labels, as the spec writes them). Paths
// and labels hang from their topology with ON DELETE CASCADE, so deleting a topology's row is
// deleting all of it; a replace is that delete and the inserts of the new state in one
// transaction.
#include "c12s/store/state_store.h"

#include <map>
#include <set>

#include "c12s/model/quote.h"
#include "spec_codec.h"

namespace c12s::store {
namespace {

const std::vector<std::string_view> kMigrations = {
    R"sql(
CREATE TABLE topologies (
  name TEXT PRIMARY KEY,
  fingerprint TEXT NOT NULL CHECK (length(fingerprint) = 64),
  spec BLOB NOT NULL
) STRICT;
CREATE TABLE state_paths (
  path TEXT PRIMARY KEY,
  topology TEXT NOT NULL REFERENCES topologies (name) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('topology', 'region', 'cluster', 'node')),
  region TEXT,
  cluster TEXT,
  node_id TEXT UNIQUE,
  dead_since_ms INTEGER,
  CHECK ((kind = 'node') = (node_id IS NOT NULL)),
  CHECK (dead_since_ms IS NULL OR kind = 'node')
) STRICT;
CREATE INDEX state_paths_by_topology ON state_paths (topology, path);
CREATE TABLE state_labels (
  path TEXT NOT NULL REFERENCES state_paths (path) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (path, key)
) STRICT, WITHOUT ROWID;
)sql",
    // Desired states of tasks whose formation has not committed yet, by task.
    "CREATE TABLE staged (task TEXT PRIMARY KEY, name TEXT NOT NULL, spec BLOB NOT NULL) STRICT",
    // Who owns each topology name (the principal that first mutated it; CURVE systems only).
    // Not tied to `topologies`: a name is claimed when its first task starts, before it forms.
    "CREATE TABLE owners (topology TEXT PRIMARY KEY, owner TEXT NOT NULL) STRICT",
};

Status no_topology(std::string_view name) {
  return Status::not_found("no topology " + model::quote(name) + " is stored");
}

// One element of a topology, as a row of state_paths with its labels.
struct PathRow {
  std::string path;
  const char* kind;
  std::string region;
  std::string cluster;
  std::string node_id;  // empty unless kind is "node"
  const model::Labels* labels;
};

Status not_a_name(std::string_view what, std::string_view name) {
  return Status::rejected(std::string(what) + " " + model::quote(name) + " is not a name of " +
                          std::string(model::kNameRule));
}

// The rows of `spec`, parents before children, after checking the rules the paths rest on.
Status path_rows(const model::TopologySpec& spec, std::vector<PathRow>* rows) {
  if (!model::is_name(spec.name)) return not_a_name("topology name", spec.name);
  rows->push_back({spec.name, "topology", "", "", "", &spec.labels});
  std::set<std::string> paths{spec.name};
  std::map<std::string, std::string> cluster_of_node;
  for (const model::RegionSpec& region : spec.regions) {
    if (!model::is_name(region.name)) return not_a_name("region name", region.name);
    const std::string region_path = spec.name + "/" + region.name;
    if (!paths.insert(region_path).second)
      return Status::rejected("path " + model::quote(region_path) + " is given twice");
    rows->push_back({region_path, "region", region.name, "", "", &region.labels});
    for (const model::ClusterSpec& cluster : region.clusters) {
      if (!model::is_name(cluster.name)) return not_a_name("cluster name", cluster.name);
      const std::string cluster_path = region_path + "/" + cluster.name;
      if (!paths.insert(cluster_path).second) {
        return Status::rejected("path " + model::quote(cluster_path) + " is given twice");
      }
      rows->push_back({cluster_path, "cluster", region.name, cluster.name, "", &cluster.labels});
      for (const model::NodeSpec& node : cluster.nodes) {
        if (!model::is_name(node.id)) return not_a_name("node id", node.id);
        const auto [first, inserted] = cluster_of_node.emplace(node.id, cluster_path);
        if (!inserted) {
          return Status::rejected("node " + model::quote(node.id) + " is in both " +
                                  model::quote(first->second) + " and " + model::quote(cluster_path));
        }
        const std::string node_path = cluster_path + "/" + node.id;
        paths.insert(node_path);
        rows->push_back({node_path, "node", region.name, cluster.name, node.id, &node.labels});
      }
    }
  }
  return Status::success();
}

// Runs `statement` to the end, calling `row` for each row.
template <typename Row>
Status each_row(Statement& statement, Row row) {
  for (bool has_row = true;;) {
    Status s = statement.step(&has_row);
    if (!s.ok() || !has_row) return s;
    row(statement);
  }
}

}  // namespace

Status StateStore::open(Database* db, std::unique_ptr<StateStore>* out) {
  out->reset();
  Status s = db->migrate("state", kMigrations);
  if (!s.ok()) return s;
  out->reset(new StateStore(db));
  return Status::success();
}

Status StateStore::check(const model::TopologySpec& spec, model::MutationCheck* out) {
  std::string stored;
  Status s = fingerprint_of(spec.name, &stored);
  if (s.is_not_found()) {
    *out = model::MutationCheck::kNew;
    return Status::success();
  }
  if (!s.ok()) return s;
  *out = stored == model::fingerprint(spec) ? model::MutationCheck::kAlreadyFormed
                                            : model::MutationCheck::kReplaces;
  return Status::success();
}

Status StateStore::replace_topology(const model::TopologySpec& spec, std::string_view fingerprint) {
  const std::string own = model::fingerprint(spec);
  if (fingerprint != own) {
    return Status::rejected("the fingerprint given for topology " + model::quote(spec.name) +
                            " is not its own: given " + model::quote(fingerprint) + ", computed " +
                            model::quote(own));
  }
  std::vector<PathRow> rows;
  Status s = path_rows(spec, &rows);
  if (!s.ok()) return s;
  return db_->transaction([&]() -> Status {
    Statement elsewhere;
    Status s = db_->prepare(
        "SELECT topology, region, cluster FROM state_paths WHERE node_id = ?1 AND topology != ?2",
        &elsewhere);
    if (!s.ok()) return s;
    for (const PathRow& row : rows) {
      if (row.node_id.empty()) continue;
      elsewhere.reset();
      elsewhere.bind_text(1, row.node_id).bind_text(2, spec.name);
      bool found = false;
      s = elsewhere.step(&found);
      if (!s.ok()) return s;
      if (found) {
        const ClusterPath taken{elsewhere.column_text(0), elsewhere.column_text(1), elsewhere.column_text(2)};
        return Status::rejected("node " + model::quote(row.node_id) + " is already in cluster " +
                                model::quote(taken.to_string()) + " of topology " +
                                model::quote(taken.topology));
      }
    }
    Statement erase;
    s = db_->prepare("DELETE FROM topologies WHERE name = ?1", &erase);
    if (!s.ok()) return s;
    erase.bind_text(1, spec.name);
    s = erase.run();
    if (!s.ok()) return s;

    Statement topology;
    s = db_->prepare("INSERT INTO topologies (name, fingerprint, spec) VALUES (?1, ?2, ?3)", &topology);
    if (!s.ok()) return s;
    topology.bind_text(1, spec.name).bind_text(2, own).bind_blob(3, encode_topology(spec));
    s = topology.run();
    if (!s.ok()) return s;

    Statement path;
    Statement label;
    s = db_->prepare(
        "INSERT INTO state_paths (path, topology, kind, region, cluster, node_id)"
        " VALUES (?1, ?2, ?3, NULLIF(?4, ''), NULLIF(?5, ''), NULLIF(?6, ''))",
        &path);
    if (s.ok()) s = db_->prepare("INSERT INTO state_labels (path, key, value) VALUES (?1, ?2, ?3)", &label);
    if (!s.ok()) return s;
    for (const PathRow& row : rows) {
      path.reset();
      path.bind_text(1, row.path).bind_text(2, spec.name).bind_text(3, row.kind);
      path.bind_text(4, row.region).bind_text(5, row.cluster).bind_text(6, row.node_id);
      s = path.run();
      if (!s.ok()) return s;
      for (const auto& [key, value] : *row.labels) {
        label.reset();
        label.bind_text(1, row.path).bind_text(2, key).bind_text(3, value);
        s = label.run();
        if (!s.ok()) return s;
      }
    }
    return Status::success();
  });
}

Status StateStore::stage(std::string_view task, const model::TopologySpec& spec) {
  if (!model::is_name(task)) return not_a_name("task id", task);
  std::vector<PathRow> rows;
  Status s = path_rows(spec, &rows);
  if (!s.ok()) return s;
  Statement insert;
  s = db_->prepare("INSERT OR REPLACE INTO staged (task, name, spec) VALUES (?1, ?2, ?3)", &insert);
  if (!s.ok()) return s;
  insert.bind_text(1, task).bind_text(2, spec.name).bind_blob(3, encode_topology(spec));
  return insert.run();
}

Status StateStore::staged(std::string_view task, model::TopologySpec* out) {
  Statement read;
  Status s = db_->prepare("SELECT spec FROM staged WHERE task = ?1", &read);
  if (!s.ok()) return s;
  read.bind_text(1, task);
  bool found = false;
  if (s = read.step(&found); !s.ok()) return s;
  if (!found) return Status::not_found("task " + model::quote(task) + " has no staged topology");
  std::string error;
  if (!decode_topology(read.column_blob(0), out, &error)) {
    return Status::corruption(db_->path() + ": the staged spec of task " + model::quote(task) +
                              " does not decode: " + error);
  }
  return Status::success();
}

Status StateStore::commit_staged(std::string_view task, std::string* name) {
  return db_->transaction([&]() -> Status {
    model::TopologySpec spec;
    Status s = staged(task, &spec);
    if (!s.ok()) return s;
    if (s = replace_topology(spec, model::fingerprint(spec)); !s.ok()) return s;
    if (name != nullptr) *name = spec.name;
    return drop_staged(task);
  });
}

Status StateStore::drop_staged(std::string_view task) {
  Statement erase;
  Status s = db_->prepare("DELETE FROM staged WHERE task = ?1", &erase);
  if (!s.ok()) return s;
  erase.bind_text(1, task);
  return erase.run();
}

Status StateStore::owner_of(std::string_view name, std::string* out) {
  Statement read;
  Status s = db_->prepare("SELECT owner FROM owners WHERE topology = ?1", &read);
  if (!s.ok()) return s;
  read.bind_text(1, name);
  bool found = false;
  s = read.step(&found);
  if (!s.ok()) return s;
  if (!found) return Status::not_found("topology " + model::quote(name) + " has no owner");
  *out = read.column_text(0);
  return Status::success();
}

Status StateStore::claim(std::string_view name, std::string_view owner) {
  std::string current;
  Status s = owner_of(name, &current);
  if (s.ok()) {
    if (current == owner) return Status::success();
    return Status::rejected("topology " + model::quote(name) + " belongs to " + current);
  }
  if (!s.is_not_found()) return s;
  Statement insert;
  s = db_->prepare("INSERT INTO owners (topology, owner) VALUES (?1, ?2)", &insert);
  if (!s.ok()) return s;
  insert.bind_text(1, name).bind_text(2, owner);
  return insert.run();
}

Status StateStore::fingerprint_of(std::string_view name, std::string* out) {
  Statement read;
  Status s = db_->prepare("SELECT fingerprint FROM topologies WHERE name = ?1", &read);
  if (!s.ok()) return s;
  read.bind_text(1, name);
  bool found = false;
  s = read.step(&found);
  if (!s.ok()) return s;
  if (!found) return no_topology(name);
  *out = read.column_text(0);
  return Status::success();
}

Status StateStore::get(std::string_view name, StoredTopology* out) {
  Statement read;
  Status s = db_->prepare("SELECT fingerprint, spec FROM topologies WHERE name = ?1", &read);
  if (!s.ok()) return s;
  read.bind_text(1, name);
  bool found = false;
  s = read.step(&found);
  if (!s.ok()) return s;
  if (!found) return no_topology(name);
  out->fingerprint = read.column_text(0);
  std::string error;
  if (!decode_topology(read.column_blob(1), &out->spec, &error)) {
    return Status::corruption(db_->path() + ": the stored spec of topology " + model::quote(name) +
                              " does not decode: " + error);
  }
  // The fingerprint was computed from the spec when it was stored: a mismatch is damage.
  if (out->spec.name != name || model::fingerprint(out->spec) != out->fingerprint) {
    return Status::corruption(db_->path() + ": the stored spec of topology " + model::quote(name) +
                              " does not match its name and fingerprint");
  }
  return Status::success();
}

Status StateStore::remove(std::string_view name) {
  Statement erase;
  Status s = db_->prepare("DELETE FROM topologies WHERE name = ?1", &erase);
  if (!s.ok()) return s;
  erase.bind_text(1, name);
  s = erase.run();
  if (!s.ok()) return s;
  return db_->changes() == 0 ? no_topology(name) : Status::success();
}

Status StateStore::matching(const model::Selector& selector, model::MatchMode mode,
                            std::vector<std::pair<std::string, model::Labels>>* out) {
  out->clear();
  Statement read;
  Status s = db_->prepare(
      "SELECT p.topology, l.key, l.value FROM state_paths p LEFT JOIN state_labels l ON l.path = p.path"
      " WHERE p.kind = 'topology' ORDER BY p.topology, l.key",
      &read);
  if (!s.ok()) return s;
  std::vector<std::pair<std::string, model::Labels>> all;
  s = each_row(read, [&](Statement& row) {
    std::string name = row.column_text(0);
    if (all.empty() || all.back().first != name) all.emplace_back(std::move(name), model::Labels());
    if (!row.column_is_null(1)) all.back().second[row.column_text(1)] = row.column_text(2);
  });
  if (!s.ok()) return s;
  for (auto& topology : all) {
    if (model::matches(selector, topology.second, mode)) out->push_back(std::move(topology));
  }
  return Status::success();
}

Status StateStore::list(const model::Selector& selector, model::MatchMode mode,
                        std::vector<TopologyBrief>* out) {
  std::vector<TopologyBrief> briefs;
  Status s = db_->transaction([&]() -> Status {  // one snapshot for both reads
    std::vector<std::pair<std::string, model::Labels>> chosen;
    Status s = matching(selector, mode, &chosen);
    if (!s.ok()) return s;
    Statement counts;
    s = db_->prepare(
        "SELECT t.fingerprint, sum(p.kind = 'region'), sum(p.kind = 'cluster'), sum(p.kind = 'node'),"
        " sum(p.dead_since_ms IS NOT NULL)"
        " FROM topologies t JOIN state_paths p ON p.topology = t.name WHERE t.name = ?1",
        &counts);
    if (!s.ok()) return s;
    for (auto& [name, labels] : chosen) {
      counts.reset();
      counts.bind_text(1, name);
      bool found = false;
      s = counts.step(&found);
      if (!s.ok()) return s;
      TopologyBrief brief;
      brief.name = name;
      brief.labels = std::move(labels);
      brief.fingerprint = counts.column_text(0);
      brief.regions = static_cast<std::size_t>(counts.column_int(1));
      brief.clusters = static_cast<std::size_t>(counts.column_int(2));
      brief.nodes = static_cast<std::size_t>(counts.column_int(3));
      brief.dead_nodes = static_cast<std::size_t>(counts.column_int(4));
      briefs.push_back(std::move(brief));
    }
    return Status::success();
  });
  if (s.ok()) *out = std::move(briefs);
  return s;
}

Status StateStore::list_detail(const model::Selector& selector, model::MatchMode mode,
                               std::vector<TopologyDetail>* out) {
  std::vector<TopologyDetail> details;
  Status s = db_->transaction([&]() -> Status {
    std::vector<std::pair<std::string, model::Labels>> chosen;
    Status s = matching(selector, mode, &chosen);
    if (!s.ok()) return s;
    for (const auto& topology : chosen) {
      TopologyDetail detail;
      s = get(topology.first, &detail.topology);
      if (s.ok()) s = formed_nodes(topology.first, /*dead_only=*/false, &detail.nodes);
      if (!s.ok()) return s;
      details.push_back(std::move(detail));
    }
    return Status::success();
  });
  if (s.ok()) *out = std::move(details);
  return s;
}

Status StateStore::formed_nodes(std::string_view topology, bool dead_only, std::vector<FormedNode>* out) {
  out->clear();
  Statement read;
  Status s = db_->prepare(
      "SELECT node_id, topology, region, cluster, dead_since_ms FROM state_paths WHERE kind = 'node'"
      " AND (?1 = '' OR topology = ?1) AND (?2 = 0 OR dead_since_ms IS NOT NULL) ORDER BY path",
      &read);
  if (!s.ok()) return s;
  read.bind_text(1, topology).bind_int(2, dead_only ? 1 : 0);
  return each_row(read, [&](Statement& row) {
    FormedNode node{
        row.column_text(0), {row.column_text(1), row.column_text(2), row.column_text(3)}, std::nullopt};
    if (!row.column_is_null(4)) node.dead_since = from_millis(row.column_int(4));
    out->push_back(std::move(node));
  });
}

Status StateStore::mark_node_dead(std::string_view id, Time now) {
  Statement update;
  Status s = db_->prepare(
      "UPDATE state_paths SET dead_since_ms = coalesce(dead_since_ms, ?2) WHERE node_id = ?1", &update);
  if (!s.ok()) return s;
  update.bind_text(1, id).bind_int(2, to_millis(now));
  s = update.run();
  if (!s.ok()) return s;
  return db_->changes() == 0 ? Status::not_found("node " + model::quote(id) + " is in no formed cluster")
                             : Status::success();
}

Status StateStore::mark_node_alive(std::string_view id) {
  Statement update;
  Status s = db_->prepare("UPDATE state_paths SET dead_since_ms = NULL WHERE node_id = ?1", &update);
  if (!s.ok()) return s;
  update.bind_text(1, id);
  s = update.run();
  if (!s.ok()) return s;
  return db_->changes() == 0 ? Status::not_found("node " + model::quote(id) + " is in no formed cluster")
                             : Status::success();
}

Status StateStore::dead_nodes(std::vector<FormedNode>* out) {
  return formed_nodes("", /*dead_only=*/true, out);
}

}  // namespace c12s::store
