// JSON of generated sorts (gtype/gen/json.h): what a sort reads as, that it reads back to the
// same value (and to the same msgpack), and that JSON which is not the sort is refused, saying
// why. The sorts are those of samples.gtype: every built-in, lists, maps, optionals, records.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <string>

#include <gtype/gen/json.h>

#include "codegen_samples.h"

namespace draw = gtype_gen::draw;

namespace {

draw::Shape sample_shape() {
  draw::Shape shape;
  shape.name = "tri \"angle\"\n";
  shape.points = {draw::Point{0, 0}, draw::Point{1.5, -2}};
  shape.tags = {{"b", "2"}, {"a", "1"}};
  shape.note = std::nullopt;
  shape.blob = {0, 255, 7};
  shape.sides = 3;
  shape.closed = true;
  shape.origin = draw::Point{0.25, 0.5};
  return shape;
}

TEST(Json, ASortIsAnObjectInDeclarationOrder) {
  EXPECT_EQ(gtype::gen::to_json_text(sample_shape()),
            R"({"name":"tri \"angle\"\n","points":[{"x":0.0,"y":0.0},{"x":1.5,"y":-2.0}],)"
            R"("tags":{"a":"1","b":"2"},"note":null,"blob":[0,255,7],"sides":3,"closed":true,)"
            R"("origin":{"x":0.25,"y":0.5}})");
}

TEST(Json, ReadsBackToTheSameValueAndTheSameMsgpack) {
  const draw::Shape shape = sample_shape();
  gtype::Result<draw::Shape> back =
      gtype::gen::from_json_text<draw::Shape>(gtype::gen::to_json_text(shape, 2));
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(*back, shape);
  EXPECT_EQ(gtype::gen::pack_payload(*back), gtype::gen::pack_payload(shape));
}

TEST(Json, TextThatIsNotUtf8ShowsAsReplacementCharacters) {
  draw::Shape shape;
  shape.name = std::string("a\x97") + "b";
  const std::string json = gtype::gen::to_json_text(shape);
  EXPECT_NE(json.find("\"name\":\"a\xEF\xBF\xBD"
                      "b\""),
            std::string::npos)
      << json;
}

TEST(Json, RefusesWhatIsNotTheSort) {
  const std::string good = R"({"x":1,"y":2})";
  ASSERT_TRUE(gtype::gen::from_json_text<draw::Point>(good).ok());
  struct Case {
    std::string text;
    std::string says;
  };
  for (const Case& c : {
           Case{R"({"x":1})", "field 'y' is missing"},
           Case{R"({"x":1,"y":2,"z":3})", "unknown field 'z'"},
           Case{R"({"x":"1","y":2})", "a double must be a number, not string"},
           Case{R"([1,2])", "a sort must be a JSON object"},
           Case{R"({"x":1,"y":2)", "parse error"},
           Case{"", "parse error"},
       }) {
    gtype::Result<draw::Point> point = gtype::gen::from_json_text<draw::Point>(c.text);
    ASSERT_FALSE(point.ok()) << c.text;
    EXPECT_EQ(point.error().code(), gtype::StatusCode::kConfig);
    EXPECT_NE(point.error().message().find(c.says), std::string::npos)
        << c.text << ": " << point.error().message();
  }
  // Nested: a record inside a list inside a record, with a field missing.
  EXPECT_FALSE(
      gtype::gen::from_json_text<draw::Shape>(
          R"({"name":"","points":[{"x":0}],"tags":{},"note":null,"blob":[],"sides":0,"closed":false,)"
          R"("origin":null})")
          .ok());
  // A byte out of range and a negative uint are not their sorts.
  draw::Shape shape = sample_shape();
  nlohmann::ordered_json json = shape;
  json["blob"] = {256};
  EXPECT_FALSE(gtype::gen::from_json_text<draw::Shape>(json.dump()).ok());
  json = shape;
  json["sides"] = -1;
  EXPECT_FALSE(gtype::gen::from_json_text<draw::Shape>(json.dump()).ok());
}

}  // namespace

namespace {

// Text in UTF-8 (JSON's strings are Unicode), any code point but the surrogates: control
// characters, quotes and backslashes included.
rc::Gen<std::string> utf8_text() {
  auto code_point = rc::gen::suchThat(rc::gen::inRange<std::uint32_t>(0, 0x110000),
                                      [](std::uint32_t c) { return c < 0xD800 || c > 0xDFFF; });
  return rc::gen::map(rc::gen::container<std::vector<std::uint32_t>>(code_point),
                      [](const std::vector<std::uint32_t>& text) {
                        std::string out;
                        for (std::uint32_t c : text) {
                          if (c < 0x80) {
                            out += static_cast<char>(c);
                          } else if (c < 0x800) {
                            out += static_cast<char>(0xC0 | (c >> 6));
                            out += static_cast<char>(0x80 | (c & 0x3F));
                          } else if (c < 0x10000) {
                            out += static_cast<char>(0xE0 | (c >> 12));
                            out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
                            out += static_cast<char>(0x80 | (c & 0x3F));
                          } else {
                            out += static_cast<char>(0xF0 | (c >> 18));
                            out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
                            out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
                            out += static_cast<char>(0x80 | (c & 0x3F));
                          }
                        }
                        return out;
                      });
}

// Any Shape with UTF-8 text and finite doubles (JSON has no others) reads back from its JSON
// as itself.
rc::Gen<draw::Point> arbitrary_point() {
  auto finite = rc::gen::map(rc::gen::arbitrary<std::int32_t>(), [](std::int32_t n) { return n / 8.0; });
  return rc::gen::build<draw::Point>(rc::gen::set(&draw::Point::x, finite),
                                     rc::gen::set(&draw::Point::y, finite));
}

RC_GTEST_PROP(JsonProperties, AnyShapeReadsBackAsItself, ()) {
  draw::Shape shape;
  shape.name = *utf8_text();
  shape.points = *rc::gen::container<std::vector<draw::Point>>(arbitrary_point());
  shape.tags = *rc::gen::container<std::map<std::string, std::string>>(utf8_text(), utf8_text());
  if (*rc::gen::arbitrary<bool>()) shape.note = *utf8_text();
  shape.blob = *rc::gen::arbitrary<std::vector<std::uint8_t>>();
  shape.sides = *rc::gen::arbitrary<std::uint64_t>();
  shape.closed = *rc::gen::arbitrary<bool>();
  if (*rc::gen::arbitrary<bool>()) shape.origin = *arbitrary_point();
  gtype::Result<draw::Shape> back = gtype::gen::from_json_text<draw::Shape>(gtype::gen::to_json_text(shape));
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == shape);
}

}  // namespace
