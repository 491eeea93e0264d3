#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kolosal/core/error.hpp"
#include "kolosal/core/names.hpp"

namespace kolosal::hpo::detail {

/// A list of named factories: the common part of the sampler, pruner and storage registries.
/// Registration is explicit; lookups of unknown names list the valid ones and suggest the
/// nearest. Not thread-safe for registration; lookups are read-only.
template <typename Factory>
class NamedRegistry {
 public:
  struct Entry {
    std::string name;
    std::string description;
    Factory factory;
  };

  explicit NamedRegistry(std::string what) : what_(std::move(what)) {}

  /// Throws Error(kInternal) when the name is taken.
  void Register(std::string name, std::string description, Factory factory) {
    if (TryFind(name) != nullptr) {
      throw Error(StatusCode::kInternal, what_ + " '" + name + "' is registered twice");
    }
    entries_.push_back({std::move(name), std::move(description), std::move(factory)});
  }

  const Entry* TryFind(std::string_view name) const {
    for (const Entry& entry : entries_) {
      if (entry.name == name) return &entry;
    }
    return nullptr;
  }

  /// Throws Error(kInvalidArgument) with a did-you-mean suggestion for an unknown name.
  const Entry& Find(std::string_view name) const {
    if (const Entry* entry = TryFind(name)) return *entry;
    ThrowInvalidArgument(UnknownNameMessage(what_, name, Names()));
  }

  std::vector<std::string> Names() const {
    std::vector<std::string> names;
    for (const Entry& entry : entries_) names.push_back(entry.name);
    return names;
  }

  const std::vector<Entry>& entries() const { return entries_; }

 private:
  std::string what_;
  std::vector<Entry> entries_;
};

}  // namespace kolosal::hpo::detail
