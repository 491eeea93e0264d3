package kolosal_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"kolosal.ai/kolosal"
)

// The inference engine's tests: a served model predicts exactly as the model does, whether
// its calls run interpreted or compiled.

const (
	servedRows  = 300
	servedCols  = 3
	servedName  = "credit"
	compileWait = 10 * time.Second // how long a background compilation may take
)

var (
	boostedParams = map[string]any{"n_estimators": 30, "num_leaves": 8}
	smallParams   = map[string]any{"n_estimators": 5}
)

// servedProblem is three features in [-1, 1) from a fixed generator; the class is 1 when
// x0 + x1 * x2 > 0, and the regression target is x0 + x1 * x2 itself.
func servedProblem() (features, classes, values []float64) {
	state := uint32(777)
	uniform := func() float64 {
		state = state*1664525 + 1013904223
		return float64(state>>8)/float64(1<<24)*2 - 1
	}
	for row := 0; row < servedRows; row++ {
		x0, x1, x2 := uniform(), uniform(), uniform()
		features = append(features, x0, x1, x2)
		value := x0 + x1*x2
		values = append(values, value)
		if value > 0 {
			classes = append(classes, 1)
		} else {
			classes = append(classes, 0)
		}
	}
	return features, classes, values
}

// fitServed trains modelName on servedProblem through a Trainer; task is "classification" or
// "regression". It returns the model and the row-major features.
func fitServed(t *testing.T, modelName string, params map[string]any, task string) (*kolosal.Model,
	[]float64) {
	t.Helper()
	return fitServedWith(t, modelName, params, kolosal.DenseOptions{Task: task})
}

// fitServedWith is fitServed with the dataset's options, such as feature names; options.Task
// picks the labels as fitServed's task does.
func fitServedWith(t *testing.T, modelName string, params map[string]any,
	options kolosal.DenseOptions) (*kolosal.Model, []float64) {
	t.Helper()
	features, classes, values := servedProblem()
	labels := classes
	if options.Task == "regression" {
		labels = values
	}
	dataset := must[*kolosal.Dataset](t)(kolosal.NewDataset(features, servedRows, servedCols,
		labels, options))
	defer dataset.Close()
	trainer := must[*kolosal.Trainer](t)(kolosal.NewTrainer(kolosal.TrainConfig{Model: modelName,
		Params: params}))
	defer trainer.Close()
	return must[*kolosal.Model](t)(trainer.Fit(dataset)), features
}

func servedRow(features []float64, row int) []float64 {
	return features[row*servedCols : (row+1)*servedCols]
}

func newEngine(t *testing.T, config any) *kolosal.InferenceEngine {
	t.Helper()
	return must[*kolosal.InferenceEngine](t)(kolosal.NewInferenceEngine(config))
}

// servedStats are the statistics of the model served under name.
func servedStats(t *testing.T, engine *kolosal.InferenceEngine,
	name string) kolosal.ServedModelStats {
	t.Helper()
	stats := must[*kolosal.InferenceStats](t)(engine.Stats())
	model := stats.Model(name)
	if model == nil {
		t.Fatalf("the stats have no model %q: %+v", name, stats.Models)
	}
	return *model
}

// waitForState polls the stats until the model served under name reaches state.
func waitForState(t *testing.T, engine *kolosal.InferenceEngine,
	name, state string) kolosal.ServedModelStats {
	t.Helper()
	deadline := time.Now().Add(compileWait)
	for {
		stats := servedStats(t, engine, name)
		if stats.JIT.State == state {
			return stats
		}
		if time.Now().After(deadline) {
			t.Fatalf("%q is still %q after %v, want %q", name, stats.JIT.State, compileWait, state)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// compareSingleRows predicts rows [first, first+count) one at a time through the engine and the
// model, labels and (for a classifier) probabilities, and returns the engine calls it made.
func compareSingleRows(t *testing.T, engine *kolosal.InferenceEngine, name string,
	model *kolosal.Model, features []float64, first, count int) int {
	t.Helper()
	calls := 0
	for row := first; row < first+count; row++ {
		input := servedRow(features, row)
		assertIdentical(t, fmt.Sprintf("row %d", row),
			must[[]float32](t)(engine.Predict(name, input, 1, servedCols)),
			must[[]float32](t)(model.Predict(input, 1, servedCols)))
		calls++
		if model.NClasses() == 0 {
			continue
		}
		assertIdentical(t, fmt.Sprintf("row %d probabilities", row),
			must[[]float32](t)(engine.PredictProba(name, input, 1, servedCols)),
			must[[]float32](t)(model.PredictProba(input, 1, servedCols)))
		calls++
	}
	return calls
}

// compareBatch predicts rows [first, first+count) in one call through the engine and the
// model, from float64 and float32 input, and returns the engine calls it made.
func compareBatch(t *testing.T, engine *kolosal.InferenceEngine, name string, model *kolosal.Model,
	features []float64, first, count int) int {
	t.Helper()
	input := features[first*servedCols : (first+count)*servedCols]
	input32 := make([]float32, len(input))
	for index, value := range input {
		input32[index] = float32(value)
	}
	what := fmt.Sprintf("%d rows from row %d", count, first)
	assertIdentical(t, what, must[[]float32](t)(engine.Predict(name, input, count, servedCols)),
		must[[]float32](t)(model.Predict(input, count, servedCols)))
	assertIdentical(t, what+" (float32)",
		must[[]float32](t)(engine.PredictFloat32(name, input32, count, servedCols)),
		must[[]float32](t)(model.PredictFloat32(input32, count, servedCols)))
	if model.NClasses() == 0 {
		return 2
	}
	assertIdentical(t, what+" probabilities",
		must[[]float32](t)(engine.PredictProba(name, input, count, servedCols)),
		must[[]float32](t)(model.PredictProba(input, count, servedCols)))
	assertIdentical(t, what+" probabilities (float32)",
		must[[]float32](t)(engine.PredictProbaFloat32(name, input32, count, servedCols)),
		must[[]float32](t)(model.PredictProbaFloat32(input32, count, servedCols)))
	return 4
}

// The engine gives the model's own outputs, bit for bit, interpreted and then compiled.
func TestInferenceEngineMatchesTheModel(t *testing.T) {
	model, features := fitServed(t, "gradient_boosting", boostedParams, "classification")
	defer model.Close()
	engine := newEngine(t, nil)
	defer engine.Close()
	if err := engine.AddModel(servedName, model); err != nil {
		t.Fatal(err)
	}

	// 40 rows x 2 calls and one small batch stay below the default 100 calls: interpreted.
	calls := compareSingleRows(t, engine, servedName, model, features, 0, 40)
	calls += compareBatch(t, engine, servedName, model, features, 40, 3)
	calls += compareBatch(t, engine, servedName, model, features, 0, servedRows)
	before := servedStats(t, engine, servedName)
	if before.JIT.State != "interpreted" || before.CompiledCalls != 0 || before.Calls != int64(calls) {
		t.Fatalf("before warmup: %+v after %d calls", before, calls)
	}

	if !must[bool](t)(engine.Warmup(servedName)) {
		t.Fatal("Warmup did not compile a gradient boosting model")
	}
	// Calls of at most jit_max_batch_rows (4) rows now run compiled code; larger batches do not.
	compiledCalls := compareSingleRows(t, engine, servedName, model, features, 0, servedRows)
	compiledCalls += compareBatch(t, engine, servedName, model, features, 100, 4)
	calls += compiledCalls
	calls += compareBatch(t, engine, servedName, model, features, 0, servedRows)

	stats := must[*kolosal.InferenceStats](t)(engine.Stats())
	after := stats.Model(servedName)
	if after == nil || after.JIT.State != "compiled" || after.ModelType != "gradient_boosting" {
		t.Fatalf("after warmup: %+v", stats.Models)
	}
	if after.Calls != int64(calls) || after.CompiledCalls != int64(compiledCalls) ||
		after.InterpretedCalls != after.Calls-after.CompiledCalls {
		t.Fatalf("after warmup: %+v, want %d calls, %d of them compiled", after, calls,
			compiledCalls)
	}
	if after.JIT.Compilations != 1 || after.JIT.CodeBytes <= 0 ||
		after.LatencyUS.Count != int64(calls) {
		t.Fatalf("after warmup: %+v", after)
	}
	if stats.Options.JITMinCalls != 100 || stats.Options.JITMaxBatchRows != 4 ||
		stats.JITCache.Size != 1 || len(stats.Models) != 1 {
		t.Fatalf("engine stats %+v", stats)
	}
	text := must[string](t)(engine.StatsJSON())
	if !strings.Contains(text, `"state":"compiled"`) || !strings.Contains(text, `"name":"credit"`) {
		t.Fatalf("stats JSON %s", text)
	}
}

// After jit_min_calls small calls the model compiles in the background; later calls run the
// compiled code and still match the model.
func TestInferenceEngineCompilesAHotModel(t *testing.T) {
	model, features := fitServed(t, "gradient_boosting", boostedParams, "classification")
	defer model.Close()
	engine := newEngine(t, kolosal.InferenceConfig{JITMinCalls: 5})
	defer engine.Close()
	if err := engine.AddModel(servedName, model); err != nil {
		t.Fatal(err)
	}
	compareSingleRows(t, engine, servedName, model, features, 0, 3) // 6 calls
	compiled := waitForState(t, engine, servedName, "compiled")
	calls := compareSingleRows(t, engine, servedName, model, features, 3, 20)
	later := servedStats(t, engine, servedName)
	if later.CompiledCalls != compiled.CompiledCalls+int64(calls) || later.JIT.State != "compiled" {
		t.Fatalf("compiled calls went from %d to %d over %d calls", compiled.CompiledCalls,
			later.CompiledCalls, calls)
	}
	if later.Calls != 6+int64(calls) {
		t.Fatalf("%d calls, want %d", later.Calls, 6+calls)
	}
}

// A linear model is served by the interpreter: Warmup reports false.
func TestInferenceEngineServesALinearModel(t *testing.T) {
	model, features := fitServed(t, "logistic_regression", nil, "classification")
	defer model.Close()
	engine := newEngine(t, kolosal.InferenceConfig{JITMinCalls: 1})
	defer engine.Close()
	if err := engine.AddModel("linear", model); err != nil {
		t.Fatal(err)
	}
	if must[bool](t)(engine.Warmup("linear")) {
		t.Fatal("Warmup compiled a linear model")
	}
	calls := compareSingleRows(t, engine, "linear", model, features, 0, 10)
	calls += compareBatch(t, engine, "linear", model, features, 0, servedRows)
	stats := servedStats(t, engine, "linear")
	if stats.JIT.State != "unsupported" || stats.ModelType != "logistic_regression" ||
		stats.CompiledCalls != 0 || stats.Calls != int64(calls) {
		t.Fatalf("linear model stats %+v", stats)
	}
}

// With the JIT off a tree model stays interpreted.
func TestInferenceEngineWithoutTheJIT(t *testing.T) {
	model, features := fitServed(t, "random_forest", map[string]any{"n_estimators": 10}, "regression")
	defer model.Close()
	off := false
	engine := newEngine(t, kolosal.InferenceConfig{EnableJITCompilation: &off, JITMinCalls: 1})
	defer engine.Close()
	if err := engine.AddModel("forest", model); err != nil {
		t.Fatal(err)
	}
	if must[bool](t)(engine.Warmup("forest")) {
		t.Fatal("Warmup compiled with the JIT off")
	}
	calls := compareSingleRows(t, engine, "forest", model, features, 0, 10)
	stats := must[*kolosal.InferenceStats](t)(engine.Stats())
	forest := stats.Model("forest")
	if forest == nil || stats.Options.EnableJITCompilation == nil ||
		*stats.Options.EnableJITCompilation || forest.JIT.State != "disabled" ||
		forest.CompiledCalls != 0 || forest.Calls != int64(calls) {
		t.Fatalf("stats with the JIT off: %+v", stats)
	}
}

// A model file saved by Model.Save and loaded by the engine predicts as the original. The
// engine keeps what it read: the file is deleted before any prediction.
func TestInferenceEngineLoadsASavedModel(t *testing.T) {
	model, features := fitServed(t, "gradient_boosting", boostedParams, "classification")
	defer model.Close()
	path := filepath.Join(t.TempDir(), "credit.kolosal")
	if err := model.Save(path); err != nil {
		t.Fatal(err)
	}
	engine := newEngine(t, nil)
	defer engine.Close()
	if err := engine.LoadModel("saved", path); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	compareSingleRows(t, engine, "saved", model, features, 0, 20)
	compareBatch(t, engine, "saved", model, features, 0, servedRows)
	if !must[bool](t)(engine.Warmup("saved")) {
		t.Fatal("Warmup did not compile the loaded model")
	}
	compareSingleRows(t, engine, "saved", model, features, 20, 20)
	if stats := servedStats(t, engine, "saved"); stats.ModelType != "gradient_boosting" {
		t.Fatalf("loaded model stats %+v", stats)
	}
	served := must[*kolosal.Model](t)(engine.Model("saved"))
	defer served.Close()
	if served.NClasses() != 2 || served.NFeatures() != servedCols {
		t.Fatalf("the loaded model has %d classes and %d features", served.NClasses(),
			served.NFeatures())
	}
}

// A loaded three-class model gives three probabilities per row, as the original: the class
// count comes from the loaded model, not from an assumption.
func TestInferenceEngineLoadsAThreeClassModel(t *testing.T) {
	model, features := fitThreeClasses(t)
	defer model.Close()
	if model.NClasses() != 3 {
		t.Fatalf("the three-class model has %d classes", model.NClasses())
	}
	path := filepath.Join(t.TempDir(), "three.kolosal")
	if err := model.Save(path); err != nil {
		t.Fatal(err)
	}
	engine := newEngine(t, nil)
	defer engine.Close()
	if err := engine.LoadModel("three", path); err != nil {
		t.Fatal(err)
	}
	compareSingleRows(t, engine, "three", model, features, 0, 10)
	compareBatch(t, engine, "three", model, features, 0, servedRows)
	if got := len(must[[]float32](t)(engine.PredictProba("three", features, servedRows,
		servedCols))); got != 3*servedRows {
		t.Fatalf("%d probabilities for %d rows of three classes", got, servedRows)
	}
}

// fitThreeClasses trains a gradient boosting model on servedProblem with three classes:
// x0 + x1 * x2 below -0.3, up to 0.3, above.
func fitThreeClasses(t *testing.T) (*kolosal.Model, []float64) {
	t.Helper()
	features, _, values := servedProblem()
	labels := make([]float64, len(values))
	for row, value := range values {
		switch {
		case value < -0.3:
			labels[row] = 0
		case value < 0.3:
			labels[row] = 1
		default:
			labels[row] = 2
		}
	}
	dataset := must[*kolosal.Dataset](t)(kolosal.NewDataset(features, servedRows, servedCols,
		labels, kolosal.DenseOptions{Task: "classification"}))
	defer dataset.Close()
	trainer := must[*kolosal.Trainer](t)(kolosal.NewTrainer(kolosal.TrainConfig{
		Model: "gradient_boosting", Params: smallParams}))
	defer trainer.Close()
	return must[*kolosal.Model](t)(trainer.Fit(dataset)), features
}

// Model(name) shares the served model: it predicts exactly as the engine does, knows its shape
// and stays usable after RemoveModel and after the engine is closed.
func TestInferenceEngineModel(t *testing.T) {
	model, features := fitServed(t, "gradient_boosting", boostedParams, "classification")
	defer model.Close()
	regressor, _ := fitServed(t, "random_forest", map[string]any{"n_estimators": 10},
		"regression")
	defer regressor.Close()
	engine := newEngine(t, nil)
	defer engine.Close()
	if err := engine.AddModel(servedName, model); err != nil {
		t.Fatal(err)
	}
	if err := engine.AddModel("forest", regressor); err != nil {
		t.Fatal(err)
	}

	served := must[*kolosal.Model](t)(engine.Model(servedName))
	defer served.Close()
	if served.NClasses() != 2 || served.NFeatures() != servedCols {
		t.Fatalf("served model: %d classes, %d features", served.NClasses(), served.NFeatures())
	}
	assertIdentical(t, "probabilities of the shared model",
		must[[]float32](t)(served.PredictProba(features, servedRows, servedCols)),
		must[[]float32](t)(engine.PredictProba(servedName, features, servedRows, servedCols)))
	assertIdentical(t, "one row's probabilities of the shared model",
		must[[]float32](t)(served.PredictProba(servedRow(features, 3), 1, servedCols)),
		must[[]float32](t)(engine.PredictProba(servedName, servedRow(features, 3), 1, servedCols)))
	assertIdentical(t, "labels of the shared model",
		must[[]float32](t)(served.Predict(features, servedRows, servedCols)),
		must[[]float32](t)(engine.Predict(servedName, features, servedRows, servedCols)))
	metadata := must[string](t)(served.Metadata())
	if !strings.Contains(metadata, "gradient_boosting") {
		t.Fatalf("metadata of the shared model: %s", metadata)
	}
	forest := must[*kolosal.Model](t)(engine.Model("forest"))
	defer forest.Close()
	if forest.NClasses() != 0 || forest.NFeatures() != servedCols {
		t.Fatalf("served regressor: %d classes, %d features", forest.NClasses(), forest.NFeatures())
	}

	// Removed from the engine, the shared model still predicts as the original.
	wantProba := must[[]float32](t)(model.PredictProba(features, servedRows, servedCols))
	if err := engine.RemoveModel(servedName); err != nil {
		t.Fatal(err)
	}
	assertIdentical(t, "probabilities after RemoveModel",
		must[[]float32](t)(served.PredictProba(features, servedRows, servedCols)), wantProba)
	_, err := engine.Model(servedName)
	expectError(t, err, kolosal.ErrNotFound, "no model named 'credit'")
	_, err = engine.Model("absent")
	expectError(t, err, kolosal.ErrNotFound, "'absent'")

	// Closing the engine leaves the shared models usable; the engine refuses further calls.
	wantValues := must[[]float32](t)(regressor.Predict(features, servedRows, servedCols))
	if err := engine.Close(); err != nil {
		t.Fatal(err)
	}
	assertIdentical(t, "probabilities after the engine was closed",
		must[[]float32](t)(served.PredictProba(features, servedRows, servedCols)), wantProba)
	assertIdentical(t, "values after the engine was closed",
		must[[]float32](t)(forest.Predict(features, servedRows, servedCols)), wantValues)
	_, err = engine.Model("forest")
	expectError(t, err, kolosal.ErrFailedPrecondition, "inference engine is closed")
}

// The engine shares the model: closing the Model afterwards leaves it served.
func TestInferenceEngineKeepsAClosedModel(t *testing.T) {
	model, features := fitServed(t, "gradient_boosting", boostedParams, "classification")
	wantLabels := must[[]float32](t)(model.Predict(features, servedRows, servedCols))
	wantProba := must[[]float32](t)(model.PredictProba(servedRow(features, 7), 1, servedCols))
	engine := newEngine(t, nil)
	defer engine.Close()
	if err := engine.AddModel(servedName, model); err != nil {
		t.Fatal(err)
	}
	if err := model.Close(); err != nil {
		t.Fatal(err)
	}
	assertIdentical(t, "labels after the model was closed",
		must[[]float32](t)(engine.Predict(servedName, features, servedRows, servedCols)), wantLabels)
	if !must[bool](t)(engine.Warmup(servedName)) {
		t.Fatal("Warmup did not compile")
	}
	assertIdentical(t, "probabilities after the model was closed",
		must[[]float32](t)(engine.PredictProba(servedName, servedRow(features, 7), 1, servedCols)),
		wantProba)
}

// A removed name is gone (NotFound, naming it) and can be taken by another model.
func TestInferenceEngineRemoveModel(t *testing.T) {
	model, features := fitServed(t, "gradient_boosting", boostedParams, "classification")
	defer model.Close()
	engine := newEngine(t, nil)
	defer engine.Close()
	if err := engine.AddModel(servedName, model); err != nil {
		t.Fatal(err)
	}
	if err := engine.RemoveModel(servedName); err != nil {
		t.Fatal(err)
	}
	input := servedRow(features, 0)
	_, err := engine.Predict(servedName, input, 1, servedCols)
	expectError(t, err, kolosal.ErrNotFound, "no model named 'credit'")
	_, err = engine.PredictProba(servedName, input, 1, servedCols)
	expectError(t, err, kolosal.ErrNotFound, "no model named 'credit'")
	_, err = engine.Warmup(servedName)
	expectError(t, err, kolosal.ErrNotFound, "no model named 'credit'")
	expectError(t, engine.RemoveModel(servedName), kolosal.ErrNotFound, "no model named 'credit'")
	if models := must[*kolosal.InferenceStats](t)(engine.Stats()).Models; len(models) != 0 {
		t.Fatalf("models served after the removal: %+v", models)
	}

	// The name is free again; a regressor under it has no probabilities.
	regressor, _ := fitServed(t, "gradient_boosting", boostedParams, "regression")
	defer regressor.Close()
	if err := engine.AddModel(servedName, regressor); err != nil {
		t.Fatal(err)
	}
	compareSingleRows(t, engine, servedName, regressor, features, 0, 5)
	_, err = engine.PredictProba(servedName, input, 1, servedCols)
	expectError(t, err, kolosal.ErrFailedPrecondition, "")
}

func TestInferenceEngineErrors(t *testing.T) {
	_, err := kolosal.NewInferenceEngine(`{"jit_min_call": 3}`)
	expectError(t, err, kolosal.ErrInvalidArgument, "jit_min_calls")
	_, err = kolosal.NewInferenceEngine(map[string]any{"jit_cache_size": 0})
	expectError(t, err, kolosal.ErrInvalidArgument, "jit_cache_size")
	_, err = kolosal.NewInferenceEngine(`{not json`)
	expectError(t, err, kolosal.ErrInvalidArgument, "")

	model, features := fitServed(t, "gradient_boosting", smallParams, "regression")
	defer model.Close()
	engine := newEngine(t, nil)
	defer engine.Close()
	if err := engine.AddModel("m", model); err != nil {
		t.Fatal(err)
	}
	expectError(t, engine.AddModel("m", model), kolosal.ErrInvalidArgument, "already loaded")
	expectError(t, engine.AddModel("", model), kolosal.ErrInvalidArgument, "non-empty name")
	expectError(t, engine.AddModel("nil", nil), kolosal.ErrInvalidArgument, "model is nil")

	_, err = engine.Predict("m", features[:2], 1, 2)
	expectError(t, err, kolosal.ErrInvalidArgument, "expected 3 columns, got 2")
	// A slice that does not hold rows x cols values is refused before the library reads it.
	_, err = engine.Predict("m", features[:5], 2, servedCols)
	expectError(t, err, kolosal.ErrInvalidArgument, "5 values cannot be 2 rows x 3 columns")
	_, err = engine.PredictProba("m", servedRow(features, 0), 1, servedCols)
	expectError(t, err, kolosal.ErrFailedPrecondition, "")
	_, err = engine.Predict("absent", servedRow(features, 0), 1, servedCols)
	expectError(t, err, kolosal.ErrNotFound, "no model named 'absent'")

	garbage := filepath.Join(t.TempDir(), "garbage.kolosal")
	if err := os.WriteFile(garbage, []byte("not a model"), 0o600); err != nil {
		t.Fatal(err)
	}
	expectError(t, engine.LoadModel("g", garbage), kolosal.ErrCorruptModel, "")
	expectError(t, engine.LoadModel("g", "/no/such/dir/m.kolosal"), kolosal.ErrIO,
		"/no/such/dir/m.kolosal")
	// The failed loads did not take the name.
	_, err = engine.Model("g")
	expectError(t, err, kolosal.ErrNotFound, "'g'")
	if err := engine.AddModel("g", model); err != nil {
		t.Fatal(err)
	}

	// Loading a classifier under a taken name fails and leaves the regressor served there.
	classifier, _ := fitServed(t, "gradient_boosting", smallParams, "classification")
	defer classifier.Close()
	saved := filepath.Join(t.TempDir(), "classifier.kolosal")
	if err := classifier.Save(saved); err != nil {
		t.Fatal(err)
	}
	expectError(t, engine.LoadModel("m", saved), kolosal.ErrInvalidArgument, "already loaded")
	expectError(t, engine.LoadModel("", saved), kolosal.ErrInvalidArgument, "non-empty name")
	compareSingleRows(t, engine, "m", model, features, 0, 3)
	_, err = engine.PredictProba("m", servedRow(features, 0), 1, servedCols)
	expectError(t, err, kolosal.ErrFailedPrecondition, "")
	if models := must[*kolosal.InferenceStats](t)(engine.Stats()).Models; len(models) != 2 {
		t.Fatalf("models served after the failed loads: %+v", models)
	}

	closed, _ := fitServed(t, "logistic_regression", nil, "classification")
	closed.Close()
	expectError(t, engine.AddModel("closed", closed), kolosal.ErrFailedPrecondition,
		"model is closed")
}

// Close is safe twice and frees the handle; every method afterwards is a FailedPrecondition
// error, as for the other handles.
func TestInferenceEngineCloseTwiceAndUseAfterClose(t *testing.T) {
	model, features := fitServed(t, "gradient_boosting", smallParams, "classification")
	defer model.Close()
	path := filepath.Join(t.TempDir(), "m.kolosal")
	if err := model.Save(path); err != nil {
		t.Fatal(err)
	}
	base := settledCount(t)
	engine := newEngine(t, nil)
	expectLiveHandles(t, base+1, "NewInferenceEngine")
	if err := engine.AddModel("m", model); err != nil {
		t.Fatal(err)
	}
	if err := engine.LoadModel("loaded", path); err != nil {
		t.Fatal(err)
	}
	expectLiveHandles(t, base+1, "LoadModel")
	served := must[*kolosal.Model](t)(engine.Model("loaded"))
	expectLiveHandles(t, base+2, "Model")
	served.Close()
	expectLiveHandles(t, base+1, "closing the served model")
	expectClosedTwice(t, engine, base, "the engine")

	const closed = "inference engine is closed"
	input := servedRow(features, 0)
	expectError(t, engine.AddModel("other", model), kolosal.ErrFailedPrecondition, closed)
	expectError(t, engine.LoadModel("other", path), kolosal.ErrFailedPrecondition, closed)
	expectError(t, engine.RemoveModel("m"), kolosal.ErrFailedPrecondition, closed)
	_, err := engine.Predict("m", input, 1, servedCols)
	expectError(t, err, kolosal.ErrFailedPrecondition, closed)
	_, err = engine.PredictProbaFloat32("m", []float32{0, 0, 0}, 1, servedCols)
	expectError(t, err, kolosal.ErrFailedPrecondition, closed)
	_, err = engine.Warmup("m")
	expectError(t, err, kolosal.ErrFailedPrecondition, closed)
	_, err = engine.Stats()
	expectError(t, err, kolosal.ErrFailedPrecondition, closed)
	_, err = engine.Model("m")
	expectError(t, err, kolosal.ErrFailedPrecondition, closed)
	// The model itself is untouched.
	must[[]float32](t)(model.Predict(input, 1, servedCols))
}

// Four goroutines make 200 single-row calls each on one engine while the model compiles
// (jit_min_calls 20); every answer is the model's own.
func TestInferenceEngineConcurrentCallers(t *testing.T) {
	model, features := fitServed(t, "gradient_boosting", boostedParams, "classification")
	defer model.Close()
	wantLabels := make([][]float32, servedRows)
	wantProba := make([][]float32, servedRows)
	for row := range wantLabels {
		wantLabels[row] = must[[]float32](t)(model.Predict(servedRow(features, row), 1, servedCols))
		wantProba[row] = must[[]float32](t)(model.PredictProba(servedRow(features, row), 1, servedCols))
	}
	engine := newEngine(t, kolosal.InferenceConfig{JITMinCalls: 20})
	defer engine.Close()
	if err := engine.AddModel(servedName, model); err != nil {
		t.Fatal(err)
	}

	const goroutines, callsEach = 4, 200
	var wait sync.WaitGroup
	failures := make(chan string, goroutines)
	for worker := 0; worker < goroutines; worker++ {
		wait.Add(1)
		go func(worker int) {
			defer wait.Done()
			for call := 0; call < callsEach; call++ {
				row := (call*13 + worker*71) % servedRows
				predict, want := engine.Predict, wantLabels[row]
				if call%2 == 1 {
					predict, want = engine.PredictProba, wantProba[row]
				}
				got, err := predict(servedName, servedRow(features, row), 1, servedCols)
				if err != nil || !identical(got, want) {
					failures <- fmt.Sprintf("worker %d, row %d: %v %v, want %v", worker, row, got,
						err, want)
					return
				}
			}
		}(worker)
	}
	wait.Wait()
	close(failures)
	for failure := range failures {
		t.Error(failure)
	}
	stats := waitForState(t, engine, servedName, "compiled")
	if stats.Calls != goroutines*callsEach {
		t.Fatalf("%d calls, want %d", stats.Calls, goroutines*callsEach)
	}
}

// Goroutines load a binary and a three-class model under one name and remove it again while
// others ask for its probabilities: every answer is NotFound or exactly one of the two models'
// probabilities, never sized for the other model.
func TestInferenceEngineLoadRemoveRace(t *testing.T) {
	binary, features := fitServed(t, "gradient_boosting", smallParams, "classification")
	defer binary.Close()
	three, _ := fitThreeClasses(t)
	defer three.Close()
	paths := []string{filepath.Join(t.TempDir(), "binary.kolosal"),
		filepath.Join(t.TempDir(), "three.kolosal")}
	if err := binary.Save(paths[0]); err != nil {
		t.Fatal(err)
	}
	if err := three.Save(paths[1]); err != nil {
		t.Fatal(err)
	}
	input := servedRow(features, 5)
	wants := [][]float32{must[[]float32](t)(binary.PredictProba(input, 1, servedCols)),
		must[[]float32](t)(three.PredictProba(input, 1, servedCols))}
	engine := newEngine(t, nil)
	defer engine.Close()

	const loaders, rounds = 2, 40
	var loading, reading sync.WaitGroup
	done := make(chan struct{})
	failures := make(chan string, 8)
	fail := func(message string) {
		select {
		case failures <- message:
		default:
		}
	}
	for worker := 0; worker < loaders; worker++ {
		loading.Add(1)
		go func(worker int) {
			defer loading.Done()
			for round := 0; round < rounds; round++ {
				err := engine.LoadModel(servedName, paths[(worker+round)%2])
				if err != nil && !errors.Is(err, kolosal.ErrInvalidArgument) {
					fail(fmt.Sprintf("LoadModel: %v", err))
					return
				}
				err = engine.RemoveModel(servedName)
				if err != nil && !errors.Is(err, kolosal.ErrNotFound) {
					fail(fmt.Sprintf("RemoveModel: %v", err))
					return
				}
			}
		}(worker)
	}
	for worker := 0; worker < 2; worker++ {
		reading.Add(1)
		go func() {
			defer reading.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				got, err := engine.PredictProba(servedName, input, 1, servedCols)
				if err != nil {
					if !errors.Is(err, kolosal.ErrNotFound) {
						fail(fmt.Sprintf("PredictProba: %v", err))
						return
					}
					continue
				}
				if !identical(got, wants[0]) && !identical(got, wants[1]) {
					fail(fmt.Sprintf("PredictProba gave %v, want %v or %v", got, wants[0],
						wants[1]))
					return
				}
			}
		}()
	}
	loading.Wait()
	close(done)
	reading.Wait()
	close(failures)
	for failure := range failures {
		t.Error(failure)
	}

	// Each model in turn, loaded last, is served with its own class count.
	for index, path := range paths {
		if err := engine.LoadModel(servedName, path); err != nil {
			t.Fatal(err)
		}
		assertIdentical(t, fmt.Sprintf("probabilities of %s", filepath.Base(path)),
			must[[]float32](t)(engine.PredictProba(servedName, input, 1, servedCols)), wants[index])
		if err := engine.RemoveModel(servedName); err != nil {
			t.Fatal(err)
		}
	}
}

func identical(got, want []float32) bool {
	if len(got) != len(want) {
		return false
	}
	for index := range want {
		if got[index] != want[index] {
			return false
		}
	}
	return true
}
