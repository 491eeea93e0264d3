#include "xgboost_predictor.hpp"

#include <xgboost/c_api.h>

#include <limits>
#include <stdexcept>
#include <utility>

namespace kolosal::bench {
namespace {

void Check(int code, const char* what) {
  if (code != 0) throw std::runtime_error(std::string(what) + ": " + XGBGetLastError());
}

// libxgboost 1.6/1.7 needs cache_id, or it fails with "Invalid cast, from Null to Integer".
constexpr const char* kPredictConfig =
    R"({"type":0,"training":false,"iteration_begin":0,"iteration_end":0,)"
    R"("strict_shape":false,"missing":NaN,"cache_id":0})";

}  // namespace

XgboostPredictor::XgboostPredictor(const std::string& model_path, int n_threads) {
  BoosterHandle booster = nullptr;
  Check(XGBoosterCreate(nullptr, 0, &booster), "XGBoosterCreate");
  booster_ = booster;
  Check(XGBoosterLoadModel(booster, model_path.c_str()), "XGBoosterLoadModel");
  Check(XGBoosterSetParam(booster, "nthread", std::to_string(n_threads).c_str()),
        "XGBoosterSetParam");
}

XgboostPredictor::~XgboostPredictor() {
  if (booster_ != nullptr) XGBoosterFree(static_cast<BoosterHandle>(booster_));
}

std::vector<float> XgboostPredictor::Predict(const float* x, int64_t rows, int64_t cols) const {
  const std::string array = R"({"data":[)" + std::to_string(reinterpret_cast<uintptr_t>(x)) +
                            R"(,true],"shape":[)" + std::to_string(rows) + "," +
                            std::to_string(cols) + R"(],"typestr":"<f4","version":3})";
  const bst_ulong* shape = nullptr;
  bst_ulong dims = 0;
  const float* result = nullptr;
  Check(XGBoosterPredictFromDense(static_cast<BoosterHandle>(booster_), array.c_str(),
                                  kPredictConfig, nullptr, &shape, &dims, &result),
        "XGBoosterPredictFromDense");
  size_t size = 1;
  for (bst_ulong dim = 0; dim < dims; ++dim) size *= static_cast<size_t>(shape[dim]);
  return {result, result + size};
}

void TrainXgboostHist(const BenchSplit& split, int rounds, const std::string& path) {
  DMatrixHandle matrix = nullptr;
  Check(XGDMatrixCreateFromMat(split.train.values.data(), static_cast<bst_ulong>(split.train.rows),
                               static_cast<bst_ulong>(split.train.cols),
                               std::numeric_limits<float>::quiet_NaN(), &matrix),
        "XGDMatrixCreateFromMat");
  BoosterHandle booster = nullptr;
  try {
    Check(XGDMatrixSetFloatInfo(matrix, "label", split.y_train.data(),
                                static_cast<bst_ulong>(split.y_train.size())),
          "XGDMatrixSetFloatInfo");
    Check(XGBoosterCreate(&matrix, 1, &booster), "XGBoosterCreate");
    std::vector<std::pair<std::string, std::string>> params = {
        {"tree_method", "hist"},   {"max_depth", "6"}, {"eta", "0.1"},   {"max_bin", "256"},
        {"min_child_weight", "1"}, {"lambda", "1"},    {"nthread", "2"}, {"seed", "0"}};
    if (split.task == Task::kRegression) {
      params.emplace_back("objective", "reg:squarederror");
    } else if (split.n_classes == 2) {
      params.emplace_back("objective", "binary:logistic");
    } else {
      params.emplace_back("objective", "multi:softprob");
      params.emplace_back("num_class", std::to_string(split.n_classes));
    }
    for (const auto& [key, value] : params) {
      Check(XGBoosterSetParam(booster, key.c_str(), value.c_str()), "XGBoosterSetParam");
    }
    for (int round = 0; round < rounds; ++round) {
      Check(XGBoosterUpdateOneIter(booster, round, matrix), "XGBoosterUpdateOneIter");
    }
    Check(XGBoosterSaveModel(booster, path.c_str()), "XGBoosterSaveModel");
  } catch (...) {
    if (booster != nullptr) XGBoosterFree(booster);
    XGDMatrixFree(matrix);
    throw;
  }
  XGBoosterFree(booster);
  XGDMatrixFree(matrix);
}

}  // namespace kolosal::bench
