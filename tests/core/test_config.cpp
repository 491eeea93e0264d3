#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "kolosal/core/config.hpp"
#include "kolosal/core/error.hpp"
#include "kolosal/core/names.hpp"

namespace kolosal {
namespace {

StatusCode CodeOf(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& error) {
    return error.code();
  }
  return StatusCode::kOk;
}

std::string MessageOf(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

TEST(ConfigReader, ReadsTypedValuesWithDefaults) {
  const nlohmann::json config = {{"alpha", 0.5}, {"n_jobs", 4}, {"fit", true}, {"name", "x"}};
  ConfigReader reader(config, "params");
  EXPECT_DOUBLE_EQ(reader.GetDouble("alpha", 1.0, 0.0, 10.0), 0.5);
  EXPECT_EQ(reader.GetInt("n_jobs", 1, 1, 64), 4);
  EXPECT_TRUE(reader.GetBool("fit", false));
  EXPECT_EQ(reader.GetString("name", ""), "x");
  EXPECT_EQ(reader.GetInt("absent", 7, 0, 10), 7);
  EXPECT_NO_THROW(reader.Finish());
}

TEST(ConfigReader, UnknownKeySuggestsTheNearest) {
  const nlohmann::json config = {{"max_iterr", 5}};
  ConfigReader reader(config, "params");
  reader.GetInt("max_iter", 100, 1, 1000);
  reader.GetDouble("tol", 1e-4, 0, 1);
  const std::string message = MessageOf([&] { reader.Finish(); });
  EXPECT_NE(message.find("unknown key 'max_iterr'"), std::string::npos) << message;
  EXPECT_NE(message.find("did you mean 'max_iter'"), std::string::npos) << message;
  EXPECT_NE(message.find("tol"), std::string::npos) << message;
}

TEST(ConfigReader, RejectsWrongTypesAndRanges) {
  const nlohmann::json config = {{"a", "text"}, {"b", 2.5}, {"c", -1}, {"d", 1}, {"e", "z"}};
  ConfigReader reader(config, "cfg");
  EXPECT_EQ(CodeOf([&] { reader.GetDouble("a", 0, 0, 1); }), StatusCode::kInvalidArgument);
  EXPECT_EQ(CodeOf([&] { reader.GetInt("b", 0, 0, 10); }), StatusCode::kInvalidArgument);
  EXPECT_EQ(CodeOf([&] { reader.GetInt("c", 0, 0, 10); }), StatusCode::kInvalidArgument);
  EXPECT_EQ(CodeOf([&] { reader.GetBool("d", false); }), StatusCode::kInvalidArgument);
  EXPECT_NE(MessageOf([&] {
              reader.GetChoice("e", "x", {"x", "y"});
            }).find("Valid: x, y"),
            std::string::npos);
}

// Ranges read as the caller would write them: no "0.000000" for the smallest positive double.
TEST(ConfigReader, RangeMessagesShowTheBoundsAsWritten) {
  const nlohmann::json config = {{"C", 0}, {"tol", 2.5}, {"step", -1}};
  ConfigReader reader(config, "params");
  EXPECT_EQ(
      MessageOf([&] { reader.GetDouble("C", 1.0, std::numeric_limits<double>::min(), 1e12); }),
      "params: 'C' = 0 is out of range (0, 1e+12]");
  EXPECT_EQ(MessageOf([&] { reader.GetDouble("tol", 1e-4, 1e-9, 1.0); }),
            "params: 'tol' = 2.5 is out of range [1e-09, 1]");
  EXPECT_EQ(MessageOf([&] { reader.GetDouble("step", 0, 0, std::numeric_limits<double>::max()); }),
            "params: 'step' = -1 is out of range [0, inf]");
}

TEST(ConfigReader, AcceptsIntegralFloats) {
  const nlohmann::json config = {{"n", 3.0}};
  ConfigReader reader(config, "cfg");
  EXPECT_EQ(reader.GetInt("n", 0, 0, 10), 3);
}

// Whole numbers that int64_t cannot hold are out of range, named as the caller wrote them; they
// are never cast (which would be undefined for doubles and wrap for unsigned values).
TEST(ConfigReader, IntegersBeyondInt64AreOutOfRange) {
  const nlohmann::json config = {{"huge", 1e300},
                                 {"minus_huge", -1e300},
                                 {"two_to_63", 9223372036854775808.0},
                                 {"unsigned_max", std::numeric_limits<uint64_t>::max()},
                                 {"int64_max", std::numeric_limits<int64_t>::max()}};
  ConfigReader reader(config, "cfg");
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  EXPECT_NE(MessageOf([&] { reader.GetInt("huge", 0, 0, kMax); }).find("'huge' = 1e+300 is out"),
            std::string::npos);
  EXPECT_EQ(CodeOf([&] { reader.GetInt("minus_huge", 0, kMin, kMax); }),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(CodeOf([&] { reader.GetInt("two_to_63", 0, kMin, kMax); }),
            StatusCode::kInvalidArgument);
  EXPECT_NE(MessageOf([&] {
              reader.GetInt("unsigned_max", 0, kMin, kMax);
            }).find("18446744073709551615 is out of range"),
            std::string::npos);
  EXPECT_EQ(reader.GetInt("int64_max", 0, 0, kMax), kMax);
}

TEST(ParseJsonConfig, EmptyTextIsAnEmptyObject) {
  EXPECT_TRUE(ParseJsonConfig("  ", "cfg").is_object());
  EXPECT_EQ(CodeOf([] { ParseJsonConfig("{oops", "cfg"); }), StatusCode::kInvalidArgument);
  // nlohmann throws out_of_range, not parse_error, for a number beyond double (found by fuzz/).
  EXPECT_EQ(CodeOf([] { ParseJsonConfig(R"({"max_rows": 1e400})", "cfg"); }),
            StatusCode::kInvalidArgument);
  EXPECT_NE(MessageOf([] { ParseJsonConfig("[-1e999]", "cfg"); }).find("cfg: invalid JSON"),
            std::string::npos);
  EXPECT_EQ(CodeOf([] { ConfigReader reader(nlohmann::json::array(), "cfg"); }),
            StatusCode::kInvalidArgument);
}

TEST(Names, EditDistanceAndSuggestions) {
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("Ridge", "ridge"), 0u);
  const std::vector<std::string> names = {"ridge", "lasso", "logistic_regression"};
  EXPECT_EQ(NearestName("logistic_regresion", names), "logistic_regression");
  EXPECT_EQ(NearestName("completely_different", names), "");
}

}  // namespace
}  // namespace kolosal
