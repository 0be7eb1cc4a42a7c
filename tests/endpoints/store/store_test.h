// Helpers of the store's tests: a temporary directory removed after the test, opening a
// database in it, assertions on Status, and health checks to record.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "c12s/store/database.h"
#include "c12s/store/node_registry.h"
#include "c12s/store/status.h"

namespace c12s::store::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern =
        std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/c12s-store-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed for " << pattern;
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline ::testing::AssertionResult IsOk(const Status& status) {
  if (status.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << status.to_string();
}

// "m3" from "m" and 3, appended: GCC 12 at -O3 warns (-Wrestrict, wrongly) on "m" + text.
inline std::string numbered(std::string_view prefix, long long number) {
  std::string out(prefix);
  out += std::to_string(number);
  return out;
}

// A health check of node `id` with what the registry keeps of it (the sort's other fields unset).
inline NodeReport node_report(std::string id, std::string name, std::string address, model::Labels labels,
                              Metrics metrics) {
  NodeReport report;
  report.id = std::move(id);
  report.name = std::move(name);
  report.address = std::move(address);
  report.labels = std::move(labels);
  report.metrics = std::move(metrics);
  return report;
}

// Opens (creating) `path`, failing the test if it cannot.
inline std::unique_ptr<Database> open_database(const std::string& path) {
  std::unique_ptr<Database> db;
  const Status s = Database::open(path, &db);
  EXPECT_TRUE(IsOk(s));
  return db;
}

}  // namespace c12s::store::testing
