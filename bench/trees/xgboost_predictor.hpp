#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench_data.hpp"

namespace kolosal::bench {

/// XGBoost's own predictor through its C API: loads a model file saved by the Python peer and
/// predicts dense float32 rows with XGBoosterPredictFromDense. Every return code is checked;
/// failures throw std::runtime_error with XGBGetLastError().
class XgboostPredictor {
 public:
  XgboostPredictor(const std::string& model_path, int n_threads);
  ~XgboostPredictor();
  XgboostPredictor(const XgboostPredictor&) = delete;
  XgboostPredictor& operator=(const XgboostPredictor&) = delete;

  /// Probabilities (rows x classes, or rows for binary:logistic) or values.
  std::vector<float> Predict(const float* x, int64_t rows, int64_t cols) const;

 private:
  void* booster_ = nullptr;
};

/// XGBoost hist trained through its C API on `split` with bench/trees' matched settings (depth
/// 6, eta 0.1, 256 bins, min_child_weight 1, lambda 1, 2 threads) for `rounds` rounds, saved
/// to `path` (a .json model).
void TrainXgboostHist(const BenchSplit& split, int rounds, const std::string& path);

}  // namespace kolosal::bench
