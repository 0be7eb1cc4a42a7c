// A main for a fuzz target outside the fuzz build (any compiler, no libFuzzer): runs the target
// once on every file named, or found under the folders named. The normal test suite runs each
// target this way on its corpus (tests/fuzz/corpus/<target>/, the minimised crashers found so
// far) and its seeds, so that a crasher, once fixed, stays fixed.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

// A folder's README, or a dot file keeping an empty folder in git: not an input.
bool is_note(const fs::path& path) {
  const std::string name = path.filename().string();
  return name == "README" || name.starts_with('.');
}

void run_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::fprintf(stderr, "running %s (%zu bytes)\n", path.c_str(), bytes.size());
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t ran = 0;
  for (int i = 1; i < argc; ++i) {
    const fs::path path = argv[i];
    if (fs::is_directory(path)) {
      std::vector<fs::path> files;  // sorted: the same order on every run
      for (const fs::directory_entry& entry : fs::recursive_directory_iterator(path))
        if (entry.is_regular_file() && !is_note(entry.path())) files.push_back(entry.path());
      std::sort(files.begin(), files.end());
      for (const fs::path& file : files) run_file(file), ++ran;
    } else if (fs::is_regular_file(path)) {
      run_file(path), ++ran;
    } else {
      std::fprintf(stderr, "%s: no such file or folder\n", path.c_str());
      return 1;
    }
  }
  std::printf("ran %zu inputs\n", ran);
  return 0;
}
