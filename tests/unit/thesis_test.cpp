// The projections of the four protocols of protocols/ equal the thesis's local types
// (section 4.6), as transcribed in tests/thesis/ with our payload names and documented mends.
#include <gtest/gtest.h>

#include "gtype/frontend.h"
#include "gtype/print.h"

namespace {

struct ThesisCase {
  const char* protocol_file;
  const char* thesis_file;
};

class ThesisProjection : public testing::TestWithParam<ThesisCase> {};

TEST_P(ThesisProjection, EqualsTheThesisLocalTypes) {
  const ThesisCase c = GetParam();
  gtype::SourceManager sources;
  gtype::DiagnosticEngine diagnostics(sources);
  gtype::FrontendResult protocol;
  ASSERT_TRUE(
      gtype::analyze_file(std::string(SOURCE_DIR) + "/" + c.protocol_file, sources, diagnostics, protocol)
          .ok());
  gtype::FrontendResult thesis;
  ASSERT_TRUE(
      gtype::analyze_file(std::string(SOURCE_DIR) + "/" + c.thesis_file, sources, diagnostics, thesis).ok());
  std::ostringstream errors;
  diagnostics.print(errors);
  ASSERT_FALSE(diagnostics.has_errors()) << errors.str();

  ASSERT_EQ(protocol.projections.size(), 1u);
  ASSERT_EQ(thesis.program.files.front().local_systems.size(), 1u);
  const auto& projected = protocol.projections.front().roles;
  const auto& expected = thesis.program.files.front().local_systems.front().roles;
  ASSERT_EQ(projected.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(projected[i].role, expected[i].role.text);
    EXPECT_TRUE(gtype::same_local_type(*projected[i].type, *expected[i].type))
        << "role " << expected[i].role.text << "\n  projected: " << gtype::print_local_type(*projected[i].type)
        << "\n  thesis:    " << gtype::print_local_type(*expected[i].type);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Thesis, ThesisProjection,
    testing::Values(ThesisCase{"protocols/health_check.gtype", "tests/thesis/health_check.gtype"},
                    ThesisCase{"protocols/cluster_formation.gtype", "tests/thesis/cluster_formation.gtype"},
                    ThesisCase{"protocols/idempotency_check.gtype", "tests/thesis/idempotency_check.gtype"},
                    ThesisCase{"protocols/list_detail.gtype", "tests/thesis/list_detail.gtype"}),
    [](const testing::TestParamInfo<ThesisCase>& info) {
      std::string name = info.param.protocol_file;
      name = name.substr(name.find('/') + 1);
      return name.substr(0, name.find('.'));
    });

}  // namespace
