#include "kolosal/core/task.hpp"

#include <string>

#include "kolosal/core/error.hpp"

namespace kolosal {

std::string_view TaskName(Task task) {
  return task == Task::kClassification ? "classification" : "regression";
}

Task ParseTask(std::string_view name) {
  if (name == "classification") return Task::kClassification;
  if (name == "regression") return Task::kRegression;
  ThrowInvalidArgument("unknown task '" + std::string(name) +
                       "'; valid: classification, regression");
}

}  // namespace kolosal
