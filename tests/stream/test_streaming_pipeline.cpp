// Streaming prediction: chunks of whole records, the same outputs as in-memory prediction for
// any chunking and thread count, backpressure, the memory budget, cancellation and bad input.
#include <gtest/gtest.h>

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/expect_error.hpp"
#include "common/fit_pipeline.hpp"
#include "common/temp_dir.hpp"
#include "kolosal/data/csv_reader.hpp"
#include "kolosal/stream/memory_budget.hpp"
#include "kolosal/stream/streaming_pipeline.hpp"

namespace kolosal::stream {
namespace {

using kolosal::testing::ExpectError;
using kolosal::testing::FitPipeline;
using kolosal::testing::ReadFile;
using kolosal::testing::TempDir;
using kolosal::testing::WriteFile;

/// A labelled CSV: three numeric columns (some missing), a categorical one, the label "y"
/// (classes "no"/"yes", or a value for regression) in the middle, and an unused "id".
std::string MakeCsv(int64_t n_rows, bool regression, uint64_t seed = 5) {
  std::mt19937_64 random(seed);
  std::normal_distribution<float> normal;
  const char* colours[] = {"red", "green", "blue", "\"dark, grey\"", "white"};
  std::string text = "id,a,colour,y,b,c\n";
  for (int64_t row = 0; row < n_rows; ++row) {
    const float a = normal(random), b = normal(random), c = normal(random);
    const int colour = static_cast<int>(random() % 5);
    const float signal = a + 0.5f * b * c + (colour == 1 ? 1.0f : 0.0f);
    char line[256];
    const std::string y = regression ? std::to_string(signal + 0.1f * normal(random))
                                     : (signal + 0.3f * normal(random) > 0 ? "yes" : "no");
    std::snprintf(line, sizeof(line), "%lld,%s,%s,%s,%.5g,%.5g\n", static_cast<long long>(row),
                  row % 17 == 3 ? "" : std::to_string(a).c_str(), colours[colour], y.c_str(),
                  static_cast<double>(b), static_cast<double>(c));
    text += line;
  }
  return text;
}

models::TrainedPipeline TrainOn(const std::string& path, bool regression) {
  data::CsvOptions options;
  options.target = "y";
  options.drop_columns = {"id"};
  const data::Dataset dataset = data::ReadCsv(path, options);
  return FitPipeline(dataset, "gradient_boosting",
                     {{"n_estimators", 15},
                      {"num_leaves", 8},
                      {"objective", regression ? "squared_error" : "logistic"}});
}

/// What the CSV output of a whole in-memory prediction of `path` would be, line by line.
std::vector<std::string> ExpectedLines(const models::TrainedPipeline& model,
                                       const std::string& path, bool probabilities) {
  const std::vector<float> raw = model.PredictRaw(data::ReadCsv(path, {}));
  std::vector<std::string> lines;
  const auto number = [](float value) {
    char buffer[32];
    return std::string(buffer, std::to_chars(buffer, buffer + sizeof(buffer), value).ptr);
  };
  if (probabilities) {
    const auto width = static_cast<size_t>(model.n_classes());
    for (size_t offset = 0; offset < raw.size(); offset += width) {
      std::string line;
      for (size_t idx = 0; idx < width; ++idx) line += (idx ? "," : "") + number(raw[offset + idx]);
      lines.push_back(line);
    }
    return lines;
  }
  for (const float prediction : model.RawToPredictions(raw)) {
    lines.push_back(model.task() == Task::kClassification
                        ? "\"" + model.classes()[static_cast<size_t>(prediction)] + "\""
                        : number(prediction));
  }
  return lines;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

StreamOptions Options(int64_t chunk_rows, int64_t n_jobs = 2, bool probabilities = false) {
  StreamOptions options;
  options.chunk_rows = chunk_rows;
  options.n_jobs = n_jobs;
  options.probabilities = probabilities;
  return options;
}

TEST(StreamingPipeline, WritesWhatInMemoryPredictionGivesForAnyChunkingAndThreads) {
  TempDir dir;
  const std::string input = dir.File("input.csv");
  WriteFile(input, MakeCsv(2000, false));
  const models::TrainedPipeline model = TrainOn(input, false);
  for (const bool probabilities : {false, true}) {
    const std::vector<std::string> expected = ExpectedLines(model, input, probabilities);
    std::string first_output;
    for (const int64_t chunk_rows : {1, 7, 500, 0}) {
      for (const int64_t n_jobs : {1, 2}) {
        SCOPED_TRACE("chunk_rows " + std::to_string(chunk_rows) + ", n_jobs " +
                     std::to_string(n_jobs) + ", probabilities " + std::to_string(probabilities));
        StreamingPipeline stream(Options(chunk_rows, n_jobs, probabilities));
        const std::string output = dir.File("out.csv");
        stream.PredictCsv(model, input, output);
        const std::vector<std::string> lines = Lines(ReadFile(output));
        ASSERT_EQ(lines.size(), expected.size() + 1);
        EXPECT_EQ(lines[0], probabilities ? "\"no\",\"yes\"" : "prediction");
        for (size_t row = 0; row < expected.size(); ++row) {
          ASSERT_EQ(lines[row + 1], expected[row]) << "row " << row;
        }
        const nlohmann::json stats = stream.Stats();
        EXPECT_EQ(stats.at("state"), "done");
        EXPECT_EQ(stats.at("rows"), 2000);
        if (chunk_rows > 0) {
          EXPECT_EQ(stats.at("chunks"), (2000 + chunk_rows - 1) / chunk_rows);
        }
        EXPECT_LE(stats.at("peak_chunks_in_flight").get<int64_t>(), 4);
        EXPECT_EQ(stats.at("bytes_read"), stats.at("input_bytes"));
        EXPECT_FALSE(std::filesystem::exists(output + ".partial"));
        if (first_output.empty()) first_output = ReadFile(output);
        EXPECT_EQ(ReadFile(output), first_output);
      }
    }
  }
}

TEST(StreamingPipeline, RegressionValuesRoundTripAndColumnsMatchByName) {
  TempDir dir;
  const std::string input = dir.File("input.csv");
  WriteFile(input, MakeCsv(300, true));
  const models::TrainedPipeline model = TrainOn(input, true);
  // The same rows with the columns in another order, without the label and with a new column.
  const std::string shuffled = dir.File("shuffled.csv");
  const data::Dataset rows = data::ReadCsv(input, {});
  std::string text = "c,extra,colour,b,a\n";
  const std::vector<std::string> original = Lines(ReadFile(input));
  for (size_t line = 1; line < original.size(); ++line) {
    std::vector<std::string> fields;
    std::string field;
    bool quoted = false;
    for (const char c : original[line]) {
      if (c == '"') quoted = !quoted;
      if (c == ',' && !quoted) {
        fields.push_back(field);
        field.clear();
      } else {
        field += c;
      }
    }
    fields.push_back(field);  // id, a, colour, y, b, c
    text += fields[5] + ",zzz," + fields[2] + "," + fields[4] + "," + fields[1] + "\n";
  }
  WriteFile(shuffled, text);
  StreamingPipeline stream(Options(64));
  stream.PredictCsv(model, shuffled, dir.File("out.csv"));
  const std::vector<std::string> lines = Lines(ReadFile(dir.File("out.csv")));
  const std::vector<float> expected = model.PredictRaw(rows);
  ASSERT_EQ(lines.size(), expected.size() + 1);
  for (size_t row = 0; row < expected.size(); ++row) {
    float value = 0;
    std::from_chars(lines[row + 1].data(), lines[row + 1].data() + lines[row + 1].size(), value);
    ASSERT_EQ(value, expected[row]) << "row " << row;
  }
  StreamingPipeline proba(Options(0, 1, true));
  ExpectError([&] { proba.PredictCsv(model, input, dir.File("p.csv")); },
              StatusCode::kInvalidArgument, "probabilities need a classification model");
  EXPECT_FALSE(std::filesystem::exists(dir.File("p.csv")));
}

// SHAP contributions stream as predictions do: the values of an in-memory Contributions call
// for any chunking and thread count, and each row sums to the model's margin.
TEST(StreamingPipeline, ContributionsMatchTheInMemoryValuesAndSumToTheMargin) {
  TempDir dir;
  const std::string input = dir.File("input.csv");
  WriteFile(input, MakeCsv(600, true));
  const models::TrainedPipeline model = TrainOn(input, true);
  const data::Dataset whole = data::ReadCsv(input, {});
  const std::vector<float> expected = model.Contributions(whole);
  const std::vector<float> predictions = model.PredictRaw(whole);
  const auto width = static_cast<size_t>(model.n_input_features() + 1);
  ASSERT_EQ(expected.size(), predictions.size() * width);
  std::string header;
  for (const auto& column : model.pipeline().input_schema().columns) {
    header += "\"" + column.name + "\",";
  }
  header += "\"bias\"";
  for (const int64_t chunk_rows : {1, 64, 0}) {
    for (const int64_t n_jobs : {1, 2}) {
      SCOPED_TRACE("chunk_rows " + std::to_string(chunk_rows) + ", n_jobs " +
                   std::to_string(n_jobs));
      StreamOptions options = Options(chunk_rows, n_jobs);
      options.contributions = true;
      StreamingPipeline stream(options);
      const std::string output = dir.File("contributions.csv");
      stream.PredictCsv(model, input, output);
      const std::vector<std::string> lines = Lines(ReadFile(output));
      ASSERT_EQ(lines.size(), predictions.size() + 1);
      EXPECT_EQ(lines[0], header);
      for (size_t row = 0; row < predictions.size(); ++row) {
        std::stringstream fields(lines[row + 1]);
        double sum = 0;
        size_t col = 0;
        for (std::string field; std::getline(fields, field, ','); ++col) {
          ASSERT_LT(col, width);
          const float value = std::stof(field);
          EXPECT_EQ(value, expected[row * width + col]) << "row " << row << ", column " << col;
          sum += value;
        }
        EXPECT_EQ(col, width);
        EXPECT_NEAR(sum, predictions[row], 1e-3 * (1 + std::abs(predictions[row])));
      }
    }
  }
  // A multi-class model names each class's columns.
  const std::string classes = dir.File("classes.csv");
  WriteFile(classes, MakeCsv(300, false));
  StreamOptions options = Options(0);
  options.contributions = true;
  StreamingPipeline stream(options);
  stream.PredictCsv(TrainOn(classes, false), classes, dir.File("classes_out.csv"));
  const std::string first_line = Lines(ReadFile(dir.File("classes_out.csv")))[0];
  EXPECT_EQ(first_line.substr(0, first_line.find(',')), "\"no:a\"");
  EXPECT_NE(first_line.find("\"yes:bias\""), std::string::npos);
}

TEST(StreamingPipeline, BadInputNamesTheProblemAndLeavesNoOutput) {
  TempDir dir;
  const std::string input = dir.File("input.csv");
  WriteFile(input, MakeCsv(200, false));
  const models::TrainedPipeline model = TrainOn(input, false);
  StreamingPipeline stream(Options(16));
  const std::string output = dir.File("out.csv");
  const auto no_output = [&] {
    EXPECT_FALSE(std::filesystem::exists(output));
    EXPECT_FALSE(std::filesystem::exists(output + ".partial"));
    EXPECT_EQ(stream.Stats().at("state"), "failed");
  };

  ExpectError([&] { stream.PredictCsv(model, dir.File("absent.csv"), output); }, StatusCode::kIo,
              "absent.csv");
  no_output();

  WriteFile(dir.File("lacks_b.csv"), "a,colour,c\n1,red,2\n");
  ExpectError([&] { stream.PredictCsv(model, dir.File("lacks_b.csv"), output); },
              StatusCode::kInvalidArgument, "lacks_b.csv", "missing column 'b'");
  no_output();

  // A bad record deep in the file: the error names the file's own line.
  std::string text = MakeCsv(100, false);
  text += "100,oops,red,yes,1,2\n";
  WriteFile(dir.File("bad.csv"), text);
  ExpectError([&] { stream.PredictCsv(model, dir.File("bad.csv"), output); },
              StatusCode::kInvalidArgument, "bad.csv", "line 102", "'oops' is not a number");
  no_output();
  EXPECT_NE(stream.Stats().at("error").get<std::string>().find("line 102"), std::string::npos);

  ExpectError([&] { stream.PredictCsv(model, input, dir.File("no_such_dir/out.csv")); },
              StatusCode::kIo, "cannot write");

  ExpectError(
      [] {
        StreamOptions::FromJson({{"chunk_row", 5}});
      },
      StatusCode::kInvalidArgument, "chunk_rows");
  ExpectError(
      [] {
        StreamOptions::FromJson({{"max_chunks_in_flight", 0}});
      },
      StatusCode::kInvalidArgument, "max_chunks_in_flight");
  ExpectError(
      [] {
        StreamOptions::FromJson({{"csv", {{"target", "y"}}}});
      },
      StatusCode::kInvalidArgument, "target");
  ExpectError(
      [] {
        StreamOptions::FromJson({{"csv", {{"drop_columns", {"a"}}}}});
      },
      StatusCode::kInvalidArgument, "drop_columns");
  ExpectError(
      [] {
        StreamOptions::FromJson({{"csv", {{"has_header", false}}}});
      },
      StatusCode::kInvalidArgument, "header");
  ExpectError(
      [] {
        StreamOptions::FromJson({{"probabilities", true}, {"contributions", true}});
      },
      StatusCode::kInvalidArgument, "probabilities and contributions cannot be combined");
  const StreamOptions options =
      StreamOptions::FromJson({{"chunk_rows", 9}, {"csv", {{"delimiter", ";"}}}});
  EXPECT_EQ(options.chunk_rows, 9);
  EXPECT_EQ(options.csv.delimiter, ';');
  EXPECT_EQ(StreamOptions::FromJson(options.ToJson()).ToJson(), options.ToJson());
}

// A writer that fails stops the run with its error; the chunks in flight are freed (the
// AddressSanitizer build checks that nothing leaks).
TEST(StreamingPipeline, AFailingWriterStopsTheRun) {
  TempDir dir;
  const std::string input = dir.File("input.csv");
  WriteFile(input, MakeCsv(2000, false));
  const models::TrainedPipeline model = TrainOn(input, false);
  StreamingPipeline stream(Options(5, 2));
  int writes = 0;
  ExpectError(
      [&] {
        stream.PredictCsv(model, input, [&](std::string_view) {
          if (++writes == 20) throw Error(StatusCode::kIo, "the disk is full");
        });
      },
      StatusCode::kIo, "the disk is full");
  EXPECT_EQ(writes, 20);
  EXPECT_EQ(stream.Stats().at("state"), "failed");
  EXPECT_LT(stream.Stats().at("rows").get<int64_t>(), 2000);
}

TEST(StreamingPipeline, CancelStopsTheRunAndASecondRunWaitsItsTurn) {
  TempDir dir;
  const std::string input = dir.File("input.csv");
  WriteFile(input, MakeCsv(1000, false));
  const models::TrainedPipeline model = TrainOn(input, false);
  StreamingPipeline stream(Options(10));
  int64_t writes = 0;
  ExpectError(
      [&] {
        stream.PredictCsv(model, input, [&](std::string_view) {
          if (++writes == 2) {  // the header, then the first chunk
            ExpectError([&] { stream.PredictCsv(model, input, dir.File("second.csv")); },
                        StatusCode::kFailedPrecondition, "already running");
            stream.Cancel();
          }
        });
      },
      StatusCode::kCancelled, "cancelled");
  const nlohmann::json stats = stream.Stats();
  EXPECT_EQ(stats.at("state"), "cancelled");
  EXPECT_LT(stats.at("rows").get<int64_t>(), 1000);
  EXPECT_LE(writes, 2 + 4);  // at most the chunks in flight are written after the cancel

  // The next run starts afresh.
  stream.PredictCsv(model, input, dir.File("out.csv"));
  EXPECT_EQ(stream.Stats().at("state"), "done");
  EXPECT_EQ(stream.Stats().at("rows"), 1000);
}

TEST(StreamingPipeline, ReadingWaitsWhileTheChunksInFlightAreNotWritten) {
  TempDir dir;
  const std::string input = dir.File("input.csv");
  WriteFile(input, MakeCsv(400, false));
  const models::TrainedPipeline model = TrainOn(input, false);
  StreamOptions options = Options(5);
  options.max_chunks_in_flight = 2;
  StreamingPipeline stream(options);
  const auto peak = [&] { return stream.Stats().at("peak_chunks_in_flight").get<int64_t>(); };
  // The writer holds the first chunk until reading has filled both places, then checks at each
  // chunk that reading never got further ahead.
  int64_t writes = 0;
  stream.PredictCsv(model, input, [&](std::string_view) {
    if (++writes == 2) {
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
      while (peak() < 2 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      EXPECT_EQ(peak(), 2);
    }
    EXPECT_LE(peak(), 2);
  });
  EXPECT_EQ(writes, 1 + 80);
  EXPECT_EQ(peak(), 2);
}

TEST(StreamingPipeline, PeakMemoryFollowsTheBudgetNotTheFileSize) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer keeps freed memory in quarantine, so the resident set "
                  "measures the quarantine, not the stream";
#endif
  TempDir dir;
  const std::string train = dir.File("train.csv");
  WriteFile(train, MakeCsv(500, false));
  const models::TrainedPipeline model = TrainOn(train, false);
  // About 40 MB of CSV: reading it whole takes several times that.
  const std::string input = dir.File("big.csv");
  {
    std::ofstream out(input, std::ios::binary);
    const std::string block = MakeCsv(20000, false, 9);
    out << block;
    const std::string rows = block.substr(block.find('\n') + 1);
    for (int copy = 1; copy < 50; ++copy) out << rows;
  }
  ASSERT_GT(std::filesystem::file_size(input), 35u << 20);
  StreamOptions options;
  options.memory_budget_mb = 8;
  StreamingPipeline stream(options);
  stream.PredictCsv(model, input, dir.File("out.csv"));
  const nlohmann::json stats = stream.Stats();
  EXPECT_EQ(stats.at("rows"), 20000 * 50);
  EXPECT_GT(stats.at("chunks").get<int64_t>(), 20);
  EXPECT_LE(stats.at("chunk_bytes").get<int64_t>(), (int64_t{8} << 20) / (4 * 8));
  EXPECT_LT(stats.at("peak_memory_mb").get<double>(), 30.0) << stats.dump();
}

TEST(MemoryBudget, HalvesChunksOverTheBudgetAndGrowsThemBackUnderHalf) {
  MemoryBudget budget(int64_t{64} << 20, 4);
  const int64_t planned = (int64_t{64} << 20) / (4 * MemoryBudget::kBytesPerTextByte);
  EXPECT_EQ(budget.chunk_bytes(), planned);
  budget.Observe(budget.baseline() + (int64_t{100} << 20));
  EXPECT_EQ(budget.chunk_bytes(), planned / 2);
  budget.Observe(budget.baseline() + (int64_t{100} << 20));
  EXPECT_EQ(budget.chunk_bytes(), planned / 4);
  budget.Observe(budget.baseline() + (int64_t{40} << 20));  // between half and the budget: kept
  EXPECT_EQ(budget.chunk_bytes(), planned / 4);
  for (int step = 0; step < 20; ++step) budget.Observe(budget.baseline());
  EXPECT_EQ(budget.chunk_bytes(), planned);
  EXPECT_EQ(budget.peak_growth(), int64_t{100} << 20);
  for (int step = 0; step < 40; ++step) budget.Observe(budget.baseline() + (int64_t{1} << 40));
  EXPECT_EQ(budget.chunk_bytes(), MemoryBudget::kMinChunkBytes);
  EXPECT_GT(MemoryBudget::ResidentBytes(), 0);
}

}  // namespace
}  // namespace kolosal::stream
