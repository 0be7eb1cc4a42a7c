// Where the test data is, and reading it. C12S_MODEL_TEST_DATA comes from CMakeLists.txt.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace c12s::model::testing {

inline std::string data_path(const std::string& relative) {
  return std::string(C12S_MODEL_TEST_DATA) + "/" + relative;
}

inline std::string read_data(const std::string& relative) {
  std::ifstream in(data_path(relative), std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace c12s::model::testing
