#pragma once

#include <memory>
#include <string_view>

#include "kolosal/hpo/detail/named_registry.hpp"
#include "kolosal/hpo/storage.hpp"

namespace kolosal::hpo {

/// Storages by URL scheme ("memory", "sqlite", "postgresql", "postgres").
class StorageRegistry : public detail::NamedRegistry<StorageFactory> {
 public:
  StorageRegistry() : NamedRegistry("storage scheme") {}

  /// The registry holding every builtin storage (created on first use, then read-only).
  static const StorageRegistry& Builtin();
};

/// Registers every builtin storage; each storage adds one line here.
void RegisterBuiltinStorages(StorageRegistry& registry);

/// Opens the storage named by `url`: "" or "memory", "sqlite:///abs/path.db",
/// "postgresql://user[:password]@host:port/db". An unknown scheme is Error(kInvalidArgument)
/// with a suggestion; an unreachable database is Error(kIo).
std::unique_ptr<Storage> OpenStorage(std::string_view url);

}  // namespace kolosal::hpo
