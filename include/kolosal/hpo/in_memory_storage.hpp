#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "kolosal/hpo/storage.hpp"

namespace kolosal::hpo {

/// Trials kept in this process's memory (the default). Thread-safe; gone with the process.
class InMemoryStorage : public Storage {
 public:
  InMemoryStorage() = default;

  std::string Url() const override { return "memory"; }
  int64_t CreateOrLoadStudy(std::string_view name, Direction direction,
                            std::string_view space_json) override;
  int64_t CreateTrial(int64_t study_id, TrialState state, const ParamVector& params) override;
  std::optional<FrozenTrial> PopWaitingTrial(int64_t study_id) override;
  void SetTrialParams(int64_t study_id, int64_t number, const ParamVector& params) override;
  void SetIntermediateValue(int64_t study_id, int64_t number, int64_t step, double value) override;
  void FinishTrial(int64_t study_id, int64_t number, TrialState state, double value) override;
  void RecordHeartbeat(int64_t study_id, int64_t number) override;
  std::vector<int64_t> FailStaleTrials(int64_t study_id, double grace_seconds) override;
  std::vector<FrozenTrial> GetTrials(int64_t study_id) override;
  FrozenTrial GetTrial(int64_t study_id, int64_t number) override;

 private:
  struct StudyData {
    std::string name;
    Direction direction = Direction::kMinimize;
    std::string space_json;
    std::vector<FrozenTrial> trials;
    std::vector<double> heartbeats;
  };

  StudyData& StudyAt(int64_t study_id);
  FrozenTrial& RunningTrial(int64_t study_id, int64_t number);

  std::mutex mutex_;
  std::vector<StudyData> studies_;
};

}  // namespace kolosal::hpo
