// MakeLabels, declared in dataset.hpp: turns a raw target column into Labels.
#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kolosal/core/error.hpp"
#include "kolosal/data/dataset.hpp"
#include "kolosal/data/detail/number_text.hpp"

namespace kolosal::data {
namespace {

[[noreturn]] void ThrowBadTarget(const Column& target, int64_t row, std::string_view what) {
  ThrowInvalidArgument("target column '" + target.name + "' has " + std::string(what) + " in row " +
                       std::to_string(row + 1) + "; remove or fill the rows without a target");
}

// Every row needs a target: no missing, infinite or out-of-dictionary values.
void CheckTargetValues(const Column& target) {
  for (int64_t row = 0; row < target.size(); ++row) {
    if (target.IsMissing(row)) ThrowBadTarget(target, row, "a missing value");
    const auto idx = static_cast<size_t>(row);
    if (target.is_numeric() && !std::isfinite(target.values[idx])) {
      ThrowBadTarget(target, row, "an infinite value");
    }
    if (target.is_categorical() && target.codes[idx] >= std::ssize(target.categories)) {
      ThrowBadTarget(target, row, "a code outside its dictionary");
    }
  }
}

// True when the values look like class labels: all integers, at most `max_classes` distinct.
// Stops as soon as the answer is no, so a regression target costs little.
bool LooksLikeClasses(const std::vector<float>& values, int max_classes) {
  std::vector<float> distinct;
  for (float value : values) {
    if (std::floor(value) != value) return false;
    auto position = std::lower_bound(distinct.begin(), distinct.end(), value);
    if (position != distinct.end() && *position == value) continue;
    if (static_cast<int>(distinct.size()) >= max_classes) return false;
    distinct.insert(position, value);
  }
  return true;
}

Labels NumericClassLabels(const Column& target) {
  std::vector<float> distinct = target.values;
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  Labels labels{target.name, Task::kClassification, {}, {}};
  for (float value : distinct) labels.classes.push_back(detail::FormatNumber(value));
  labels.values.reserve(target.values.size());
  for (float value : target.values) {
    const auto position = std::lower_bound(distinct.begin(), distinct.end(), value);
    labels.values.push_back(static_cast<float>(position - distinct.begin()));
  }
  return labels;
}

Labels NumericLabels(const Column& target, std::optional<Task> task, int max_classes) {
  const bool classify =
      task ? *task == Task::kClassification : LooksLikeClasses(target.values, max_classes);
  if (classify) return NumericClassLabels(target);
  return Labels{target.name, Task::kRegression, target.values, {}};
}

// The dictionary entries as numbers, or nullopt when one of them is not a number.
std::optional<std::vector<double>> CategoriesAsNumbers(const std::vector<std::string>& categories) {
  std::vector<double> numbers;
  numbers.reserve(categories.size());
  for (const std::string& category : categories) {
    const std::optional<double> number = detail::ParseNumber(category);
    if (!number || !std::isfinite(*number)) return std::nullopt;
    numbers.push_back(*number);
  }
  return numbers;
}

Labels CategoricalRegressionLabels(const Column& target) {
  const std::optional<std::vector<double>> numbers = CategoriesAsNumbers(target.categories);
  if (!numbers) {
    ThrowInvalidArgument("target column '" + target.name +
                         "' holds text, so it cannot be a regression target");
  }
  Labels labels{target.name, Task::kRegression, {}, {}};
  labels.values.reserve(target.codes.size());
  for (int32_t code : target.codes) {
    labels.values.push_back(static_cast<float>((*numbers)[static_cast<size_t>(code)]));
  }
  return labels;
}

// The codes that occur in the column, in class order: by numeric value when every one is a
// number, else by text.
std::vector<int32_t> OrderedUsedCodes(const Column& target) {
  std::vector<char> used(target.categories.size(), 0);
  for (int32_t code : target.codes) used[static_cast<size_t>(code)] = 1;
  std::vector<int32_t> codes;
  for (size_t code = 0; code < used.size(); ++code) {
    if (used[code]) codes.push_back(static_cast<int32_t>(code));
  }
  const std::vector<std::string>& names = target.categories;
  if (const auto numbers = CategoriesAsNumbers(names)) {
    std::stable_sort(codes.begin(), codes.end(), [&](int32_t a, int32_t b) {
      return (*numbers)[static_cast<size_t>(a)] < (*numbers)[static_cast<size_t>(b)];
    });
    return codes;
  }
  std::sort(codes.begin(), codes.end(), [&](int32_t a, int32_t b) {
    return names[static_cast<size_t>(a)] < names[static_cast<size_t>(b)];
  });
  return codes;
}

Labels CategoricalClassLabels(const Column& target) {
  const std::vector<int32_t> ordered = OrderedUsedCodes(target);
  std::vector<float> class_of_code(target.categories.size(), 0.0f);
  Labels labels{target.name, Task::kClassification, {}, {}};
  for (size_t class_idx = 0; class_idx < ordered.size(); ++class_idx) {
    const auto code = static_cast<size_t>(ordered[class_idx]);
    class_of_code[code] = static_cast<float>(class_idx);
    labels.classes.push_back(target.categories[code]);
  }
  labels.values.reserve(target.codes.size());
  for (int32_t code : target.codes) {
    labels.values.push_back(class_of_code[static_cast<size_t>(code)]);
  }
  return labels;
}

}  // namespace

Labels MakeLabels(const Column& target, std::optional<Task> task, int max_classes) {
  CheckTargetValues(target);
  if (target.is_numeric()) return NumericLabels(target, task, max_classes);
  if (task == Task::kRegression) return CategoricalRegressionLabels(target);
  return CategoricalClassLabels(target);
}

}  // namespace kolosal::data
