// The JSON configs besides model params (CSV options, preprocessing, permutation importance,
// tuning): every key each accepts, given wrong-typed, out-of-range and edge values, is either
// accepted and then works on a small dataset, or an Error(kInvalidArgument) naming the key.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "common/config_keys.hpp"
#include "kolosal/core/error.hpp"
#include "kolosal/data/csv_reader.hpp"
#include "kolosal/prep/pipeline.hpp"
#include "kolosal/train/permutation_importance.hpp"
#include "kolosal/train/tuner.hpp"

namespace kolosal::train {
namespace {

using ConfigUse = std::function<void(const nlohmann::json& config)>;

constexpr std::string_view kCsv =
    "a,b,colour,y\n1.5,2,red,yes\n,3,blue,no\n2.5,NA,red,yes\n0.5,1,,no\n3,4,green,yes\n"
    "1,0,blue,no\n";

void CheckEveryKey(const std::string& what, const ConfigUse& use) {
  SCOPED_TRACE(what);
  const std::vector<std::string> keys = testing::AcceptedKeys(use);
  ASSERT_GT(keys.size(), 2u) << "the unknown-key error lists no keys";
  const testing::KeyValueCounts counts =
      testing::CheckEveryKeyValue(keys, [&](const std::string& key, const nlohmann::json& value) {
        use({{key, value}});
      });
  EXPECT_GT(counts.rejected, static_cast<int>(keys.size()));
  EXPECT_GT(counts.accepted, 0);
}

TEST(ConfigValues, CsvOptions) {
  CheckEveryKey("csv options", [](const nlohmann::json& config) {
    // A target or weight column that the text lacks is an error naming that column, not the key.
    nlohmann::json options = config;
    if (options.contains("target") && options["target"].is_string()) options["target"] = "y";
    if (options.contains("weight_column") && options["weight_column"].is_string()) {
      options["weight_column"] = "";
    }
    data::ParseCsv(kCsv, data::ParseCsvOptions(options.dump()));
  });
}

TEST(ConfigValues, Preprocessing) {
  data::CsvOptions csv;
  csv.target = "y";
  const data::Dataset dataset = data::ParseCsv(kCsv, csv);
  CheckEveryKey("preprocessing", [&](const nlohmann::json& config) {
    prep::Pipeline pipeline(prep::PreprocessingConfig::FromJson(config));
    const data::FeatureMatrix matrix = pipeline.FitTransform(dataset);
    EXPECT_EQ(matrix.rows, dataset.n_rows());
  });
}

TEST(ConfigValues, PermutationImportanceAndTuning) {
  CheckEveryKey("permutation importance", [](const nlohmann::json& config) {
    PermutationImportanceOptions::FromJson(config);
  });
  CheckEveryKey("tune config", [](const nlohmann::json& config) { ParseTuneConfig(config); });
}

}  // namespace
}  // namespace kolosal::train
