// The fuzz targets (fuzz/fuzz_targets.hpp) on their seeds, on seeded mutations of them, and on
// every input that once broke a promise (fuzz/regressions/). A broken promise aborts the binary.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "fuzz/fuzz_targets.hpp"
#include "kolosal/hpo/study.hpp"
#include "kolosal/io/model_file.hpp"
#include "kolosal/models/registry.hpp"
#include "kolosal/models/trained_pipeline.hpp"

namespace kolosal::fuzz {
namespace {

using Bytes = std::vector<uint8_t>;

// Bytes that msgpack gives meaning to (nil, false, true, map, array, str and number headers)
// and the edges of a byte.
constexpr uint8_t kInterestingBytes[] = {0x00, 0x01, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xc0,
                                         0xc2, 0xc3, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf, 0xd0,
                                         0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0xe0, 0xff};

// One random change, as a mutation-based fuzzer makes them: flip a bit, write an interesting
// byte, cut the end, drop a range, or repeat a range.
Bytes Mutate(const Bytes& seed, std::mt19937_64& rng) {
  Bytes out = seed;
  if (out.empty()) return {kInterestingBytes[rng() % std::size(kInterestingBytes)]};
  const size_t pos = rng() % out.size();
  switch (rng() % 5) {
    case 0:
      out[pos] ^= static_cast<uint8_t>(1U << (rng() % 8));
      break;
    case 1:
      out[pos] = kInterestingBytes[rng() % std::size(kInterestingBytes)];
      break;
    case 2:
      out.resize(pos);
      break;
    case 3:
      out.erase(
          out.begin() + static_cast<std::ptrdiff_t>(pos),
          out.begin() + static_cast<std::ptrdiff_t>(std::min(out.size(), pos + 1 + rng() % 16)));
      break;
    default: {
      const size_t length = std::min(out.size() - pos, size_t{1} + rng() % 16);
      const Bytes range(out.begin() + static_cast<std::ptrdiff_t>(pos),
                        out.begin() + static_cast<std::ptrdiff_t>(pos + length));
      out.insert(out.begin() + static_cast<std::ptrdiff_t>(pos), range.begin(), range.end());
    }
  }
  return out;
}

std::vector<Bytes> FilesIn(const std::filesystem::path& folder) {
  std::vector<Bytes> files;
  if (!std::filesystem::exists(folder)) return files;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    std::ifstream in(entry.path(), std::ios::binary);
    files.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return files;
}

const std::filesystem::path kRegressions = KOLOSAL_FUZZ_REGRESSIONS_DIR;

std::vector<Bytes> AsBytes(const std::vector<std::string>& texts) {
  std::vector<Bytes> out;
  for (const std::string& text : texts) out.emplace_back(text.begin(), text.end());
  return out;
}

// Each seed, then `steps` mutations of it: changes stack for a while, then start again from the
// seed. Seeded, so every run tries the same inputs.
void RunSeededMutations(const std::vector<Bytes>& seeds, int steps, uint64_t rng_seed,
                        void (*target)(std::span<const uint8_t>)) {
  std::mt19937_64 rng(rng_seed);
  for (const Bytes& seed : seeds) {
    target(seed);
    Bytes current = seed;
    for (int step = 0; step < steps; ++step) {
      current = step % 4 == 0 ? Mutate(seed, rng) : Mutate(current, rng);
      target(current);
    }
  }
}

TEST(FuzzModelPayload, SeedsCoverEveryModelAndLoad) {
  const std::vector<Bytes> seeds = ModelPayloadSeeds();
  std::set<std::string> types;
  for (const Bytes& seed : seeds) {
    const auto pipeline = models::TrainedPipeline::LoadFromBuffer(
        io::FramePayload({reinterpret_cast<const char*>(seed.data()), seed.size()}));
    types.insert(std::string(pipeline.model().TypeName()));
    FuzzModelPayload(seed);
  }
  // Every tree and linear model, for each task it takes.
  EXPECT_EQ(types.size(), 9U);
  EXPECT_EQ(seeds.size(), 18U);  // 5 classifiers x 2 tasks, 8 regressors
}

TEST(FuzzModelPayload, SeededMutationsKeepEveryPromise) {
  RunSeededMutations(ModelPayloadSeeds(), 600, 20261128, FuzzModelPayload);
}

TEST(FuzzModelPayload, Regressions) {
  for (const Bytes& input : FilesIn(kRegressions / "model_payload")) FuzzModelPayload(input);
}

TEST(FuzzCsv, SeedsAndSeededMutations) {
  RunSeededMutations(AsBytes(CsvSeeds()), 1000, 11, FuzzCsv);
}

TEST(FuzzCsv, Regressions) {
  for (const Bytes& input : FilesIn(kRegressions / "csv")) FuzzCsv(input);
}

TEST(FuzzCsvParts, SeedsAndSeededMutations) {
  RunSeededMutations(AsBytes(CsvSeeds()), 300, 12, FuzzCsvParts);
}

TEST(FuzzCsvParts, Regressions) {
  for (const Bytes& input : FilesIn(kRegressions / "csv_parts")) FuzzCsvParts(input);
}

TEST(FuzzTrain, SeedsFitEveryModel) {
  std::set<std::string> fitted;
  for (const std::string& text : TrainSeeds()) {
    const size_t nul = text.find('\0');
    const nlohmann::json config = nlohmann::json::parse(text.substr(0, nul));
    const std::string letter = text.substr(nul + 1);
    const bool regression = letter == "r" || letter == "p";
    const models::ModelEntry& entry =
        models::ModelRegistry::Builtin().Find(config["model"].get<std::string>());
    if (regression ? !entry.traits.supports_regression : !entry.traits.supports_classification) {
      continue;
    }
    EXPECT_TRUE(FuzzTrain(AsBytes({text}).front())) << text;
    fitted.insert(config["model"].get<std::string>() + "/" + letter);
  }
  // Every model on every task it takes, binary and three classes for classifiers, and the
  // log-link objectives of gradient boosting on positive targets.
  EXPECT_EQ(fitted.size(), 5U * 2 + 8 + 1);
}

TEST(FuzzTrain, SeedsAndSeededMutations) {
  RunSeededMutations(AsBytes(TrainSeeds()), 400, 29,
                     [](std::span<const uint8_t> input) { (void)FuzzTrain(input); });
}

TEST(FuzzTrain, Regressions) {
  for (const Bytes& input : FilesIn(kRegressions / "train")) (void)FuzzTrain(input);
}

TEST(FuzzStudy, SeedsAreValidStudies) {
  for (const std::string& text : StudySeeds()) {
    const size_t nul = text.find('\0');
    const std::string config = nul == std::string::npos ? "" : text.substr(nul + 1);
    EXPECT_NO_THROW(hpo::Study::Create(text.substr(0, nul), config, "")) << text;
  }
}

TEST(FuzzStudy, SeedsAndSeededMutations) {
  RunSeededMutations(AsBytes(StudySeeds()), 150, 5, FuzzStudy);
}

TEST(FuzzStudy, Regressions) {
  for (const Bytes& input : FilesIn(kRegressions / "study")) FuzzStudy(input);
}

}  // namespace
}  // namespace kolosal::fuzz
