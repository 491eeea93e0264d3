package kolosal_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"kolosal.ai/kolosal"
)

// spam is the shared spam.csv (KOLOSAL_DATA_DIR) as a row-major feature matrix, plus the
// reference model and probabilities the C++ CLI wrote for it (KOLOSAL_REFERENCE_DIR:
// spam.kolosal and spam_proba.csv; see the fixture in bindings/CMakeLists.txt).
type spam struct {
	path      string
	features  []float64
	rows      int
	cols      int
	reference []float32 // rows x 2 probabilities, as the CLI printed them (%.9g)
	refModel  string
}

func loadSpam(t *testing.T) *spam {
	t.Helper()
	dataDir := os.Getenv("KOLOSAL_DATA_DIR")
	path := filepath.Join(dataDir, "spam.csv")
	if _, err := os.Stat(path); dataDir == "" || err != nil {
		t.Skipf("skipped: spam.csv not found in KOLOSAL_DATA_DIR=%q", dataDir)
	}
	referenceDir := os.Getenv("KOLOSAL_REFERENCE_DIR")
	data := &spam{path: path, refModel: filepath.Join(referenceDir, "spam.kolosal")}
	records := readCSV(t, path)
	data.rows = len(records) - 1
	data.cols = len(records[0]) - 1 // the last column is the label
	for _, record := range records[1:] {
		for _, field := range record[:data.cols] {
			value, err := strconv.ParseFloat(field, 64)
			if err != nil {
				t.Fatal(err)
			}
			data.features = append(data.features, value)
		}
	}
	if referenceDir == "" {
		t.Fatal("KOLOSAL_REFERENCE_DIR must name the folder with the CLI's reference")
	}
	data.reference = parseFloat32s(t, readCSV(t, filepath.Join(referenceDir, "spam_proba.csv"))[1:])
	if len(data.reference) != 2*data.rows {
		t.Fatalf("reference has %d values, want %d", len(data.reference), 2*data.rows)
	}
	return data
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	records, err := csv.NewReader(file).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return records
}

// parseFloat32s reads every field of records as a float32, row by row.
func parseFloat32s(t *testing.T, records [][]string) []float32 {
	t.Helper()
	var values []float32
	for _, record := range records {
		for _, field := range record {
			value, err := strconv.ParseFloat(field, 32)
			if err != nil {
				t.Fatal(err)
			}
			values = append(values, float32(value))
		}
	}
	return values
}

func must[T any](t *testing.T) func(T, error) T {
	return func(value T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return value
	}
}

func assertIdentical(t *testing.T, what string, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for index := range want {
		if got[index] != want[index] {
			t.Fatalf("%s: value %d is %.9g, want %.9g", what, index, got[index], want[index])
		}
	}
}

// argmax turns rows x 2 probabilities into class indices, as predict does.
func argmax(proba []float32) []float32 {
	labels := make([]float32, len(proba)/2)
	for row := range labels {
		if proba[2*row+1] > proba[2*row] {
			labels[row] = 1
		}
	}
	return labels
}

func trainSpam(t *testing.T, data *spam) *kolosal.Model {
	t.Helper()
	dataset := must[*kolosal.Dataset](t)(kolosal.ReadCSV(data.path, kolosal.CSVOptions{Target: "type"}))
	defer dataset.Close()
	trainer := must[*kolosal.Trainer](t)(kolosal.NewTrainer(kolosal.TrainConfig{Model: "logistic_regression"}))
	defer trainer.Close()
	return must[*kolosal.Model](t)(trainer.Fit(dataset))
}

func TestVersionAndBuildInfo(t *testing.T) {
	if kolosal.Version() == "" {
		t.Fatal("empty version")
	}
	info := map[string]any{}
	if err := json.Unmarshal([]byte(must[string](t)(kolosal.BuildInfo())), &info); err != nil {
		t.Fatal(err)
	}
	if info["version"] != kolosal.Version() {
		t.Fatalf("build info %v does not carry version %s", info, kolosal.Version())
	}
}

// Training in Go gives exactly the probabilities of the C++ CLI, through every input path.
func TestTrainPredictMatchesCLI(t *testing.T) {
	data := loadSpam(t)
	model := trainSpam(t, data)
	defer model.Close()
	if model.NFeatures() != data.cols || model.NClasses() != 2 {
		t.Fatalf("model shape %d features, %d classes", model.NFeatures(), model.NClasses())
	}
	if names := must[[]string](t)(model.ClassNames()); strings.Join(names, ",") != "nonspam,spam" {
		t.Fatalf("classes %v", names)
	}

	proba := must[[]float32](t)(model.PredictProba(data.features, data.rows, data.cols))
	assertIdentical(t, "dense float64 probabilities", proba, data.reference)
	features32 := make([]float32, len(data.features))
	for index, value := range data.features {
		features32[index] = float32(value)
	}
	proba32 := must[[]float32](t)(model.PredictProbaFloat32(features32, data.rows, data.cols))
	assertIdentical(t, "dense float32 probabilities", proba32, data.reference)

	unlabelled := must[*kolosal.Dataset](t)(kolosal.ReadCSV(data.path, nil))
	defer unlabelled.Close()
	assertIdentical(t, "dataset probabilities",
		must[[]float32](t)(model.PredictProbaDataset(unlabelled)), data.reference)

	labels := must[[]float32](t)(model.Predict(data.features, data.rows, data.cols))
	assertIdentical(t, "labels", labels, argmax(data.reference))
	assertIdentical(t, "dataset labels", must[[]float32](t)(model.PredictDataset(unlabelled)), labels)

	reference := must[*kolosal.Model](t)(kolosal.LoadModel(data.refModel))
	defer reference.Close()
	assertIdentical(t, "CLI model probabilities",
		must[[]float32](t)(reference.PredictProba(data.features, data.rows, data.cols)), data.reference)
}

func TestSaveLoadRoundTrip(t *testing.T) {
	data := loadSpam(t)
	model := trainSpam(t, data)
	defer model.Close()
	before := must[[]float32](t)(model.PredictProba(data.features, data.rows, data.cols))

	path := filepath.Join(t.TempDir(), "spam.kolosal")
	if err := model.Save(path); err != nil {
		t.Fatal(err)
	}
	loaded := must[*kolosal.Model](t)(kolosal.LoadModel(path))
	defer loaded.Close()
	assertIdentical(t, "after Save/LoadModel",
		must[[]float32](t)(loaded.PredictProba(data.features, data.rows, data.cols)), before)

	blob := must[[]byte](t)(model.MarshalBinary())
	fromBytes := must[*kolosal.Model](t)(kolosal.LoadModelBytes(blob))
	defer fromBytes.Close()
	assertIdentical(t, "after MarshalBinary/LoadModelBytes",
		must[[]float32](t)(fromBytes.PredictProba(data.features, data.rows, data.cols)), before)
	if again := must[[]byte](t)(fromBytes.MarshalBinary()); string(again) != string(blob) {
		t.Fatal("serialised bytes differ after a round trip")
	}
	metadata := map[string]any{}
	if err := json.Unmarshal([]byte(must[string](t)(loaded.Metadata())), &metadata); err != nil {
		t.Fatal(err)
	}
}

// expectError checks the error's type, code and that it carries the library's message.
func expectError(t *testing.T, err error, target error, messagePart string) {
	t.Helper()
	var kerr *kolosal.Error
	if !errors.As(err, &kerr) {
		t.Fatalf("got %v (%T), want a *kolosal.Error", err, err)
	}
	if !errors.Is(err, target) {
		t.Fatalf("got code %v, want %v", kerr.Code, target.(*kolosal.Error).Code)
	}
	if !strings.Contains(kerr.Message, messagePart) || !strings.Contains(err.Error(), kerr.Message) {
		t.Fatalf("message %q does not contain %q", kerr.Message, messagePart)
	}
}

func TestErrors(t *testing.T) {
	_, err := kolosal.ReadCSV("/no/such/dir/data.csv", nil)
	expectError(t, err, kolosal.ErrIO, "/no/such/dir/data.csv")
	_, err = kolosal.LoadModel("/no/such/dir/model.kolosal")
	expectError(t, err, kolosal.ErrIO, "/no/such/dir/model.kolosal")
	_, err = kolosal.LoadModelBytes([]byte("KOLOSAL\x1agarbage"))
	expectError(t, err, kolosal.ErrCorruptModel, "")

	_, err = kolosal.NewTrainer(`{"model": "logistic_regression", "n_jobz": 2}`)
	expectError(t, err, kolosal.ErrInvalidArgument, "n_jobz")
	_, err = kolosal.NewTrainer(map[string]any{"model": "no_such_model"})
	expectError(t, err, kolosal.ErrInvalidArgument, "no_such_model")

	model, features := trainDense(t, 200)
	defer model.Close()
	_, err = model.Predict(features[:20], 10, 2)
	expectError(t, err, kolosal.ErrInvalidArgument, "2 columns, the model expects 3")
	// A slice that does not hold rows x cols values is refused before the library reads it.
	_, err = model.Predict(features[:5], 2, denseCols)
	expectError(t, err, kolosal.ErrInvalidArgument, "5 values cannot be 2 rows x 3 columns")
}

// predictConcurrently has eight goroutines predict on one model at once, each getting what one
// goroutine gets alone: single rows (every stride-th) and the whole batch, which must equal
// want. (Single-row and batch calls are compared separately: the library's one-row path may
// round differently from its batch path.)
func predictConcurrently(t *testing.T, model *kolosal.Model, features []float64, rows, cols int,
	want []float32) {
	t.Helper()
	const goroutines, stride = 8, 37
	single := map[int][]float32{}
	for row := 0; row < rows; row += stride {
		single[row] = must[[]float32](t)(model.PredictProba(features[row*cols:(row+1)*cols], 1, cols))
	}
	var wait sync.WaitGroup
	failures := make(chan string, goroutines)
	for worker := 0; worker < goroutines; worker++ {
		wait.Add(1)
		go func() {
			defer wait.Done()
			for repeat := 0; repeat < 3; repeat++ {
				for row, want := range single {
					proba, err := model.PredictProba(features[row*cols:(row+1)*cols], 1, cols)
					if err != nil || proba[0] != want[0] || proba[1] != want[1] {
						failures <- fmt.Sprintf("row %d: %v %v, want %v", row, proba, err, want)
						return
					}
				}
				all, err := model.PredictProba(features, rows, cols)
				if err != nil {
					failures <- err.Error()
					return
				}
				for index := range all {
					if all[index] != want[index] {
						failures <- fmt.Sprintf("batch value %d differs", index)
						return
					}
				}
			}
		}()
	}
	wait.Wait()
	close(failures)
	for failure := range failures {
		t.Error(failure)
	}
}

func TestConcurrentPredict(t *testing.T) {
	model, features := trainDense(t, 400)
	defer model.Close()
	want := must[[]float32](t)(model.PredictProba(features, 400, denseCols))
	predictConcurrently(t, model, features, 400, denseCols, want)
}

// The same on the spam model, against the C++ CLI's probabilities.
func TestConcurrentPredictSpam(t *testing.T) {
	data := loadSpam(t)
	model := trainSpam(t, data)
	defer model.Close()
	predictConcurrently(t, model, data.features, data.rows, data.cols, data.reference)
}

func TestCloseTwiceAndUseAfterClose(t *testing.T) {
	features, labels := denseProblem(100)
	dataset := must[*kolosal.Dataset](t)(kolosal.NewDataset(features, 100, denseCols, labels, nil))
	trainer := must[*kolosal.Trainer](t)(kolosal.NewTrainer(nil))
	model := must[*kolosal.Model](t)(trainer.Fit(dataset))
	for _, closer := range []interface{ Close() error }{model, model, trainer, trainer, dataset, dataset} {
		if err := closer.Close(); err != nil {
			t.Fatal(err)
		}
	}
	_, err := model.Predict(features[:denseCols], 1, denseCols)
	expectError(t, err, kolosal.ErrFailedPrecondition, "model is closed")
	_, err = model.MarshalBinary()
	expectError(t, err, kolosal.ErrFailedPrecondition, "model is closed")
	_, err = dataset.NRows()
	expectError(t, err, kolosal.ErrFailedPrecondition, "dataset is closed")
	_, err = trainer.Fit(dataset)
	expectError(t, err, kolosal.ErrFailedPrecondition, "trainer is closed")

	open := must[*kolosal.Trainer](t)(kolosal.NewTrainer(nil))
	defer open.Close()
	_, err = open.Fit(dataset)
	expectError(t, err, kolosal.ErrFailedPrecondition, "dataset is closed")
}

// A small linearly separable problem built from slices.
func denseProblem(rows int) (features, labels []float64) {
	for row := 0; row < rows; row++ {
		x0, x1 := float64(row%17)/17, float64(row%5)/5
		features = append(features, x0, x1, float64(row%3))
		label := 0.0
		if x0+x1 > 0.9 {
			label = 1
		}
		labels = append(labels, label)
	}
	return features, labels
}

// denseCols is the width of denseProblem's matrix.
const denseCols = 3

// trainDense fits a logistic regression on denseProblem(rows), so tests need no dataset files;
// it returns the model and the row-major features.
func trainDense(t *testing.T, rows int) (*kolosal.Model, []float64) {
	t.Helper()
	features, labels := denseProblem(rows)
	dataset := must[*kolosal.Dataset](t)(kolosal.NewDataset(features, rows, denseCols, labels,
		kolosal.DenseOptions{Task: "classification"}))
	defer dataset.Close()
	trainer := must[*kolosal.Trainer](t)(kolosal.NewTrainer(kolosal.TrainConfig{Model: "logistic_regression"}))
	defer trainer.Close()
	return must[*kolosal.Model](t)(trainer.Fit(dataset)), features
}

func TestDenseDatasetTrainingAndSplit(t *testing.T) {
	features, labels := denseProblem(400)
	options := kolosal.DenseOptions{FeatureNames: []string{"a", "b", "c"}, Task: "classification"}
	dataset := must[*kolosal.Dataset](t)(kolosal.NewDataset(features, 400, 3, labels, options))
	defer dataset.Close()
	if rows, cols := must[int](t)(dataset.NRows()), must[int](t)(dataset.NCols()); rows != 400 || cols != 3 {
		t.Fatalf("shape %d x %d", rows, cols)
	}
	gotLabels := must[[]float32](t)(dataset.Labels())
	for row, label := range labels {
		if gotLabels[row] != float32(label) {
			t.Fatalf("label %d is %v, want %v", row, gotLabels[row], label)
		}
	}
	if !strings.Contains(must[string](t)(dataset.Describe()), `"a"`) {
		t.Fatal("describe does not name the columns")
	}
	train, test, err := dataset.TrainTestSplit(0.25, 7)
	if err != nil {
		t.Fatal(err)
	}
	defer train.Close()
	defer test.Close()
	if must[int](t)(test.NRows()) != 100 || must[int](t)(train.NRows()) != 300 {
		t.Fatal("split sizes")
	}
	trainer := must[*kolosal.Trainer](t)(kolosal.NewTrainer(kolosal.TrainConfig{
		Model: "logistic_regression", CVFolds: 3, Metric: "accuracy"}))
	defer trainer.Close()
	cv := must[*kolosal.CVResult](t)(trainer.CrossValidate(train))
	if cv.Metric != "accuracy" || len(cv.FoldScores) != 3 || !cv.GreaterIsBetter {
		t.Fatalf("cross-validation result %+v", cv)
	}
	model := must[*kolosal.Model](t)(trainer.Fit(train))
	defer model.Close()
	metrics := must[map[string]float64](t)(model.Evaluate(test))
	if metrics["accuracy"] < 0.8 {
		t.Fatalf("accuracy %v", metrics)
	}

	regression := must[*kolosal.Dataset](t)(kolosal.NewDataset(features, 400, 3, features[:400],
		kolosal.DenseOptions{Task: "regression"}))
	defer regression.Close()
	ridge := must[*kolosal.Trainer](t)(kolosal.NewTrainer(kolosal.TrainConfig{Model: "ridge"}))
	defer ridge.Close()
	regressor := must[*kolosal.Model](t)(ridge.Fit(regression))
	defer regressor.Close()
	if regressor.NClasses() != 0 {
		t.Fatal("a regressor has no classes")
	}
	_, err = regressor.PredictProba(features[:3], 1, 3)
	expectError(t, err, kolosal.ErrFailedPrecondition, "")
}

func TestProgressCancelAndContext(t *testing.T) {
	features, labels := denseProblem(400)
	dataset := must[*kolosal.Dataset](t)(kolosal.NewDataset(features, 400, 3, labels, nil))
	defer dataset.Close()
	trainer := must[*kolosal.Trainer](t)(kolosal.NewTrainer(kolosal.TrainConfig{Model: "logistic_regression"}))
	defer trainer.Close()

	calls := 0
	if err := trainer.SetProgress(func(fraction float64, stage string) bool {
		calls++
		return false
	}); err != nil {
		t.Fatal(err)
	}
	model := must[*kolosal.Model](t)(trainer.Fit(dataset))
	model.Close()
	if calls == 0 {
		t.Fatal("the progress callback was never called")
	}

	if err := trainer.SetProgress(func(float64, string) bool { return true }); err != nil {
		t.Fatal(err)
	}
	_, err := trainer.Fit(dataset)
	expectError(t, err, kolosal.ErrCancelled, "")

	if err := trainer.SetProgress(func(float64, string) bool { panic("boom") }); err != nil {
		t.Fatal(err)
	}
	func() {
		defer func() {
			if recovered := recover(); recovered != "boom" {
				t.Fatalf("recovered %v, want the callback's panic", recovered)
			}
		}()
		_, _ = trainer.Fit(dataset)
		t.Fatal("Fit did not re-raise the callback's panic")
	}()

	if err := trainer.SetProgress(nil); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = trainer.FitContext(ctx, dataset)
	expectError(t, err, kolosal.ErrCancelled, "context canceled")
	model = must[*kolosal.Model](t)(trainer.FitContext(context.Background(), dataset))
	model.Close()
}

// Each error carries the message of its own call, even with many goroutines failing at once
// on threads the scheduler moves them between.
func TestErrorMessagesStayWithTheirCall(t *testing.T) {
	var wait sync.WaitGroup
	failures := make(chan string, 8)
	for worker := 0; worker < 8; worker++ {
		wait.Add(1)
		go func(worker int) {
			defer wait.Done()
			for call := 0; call < 200; call++ {
				path := fmt.Sprintf("/no/such/dir/model-%d-%d.kolosal", worker, call)
				_, err := kolosal.LoadModel(path)
				var kerr *kolosal.Error
				if !errors.As(err, &kerr) || !strings.Contains(kerr.Message, path) {
					failures <- fmt.Sprintf("%s: got %v", path, err)
					return
				}
				runtime.Gosched()
			}
		}(worker)
	}
	wait.Wait()
	close(failures)
	for failure := range failures {
		t.Error(failure)
	}
}

// The counting tests run one at a time (no test calls t.Parallel) and first wait until the
// finalizers have freed what earlier tests left behind, so nothing else changes the live
// handle count meanwhile.
const collectDeadline = 20 * time.Second

var oneFloatSpace = kolosal.SearchSpace{Params: []kolosal.Param{kolosal.FloatParam("x", 0, 1)}}

func liveHandles(t *testing.T) int64 {
	t.Helper()
	return must[int64](t)(kolosal.LiveHandleCount())
}

// collectGarbage runs a collection and gives the finalizer goroutine time to run.
func collectGarbage() {
	runtime.GC()
	time.Sleep(10 * time.Millisecond)
}

// settledCount collects until the live handle count stays put, and returns it.
func settledCount(t *testing.T) int64 {
	t.Helper()
	deadline := time.Now().Add(collectDeadline)
	count := liveHandles(t)
	for unchanged := 0; unchanged < 3 && time.Now().Before(deadline); {
		collectGarbage()
		next := liveHandles(t)
		if next == count {
			unchanged++
		} else {
			unchanged = 0
		}
		count = next
	}
	return count
}

func expectLiveHandles(t *testing.T, want int64, step string) {
	t.Helper()
	if got := liveHandles(t); got != want {
		t.Fatalf("after %s: %d live handles, want %d", step, got, want)
	}
}

// expectClosedTwice closes closer twice, each time without an error, and checks that the live
// handle count is then want: the first Close freed the handle and the second did nothing.
func expectClosedTwice(t *testing.T, closer interface{ Close() error }, want int64, what string) {
	t.Helper()
	for round := 0; round < 2; round++ {
		if err := closer.Close(); err != nil {
			t.Fatal(err)
		}
	}
	expectLiveHandles(t, want, "closing "+what+" twice")
}

func TestLiveHandleCount(t *testing.T) {
	base := settledCount(t)
	features, labels := denseProblem(50)
	dataset := must[*kolosal.Dataset](t)(kolosal.NewDataset(features, 50, denseCols, labels, nil))
	expectLiveHandles(t, base+1, "NewDataset")
	trainer := must[*kolosal.Trainer](t)(kolosal.NewTrainer(nil))
	expectLiveHandles(t, base+2, "NewTrainer")
	model := must[*kolosal.Model](t)(trainer.Fit(dataset))
	copied := must[*kolosal.Model](t)(kolosal.LoadModelBytes(must[[]byte](t)(model.MarshalBinary())))
	expectLiveHandles(t, base+4, "Fit and LoadModelBytes")
	copied.Close()
	model.Close()
	expectLiveHandles(t, base+2, "closing the models")
	trainer.Close()
	dataset.Close()
	dataset.Close()
	expectLiveHandles(t, base, "closing the trainer and the dataset")
	optimizer := must[*kolosal.Optimizer](t)(kolosal.NewOptimizer(oneFloatSpace, kolosal.StudyConfig{}, ""))
	trial := must[*kolosal.Trial](t)(optimizer.Ask())
	expectLiveHandles(t, base+2, "NewOptimizer and Ask")
	if err := optimizer.Tell(trial, 0.5); err != nil {
		t.Fatal(err)
	}
	trial.Close()
	expectLiveHandles(t, base+1, "closing the trial")
	optimizer.Close()
	expectLiveHandles(t, base, "closing the optimizer")
}

// forgetTwentyValues makes a value of every kind, 4 times, keeps none, and returns the live
// handle count while they were still referenced.
//
//go:noinline
func forgetTwentyValues(t *testing.T) int64 {
	features, labels := denseProblem(50)
	var forgotten []any
	for round := 0; round < 4; round++ {
		dataset := must[*kolosal.Dataset](t)(kolosal.NewDataset(features, 50, denseCols, labels, nil))
		trainer := must[*kolosal.Trainer](t)(kolosal.NewTrainer(nil))
		optimizer := must[*kolosal.Optimizer](t)(kolosal.NewOptimizer(oneFloatSpace, kolosal.StudyConfig{}, ""))
		forgotten = append(forgotten, dataset, trainer, must[*kolosal.Model](t)(trainer.Fit(dataset)),
			optimizer, must[*kolosal.Trial](t)(optimizer.Ask()))
	}
	count := liveHandles(t)
	runtime.KeepAlive(forgotten)
	return count
}

// Values that are never closed are freed by their finalizers; Close frees at once.
func TestFinalizersFreeForgottenValues(t *testing.T) {
	base := settledCount(t)
	if held := forgetTwentyValues(t); held != base+20 {
		t.Fatalf("%d live handles with 20 values held, want %d", held, base+20)
	}
	deadline := time.Now().Add(collectDeadline)
	count := liveHandles(t)
	for count > base && time.Now().Before(deadline) {
		collectGarbage()
		count = liveHandles(t)
	}
	if count != base {
		t.Fatalf("%d live handles after the finalizers ran, want %d", count, base)
	}
	features, labels := denseProblem(50)
	dataset := must[*kolosal.Dataset](t)(kolosal.NewDataset(features, 50, denseCols, labels, nil))
	expectLiveHandles(t, base+1, "NewDataset")
	dataset.Close()
	expectLiveHandles(t, base, "Close")
}

// A context that ends during a long fit cancels it.
func TestContextCancelsALongFit(t *testing.T) {
	data := loadSpam(t)
	dataset := must[*kolosal.Dataset](t)(kolosal.ReadCSV(data.path, kolosal.CSVOptions{Target: "type"}))
	defer dataset.Close()
	trainer := must[*kolosal.Trainer](t)(kolosal.NewTrainer(kolosal.TrainConfig{
		Model: "gradient_boosting", Params: map[string]any{"n_estimators": 100000}}))
	defer trainer.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	started := time.Now()
	_, err := trainer.FitContext(ctx, dataset)
	expectError(t, err, kolosal.ErrCancelled, "")
	if elapsed := time.Since(started); elapsed > 30*time.Second {
		t.Fatalf("the fit took %v to stop", elapsed)
	}
}

// Closing a model while goroutines predict with it waits for their calls: every prediction is
// either complete and right or a FailedPrecondition error.
func TestCloseWhilePredicting(t *testing.T) {
	model, features := trainDense(t, 2000)
	want := must[[]float32](t)(model.PredictProba(features, 2000, denseCols))
	var wait sync.WaitGroup
	failures := make(chan string, 4)
	started := make(chan struct{}, 4)
	for worker := 0; worker < 4; worker++ {
		wait.Add(1)
		go func() {
			defer wait.Done()
			started <- struct{}{}
			for {
				proba, err := model.PredictProba(features, 2000, denseCols)
				if errors.Is(err, kolosal.ErrFailedPrecondition) {
					return
				}
				if err != nil || proba[len(proba)-1] != want[len(want)-1] {
					failures <- fmt.Sprint("wrong prediction or error: ", err)
					return
				}
			}
		}()
	}
	for worker := 0; worker < 4; worker++ {
		<-started
	}
	time.Sleep(50 * time.Millisecond)
	if err := model.Close(); err != nil {
		t.Fatal(err)
	}
	wait.Wait()
	close(failures)
	for failure := range failures {
		t.Error(failure)
	}
}
