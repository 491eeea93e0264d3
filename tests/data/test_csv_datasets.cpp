// Reads every shared dataset (../shared/data) and checks shapes, tasks, classes, missing counts
// and a few cells against values taken from the files (cross-checked with pandas).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "common/test_data.hpp"
#include "kolosal/data/csv_reader.hpp"

namespace kolosal::data {
namespace {

Dataset ReadDataset(const std::string& path, const std::string& target) {
  CsvOptions options;
  options.target = target;
  return ReadCsv(path, options);
}

int64_t CountMissing(const Dataset& data) {
  int64_t count = 0;
  for (const Column& column : data.columns()) count += column.CountMissing();
  return count;
}

int64_t CountCategorical(const Dataset& data) {
  return std::count_if(data.columns().begin(), data.columns().end(),
                       [](const Column& column) { return column.is_categorical(); });
}

int64_t CountClass(const Labels& labels, const std::string& name) {
  const auto position = std::find(labels.classes.begin(), labels.classes.end(), name);
  EXPECT_NE(position, labels.classes.end()) << "no class " << name;
  const auto class_idx = static_cast<float>(position - labels.classes.begin());
  return std::count(labels.values.begin(), labels.values.end(), class_idx);
}

const Column& ColumnNamed(const Dataset& data, std::string_view name) {
  const int64_t idx = data.FindColumn(name);
  EXPECT_GE(idx, 0) << "no column " << name;
  return data.column(std::max<int64_t>(idx, 0));
}

// The text of a categorical cell.
std::string Cell(const Column& column, int64_t row) {
  const int32_t code = column.codes[static_cast<size_t>(row)];
  return code == kMissingCode ? "<missing>" : column.categories[static_cast<size_t>(code)];
}

TEST(CsvDatasets, Spam) {
  KOLOSAL_REQUIRE_DATASET(path, "spam.csv");
  const Dataset data = ReadDataset(path, "type");
  EXPECT_EQ(data.n_rows(), 4601);
  EXPECT_EQ(data.n_features(), 57);
  EXPECT_EQ(CountCategorical(data), 0);
  EXPECT_EQ(CountMissing(data), 0);
  const Labels& labels = data.labels();
  EXPECT_EQ(labels.classes, (std::vector<std::string>{"nonspam", "spam"}));
  EXPECT_EQ(CountClass(labels, "nonspam"), 2788);
  EXPECT_EQ(labels.values.front(), 1.0f);
  EXPECT_EQ(labels.values.back(), 0.0f);
  EXPECT_FLOAT_EQ(ColumnNamed(data, "address").values[0], 0.64f);
  EXPECT_FLOAT_EQ(ColumnNamed(data, "capitalTotal").values[0], 278.0f);
  EXPECT_FLOAT_EQ(ColumnNamed(data, "capitalAve").values[0], 3.756f);
}

TEST(CsvDatasets, LetterRecognition) {
  KOLOSAL_REQUIRE_DATASET(path, "letterrecognition.csv");
  const Dataset data = ReadDataset(path, "lettr");
  EXPECT_EQ(data.n_rows(), 20000);
  EXPECT_EQ(data.n_features(), 16);
  EXPECT_EQ(CountMissing(data), 0);
  const Labels& labels = data.labels();
  ASSERT_EQ(labels.n_classes(), 26);
  EXPECT_EQ(labels.classes.front(), "A");
  EXPECT_EQ(labels.classes.back(), "Z");
  EXPECT_EQ(CountClass(labels, "A"), 789);
  EXPECT_EQ(labels.classes[static_cast<size_t>(labels.values.front())], "T");
  EXPECT_EQ(data.column(0).name, "x.box");
  EXPECT_FLOAT_EQ(data.column(0).values[0], 2.0f);
  EXPECT_FLOAT_EQ(ColumnNamed(data, "y.bar").values[0], 13.0f);
}

TEST(CsvDatasets, Diamonds) {
  KOLOSAL_REQUIRE_DATASET(path, "diamonds.csv");
  const Dataset data = ReadDataset(path, "price");
  EXPECT_EQ(data.n_rows(), 53940);
  EXPECT_EQ(data.n_features(), 9);
  EXPECT_EQ(CountMissing(data), 0);
  EXPECT_EQ(CountCategorical(data), 3);
  const Labels& labels = data.labels();
  EXPECT_EQ(labels.task, Task::kRegression);
  EXPECT_FLOAT_EQ(labels.values.front(), 326.0f);
  EXPECT_FLOAT_EQ(labels.values.back(), 2757.0f);
  const Column& cut = ColumnNamed(data, "cut");
  EXPECT_EQ(cut.categories,
            (std::vector<std::string>{"Ideal", "Premium", "Good", "Very Good", "Fair"}));
  EXPECT_EQ(ColumnNamed(data, "color").categories.size(), 7u);
  EXPECT_EQ(ColumnNamed(data, "clarity").categories.size(), 8u);
  EXPECT_EQ(Cell(ColumnNamed(data, "clarity"), 0), "SI2");
  EXPECT_FLOAT_EQ(ColumnNamed(data, "carat").values[0], 0.23f);
  EXPECT_FLOAT_EQ(ColumnNamed(data, "z").values.back(), 3.64f);
}

TEST(CsvDatasets, Satellite) {
  KOLOSAL_REQUIRE_DATASET(path, "satellite.csv");
  const Dataset data = ReadDataset(path, "classes");
  EXPECT_EQ(data.n_rows(), 6435);
  EXPECT_EQ(data.n_features(), 36);
  EXPECT_EQ(CountCategorical(data), 0);
  EXPECT_EQ(CountMissing(data), 0);
  const Labels& labels = data.labels();
  EXPECT_EQ(labels.classes,
            (std::vector<std::string>{"cotton crop", "damp grey soil", "grey soil", "red soil",
                                      "vegetation stubble", "very damp grey soil"}));
  EXPECT_EQ(CountClass(labels, "red soil"), 1533);
  EXPECT_EQ(labels.values.front(), 2.0f);
  EXPECT_FLOAT_EQ(ColumnNamed(data, "x.1").values[0], 92.0f);
  EXPECT_FLOAT_EQ(ColumnNamed(data, "x.1").values.back(), 60.0f);
}

TEST(CsvDatasets, CreditData) {
  KOLOSAL_REQUIRE_DATASET(path, "credit_data.csv");
  const Dataset data = ReadDataset(path, "Status");
  EXPECT_EQ(data.n_rows(), 4454);
  EXPECT_EQ(data.n_features(), 13);
  EXPECT_EQ(CountMissing(data), 455);
  EXPECT_EQ(CountCategorical(data), 4);  // Home, Marital, Records, Job (+ the target Status)
  const Labels& labels = data.labels();
  EXPECT_EQ(labels.classes, (std::vector<std::string>{"bad", "good"}));
  EXPECT_EQ(CountClass(labels, "bad"), 1254);
  const Column& home = ColumnNamed(data, "Home");
  EXPECT_EQ(home.categories,
            (std::vector<std::string>{"rent", "owner", "parents", "priv", "other", "ignore"}));
  EXPECT_EQ(home.CountMissing(), 6);
  EXPECT_EQ(ColumnNamed(data, "Marital").CountMissing(), 1);
  EXPECT_EQ(ColumnNamed(data, "Job").CountMissing(), 2);
  EXPECT_EQ(ColumnNamed(data, "Income").CountMissing(), 381);
  EXPECT_EQ(ColumnNamed(data, "Assets").CountMissing(), 47);
  EXPECT_EQ(ColumnNamed(data, "Debt").CountMissing(), 18);
  // Line 31 of the file: "bad",0,,48,37,"single","no",,35,,,,1500,1850
  EXPECT_EQ(Cell(home, 29), "<missing>");
  EXPECT_TRUE(std::isnan(ColumnNamed(data, "Income").values[29]));
  EXPECT_FLOAT_EQ(ColumnNamed(data, "Price").values[29], 1850.0f);
  EXPECT_FLOAT_EQ(ColumnNamed(data, "Income").values[0], 129.0f);
}

TEST(CsvDatasets, Ames) {
  KOLOSAL_REQUIRE_DATASET(path, "ames.csv");
  const Dataset data = ReadDataset(path, "Sale_Price");
  EXPECT_EQ(data.n_rows(), 2930);
  EXPECT_EQ(data.n_features(), 73);
  EXPECT_EQ(CountCategorical(data), 40);
  EXPECT_EQ(CountMissing(data), 0);
  const Labels& labels = data.labels();
  EXPECT_EQ(labels.task, Task::kRegression);
  EXPECT_FLOAT_EQ(labels.values.front(), 215000.0f);
  EXPECT_FLOAT_EQ(labels.values.back(), 188000.0f);
  const Column& neighborhood = ColumnNamed(data, "Neighborhood");
  EXPECT_EQ(neighborhood.categories.size(), 28u);
  EXPECT_EQ(neighborhood.categories.front(), "North_Ames");
  EXPECT_EQ(Cell(ColumnNamed(data, "MS_SubClass"), 0), "One_Story_1946_and_Newer_All_Styles");
  EXPECT_FLOAT_EQ(ColumnNamed(data, "Lot_Area").values[0], 31770.0f);
  EXPECT_FLOAT_EQ(ColumnNamed(data, "Latitude").values[0], 42.054035f);
}

TEST(CsvDatasets, Shuttle) {
  KOLOSAL_REQUIRE_DATASET(path, "shuttle.csv");
  const Dataset data = ReadDataset(path, "Class");
  EXPECT_EQ(data.n_rows(), 58000);
  EXPECT_EQ(data.n_features(), 9);
  EXPECT_EQ(CountMissing(data), 0);
  const Labels& labels = data.labels();
  EXPECT_EQ(labels.classes,
            (std::vector<std::string>{"Bpv.Close", "Bpv.Open", "Bypass", "Fpv.Close", "Fpv.Open",
                                      "High", "Rad.Flow"}));
  EXPECT_EQ(CountClass(labels, "Bpv.Close"), 10);
  EXPECT_EQ(CountClass(labels, "Rad.Flow"), 45586);
  EXPECT_EQ(labels.values.front(), 3.0f);
  EXPECT_FLOAT_EQ(ColumnNamed(data, "V1").values[0], 50.0f);
}

TEST(CsvDatasets, Concrete) {
  KOLOSAL_REQUIRE_DATASET(path, "concrete.csv");
  const Dataset data = ReadDataset(path, "compressive_strength");
  EXPECT_EQ(data.n_rows(), 1030);
  EXPECT_EQ(data.n_features(), 8);
  EXPECT_EQ(CountMissing(data), 0);
  const Labels& labels = data.labels();
  EXPECT_EQ(labels.task, Task::kRegression);
  EXPECT_FLOAT_EQ(labels.values.front(), 79.99f);
  EXPECT_FLOAT_EQ(labels.values.back(), 32.4f);
  EXPECT_FLOAT_EQ(ColumnNamed(data, "cement").values[0], 540.0f);
  EXPECT_FLOAT_EQ(ColumnNamed(data, "fly_ash").values.back(), 78.3f);
}

TEST(CsvDatasets, Sonar) {
  KOLOSAL_REQUIRE_DATASET(path, "sonar.csv");
  const Dataset data = ReadDataset(path, "Class");
  EXPECT_EQ(data.n_rows(), 208);
  EXPECT_EQ(data.n_features(), 60);
  EXPECT_EQ(CountMissing(data), 0);
  const Labels& labels = data.labels();
  EXPECT_EQ(labels.classes, (std::vector<std::string>{"M", "R"}));
  EXPECT_EQ(CountClass(labels, "M"), 111);
  EXPECT_FLOAT_EQ(ColumnNamed(data, "V1").values[0], 0.02f);
  EXPECT_FLOAT_EQ(ColumnNamed(data, "V1").values.back(), 0.026f);
}

TEST(CsvDatasets, GlassQuotedNumericLabelsAreClasses) {
  KOLOSAL_REQUIRE_DATASET(path, "glass.csv");
  const Dataset data = ReadDataset(path, "Type");
  EXPECT_EQ(data.n_rows(), 214);
  EXPECT_EQ(data.n_features(), 9);
  EXPECT_EQ(CountMissing(data), 0);
  const Labels& labels = data.labels();
  EXPECT_EQ(labels.task, Task::kClassification);
  EXPECT_EQ(labels.classes, (std::vector<std::string>{"1", "2", "3", "5", "6", "7"}));
  EXPECT_EQ(CountClass(labels, "1"), 70);
  EXPECT_EQ(CountClass(labels, "2"), 76);
  EXPECT_EQ(CountClass(labels, "6"), 9);
  EXPECT_EQ(labels.values.front(), 0.0f);
  EXPECT_EQ(labels.values.back(), 5.0f);
  EXPECT_FLOAT_EQ(ColumnNamed(data, "RI").values[0], 1.52101f);
  EXPECT_FLOAT_EQ(ColumnNamed(data, "Ba").values.back(), 1.67f);
}

TEST(CsvDatasets, MaxRowsOnARealFile) {
  KOLOSAL_REQUIRE_DATASET(path, "diamonds.csv");
  CsvOptions options;
  options.target = "price";
  options.max_rows = 100;
  options.drop_columns = {"x", "y", "z"};
  const Dataset data = ReadCsv(path, options);
  EXPECT_EQ(data.n_rows(), 100);
  EXPECT_EQ(data.n_features(), 6);
  EXPECT_EQ(data.labels().values.size(), 100u);
}

}  // namespace
}  // namespace kolosal::data
