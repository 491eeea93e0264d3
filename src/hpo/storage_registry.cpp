#include "kolosal/hpo/storage_registry.hpp"

#include "kolosal/core/error.hpp"
#include "kolosal/hpo/in_memory_storage.hpp"

namespace kolosal::hpo {

const StorageRegistry& StorageRegistry::Builtin() {
  static const StorageRegistry registry = [] {
    StorageRegistry builtin;
    RegisterBuiltinStorages(builtin);
    return builtin;
  }();
  return registry;
}

void RegisterBuiltinStorages(StorageRegistry& registry) {
  registry.Register(
      "memory", "in this process's memory (the default)",
      [](std::string_view, std::string_view) { return std::make_unique<InMemoryStorage>(); });
}

std::unique_ptr<Storage> OpenStorage(std::string_view url) {
  if (url.empty() || url == "memory") {
    return StorageRegistry::Builtin().Find("memory").factory("", url);
  }
  const size_t separator = url.find("://");
  if (separator == std::string_view::npos) {
    ThrowInvalidArgument("storage URL '" + std::string(url) +
                         "' has no scheme; expected memory, sqlite:///path or "
                         "postgresql://user@host:port/db");
  }
  const std::string_view scheme = url.substr(0, separator);
  const auto& entry = StorageRegistry::Builtin().Find(scheme);
  return entry.factory(url.substr(separator + 3), url);
}

}  // namespace kolosal::hpo
