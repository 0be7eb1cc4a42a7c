// The input of the fuzz targets that read .gtype files (frontend, tools).
//
// The front end reads files (imports are relative to the importing file), so the bytes go to a
// file of a private folder, next to a copy of protocols/sorts.gtype that the thesis's protocols
// import.
#pragma once

#include <unistd.h>

#include <cassert>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace gtype_fuzz {

namespace fs = std::filesystem;

// A folder of this process's own, made once, holding sorts.gtype; the input goes to input.gtype.
inline const fs::path& work_folder() {
  static const fs::path folder = [] {
    const fs::path base = fs::exists("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
    fs::path made = base / ("gtype-fuzz-" + std::to_string(::getpid()));
    fs::create_directories(made);
    fs::copy_file(fs::path(SOURCE_DIR) / "protocols" / "sorts.gtype", made / "sorts.gtype",
                  fs::copy_options::overwrite_existing);
    return made;
  }();
  return folder;
}

inline void write_file(const fs::path& path, const std::uint8_t* data, std::size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  assert(out.good());
}

// Writes the fuzzer's bytes where the front end will read them; returns the path.
inline fs::path input_file(const std::uint8_t* data, std::size_t size) {
  const fs::path input = work_folder() / "input.gtype";
  write_file(input, data, size);
  return input;
}

}  // namespace gtype_fuzz
