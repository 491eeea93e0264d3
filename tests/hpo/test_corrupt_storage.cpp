// A shared SQLite study whose rows another program damaged (a file that is not a database,
// parameters of the wrong length, categorical indices past the choices, values outside the
// ranges, unknown states): resuming it is an Error(kIo) naming what is wrong, never a crash or
// a trial outside the space. Damage that leaves the rows readable (a text value, no start
// time) resumes.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <string>

#include "kolosal/core/error.hpp"
#include "kolosal/hpo/study.hpp"
#include "storage_test_util.hpp"

namespace kolosal::hpo {
namespace {

constexpr const char* kSpace = R"({"params":[{"name":"x","type":"float","low":-2,"high":2},
                                             {"name":"k","type":"categorical","choices":["a","b"]},
                                             {"name":"n","type":"int","low":1,"high":4}]})";

double Objective(const Trial& trial) {
  return trial.GetFloat("x") * trial.GetFloat("x") + (trial.GetCategorical("k") == "a" ? 0 : 1) +
         static_cast<double>(trial.GetInt("n"));
}

void RunTrials(Study& study, int count) {
  for (int idx = 0; idx < count; ++idx) {
    const Trial trial = study.Ask();
    study.Tell(trial.number(), Objective(trial));
  }
}

TEST(CorruptStorage, AFileThatIsNotADatabaseIsAnIoError) {
  const testing::TempSqliteFile file;
  std::ofstream(file.path()) << "this is not an SQLite database, just text\n";
  try {
    Study::Create(kSpace, "", file.url());
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), StatusCode::kIo) << error.what();
    EXPECT_NE(std::string(error.what()).find("sqlite storage"), std::string::npos) << error.what();
  }
}

// Intermediate values at steps no Report accepts (negative, beyond 2^53) would overflow the
// pruners' rung arithmetic.
TEST(CorruptStorage, IntermediateStepsOutsideTheReportableRangeAreIoErrors) {
  for (const char* step : {"-5", "1152921504606846976"}) {
    SCOPED_TRACE(step);
    const testing::TempSqliteFile file;
    const std::string config = R"({"study_name":"pruned","pruner":"hyperband"})";
    {
      auto study = Study::Create(kSpace, config, file.url());
      for (int idx = 0; idx < 4; ++idx) {
        const Trial trial = study->Ask();
        trial.Report(0, 1.0);
        trial.Report(1, 0.5);
        study->Tell(trial.number(), Objective(trial));
      }
    }
    testing::ExecuteSqlite(file.path(),
                           std::string("UPDATE kolosal_intermediate_values SET step = ") + step +
                               " WHERE number = 2 AND step = 1");
    try {
      Study::Create(kSpace, config, file.url())->Ask();
      ADD_FAILURE() << "expected an error";
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), StatusCode::kIo) << error.what();
      EXPECT_NE(std::string(error.what())
                    .find("trial 2 of study 'pruned' holds an intermediate "
                          "value at step " +
                          std::string(step)),
                std::string::npos)
          << error.what();
    }
  }
}

struct Damage {
  const char* assignment;  // SQL assignment applied to trials 3 and 7
  const char* error;       // what the Error(kIo) says, or nullptr when the study resumes
};

class DamagedRows : public ::testing::TestWithParam<Damage> {};

TEST_P(DamagedRows, ResumingIsAnIoErrorOrStaysInTheSpace) {
  const testing::TempSqliteFile file;
  for (const char* sampler : {"tpe", "gp", "random"}) {
    SCOPED_TRACE(sampler);
    const std::string config =
        std::string(R"({"study_name":")") + sampler + R"(","sampler":")" + sampler + "\"}";
    {
      auto study = Study::Create(kSpace, config, file.url());
      RunTrials(*study, 12);
    }
    testing::ExecuteSqlite(file.path(),
                           std::string("UPDATE kolosal_trials SET ") + GetParam().assignment +
                               " WHERE number IN (3, 7) AND study_id = (SELECT id FROM "
                               "kolosal_studies WHERE name = '" +
                               sampler + "')");
    try {
      auto study = Study::Create(kSpace, config, file.url());
      for (int idx = 0; idx < 6; ++idx) {
        const Trial trial = study->Ask();
        const double x = trial.GetFloat("x");
        EXPECT_TRUE(x >= -2.0 && x <= 2.0) << x;
        EXPECT_TRUE(trial.GetInt("n") >= 1 && trial.GetInt("n") <= 4);
        study->Tell(trial.number(), Objective(trial));
      }
      EXPECT_EQ(study->HistoryJson().at("trials").size(), 18u);
      EXPECT_TRUE(study->BestTrial().has_value());
      EXPECT_EQ(GetParam().error, nullptr) << "the damage went unnoticed";
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), StatusCode::kIo) << error.what();
      ASSERT_NE(GetParam().error, nullptr) << error.what();
      EXPECT_NE(std::string(error.what()).find(GetParam().error), std::string::npos)
          << error.what();
    }
  }
}

constexpr const char* kUnfit = "trial 3 of study";

INSTANTIATE_TEST_SUITE_P(
    EveryKindOfDamage, DamagedRows,
    ::testing::Values(Damage{"params = '[0.5]'", kUnfit}, Damage{"params = '[0.5, 99, 2]'", kUnfit},
                      Damage{"params = '[0.5, -1, 2]'", kUnfit},
                      Damage{"params = '[0.5, 0.5, 2]'", kUnfit},
                      Damage{"params = '[1e300, 0, 2]'", kUnfit},
                      Damage{"params = '[0.5, 0, 1e19]'", kUnfit},
                      Damage{"params = '[0.5, 0, 2, 7, 8]'", kUnfit},
                      Damage{"params = 'not json'", "corrupt trial parameters"},
                      Damage{"params = '{\"x\": 1}'", "corrupt trial parameters"},
                      Damage{"state = 'BOGUS'", "corrupt trial state 'BOGUS'"},
                      Damage{"value = 'text'", nullptr}, Damage{"datetime_start = NULL", nullptr}));

}  // namespace
}  // namespace kolosal::hpo
