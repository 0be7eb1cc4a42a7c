// The log service: records what tasks and services did (thesis 5.1.6, 5.2.2) and answers the
// user's queries by task id or by labels. It serves `log` in HealthCheck, ClusterFormation,
// IdempotencyCheck, ListDetail, Formation, TaskLog and LogsQuery.
//
// Records go to the log store (store/log_store.h) under one mutex; a TaskLog record is
// acknowledged (`stored`) only once appended, and a record that cannot be appended fails its
// session. Health checks come every few seconds from every node: only a node's first one and
// a change of its status are recorded. The task of a record that comes at the end of a
// thesis protocol (`done`, `succ`, `err`) is that session's id, which is the task's id
// (docs/control-plane.md).
//
// Not here: retention (kept_records bounds the store), and what other services choose to log.
#include <algorithm>
#include <cstdio>
#include <map>
#include <mutex>

#include <cluster_formation/log.h>
#include <formation/log.h>
#include <health_check/log.h>
#include <idempotency_check/log.h>
#include <list_detail/log.h>
#include <logs_query/log.h>
#include <task_log/log.h>

#include "c12s/services/convert.h"
#include "c12s/services/services.h"
#include "c12s/store/log_store.h"
#include "serving.h"

namespace c12s::services {
namespace {

namespace rt = gtype::rt;
namespace hc = gtype_gen::health_check::log;
namespace cf = gtype_gen::cluster_formation::log;
namespace ic = gtype_gen::idempotency_check::log;
namespace ld = gtype_gen::list_detail::log;
namespace fm = gtype_gen::formation::log;
namespace tl = gtype_gen::task_log::log;
namespace lq = gtype_gen::logs_query::log;

constexpr std::size_t kKeptRecords = 1'000'000;  // the store is trimmed to this many

struct Log {
  std::mutex mutex;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<store::LogStore> records;
  std::map<std::string, std::string> node_status;  // the last status recorded per node
  std::size_t appended = 0;

  // Appends a record now; requires the mutex.
  gtype::Status append(std::string task, store::LogLevel level, model::Labels labels, std::string message) {
    store::LogRecord record;
    record.task = std::move(task);
    record.at = now_millis();
    record.level = level;
    record.labels = std::move(labels);
    record.message = std::move(message);
    gtype::Status status = records->append(record);
    if (status.ok() && ++appended % 10'000 == 0) status = records->trim(kKeptRecords);
    return status;
  }
  // For the records the thesis's protocols end with: a failure is reported, nobody to tell.
  void note(std::string task, store::LogLevel level, model::Labels labels, std::string message) {
    std::lock_guard lock(mutex);
    if (gtype::Status status = append(std::move(task), level, std::move(labels), std::move(message));
        !status.ok())
      system::log_error("cannot record: " + status.to_string());
  }
};

class HealthCheckLog final : public hc::Handler {
 public:
  explicit HealthCheckLog(Log& log) : log_(log) {}
  void on_used(const sorts::NodeStatus& node) override { record(node); }
  void on_free(const sorts::NodeStatus& node) override { record(node); }

 private:
  void record(const sorts::NodeStatus& node) {
    {
      std::lock_guard lock(log_.mutex);
      auto [it, first] = log_.node_status.try_emplace(node.id, node.status);
      if (!first && it->second == node.status) return;
      it->second = node.status;
    }
    log_.note("", store::LogLevel::kInfo, {{"service", "nodes"}, {"node", node.id}, {"status", node.status}},
              "node " + node.id + " (" + node.name + ") is " + node.status);
  }
  Log& log_;
};

class ClusterFormationLog final : public cf::Handler {
 public:
  explicit ClusterFormationLog(Log& log) : log_(log) {}
  void on_succ() override {
    log_.note(task_id(session()), store::LogLevel::kInfo, {{"service", "state"}, {"state", "CREATED"}},
              "cluster formation succeeded");
  }
  void on_err(const std::string& why) override {
    log_.note(task_id(session()), store::LogLevel::kError, {{"service", "state"}, {"state", "FAILED"}},
              "cluster formation failed: " + why);
  }

 private:
  Log& log_;
};

class IdempotencyCheckLog final : public ic::Handler {
 public:
  explicit IdempotencyCheckLog(Log& log) : log_(log) {}
  void on_done(const std::string& message) override {
    log_.note(task_id(session()), store::LogLevel::kInfo, {{"service", "state"}, {"state", "EXISTS"}},
              message);
  }

 private:
  Log& log_;
};

class ListDetailLog final : public ld::Handler {
 public:
  explicit ListDetailLog(Log& log) : log_(log) {}
  void on_detail(const sorts::ListDetailView& view) override {
    log_.note(task_id(session()), store::LogLevel::kDebug, {{"service", "state"}, {"operation", "list"}},
              "list --detail: " + std::to_string(view.clusters.size()) + " clusters");
  }
  void on_brief(const sorts::ListBriefView& view) override {
    log_.note(task_id(session()), store::LogLevel::kDebug, {{"service", "state"}, {"operation", "list"}},
              "list: " + std::to_string(view.topologies.size()) + " topologies");
  }

 private:
  Log& log_;
};

class FormationLog final : public fm::Handler {
 public:
  explicit FormationLog(Log& log) : log_(log) {}
  void on_succ(const sorts::TaskId& task) override {
    log_.note(task.id, store::LogLevel::kInfo, {{"service", "state"}, {"state", "CREATED"}},
              "the topology is formed");
  }
  void on_err(const sorts::TaskFailure& failure) override {
    std::string released;
    for (const std::string& id : failure.released) released += (released.empty() ? "" : ", ") + id;
    log_.note(failure.task.id, store::LogLevel::kError, {{"service", "state"}, {"state", "FAILED"}},
              "formation failed: " + failure.reason +
                  (released.empty() ? std::string() : "; reservations released: " + released));
  }

 private:
  Log& log_;
};

// A reporter writes for itself only (with CURVE): a service's records carry its own name as
// `service`; a daemon's are its SWIM events (service=daemon, node=its id), of no task.
std::string foreign_record(const std::string& principal, const sorts::LogRecord& record) {
  if (principal.empty()) return "";
  auto label = [&](const char* key) {
    auto it = record.labels.find(key);
    return it == record.labels.end() ? std::string() : it->second;
  };
  const std::string name = principal.substr(principal.find(':') + 1);
  if (principal.rfind("service:", 0) == 0) {
    if (label("service") == name) return "";
    return "a record of service '" + label("service") + "'";
  }
  if (principal.rfind("node:", 0) == 0 && label("service") == "daemon" && label("node") == name &&
      record.task.empty())
    return "";
  return "a record of service '" + label("service") + "', node '" + label("node") + "', task '" +
         record.task + "'";
}

class TaskLogLog final : public tl::Handler {
 public:
  TaskLogLog(Log& log, std::string principal) : log_(log), principal_(std::move(principal)) {}
  // Appended before `stored` goes back: an acknowledged record is durable.
  void on_record(const sorts::LogRecord& record) override {
    if (std::string foreign = foreign_record(principal_, record); !foreign.empty()) {
      log_refusal("log", principal_, foreign);
      return fail(principal_ + " may not write " + foreign);
    }
    store::LogLevel level = store::LogLevel::kInfo;
    if (record.level == "debug") level = store::LogLevel::kDebug;
    if (record.level == "warning") level = store::LogLevel::kWarning;
    if (record.level == "error") level = store::LogLevel::kError;
    std::lock_guard lock(log_.mutex);
    gtype::Status status = log_.append(
        record.task, level, model::Labels(record.labels.begin(), record.labels.end()), record.message);
    if (!status.ok()) fail("cannot record: " + status.to_string());
  }

 private:
  Log& log_;
  const std::string principal_;  // the reporter's (empty: plaintext)
};

sorts::LogRecord to_sort(const store::LogRecord& record) {
  return sorts::LogRecord{record.task, store::to_millis(record.at), store::log_level_name(record.level),
                          std::map<std::string, std::string>(record.labels.begin(), record.labels.end()),
                          record.message};
}

// A user (with CURVE) reads the records of their own topologies' tasks only: those the state
// service labelled with them as `owner`. An admin, or anyone on a plaintext system, reads all.
class LogsQueryLog final : public lq::Handler {
 public:
  LogsQueryLog(Log& log, std::string principal)
      : log_(log), owner_(principal.rfind("admin:", 0) == 0 ? std::string() : std::move(principal)) {}
  void on_get(const sorts::TaskId& task) override {
    std::lock_guard lock(log_.mutex);
    std::vector<store::LogRecord> found;
    gtype::Status status = log_.records->by_task(task.id, &found);
    if (!owner_.empty()) {
      std::erase_if(found, [&](const store::LogRecord& record) {
        auto owner = record.labels.find("owner");
        return owner == record.labels.end() || owner->second != owner_;
      });
    }
    answer(status, found);
  }
  void on_list(const sorts::LogsFilter& given) override {
    std::lock_guard lock(log_.mutex);
    std::vector<store::LogRecord> found;
    sorts::LogsFilter filter = given;
    if (!owner_.empty()) filter.selector.labels["owner"] = owner_;
    const std::size_t limit = filter.limit == 0 ? kKeptRecords : static_cast<std::size_t>(filter.limit);
    gtype::Status status = log_.records->list(filter.selector, model::MatchMode::kSubset, limit, &found);
    std::reverse(found.begin(), found.end());  // LogRecords is oldest first
    answer(status, found);
  }
  gtype::Result<sorts::LogRecords> choose_records() override { return records_; }

 private:
  void answer(const gtype::Status& status, const std::vector<store::LogRecord>& found) {
    if (!status.ok()) return fail("logs: " + status.to_string());
    for (const store::LogRecord& record : found) records_.records.push_back(to_sort(record));
  }

  Log& log_;
  const std::string owner_;  // whose records it may read; empty: all
  sorts::LogRecords records_;
};

}  // namespace

gtype::Status run_log(const system::SystemMap& map, const system::Network& network,
                      const std::atomic<bool>& stop) {
  Log log;
  if (gtype::Status opened = open_store(map, "log", &log.db); !opened.ok()) return opened;
  if (gtype::Status s = store::LogStore::open(log.db.get(), &log.records); !s.ok()) return s;
  system::Host host;
  Served served;
  served.add<hc::Role>(host, map, network, "HealthCheck", "log",
                       per_session([&] { return std::make_unique<HealthCheckLog>(log); }));
  served.add<cf::Role>(host, map, network, "ClusterFormation", "log",
                       per_session([&] { return std::make_unique<ClusterFormationLog>(log); }));
  served.add<ic::Role>(host, map, network, "IdempotencyCheck", "log",
                       per_session([&] { return std::make_unique<IdempotencyCheckLog>(log); }));
  served.add<ld::Role>(host, map, network, "ListDetail", "log",
                       per_session([&] { return std::make_unique<ListDetailLog>(log); }));
  served.add<fm::Role>(host, map, network, "Formation", "log",
                       per_session([&] { return std::make_unique<FormationLog>(log); }));
  served.add<tl::Role>(host, map, network, "TaskLog", "log", [&](const rt::SessionInfo& session) {
    return std::make_unique<TaskLogLog>(log, principal_of(session, "reporter"));
  });
  served.add<lq::Role>(host, map, network, "LogsQuery", "log", [&](const rt::SessionInfo& session) {
    return std::make_unique<LogsQueryLog>(log, principal_of(session, "user"));
  });
  if (!served.status().ok()) return served.status();
  return host.run(stop);
}

}  // namespace c12s::services
