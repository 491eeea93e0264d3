#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string_view>

#include "kolosal/core/config.hpp"
#include "kolosal/hpo/trial.hpp"

namespace kolosal::hpo {

/// What a pruner sees when a trial asks whether to stop.
struct PruningContext {
  /// The asking trial, with every intermediate value it has reported.
  const FrozenTrial& trial;
  /// Every trial of the study in number order (the asking one included).
  std::span<const FrozenTrial> trials;
  Direction direction = Direction::kMinimize;
};

/// Decides from intermediate values whether a running trial should stop early. Pruners keep no
/// history of their own (a cached estimate at most), so processes sharing a study agree. The
/// study calls ShouldPrune under its own lock.
class Pruner {
 public:
  Pruner() = default;
  Pruner(const Pruner&) = delete;
  Pruner& operator=(const Pruner&) = delete;
  virtual ~Pruner() = default;

  virtual std::string_view Name() const = 0;
  virtual bool ShouldPrune(const PruningContext& context) = 0;
};

/// Builds a pruner from its config object ({"name": ..., options}); the reader rejects unknown
/// option keys when the factory is done.
using PrunerFactory = std::function<std::unique_ptr<Pruner>(ConfigReader& options)>;

}  // namespace kolosal::hpo
