#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string_view>

#include "kolosal/core/random.hpp"
#include "kolosal/hpo/search_space.hpp"
#include "kolosal/hpo/study_options.hpp"
#include "kolosal/hpo/trial.hpp"

namespace kolosal::hpo {

/// What a sampler sees when it proposes the parameters of a new trial.
struct SamplingContext {
  const SearchSpace& space;
  /// Every trial of the study in number order, including RUNNING ones (whose params may still
  /// be empty) and the trial being sampled.
  std::span<const FrozenTrial> trials;
  Direction direction = Direction::kMinimize;
  int64_t trial_number = 0;
};

/// Proposes parameters for new trials. Samplers keep no history of their own: every trial they
/// use comes from the context, so any number of processes can share a study (a sampler may
/// remember a starting point, as the GP does its last hyperparameters, but never data). The study
/// calls Sample under its own lock, so an implementation need not be thread-safe.
class Sampler {
 public:
  Sampler() = default;
  Sampler(const Sampler&) = delete;
  Sampler& operator=(const Sampler&) = delete;
  virtual ~Sampler() = default;

  virtual std::string_view Name() const = 0;
  /// The parameters of trial `context.trial_number` in internal form (NaN for inactive
  /// conditional parameters). `rng` is seeded from the study's random_state and the trial number.
  virtual ParamVector Sample(const SamplingContext& context, Rng& rng) = 0;
  /// True when the sampler has nothing left to propose (a finished grid); the study then stops.
  virtual bool IsExhausted(const SamplingContext& context) const {
    (void)context;
    return false;
  }
  /// True when the sampler learns from trials whose parameters lie outside the space it samples;
  /// ADAPTIVE then gives it the trials near its region as well as those inside.
  virtual bool LearnsBeyondSpace() const { return false; }
};

using SamplerFactory = std::function<std::unique_ptr<Sampler>(const StudyOptions& options)>;

}  // namespace kolosal::hpo
