#include <gtest/gtest.h>

#include <cmath>

#include "kolosal/core/error.hpp"
#include "kolosal/hpo/search_space.hpp"

namespace kolosal::hpo {
namespace {

constexpr const char* kExample = R"({"params":[
  {"name":"x","type":"float","low":-5,"high":10,"log":false},
  {"name":"n","type":"int","low":1,"high":64,"step":1,"log":true},
  {"name":"kernel","type":"categorical","choices":["rbf","linear"]},
  {"name":"gamma","type":"float","low":1e-4,"high":1,"log":true,"condition":{"kernel":["rbf"]}}]})";

StatusCode CodeOf(const std::string& text) {
  try {
    SearchSpace::Parse(text);
  } catch (const Error& error) {
    return error.code();
  }
  return StatusCode::kOk;
}

std::string MessageOf(const std::string& text) {
  try {
    SearchSpace::Parse(text);
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

TEST(SearchSpace, ParsesTheDocumentedExample) {
  const SearchSpace space = SearchSpace::Parse(kExample);
  ASSERT_EQ(space.size(), 4u);
  EXPECT_EQ(space.param(1).kind, ParamKind::kInt);
  EXPECT_TRUE(space.param(1).log);
  EXPECT_EQ(space.param(2).choices.size(), 2u);
  EXPECT_TRUE(space.HasConditions());
  EXPECT_EQ(SearchSpace::FromJson(space.ToJson()).ToJson(), space.ToJson());
}

TEST(SearchSpace, ConditionsDecideActivity) {
  const SearchSpace space = SearchSpace::Parse(kExample);
  const ParamVector rbf =
      space.FromExternal({{"x", 1.0}, {"n", 4}, {"kernel", "rbf"}, {"gamma", 0.1}});
  EXPECT_TRUE(space.IsActive(3, rbf));
  const ParamVector linear = space.FromExternal({{"x", 1.0}, {"n", 4}, {"kernel", "linear"}});
  EXPECT_FALSE(space.IsActive(3, linear));
  EXPECT_TRUE(std::isnan(linear[3]));
  EXPECT_FALSE(space.ToExternal(linear).contains("gamma"));
  EXPECT_THROW(space.FromExternal({{"x", 1.0}, {"n", 4}, {"kernel", "rbf"}}), Error);
}

TEST(SearchSpace, RejectsBadInputWithClearErrors) {
  EXPECT_EQ(CodeOf(R"({"params":[]})"), StatusCode::kInvalidArgument);
  EXPECT_NE(MessageOf(R"({"params":[]})").find("empty"), std::string::npos);
  EXPECT_EQ(CodeOf(R"({"params":[{"name":"x","type":"float","low":2,"high":1}]})"),
            StatusCode::kInvalidArgument);
  EXPECT_NE(MessageOf(R"({"params":[{"name":"x","type":"float","low":2,"high":1}]})").find("above"),
            std::string::npos);
  EXPECT_EQ(CodeOf(R"({"params":[{"name":"x","type":"float","low":0,"high":1,"log":true}]})"),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(R"({"params":[{"name":"x","type":"float","low":-1,"high":1,"log":true}]})"),
            StatusCode::kInvalidArgument);
  EXPECT_NE(MessageOf(R"({"params":[{"name":"x","type":"float","low":0,"high":1,"log":true}]})")
                .find("param 'x': a log scale needs low > 0"),
            std::string::npos);
  EXPECT_NE(MessageOf(R"({"params":[{"name":"n","type":"int","low":0,"high":8,"log":true}]})")
                .find("param 'n': a log scale needs low > 0"),
            std::string::npos);
  const std::string unknown_kind =
      MessageOf(R"({"params":[{"name":"x","type":"flaot","low":0,"high":1}]})");
  EXPECT_NE(unknown_kind.find("did you mean 'float'"), std::string::npos) << unknown_kind;
  const std::string unknown_key =
      MessageOf(R"({"params":[{"name":"x","type":"float","low":0,"hihg":1}]})");
  EXPECT_NE(unknown_key.find("high"), std::string::npos) << unknown_key;
  EXPECT_EQ(CodeOf(R"({"params":[{"name":"c","type":"categorical","choices":[]}]})"),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(R"({"params":[{"name":"n","type":"int","low":1.5,"high":3}]})"),
            StatusCode::kInvalidArgument);
  // Int bounds beyond the integers a double holds exactly could not come back as integers.
  EXPECT_NE(MessageOf(R"({"params":[{"name":"n","type":"int","low":0,"high":1e300}]})")
                .find("param 'n': int bounds must lie within +-2^53"),
            std::string::npos);
  EXPECT_EQ(CodeOf(R"({"params":[{"name":"n","type":"int","low":-1e18,"high":0}]})"),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(R"({"params":[{"name":"n","type":"int","low":0,"high":10,"step":1e300}]})"),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(R"({"params":[{"name":"x","type":"float","low":0,"high":1},
                                 {"name":"x","type":"float","low":0,"high":1}]})"),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(R"({"params":[{"name":"g","type":"float","low":0,"high":1,
                                  "condition":{"kernel":["rbf"]}}]})"),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(CodeOf("not json"), StatusCode::kInvalidArgument);
}

TEST(SearchSpace, SnapsOntoStepsAndLogIntCells) {
  const SearchSpace space = SearchSpace::Parse(
      R"({"params":[{"name":"s","type":"float","low":0,"high":1.05,"step":0.25},
                    {"name":"n","type":"int","low":1,"high":64,"log":true}]})");
  EXPECT_DOUBLE_EQ(space.param(0).high, 1.0);  // lowered onto the grid
  EXPECT_DOUBLE_EQ(space.param(0).Snap(0.6), 0.5);
  EXPECT_DOUBLE_EQ(space.param(0).SamplingLow(), -0.125);
  EXPECT_DOUBLE_EQ(space.param(1).Snap(7.4), 7.0);
  EXPECT_DOUBLE_EQ(space.param(1).SamplingLow(), std::log(0.5));
  EXPECT_TRUE(space.param(0).Contains(0.75));
  EXPECT_FALSE(space.param(0).Contains(0.7));
}

TEST(SearchSpace, UnknownParameterNamesSuggestTheNearest) {
  const SearchSpace space = SearchSpace::Parse(kExample);
  try {
    space.RequireIndex("kernal");
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), StatusCode::kNotFound);
    EXPECT_NE(std::string(error.what()).find("did you mean 'kernel'"), std::string::npos);
  }
}

}  // namespace
}  // namespace kolosal::hpo
