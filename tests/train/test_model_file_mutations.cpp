// Model files with a valid frame (size and checksum recomputed) around randomly mutated contents:
// every one either loads or is rejected with kCorruptModel, and a model that loads predicts,
// explains itself and saves again without crashing. Under the asan preset an out-of-range read
// in any loader or predictor shows here. KOLOSAL_MUTATION_ROUNDS raises the rounds per model.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <msgpack.hpp>
#include <random>
#include <span>
#include <string>
#include <typeinfo>
#include <vector>

#include "kolosal/core/error.hpp"
#include "kolosal/data/csv_reader.hpp"
#include "kolosal/io/model_file.hpp"
#include "kolosal/io/msgpack_io.hpp"
#include "kolosal/models/model.hpp"
#include "kolosal/train/trainer.hpp"

namespace kolosal::train {
namespace {

using models::TrainedPipeline;

/// 240 rows: two numeric columns with missing values, a categorical one with missing values, and
/// a target for `task` ("binary", "multiclass" or "regression").
data::Dataset MixedDataset(const std::string& task) {
  std::mt19937 rng(5);
  std::normal_distribution<double> normal;
  std::string csv = "x1,x2,colour,y\n";
  const std::array<const char*, 5> colours = {"red", "green", "blue", "grey", "pink"};
  for (int row = 0; row < 240; ++row) {
    const double x1 = normal(rng);
    const double x2 = normal(rng);
    const int colour = static_cast<int>(rng() % colours.size());
    const double signal = x1 - 0.5 * x2 + (colour % 2 == 0 ? 0.8 : -0.8) + 0.3 * normal(rng);
    std::string target;
    if (task == "binary") target = signal > 0 ? "yes" : "no";
    if (task == "multiclass") target = signal < -0.7 ? "low" : (signal < 0.7 ? "mid" : "high");
    if (task == "regression") target = std::to_string(signal);
    csv += (row % 11 == 0 ? std::string() : std::to_string(x1)) + "," +
           (row % 13 == 0 ? std::string("NA") : std::to_string(x2)) + "," +
           (row % 17 == 0 ? std::string() : std::string(colours[colour])) + "," + target + "\n";
  }
  data::CsvOptions options;
  options.target = "y";
  if (task == "regression") options.task = Task::kRegression;
  return data::ParseCsv(csv, options);
}

struct Case {
  std::string name;
  std::string task;
  TrainSpec spec;
};

std::vector<Case> Cases() {
  const nlohmann::json small_boosting = {
      {"n_estimators", 6}, {"num_leaves", 8}, {"min_samples_leaf", 3}};
  return {
      {"logistic_binary", "binary", {"logistic_regression", nlohmann::json::object(), {}}},
      {"logistic_multiclass", "multiclass", {"logistic_regression", nlohmann::json::object(), {}}},
      {"ridge", "regression", {"ridge", nlohmann::json::object(), {}}},
      {"decision_tree", "multiclass", {"decision_tree", {{"max_depth", 5}}, {}}},
      {"random_forest", "binary", {"random_forest", {{"n_estimators", 4}}, {}}},
      {"extra_trees", "regression", {"extra_trees", {{"n_estimators", 4}}, {}}},
      {"boosting_binary", "binary", {"gradient_boosting", small_boosting, {}}},
      {"boosting_multiclass", "multiclass", {"gradient_boosting", small_boosting, {}}},
      {"boosting_regression", "regression", {"gradient_boosting", small_boosting, {}}},
  };
}

int Rounds() {
  const char* text = std::getenv("KOLOSAL_MUTATION_ROUNDS");
  return text != nullptr ? std::max(1, std::atoi(text)) : 300;
}

/// Every object below `object` (map keys and values, array elements), grouped by kind.
struct Objects {
  std::vector<msgpack::object*> integers, floats, strings, arrays, maps, others;

  void Collect(msgpack::object& object) {
    switch (object.type) {
      case msgpack::type::POSITIVE_INTEGER:
      case msgpack::type::NEGATIVE_INTEGER:
        integers.push_back(&object);
        break;
      case msgpack::type::FLOAT32:
      case msgpack::type::FLOAT64:
        floats.push_back(&object);
        break;
      case msgpack::type::STR:
        strings.push_back(&object);
        break;
      case msgpack::type::ARRAY:
        arrays.push_back(&object);
        for (msgpack::object& item : std::span(object.via.array.ptr, object.via.array.size)) {
          Collect(item);
        }
        break;
      case msgpack::type::MAP:
        maps.push_back(&object);
        for (msgpack::object_kv& kv : std::span(object.via.map.ptr, object.via.map.size)) {
          Collect(kv.key);
          Collect(kv.val);
        }
        break;
      default:
        others.push_back(&object);
    }
  }
};

void SetInteger(msgpack::object& object, int64_t value) { object = msgpack::object(value); }

/// Applies one random structural or value mutation somewhere in `root`, allocating in `zone`.
void Mutate(msgpack::object& root, msgpack::zone& zone, std::mt19937_64& rng) {
  Objects objects;
  objects.Collect(root);
  auto pick = [&rng](std::vector<msgpack::object*>& from) -> msgpack::object* {
    return from.empty() ? nullptr : from[rng() % from.size()];
  };
  switch (rng() % 6) {
    case 0:
      if (msgpack::object* target = pick(objects.integers)) {
        // Neighbours wrap around (unsigned arithmetic), as a corrupt writer's might.
        const uint64_t old = target->type == msgpack::type::POSITIVE_INTEGER
                                 ? target->via.u64
                                 : static_cast<uint64_t>(target->via.i64);
        const std::array<int64_t, 12> values = {-1,
                                                0,
                                                1,
                                                static_cast<int64_t>(old - 1),
                                                static_cast<int64_t>(old + 1),
                                                static_cast<int64_t>(old * 2 + 1),
                                                255,
                                                256,
                                                std::numeric_limits<int32_t>::max(),
                                                std::numeric_limits<int32_t>::min(),
                                                std::numeric_limits<int64_t>::max(),
                                                int64_t{1} << 40};
        SetInteger(*target, values[rng() % values.size()]);
      }
      return;
    case 1:
      if (msgpack::object* target = pick(objects.floats)) {
        const std::array<double, 7> values = {std::nan(""),
                                              std::numeric_limits<double>::infinity(),
                                              -std::numeric_limits<double>::infinity(),
                                              -0.0,
                                              1e300,
                                              -1e30,
                                              1e-45};
        *target = msgpack::object(values[rng() % values.size()]);
      }
      return;
    case 2:
      if (msgpack::object* target = pick(objects.arrays); target && target->via.array.size > 0) {
        msgpack::object_array& array = target->via.array;
        const uint32_t choice = rng() % 3;
        if (choice == 0) {
          --array.size;  // drop the last element
        } else if (choice == 1) {
          array.size = 0;
        } else {  // repeat the last element
          auto* grown = static_cast<msgpack::object*>(
              zone.allocate_align(sizeof(msgpack::object) * (array.size + 1)));
          std::copy(array.ptr, array.ptr + array.size, grown);
          grown[array.size] = array.ptr[array.size - 1];
          array.ptr = grown;
          ++array.size;
        }
      }
      return;
    case 3:
      if (msgpack::object* target = pick(objects.maps); target && target->via.map.size > 0) {
        --target->via.map.size;  // drop the last entry
      }
      return;
    case 4:
      if (msgpack::object* target = pick(objects.strings)) {
        const std::array<const char*, 4> values = {"", "x", "gradient_boosting", "{}"};
        *target = msgpack::object(values[rng() % values.size()], zone);
      }
      return;
    default: {
      // Any object at all becomes nil, a bool or an empty map.
      std::vector<msgpack::object*> all = objects.integers;
      for (auto* group : {&objects.floats, &objects.strings, &objects.arrays, &objects.maps}) {
        all.insert(all.end(), group->begin(), group->end());
      }
      if (msgpack::object* target = pick(all)) {
        const uint32_t choice = rng() % 3;
        if (choice == 0) *target = msgpack::object();
        if (choice == 1) *target = msgpack::object(true);
        if (choice == 2) *target = msgpack::object(std::map<int, int>{}, zone);
      }
    }
  }
}

/// Uses a model that loaded from mutated bytes the way a caller would. Library errors are fine
/// (the mutation may have made it unusable for this data); anything else fails the test.
void Exercise(const TrainedPipeline& pipeline, const data::Dataset& dataset) {
  auto tolerate = [](auto&& body) {
    try {
      body();
    } catch (const Error&) {
    }
  };
  tolerate([&] { pipeline.RawToPredictions(pipeline.PredictRaw(dataset)); });
  tolerate([&] { pipeline.Contributions(dataset); });
  for (const models::ImportanceType type : models::kImportanceTypes) {
    tolerate([&] { pipeline.FeatureImportance(type); });
  }
  tolerate([&] { pipeline.Evaluate(dataset); });
  const std::vector<uint8_t> saved = pipeline.SaveToBuffer();
  EXPECT_EQ(TrainedPipeline::LoadFromBuffer(saved).SaveToBuffer(), saved)
      << "a loaded model must save and load again unchanged";
}

class ModelFileMutations : public ::testing::TestWithParam<Case> {};

TEST_P(ModelFileMutations, LoadOrRejectNeverCrash) {
  const Case& test_case = GetParam();
  const data::Dataset dataset = MixedDataset(test_case.task);
  FitControl control;
  control.random_state = 1;
  const std::vector<uint8_t> original =
      FitPipeline(dataset, test_case.spec, control).SaveToBuffer();
  const std::span<const uint8_t> payload = io::UnframePayload(original);

  std::mt19937_64 rng(std::hash<std::string>{}(test_case.name));
  int loaded = 0;
  int rejected = 0;
  const int rounds = Rounds();
  for (int round = 0; round < rounds; ++round) {
    const msgpack::object_handle handle = io::UnpackPayload(payload);
    msgpack::zone zone;
    msgpack::object root(handle.get(), zone);
    const int n_mutations = 1 + static_cast<int>(rng() % 3);
    for (int mutation = 0; mutation < n_mutations; ++mutation) Mutate(root, zone, rng);
    msgpack::sbuffer buffer;
    msgpack::pack(buffer, root);
    const std::vector<uint8_t> bytes =
        io::FramePayload(std::string_view(buffer.data(), buffer.size()));
    try {
      const TrainedPipeline pipeline = TrainedPipeline::LoadFromBuffer(bytes);
      ++loaded;
      Exercise(pipeline, dataset);
    } catch (const Error& error) {
      ++rejected;
      EXPECT_EQ(error.code(), StatusCode::kCorruptModel)
          << "round " << round << ": " << error.what();
    } catch (const std::exception& error) {
      ADD_FAILURE() << "round " << round << ": " << typeid(error).name()
                    << " escaped: " << error.what();
    }
  }
  // Both outcomes occur, so the mutations reach the loader's checks and beyond them.
  EXPECT_GT(loaded, 0);
  EXPECT_GT(rejected, rounds / 4);
  RecordProperty("loaded", loaded);
  RecordProperty("rejected", rejected);
}

INSTANTIATE_TEST_SUITE_P(EveryModelKind, ModelFileMutations, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace kolosal::train
