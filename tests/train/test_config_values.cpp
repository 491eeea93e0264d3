// The JSON configs besides model params (CSV options, preprocessing, permutation importance,
// tuning): every key each accepts, given wrong-typed, out-of-range and edge values, is either
// accepted and then works on a small dataset, or an Error(kInvalidArgument) naming the key.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

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

/// The keys `use` accepts, as its unknown-key error lists them.
std::vector<std::string> AcceptedKeys(const ConfigUse& use) {
  try {
    use({{"zz_probe", 1}});
  } catch (const Error& error) {
    const std::string message = error.what();
    const size_t list = message.find("Valid: ");
    if (list == std::string::npos) return {};
    std::vector<std::string> keys;
    for (size_t begin = list + 7; begin < message.size();) {
      const size_t end = std::min(message.find(", ", begin), message.size());
      keys.push_back(message.substr(begin, end - begin));
      begin = end + 2;
    }
    return keys;
  }
  return {};
}

void CheckEveryKey(const std::string& what, const ConfigUse& use) {
  SCOPED_TRACE(what);
  const std::vector<std::string> keys = AcceptedKeys(use);
  ASSERT_GT(keys.size(), 2u) << "the unknown-key error lists no keys";
  const std::vector<nlohmann::json> values = {"text",
                                              "",
                                              true,
                                              nlohmann::json::array(),
                                              nlohmann::json::object(),
                                              -1,
                                              0,
                                              0.5,
                                              3,
                                              1e300,
                                              -1e300,
                                              std::numeric_limits<uint64_t>::max()};
  int rejected = 0;
  int accepted = 0;
  for (const std::string& key : keys) {
    for (const nlohmann::json& value : values) {
      const std::string context = key + "=" + value.dump();
      try {
        use({{key, value}});
        ++accepted;
      } catch (const Error& error) {
        ++rejected;
        EXPECT_EQ(error.code(), StatusCode::kInvalidArgument) << context << ": " << error.what();
        EXPECT_NE(std::string(error.what()).find(key), std::string::npos)
            << context << ": the message does not name the key: " << error.what();
      } catch (const std::exception& error) {
        ADD_FAILURE() << context << ": escaped " << error.what();
      }
    }
  }
  EXPECT_GT(rejected, static_cast<int>(keys.size()));
  EXPECT_GT(accepted, 0);
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
