#pragma once

#include <atomic>
#include <memory>
#include <mutex>

#include "kolosal/core/fit_control.hpp"
#include "kolosal/data/dataset.hpp"
#include "kolosal/hpo/study.hpp"
#include "kolosal/hpo/trial.hpp"
#include "kolosal/models/trained_pipeline.hpp"
#include "kolosal/train/trainer.hpp"
#include "kolosal_c.h"

// The opaque handle types of kolosal_c.h. Each wraps core objects; no ML logic lives here.

struct kolosal_dataset {
  kolosal::data::Dataset dataset;
};

struct kolosal_model {
  std::shared_ptr<const kolosal::models::TrainedPipeline> pipeline;
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
};

// The study is shared with every trial asked from it: a C++ Trial points at its Study, so a
// trial handle keeps the study alive and stays safe after kolosal_optimizer_free.
struct kolosal_optimizer {
  std::shared_ptr<kolosal::hpo::Study> study;
};

struct kolosal_trial {
  std::shared_ptr<kolosal::hpo::Study> study;
  kolosal::hpo::Trial trial;
};
