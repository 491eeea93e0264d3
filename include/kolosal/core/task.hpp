#pragma once

#include <string_view>

namespace kolosal {

/// What a model predicts. Classification covers binary and multi-class (see n_classes).
enum class Task { kClassification, kRegression };

std::string_view TaskName(Task task);
/// Parses "classification" or "regression"; throws Error(kInvalidArgument) otherwise.
Task ParseTask(std::string_view name);

}  // namespace kolosal
