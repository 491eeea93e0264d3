#include "kolosal/train/permutation_importance.hpp"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>
#include <span>

#include "kolosal/core/config.hpp"
#include "kolosal/core/error.hpp"
#include "kolosal/core/random.hpp"
#include "kolosal/metrics/metric.hpp"
#include "kolosal/train/trainer.hpp"

namespace kolosal::train {
namespace {

constexpr int kMaxRepeats = 1000;

}  // namespace

PermutationImportanceOptions PermutationImportanceOptions::FromJson(const nlohmann::json& config) {
  ConfigReader reader(config, "permutation importance");
  PermutationImportanceOptions options;
  options.metric = reader.GetString("metric", "");
  options.n_repeats = static_cast<int>(reader.GetInt("n_repeats", 5, 1, kMaxRepeats));
  options.random_state = static_cast<uint64_t>(
      reader.GetInt("random_state", 0, 0, std::numeric_limits<int64_t>::max()));
  options.n_jobs = static_cast<int>(reader.GetInt("n_jobs", 1, 1, 1024));
  reader.Finish();
  return options;
}

nlohmann::json PermutationImportanceResult::ToJson() const {
  return {{"metric", metric},         {"greater_is_better", greater_is_better},
          {"baseline", baseline},     {"features", features},
          {"importances_mean", mean}, {"importances_std", std_dev}};
}

PermutationImportanceResult PermutationImportance(const models::TrainedPipeline& model,
                                                  const data::Dataset& dataset,
                                                  const PermutationImportanceOptions& options) {
  if (options.n_repeats < 1 || options.n_repeats > kMaxRepeats) {
    ThrowInvalidArgument("n_repeats must be in [1, " + std::to_string(kMaxRepeats) + "], got " +
                         std::to_string(options.n_repeats));
  }
  if (!dataset.has_labels()) {
    ThrowInvalidArgument("permutation importance needs a dataset with the target column");
  }
  const metrics::Metric& metric =
      metrics::MetricRegistry::Builtin().FindFor(options.metric, model.task());
  const std::vector<float> y = model.EncodeLabels(dataset.labels());
  const auto score = [&](const data::Dataset& input) {
    return metric.compute(y, model.PredictRaw(input), model.n_classes());
  };

  PermutationImportanceResult result;
  result.metric = metric.name;
  result.greater_is_better = metric.greater_is_better;
  result.baseline = score(dataset);
  const auto& columns = model.pipeline().input_schema().columns;
  std::vector<int64_t> dataset_columns;
  for (const auto& column : columns) {
    const int64_t idx = dataset.FindColumn(column.name);
    if (idx < 0) ThrowInvalidArgument("the dataset has no column '" + column.name + "'");
    dataset_columns.push_back(idx);
    result.features.push_back(column.name);
  }

  const int n_repeats = options.n_repeats;
  const int64_t n_tasks = static_cast<int64_t>(columns.size()) * n_repeats;
  std::vector<double> drops(static_cast<size_t>(n_tasks));
  // Each thread shuffles one column of its own copy at a time and puts it back afterwards.
  tbb::enumerable_thread_specific<std::optional<data::Dataset>> copies;
  tbb::task_arena arena(std::max(1, options.n_jobs));
  arena.execute([&] {
    tbb::parallel_for(int64_t{0}, n_tasks, [&](int64_t task) {
      std::optional<data::Dataset>& copy = copies.local();
      if (!copy) copy.emplace(dataset);
      const int64_t column_idx = dataset_columns[static_cast<size_t>(task / n_repeats)];
      const data::Column& original = dataset.column(column_idx);
      std::vector<int64_t> order(static_cast<size_t>(dataset.n_rows()));
      std::iota(order.begin(), order.end(), int64_t{0});
      Rng rng(MixSeed(options.random_state, static_cast<uint64_t>(task)));
      Shuffle(std::span(order), rng);
      data::Column& shuffled = copy->mutable_column(column_idx);
      shuffled = original.Take(order);
      // Isolated: while the prediction's own parallel loops wait, this thread must not pick up
      // another shuffle, which would take the same thread-local copy.
      double permuted = 0.0;
      tbb::this_task_arena::isolate([&] { permuted = score(*copy); });
      shuffled = original;
      drops[static_cast<size_t>(task)] =
          metric.greater_is_better ? result.baseline - permuted : permuted - result.baseline;
    });
  });

  for (size_t feature = 0; feature < columns.size(); ++feature) {
    const auto [mean, std_dev] = MeanAndStdDev(
        std::span(drops).subspan(feature * static_cast<size_t>(n_repeats), n_repeats));
    result.mean.push_back(mean);
    result.std_dev.push_back(std_dev);
  }
  return result;
}

}  // namespace kolosal::train
