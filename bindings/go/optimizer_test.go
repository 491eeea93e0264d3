package kolosal_test

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"kolosal.ai/kolosal"
)

// quadraticSpace has the minimum 0 of quadratic at x = 2, y = -1, k = "b".
var quadraticSpace = kolosal.SearchSpace{Params: []kolosal.Param{
	kolosal.FloatParam("x", -5, 5),
	kolosal.IntParam("y", -5, 5),
	kolosal.CategoricalParam("k", "a", "b", "c"),
}}

func quadratic(t *testing.T, trial *kolosal.Trial) float64 {
	t.Helper()
	x := must[float64](t)(trial.Float("x"))
	y := must[int64](t)(trial.Int("y"))
	value := (x-2)*(x-2) + float64((y+1)*(y+1))
	if must[string](t)(trial.Categorical("k")) != "b" {
		value++
	}
	return value
}

// runLoop asks and tells until the study stops and returns the smallest value told.
func runLoop(t *testing.T, optimizer *kolosal.Optimizer) (trials int, min float64) {
	t.Helper()
	min = math.Inf(1)
	for !must[bool](t)(optimizer.ShouldStop()) {
		trial := must[*kolosal.Trial](t)(optimizer.Ask())
		value := quadratic(t, trial)
		min = math.Min(min, value)
		if err := optimizer.Tell(trial, value); err != nil {
			t.Fatal(err)
		}
		trial.Close()
		trials++
	}
	return trials, min
}

func TestOptimizerTunesAQuadratic(t *testing.T) {
	optimizer := must[*kolosal.Optimizer](t)(kolosal.NewOptimizer(quadraticSpace,
		kolosal.StudyConfig{MaxTrials: 60, RandomState: 1}, ""))
	defer optimizer.Close()
	trials, min := runLoop(t, optimizer)
	if trials != 60 || must[string](t)(optimizer.StopReason()) != "max_trials" {
		t.Fatalf("%d trials", trials)
	}
	best := must[*kolosal.BestTrial](t)(optimizer.Best())
	if best.Value != min || must[float64](t)(optimizer.BestValue()) != min {
		t.Fatalf("best %v, smallest told %v", best.Value, min)
	}
	if best.Value >= 0.1 || best.Params["k"] != "b" || best.Params["y"] != -1.0 {
		t.Fatalf("best trial %+v is not near the optimum", best)
	}
	history := must[*kolosal.History](t)(optimizer.History())
	if history.NTrials != 60 || len(history.Trials) != 60 || *history.BestValue != min {
		t.Fatalf("history: %d trials, best %v", history.NTrials, history.BestValue)
	}
}

func TestOptimizerGridCoversItsGridOnce(t *testing.T) {
	grid := kolosal.SearchSpace{Params: []kolosal.Param{
		kolosal.IntParam("a", 0, 3), kolosal.CategoricalParam("k", "x", "y")}}
	optimizer := must[*kolosal.Optimizer](t)(kolosal.NewOptimizer(grid,
		kolosal.StudyConfig{Strategy: "GRID_SEARCH"}, ""))
	defer optimizer.Close()
	seen := map[string]bool{}
	for !must[bool](t)(optimizer.ShouldStop()) {
		trial := must[*kolosal.Trial](t)(optimizer.Ask())
		a := must[int64](t)(trial.Int("a"))
		key := must[string](t)(trial.Categorical("k")) + string(rune('0'+a))
		if seen[key] {
			t.Fatalf("%s asked twice", key)
		}
		seen[key] = true
		if err := optimizer.Tell(trial, float64(a)); err != nil {
			t.Fatal(err)
		}
		trial.Close()
	}
	if len(seen) != 8 || must[string](t)(optimizer.StopReason()) != "exhausted" {
		t.Fatalf("%d points", len(seen))
	}
}

func TestOptimizerConditionsEnqueuePruningAndFailures(t *testing.T) {
	space := kolosal.SearchSpace{Params: []kolosal.Param{
		kolosal.CategoricalParam("kernel", "rbf", "linear"),
		kolosal.LogFloatParam("gamma", 1e-3, 1).When("kernel", "rbf"),
	}}
	config := map[string]any{"pruner": map[string]any{"name": "median", "n_startup_trials": 1}}
	optimizer := must[*kolosal.Optimizer](t)(kolosal.NewOptimizer(space, config, ""))
	defer optimizer.Close()
	if err := optimizer.Enqueue(map[string]any{"kernel": "linear"}); err != nil {
		t.Fatal(err)
	}
	first := must[*kolosal.Trial](t)(optimizer.Ask())
	defer first.Close()
	params := must[map[string]any](t)(first.Params())
	if first.Number() != 0 || must[bool](t)(first.HasParam("gamma")) || params["kernel"] != "linear" {
		t.Fatalf("first trial %d: %v", first.Number(), params)
	}
	if err := first.Report(0, 1); err != nil {
		t.Fatal(err)
	}
	if must[bool](t)(first.ShouldPrune()) {
		t.Fatal("the only trial was pruned")
	}
	if err := optimizer.Tell(first, 1); err != nil {
		t.Fatal(err)
	}
	second := must[*kolosal.Trial](t)(optimizer.Ask())
	defer second.Close()
	if err := second.Report(0, 100); err != nil {
		t.Fatal(err)
	}
	if !must[bool](t)(second.ShouldPrune()) {
		t.Fatal("a trial far worse than the median was not pruned")
	}
	if err := optimizer.TellPruned(second); err != nil {
		t.Fatal(err)
	}
	third := must[*kolosal.Trial](t)(optimizer.Ask())
	defer third.Close()
	if err := optimizer.TellFailed(third); err != nil {
		t.Fatal(err)
	}
	history := must[*kolosal.History](t)(optimizer.History())
	states := []string{history.Trials[0].State, history.Trials[1].State, history.Trials[2].State}
	if strings.Join(states, ",") != "COMPLETE,PRUNED,FAILED" {
		t.Fatalf("states %v", states)
	}
	if *history.Trials[1].IntermediateValues["0"] != 100 || history.Trials[2].Value != nil {
		t.Fatalf("trials %+v", history.Trials)
	}
}

func TestOptimizerWarmStartAndSqliteResume(t *testing.T) {
	url := "sqlite://" + filepath.Join(t.TempDir(), "study.db")
	first := must[*kolosal.Optimizer](t)(kolosal.NewOptimizer(quadraticSpace,
		kolosal.StudyConfig{MaxTrials: 5, StudyName: "go"}, url))
	runLoop(t, first)
	history := must[*kolosal.History](t)(first.History())
	first.Close()
	resumed := must[*kolosal.Optimizer](t)(kolosal.NewOptimizer(quadraticSpace,
		kolosal.StudyConfig{MaxTrials: 8, StudyName: "go"}, url))
	defer resumed.Close()
	if trials, _ := runLoop(t, resumed); trials != 3 {
		t.Fatalf("the resumed study ran %d trials, want 3", trials)
	}
	fresh := must[*kolosal.Optimizer](t)(kolosal.NewOptimizer(quadraticSpace, nil, ""))
	defer fresh.Close()
	if added := must[int64](t)(fresh.WarmStart(history)); added != 5 {
		t.Fatalf("warm start added %d trials", added)
	}
	if must[float64](t)(fresh.BestValue()) != *history.BestValue {
		t.Fatal("warm start lost the best value")
	}
}

func TestOptimizerErrors(t *testing.T) {
	_, err := kolosal.NewOptimizer(kolosal.SearchSpace{Params: []kolosal.Param{
		kolosal.FloatParam("x", 2, 1)}}, nil, "")
	expectError(t, err, kolosal.ErrInvalidArgument, "above high")
	_, err = kolosal.NewOptimizer(quadraticSpace, map[string]any{"max_trial": 3}, "")
	expectError(t, err, kolosal.ErrInvalidArgument, "did you mean 'max_trials'")
	_, err = kolosal.NewOptimizer("{", nil, "")
	expectError(t, err, kolosal.ErrInvalidArgument, "invalid JSON")
	_, err = kolosal.NewOptimizer(quadraticSpace, nil, "sqlite:///nonexistent-dir/k/s.db")
	expectError(t, err, kolosal.ErrIO, "nonexistent-dir")

	optimizer := must[*kolosal.Optimizer](t)(kolosal.NewOptimizer(quadraticSpace, nil, ""))
	defer optimizer.Close()
	other := must[*kolosal.Optimizer](t)(kolosal.NewOptimizer(quadraticSpace, nil, ""))
	defer other.Close()
	_, err = optimizer.BestValue()
	expectError(t, err, kolosal.ErrFailedPrecondition, "no trial")
	trial := must[*kolosal.Trial](t)(optimizer.Ask())
	defer trial.Close()
	foreign := must[*kolosal.Trial](t)(other.Ask())
	defer foreign.Close()
	_, err = trial.Float("z")
	expectError(t, err, kolosal.ErrNotFound, "'z'")
	_, err = trial.Int("x")
	expectError(t, err, kolosal.ErrInvalidArgument, "'x'")
	expectError(t, optimizer.Tell(foreign, 1), kolosal.ErrInvalidArgument, "another optimizer")
	expectError(t, optimizer.Tell(nil, 1), kolosal.ErrInvalidArgument, "nil")
	if err := optimizer.Tell(trial, 1); err != nil {
		t.Fatal(err)
	}
	expectError(t, optimizer.Tell(trial, 2), kolosal.ErrFailedPrecondition, "trial 0")
	expectError(t, optimizer.TellPruned(trial), kolosal.ErrFailedPrecondition, "trial 0")
}

func TestOptimizerCloseTwiceAndUseAfterClose(t *testing.T) {
	optimizer := must[*kolosal.Optimizer](t)(kolosal.NewOptimizer(quadraticSpace, nil, ""))
	trial := must[*kolosal.Trial](t)(optimizer.Ask())
	optimizer.Close()
	optimizer.Close()
	_, err := optimizer.Ask()
	expectError(t, err, kolosal.ErrFailedPrecondition, "optimizer is closed")
	_, err = optimizer.ShouldStop()
	expectError(t, err, kolosal.ErrFailedPrecondition, "optimizer is closed")
	// The trial keeps its study alive.
	if x := must[float64](t)(trial.Float("x")); x < -5 || x > 5 {
		t.Fatalf("x = %v", x)
	}
	if err := trial.Report(0, 1); err != nil {
		t.Fatal(err)
	}
	trial.Close()
	trial.Close()
	_, err = trial.Float("x")
	expectError(t, err, kolosal.ErrFailedPrecondition, "trial is closed")
}

func TestOptimizerCancelFromAnotherGoroutine(t *testing.T) {
	optimizer := must[*kolosal.Optimizer](t)(kolosal.NewOptimizer(quadraticSpace, nil, ""))
	defer optimizer.Close()
	if must[string](t)(optimizer.StopReason()) != "none" {
		t.Fatal("a fresh study wants to stop")
	}
	done := make(chan error)
	go func() { done <- optimizer.Cancel() }()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !must[bool](t)(optimizer.ShouldStop()) || must[string](t)(optimizer.StopReason()) != "cancelled" {
		t.Fatal("cancel did not stop the study")
	}
}

func TestTrainerTune(t *testing.T) {
	features, labels := denseProblem(300)
	dataset := must[*kolosal.Dataset](t)(kolosal.NewDataset(features, 300, 3, labels,
		kolosal.DenseOptions{Task: "classification"}))
	defer dataset.Close()
	trainer := must[*kolosal.Trainer](t)(kolosal.NewTrainer(kolosal.TrainConfig{
		Model: "logistic_regression", CVFolds: 3}))
	defer trainer.Close()
	model := must[*kolosal.Model](t)(trainer.Tune(dataset,
		kolosal.TuneConfig{NTrials: 4, RandomState: 3}, ""))
	defer model.Close()
	metadata := must[string](t)(model.Metadata())
	for _, part := range []string{`"tuning":{`, `"n_trials":4`, `"metric":"accuracy"`} {
		if !strings.Contains(metadata, part) {
			t.Fatalf("metadata lacks %s", part)
		}
	}
	_, err := trainer.Tune(dataset, map[string]any{"n_trial": 3}, "")
	expectError(t, err, kolosal.ErrInvalidArgument, "did you mean 'n_trials'")
	_, err = trainer.Tune(dataset, nil, "sqlite:///nonexistent-dir/k/s.db")
	expectError(t, err, kolosal.ErrIO, "nonexistent-dir")
}
