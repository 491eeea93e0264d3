#include "kolosal/train/permutation_importance.hpp"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <span>

#include "kolosal/core/config.hpp"
#include "kolosal/core/error.hpp"
#include "kolosal/core/random.hpp"
#include "kolosal/metrics/metric.hpp"

namespace kolosal::train {
namespace {

constexpr int kMaxRepeats = 1000;

const metrics::Metric& FindMetric(const std::string& name, Task task) {
  const metrics::Metric& metric = metrics::MetricRegistry::Builtin().Find(
      name.empty() ? std::string(metrics::DefaultMetric(task)) : name);
  if (metric.task != task) {
    ThrowInvalidArgument("metric '" + metric.name + "' is for " +
                         std::string(TaskName(metric.task)) + ", the model is " +
                         std::string(TaskName(task)));
  }
  return metric;
}

// Rows of `column` in the order `order` gives.
void Permute(const data::Column& original, std::span<const int64_t> order, data::Column& out) {
  for (size_t row = 0; row < order.size(); ++row) {
    const auto from = static_cast<size_t>(order[row]);
    if (original.is_categorical()) {
      out.codes[row] = original.codes[from];
    } else {
      out.values[row] = original.values[from];
    }
  }
}

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
  const metrics::Metric& metric = FindMetric(options.metric, model.task());
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
      for (size_t row = 0; row < order.size(); ++row) order[row] = static_cast<int64_t>(row);
      Rng rng(MixSeed(options.random_state, static_cast<uint64_t>(task)));
      Shuffle(std::span(order), rng);
      data::Column& shuffled = copy->mutable_column(column_idx);
      Permute(original, order, shuffled);
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
    const auto begin = drops.begin() + static_cast<std::ptrdiff_t>(feature) * n_repeats;
    const std::span<const double> repeats(&*begin, static_cast<size_t>(n_repeats));
    double sum = 0.0;
    for (double drop : repeats) sum += drop;
    const double mean = sum / n_repeats;
    double sum_sq = 0.0;
    for (double drop : repeats) sum_sq += (drop - mean) * (drop - mean);
    result.mean.push_back(mean);
    result.std_dev.push_back(std::sqrt(sum_sq / n_repeats));
  }
  return result;
}

}  // namespace kolosal::train
