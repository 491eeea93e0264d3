#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

#include "kolosal/core/fit_control.hpp"
#include "kolosal/data/dataset.hpp"
#include "kolosal/hpo/study.hpp"
#include "kolosal/hpo/trial.hpp"
#include "kolosal/infer/inference_engine.hpp"
#include "kolosal/models/trained_pipeline.hpp"
#include "kolosal/stream/streaming_pipeline.hpp"
#include "kolosal/train/trainer.hpp"
#include "kolosal_c.h"

namespace kolosal::capi {

/// Counts its owner in the process-wide number of live handles (kolosal_live_handle_count).
/// Every handle struct below has one as a member, so every way of making a handle (create,
/// load, fit, split, ask, a copy) adds one and every free subtracts one.
class LiveHandleCounter {
 public:
  LiveHandleCounter() noexcept;
  LiveHandleCounter(const LiveHandleCounter& other) noexcept;
  LiveHandleCounter& operator=(const LiveHandleCounter& other) noexcept = default;
  ~LiveHandleCounter();

  /// The handles alive now.
  static int64_t Count() noexcept;
};

}  // namespace kolosal::capi

// The opaque handle types of kolosal_c.h. Each wraps core objects; no ML logic lives here.

struct kolosal_dataset {
  kolosal::data::Dataset dataset;
  kolosal::capi::LiveHandleCounter live;
};

struct kolosal_model {
  std::shared_ptr<const kolosal::models::TrainedPipeline> pipeline;
  kolosal::capi::LiveHandleCounter live;
};

struct kolosal_inference_engine {
  std::unique_ptr<kolosal::infer::InferenceEngine> engine;
  kolosal::capi::LiveHandleCounter live;
};

struct kolosal_stream {
  std::unique_ptr<kolosal::stream::StreamingPipeline> pipeline;
  kolosal::capi::LiveHandleCounter live;
};

struct kolosal_train_engine {
  kolosal::train::TrainSpec spec;
  int n_jobs = 1;
  uint64_t random_state = 0;
  int cv_folds = 5;
  std::string metric;
  kolosal_progress_fn progress = nullptr;
  void* progress_user_data = nullptr;
  std::shared_ptr<kolosal::CancellationToken> cancellation =
      std::make_shared<kolosal::CancellationToken>();
  std::atomic<bool> busy{false};
  kolosal::capi::LiveHandleCounter live;
};

// The study is shared with every trial asked from it: a C++ Trial points at its Study, so a
// trial handle keeps the study alive and stays safe after kolosal_optimizer_free.
struct kolosal_optimizer {
  std::shared_ptr<kolosal::hpo::Study> study;
  kolosal::capi::LiveHandleCounter live;
};

struct kolosal_trial {
  std::shared_ptr<kolosal::hpo::Study> study;
  kolosal::hpo::Trial trial;
  kolosal::capi::LiveHandleCounter live;
};
