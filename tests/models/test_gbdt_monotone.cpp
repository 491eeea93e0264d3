// Gradient boosting's monotone constraints: predictions rise (or fall) with each constrained
// feature whatever the others hold, in both growth orders and with missing values; by position
// and by name alike; the same on one and two threads; and every kind of bad constraint refused.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "common/expect_error.hpp"
#include "tree_test_helpers.hpp"

namespace kolosal::tree_testing {
namespace {

using kolosal::testing::ExpectError;

// y = sin(2 a) + a - b^2 / 2 + c / 4 + noise: neither monotone in a nor in b.
TreeData Wavy(int64_t n_rows, uint64_t seed, bool with_missing = false) {
  TreeData data;
  data.cols = 3;
  data.features = {{"a", false, 0}, {"b", false, 0}, {"c", false, 0}};
  Rng rng(seed);
  for (int64_t row = 0; row < n_rows; ++row) {
    const double a = UniformUnit(rng) * 4.0 - 2.0;
    const double b = UniformUnit(rng) * 4.0 - 2.0;
    const double c = UniformUnit(rng) * 4.0 - 2.0;
    const bool hide = with_missing && row % 9 == 0;
    data.x.push_back(hide ? std::nanf("") : static_cast<float>(a));
    data.x.push_back(static_cast<float>(b));
    data.x.push_back(static_cast<float>(c));
    data.y.push_back(
        static_cast<float>(std::sin(2.0 * a) + a - b * b / 2.0 + c / 4.0 + 0.1 * UniformUnit(rng)));
  }
  return data;
}

// Over 20 random points, moves `feature` across [-2.5, 2.5] with the others held and counts the
// steps that go against `direction`.
int CountViolations(const models::Model& model, int feature, int direction) {
  Rng rng(99);
  int violations = 0;
  for (int point = 0; point < 20; ++point) {
    std::vector<float> rows;
    const float base[3] = {static_cast<float>(UniformUnit(rng) * 4.0 - 2.0),
                           static_cast<float>(UniformUnit(rng) * 4.0 - 2.0),
                           static_cast<float>(UniformUnit(rng) * 4.0 - 2.0)};
    constexpr int kSteps = 101;
    for (int step = 0; step < kSteps; ++step) {
      for (int col = 0; col < 3; ++col) {
        rows.push_back(col == feature ? static_cast<float>(-2.5 + 5.0 * step / (kSteps - 1))
                                      : base[col]);
      }
    }
    const std::vector<float> out = PredictRows(model, {rows.data(), kSteps, 3});
    for (int step = 1; step < kSteps; ++step) {
      if (direction * (out[step] - out[step - 1]) < 0.0f) ++violations;
    }
  }
  return violations;
}

TEST(GbdtMonotone, PredictionsFollowEachConstrainedDirection) {
  const TreeData data = Wavy(4000, 50);
  const nlohmann::json growths[] = {{{"num_leaves", 31}},
                                    {{"growth", "depth_wise"}, {"max_depth", 6}}};
  for (const nlohmann::json& growth : growths) {
    SCOPED_TRACE(growth.dump());
    nlohmann::json params = {{"n_estimators", 60}, {"min_samples_leaf", 5}};
    params.update(growth);
    const auto free = FitTree("gradient_boosting", params, data);
    // Unconstrained, the fit follows the wave in a and the parabola in b.
    EXPECT_GT(CountViolations(*free, 0, 1), 50);
    EXPECT_GT(CountViolations(*free, 1, -1), 50);
    params["monotone_constraints"] = {1, -1, 0};
    const auto constrained = FitTree("gradient_boosting", params, data);
    EXPECT_EQ(CountViolations(*constrained, 0, 1), 0);
    EXPECT_EQ(CountViolations(*constrained, 1, -1), 0);
  }
}

TEST(GbdtMonotone, HoldsWithMissingValuesAndOtherObjectives) {
  TreeData data = Wavy(3000, 51, true);
  for (float& value : data.y) value = std::abs(value) + 0.1f;  // for poisson
  for (const char* objective : {"squared_error", "huber", "poisson"}) {
    SCOPED_TRACE(objective);
    const auto model = FitTree("gradient_boosting",
                               {{"objective", objective},
                                {"n_estimators", 40},
                                {"min_samples_leaf", 5},
                                {"monotone_constraints", {1, 0, -1}}},
                               data);
    EXPECT_EQ(CountViolations(*model, 0, 1), 0);
    EXPECT_EQ(CountViolations(*model, 2, -1), 0);
  }
}

// Where the truth is monotone, the constraint costs little.
TEST(GbdtMonotone, CostsLittleWhenTheTruthIsMonotone) {
  TreeData train = Wavy(4000, 52);
  TreeData test = Wavy(2000, 53);
  for (TreeData* data : {&train, &test}) {
    for (int64_t row = 0; row < data->rows(); ++row) {
      data->y[row] = data->x[row * 3] * 2.0f + data->x[row * 3 + 1] + 0.3f * std::sin(7.0f * row);
    }
  }
  auto mse = [&](const nlohmann::json& params) {
    const std::vector<float> out =
        PredictRows(*FitTree("gradient_boosting", params, train), test.view());
    double total = 0.0;
    for (int64_t row = 0; row < test.rows(); ++row) total += std::pow(out[row] - test.y[row], 2);
    return total / static_cast<double>(test.rows());
  };
  const double free = mse({{"n_estimators", 100}});
  const double constrained = mse({{"n_estimators", 100}, {"monotone_constraints", {1, 1, 0}}});
  EXPECT_LT(constrained, free * 1.1);
}

// Classification objectives take constraints too, named explicitly or picked by "auto".
TEST(GbdtMonotone, ClassifiersKeepTheDirectionOfTheirMargin) {
  TreeData data = Wavy(3000, 57);
  data.task = Task::kClassification;
  data.n_classes = 2;
  for (float& value : data.y) value = value > 0.0f ? 1.0f : 0.0f;
  for (const char* objective : {"logistic", "auto"}) {
    SCOPED_TRACE(objective);
    const auto model = FitTree("gradient_boosting",
                               {{"objective", objective},
                                {"n_estimators", 40},
                                {"min_samples_leaf", 5},
                                {"monotone_constraints", {1, -1, 0}}},
                               data);
    // Column 1 of the output is P(class 1), which rises with the margin.
    std::vector<float> rows;
    for (int step = 0; step < 101; ++step) {
      rows.insert(rows.end(), {static_cast<float>(-2.5 + 0.05 * step), 0.3f, -0.7f});
    }
    const std::vector<float> out = PredictRows(*model, {rows.data(), 101, 3});
    for (int step = 1; step < 101; ++step) EXPECT_GE(out[step * 2 + 1], out[step * 2 - 1]);
  }
}

TEST(GbdtMonotone, NamesAndPositionsGiveTheSameModel) {
  const TreeData data = Wavy(2000, 54);
  const nlohmann::json base = {{"n_estimators", 10}};
  nlohmann::json by_position = base;
  by_position["monotone_constraints"] = {0, -1, 1};
  nlohmann::json by_name = base;
  by_name["monotone_constraints"] = {{"c", 1}, {"b", -1}};
  EXPECT_EQ(SaveModel(*FitTree("gradient_boosting", by_position, data)),
            SaveModel(*FitTree("gradient_boosting", by_name, data)));
  // All zero is no constraint at all.
  nlohmann::json zeros = base;
  zeros["monotone_constraints"] = {0, 0, 0};
  EXPECT_EQ(SaveModel(*FitTree("gradient_boosting", zeros, data)),
            SaveModel(*FitTree("gradient_boosting", base, data)));
}

TEST(GbdtMonotone, SameModelWithOneOrTwoThreads) {
  const TreeData data = Wavy(400000, 55);  // above the parallel threshold
  const nlohmann::json params = {{"n_estimators", 3}, {"monotone_constraints", {1, -1, 0}}};
  EXPECT_EQ(SaveModel(*FitTree("gradient_boosting", params, data, Control(1, 5))),
            SaveModel(*FitTree("gradient_boosting", params, data, Control(2, 5))));
}

TEST(GbdtMonotone, RejectsBadConstraints) {
  const TreeData data = Wavy(200, 56);
  auto fit = [&](const nlohmann::json& constraints, const nlohmann::json& extra = {}) {
    nlohmann::json params = {{"n_estimators", 2}, {"monotone_constraints", constraints}};
    if (extra.is_object()) params.update(extra);
    return FitTree("gradient_boosting", params, data);
  };
  ExpectError([&] { fit({1, 2, 0}); }, StatusCode::kInvalidArgument, "[1] must be -1, 0 or 1");
  ExpectError([&] { fit({1, 0}); }, StatusCode::kInvalidArgument, "2 directions for 3 features");
  ExpectError([&] { fit({{"bb", 1}}); }, StatusCode::kInvalidArgument, "'bb'", "'b'");
  ExpectError([&] { fit("up"); }, StatusCode::kInvalidArgument, "array", "object");
  ExpectError(
      [&] {
        fit({1, 0, 0}, {{"objective", "quantile"}});
      },
      StatusCode::kInvalidArgument, "quantile");
  ExpectError(
      [&] {
        fit({1, 0, 0}, {{"objective", "absolute_error"}});
      },
      StatusCode::kInvalidArgument, "absolute_error");
  TreeData categorical = data;
  categorical.features[1] = {"b", true, 4};
  for (int64_t row = 0; row < categorical.rows(); ++row) {
    categorical.x[row * 3 + 1] = static_cast<float>(row % 4);
  }
  ExpectError(
      [&] {
        FitTree("gradient_boosting", {{"monotone_constraints", {0, 1, 0}}}, categorical);
      },
      StatusCode::kInvalidArgument, "'b' is categorical");
  // Random forests have no such setting.
  ExpectError(
      [&] {
        CreateTree("random_forest", {{"monotone_constraints", {1, 0, 0}}}, Task::kRegression);
      },
      StatusCode::kInvalidArgument, "monotone_constraints");
}

}  // namespace
}  // namespace kolosal::tree_testing
