// Writes the starting corpora: <dir>/<target>/seed_N for model_payload, csv, csv_parts (the CSV
// seeds), study and train.
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

template <typename Inputs>
size_t WriteSeeds(const std::filesystem::path& folder, const Inputs& inputs) {
  std::filesystem::create_directories(folder);
  for (size_t idx = 0; idx < inputs.size(); ++idx) {
    WriteFile(folder / ("seed_" + std::to_string(idx)), inputs[idx].data(), inputs[idx].size());
  }
  return inputs.size();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <corpus folder>\n", argv[0]);
    return 2;
  }
  const std::filesystem::path root = argv[1];
  const size_t n_models = WriteSeeds(root / "model_payload", kolosal::fuzz::ModelPayloadSeeds());
  const size_t n_texts = WriteSeeds(root / "csv", kolosal::fuzz::CsvSeeds());
  WriteSeeds(root / "csv_parts", kolosal::fuzz::CsvSeeds());
  const size_t n_studies = WriteSeeds(root / "study", kolosal::fuzz::StudySeeds());
  const size_t n_configs = WriteSeeds(root / "train", kolosal::fuzz::TrainSeeds());
  std::printf("%zu model payloads, %zu CSV texts, %zu studies, %zu training configs in %s\n",
              n_models, n_texts, n_studies, n_configs, argv[1]);
  return 0;
}
