#pragma once

#include <memory>
#include <nlohmann/json.hpp>

#include "kolosal/hpo/detail/named_registry.hpp"
#include "kolosal/hpo/pruner.hpp"

namespace kolosal::hpo {

/// Pruners by name ("none", "median", "successive_halving", "hyperband").
class PrunerRegistry : public detail::NamedRegistry<PrunerFactory> {
 public:
  PrunerRegistry() : NamedRegistry("pruner") {}

  /// The registry holding every builtin pruner (created on first use, then read-only).
  static const PrunerRegistry& Builtin();
};

/// Registers every builtin pruner; each pruner adds one line here.
void RegisterBuiltinPruners(PrunerRegistry& registry);

/// The pruner described by `config`: a name, or {"name": ..., options}. "none" gives nullptr.
/// Unknown names and option keys are errors with a did-you-mean suggestion.
std::unique_ptr<Pruner> CreatePruner(const nlohmann::json& config);

}  // namespace kolosal::hpo
