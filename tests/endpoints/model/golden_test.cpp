// Golden error files: every data/{topology,daemon,queue}/bad_*.yaml fails to parse with
// exactly the diagnostics its .expected file holds, so each error message is pinned as text.
// GOLDEN_UPDATE=1 rewrites the .expected files instead; review the diff before keeping it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "c12s/model/daemon_config.h"
#include "c12s/model/queue_config.h"
#include "c12s/model/topology.h"

namespace c12s::model {
namespace {

namespace fs = std::filesystem;

struct GoldenCase {
  std::string kind;  // the folder: which parser reads the file
  fs::path file;
};

// Names the case in gtest's output instead of dumping its bytes.
void PrintTo(const GoldenCase& c, std::ostream* out) { *out << c.kind << "/" << c.file.filename().string(); }

std::vector<GoldenCase> golden_cases() {
  std::vector<GoldenCase> cases;
  for (const char* kind : {"topology", "daemon", "queue"}) {
    std::vector<fs::path> files;
    for (const fs::directory_entry& entry : fs::directory_iterator(fs::path(C12S_MODEL_TEST_DATA) / kind)) {
      if (entry.path().extension() == ".yaml") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());  // directory order is the file system's, not ours
    for (const fs::path& file : files) cases.push_back({kind, file});
  }
  return cases;
}

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The diagnostics of parsing the file, named by its file name alone so that they do not
// depend on where the checkout is; "parsed" if it parsed.
std::string diagnostics_of(const GoldenCase& c) {
  const std::string text = read(c.file);
  const std::string name = c.file.filename().string();
  if (c.kind == "topology") {
    const Result<TopologySpec> r = parse_topology(text, name);
    return r.ok() ? "parsed\n" : r.error().message();
  }
  if (c.kind == "daemon") {
    const Result<DaemonConfig> r = parse_daemon_config(text, name);
    return r.ok() ? "parsed\n" : r.error().message();
  }
  const Result<QueueServiceConfig> r = parse_queue_config(text, name);
  return r.ok() ? "parsed\n" : r.error().message();
}

class GoldenErrors : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(GoldenErrors, MatchExpectedText) {
  const GoldenCase& c = GetParam();
  const std::string got = diagnostics_of(c);
  fs::path expected_path = c.file;
  expected_path.replace_extension(".expected");
  if (std::getenv("GOLDEN_UPDATE") != nullptr) {
    std::ofstream(expected_path, std::ios::binary) << got;
    return;
  }
  ASSERT_TRUE(fs::exists(expected_path)) << expected_path << " is missing (run with GOLDEN_UPDATE=1)";
  EXPECT_NE(got, "parsed\n") << c.file << " is meant to be wrong";
  EXPECT_EQ(got, read(expected_path)) << c.file;
}

INSTANTIATE_TEST_SUITE_P(Files, GoldenErrors, ::testing::ValuesIn(golden_cases()),
                         [](const ::testing::TestParamInfo<GoldenCase>& info) {
                           return info.param.kind + "_" + info.param.file.stem().string();
                         });

}  // namespace
}  // namespace c12s::model
