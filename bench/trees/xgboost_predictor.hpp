#pragma once

#include <cstdint>
#include <string>
#include <vector>

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

}  // namespace kolosal::bench
