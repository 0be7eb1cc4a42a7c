// The code of the golden cases of `gtype gen` (tests/golden/gen/*.gtype that generate code) and
// of corners.gtype compiles, under the same strict warnings as compile_test.cpp: the expected
// outputs there are not only stable, they build. Running it does nothing.
#include "codegen_golden.h"

int main() { return 0; }
