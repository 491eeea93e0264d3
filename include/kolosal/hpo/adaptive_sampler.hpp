#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "kolosal/hpo/sampler.hpp"

namespace kolosal::hpo {

/// ADAPTIVE: wraps another sampler and shrinks the numeric ranges around the best trials.
///
/// The rule (docs/hpo.md): after every `adaptation_frequency` completed trials (from the
/// second such point on, so the wrapped sampler's startup trials have spread out first), take
/// the best k = clamp(ceil(0.2 n), 3, 25) of the n completed trials. For each numeric
/// parameter the new range is the smallest interval (in sampling coordinates) holding their
/// values, widened on both sides by its width, at least 25% of the full range in all, and
/// clipped to the full range; categoricals (and ints that other parameters depend on) keep
/// their full range. Ranges are recomputed from all trials at each point, so they can grow
/// back. The wrapped sampler then works inside the region and sees only the trials inside it
/// (a sampler that LearnsBeyondSpace, the GP, also those inside the region widened by its width
/// on each side).
/// A share `exploration` of the trials (drawn at random per trial) still asks the wrapped
/// sampler over the full space with the full history, so no region is lost for good.
class AdaptiveSampler : public Sampler {
 public:
  AdaptiveSampler(std::unique_ptr<Sampler> base, int64_t adaptation_frequency, double exploration);

  std::string_view Name() const override { return "adaptive"; }
  ParamVector Sample(const SamplingContext& context, Rng& rng) override;
  bool IsExhausted(const SamplingContext& context) const override {
    return base_->IsExhausted(context);
  }

  /// The shrunk space after the given completed trials, or nullopt before the first adaptation.
  std::optional<SearchSpace> Region(const SearchSpace& space, std::span<const FrozenTrial> trials,
                                    Direction direction) const;

 private:
  std::unique_ptr<Sampler> base_;
  int64_t adaptation_frequency_;
  double exploration_;
  // The region of the last adaptation point, rebuilt only when a new point is reached.
  int64_t cached_epoch_ = -1;
  const SearchSpace* cached_for_ = nullptr;
  std::optional<SearchSpace> cached_region_;
  // The trials a LearnsBeyondSpace sampler sees: those inside the region widened by its width.
  std::optional<SearchSpace> cached_neighbourhood_;
};

}  // namespace kolosal::hpo
