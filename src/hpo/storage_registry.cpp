#include "kolosal/hpo/storage_registry.hpp"

#include "kolosal/core/error.hpp"
#include "kolosal/hpo/in_memory_storage.hpp"
#include "kolosal/hpo/postgres_storage.hpp"
#include "kolosal/hpo/sqlite_storage.hpp"

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
  registry.Register("sqlite", "an SQLite file: sqlite:///abs/path.db (resumable, multi-process)",
                    [](std::string_view location, std::string_view) {
                      return std::make_unique<SqliteStorage>(std::string(location));
                    });
  const auto postgres = [](std::string_view, std::string_view url) {
    return std::make_unique<PostgresStorage>(std::string(url));
  };
  registry.Register("postgresql", "PostgreSQL: postgresql://user@host:port/db (many machines)",
                    postgres);
  registry.Register("postgres", "an alias of postgresql", postgres);
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
