# Included by the top-level CMakeLists.txt when GTYPE_FUZZ is on, before any library: every
# target of the build gets libFuzzer's coverage, AddressSanitizer and UndefinedBehaviorSanitizer
# (a report of either ends the run, so the fuzzer sees it as a crash). Use a build folder of its
# own (tests/fuzz/run.sh makes build-fuzz), configured with clang.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "GTYPE_FUZZ needs clang (libFuzzer): configure with CXX=clang++")
endif()
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
                    -fno-omit-frame-pointer -g)
add_link_options(-fsanitize=address,undefined)

# ANTLR 4.9's runtime headers do not compile with clang: Vocabulary's defaulted constructor
# leaves const std::vector members default-initialised, which clang rejects (GCC takes it). The
# fuzz build reads a copy of the headers, first on every include path, where that constructor
# value-initialises them instead: the same object, so the library's ABI does not change.
find_path(ANTLR4_HEADERS antlr4-runtime.h PATH_SUFFIXES antlr4-runtime REQUIRED)
set(GTYPE_FUZZ_ANTLR_HEADERS ${CMAKE_BINARY_DIR}/fuzz-antlr4-headers)
file(COPY ${ANTLR4_HEADERS}/ DESTINATION ${GTYPE_FUZZ_ANTLR_HEADERS}/antlr4-runtime)
file(READ ${GTYPE_FUZZ_ANTLR_HEADERS}/antlr4-runtime/Vocabulary.h vocabulary)
string(REPLACE "Vocabulary() = default;" "Vocabulary() : _literalNames(), _symbolicNames(), _displayNames() {}"
       vocabulary "${vocabulary}")
file(WRITE ${GTYPE_FUZZ_ANTLR_HEADERS}/antlr4-runtime/Vocabulary.h "${vocabulary}")
include_directories(BEFORE SYSTEM ${GTYPE_FUZZ_ANTLR_HEADERS}/antlr4-runtime)
