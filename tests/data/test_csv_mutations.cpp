// CSV text mutated at random (quotes, delimiters, line ends, NUL and non-UTF-8 bytes, cut short):
// ParseCsv either reads it into a consistent dataset or throws Error(kInvalidArgument); it never
// crashes and never lets another exception out. Under the asan preset out-of-range reads show.
#include <gtest/gtest.h>

#include <array>
#include <random>
#include <string>

#include "kolosal/core/error.hpp"
#include "kolosal/data/csv_reader.hpp"

namespace kolosal::data {
namespace {

constexpr std::string_view kSeed =
    "id,colour,\"size, cm\",note,y\r\n"
    "1,red,1.5,\"said \"\"hi\"\"\",yes\r\n"
    "2,green,NA,\"two\nlines\",no\r\n"
    "3,,2.25,,yes\r\n"
    "4,blue,?,plain,no\r\n"
    "5,red,-3e2,\"a,b\",yes\n";

std::string Mutate(std::string text, std::mt19937_64& rng) {
  constexpr std::array<char, 10> kSpecial = {'"', ',', '\n',   '\r',   '\0',
                                             ' ', 'N', '\xff', '\xc3', 'e'};
  const int n_mutations = 1 + static_cast<int>(rng() % 4);
  for (int mutation = 0; mutation < n_mutations && !text.empty(); ++mutation) {
    const size_t at = rng() % text.size();
    const char special = kSpecial[rng() % kSpecial.size()];
    switch (rng() % 4) {
      case 0:
        text[at] = special;
        break;
      case 1:
        text.insert(at, 1, special);
        break;
      case 2:
        text.erase(at, 1 + rng() % 3);
        break;
      default:
        text.resize(at);  // cut short
    }
  }
  return text;
}

TEST(CsvMutations, ParseOrRejectNeverCrash) {
  std::mt19937_64 rng(11);
  int parsed = 0;
  int rejected = 0;
  for (int round = 0; round < 4000; ++round) {
    const std::string text = Mutate(std::string(kSeed), rng);
    CsvOptions options;
    if (round % 2 == 0) options.target = "y";
    try {
      const Dataset dataset = ParseCsv(text, options);
      ++parsed;
      for (const Column& column : dataset.columns()) {
        ASSERT_EQ(column.size(), dataset.n_rows()) << "round " << round;
      }
    } catch (const Error& error) {
      ++rejected;
      EXPECT_EQ(error.code(), StatusCode::kInvalidArgument)
          << "round " << round << ": " << error.what();
      EXPECT_GT(std::string(error.what()).size(), 0u);
    } catch (const std::exception& error) {
      ADD_FAILURE() << "round " << round << ": escaped " << error.what();
    }
  }
  EXPECT_GT(parsed, 100);
  EXPECT_GT(rejected, 100);
}

}  // namespace
}  // namespace kolosal::data
