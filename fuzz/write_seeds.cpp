// Writes the starting corpora: <dir>/model_payload/seed_N and <dir>/csv/seed_N.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "fuzz/fuzz_targets.hpp"

namespace {

void WriteFile(const std::filesystem::path& path, const void* data, size_t size) {
  std::ofstream out(path, std::ios::binary);
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <corpus folder>\n", argv[0]);
    return 2;
  }
  const std::filesystem::path root = argv[1];
  std::filesystem::create_directories(root / "model_payload");
  std::filesystem::create_directories(root / "csv");
  const auto models = kolosal::fuzz::ModelPayloadSeeds();
  for (size_t idx = 0; idx < models.size(); ++idx) {
    WriteFile(root / "model_payload" / ("seed_" + std::to_string(idx)), models[idx].data(),
              models[idx].size());
  }
  const auto texts = kolosal::fuzz::CsvSeeds();
  for (size_t idx = 0; idx < texts.size(); ++idx) {
    WriteFile(root / "csv" / ("seed_" + std::to_string(idx)), texts[idx].data(), texts[idx].size());
  }
  std::printf("%zu model payloads, %zu CSV texts in %s\n", models.size(), texts.size(), argv[1]);
  return 0;
}
