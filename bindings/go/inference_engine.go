package kolosal

import (
	"encoding/json"
	"runtime"
	"sync"

	"kolosal.ai/kolosal/internal/capi"
)

// InferenceEngine serves named models to any number of goroutines at once
// (kolosal_inference_engine). A tree model (gradient_boosting, random_forest, extra_trees,
// decision_tree) that has had JITMinCalls calls of at most JITMaxBatchRows rows is compiled to
// machine code in the background; compiled calls give exactly the floats of Model's Predict and
// PredictProba. Warmup compiles at once. Every method is safe from any goroutine; Close waits
// for the calls running on the engine.
type InferenceEngine struct {
	h handle
	// classes guards nClasses, the class count of each served model (0 for regression), which
	// PredictProba needs to size its output. PredictProba holds the read lock for its call, so
	// that no other model can take the name meanwhile.
	classes  sync.RWMutex
	nClasses map[string]int
}

// InferenceConfig is the configuration of NewInferenceEngine. Zero values are left out, so the
// library's defaults apply (JITMinCalls 0 means the default, 100; pass a map for 0).
type InferenceConfig struct {
	EnableJITCompilation *bool `json:"enable_jit_compilation,omitempty"` // nil: true
	JITMinCalls          int64 `json:"jit_min_calls,omitempty"`          // small calls, then compile
	JITCacheSize         int64 `json:"jit_cache_size,omitempty"`         // compiled models kept (LRU)
	JITMaxBatchRows      int64 `json:"jit_max_batch_rows,omitempty"`     // more rows: interpreted
}

// InferenceStats are the statistics of an InferenceEngine (InferenceEngine.Stats).
type InferenceStats struct {
	Options  InferenceConfig    `json:"options"` // every option, defaults included
	JITCache JITCacheStats      `json:"jit_cache"`
	Models   []ServedModelStats `json:"models"`
}

// JITCacheStats describe the engine's cache of compiled models.
type JITCacheStats struct {
	Capacity   int64 `json:"capacity"`
	Size       int64 `json:"size"`
	Hits       int64 `json:"hits"`
	Misses     int64 `json:"misses"`
	Insertions int64 `json:"insertions"`
	Evictions  int64 `json:"evictions"`
	CodeBytes  int64 `json:"code_bytes"`
}

// ServedModelStats describe one model an InferenceEngine serves.
type ServedModelStats struct {
	Name             string       `json:"name"`
	ModelType        string       `json:"model_type"`
	Calls            int64        `json:"calls"`
	Rows             int64        `json:"rows"`
	CompiledCalls    int64        `json:"compiled_calls"`
	InterpretedCalls int64        `json:"interpreted_calls"`
	JIT              JITStats     `json:"jit"`
	LatencyUS        LatencyStats `json:"latency_us"` // microseconds per call
}

// JITStats describe the compilation of one served model.
type JITStats struct {
	// State is "interpreted", "compiling", "compiled", "evicted", "unsupported", "disabled" or
	// "failed".
	State        string  `json:"state"`
	Compilations int64   `json:"compilations"`
	CompileMS    float64 `json:"compile_ms"`
	CodeBytes    int64   `json:"code_bytes"`
	Error        string  `json:"error"` // why the compilation failed, "" otherwise
}

// LatencyStats summarise the latencies of a served model's calls, in microseconds.
type LatencyStats struct {
	Count int64   `json:"count"`
	Mean  float64 `json:"mean"`
	P50   float64 `json:"p50"`
	P90   float64 `json:"p90"`
	P99   float64 `json:"p99"`
	Max   float64 `json:"max"`
}

// Model is the statistics of the model served under name, or nil.
func (s *InferenceStats) Model(name string) *ServedModelStats {
	for index := range s.Models {
		if s.Models[index].Name == name {
			return &s.Models[index]
		}
	}
	return nil
}

// NewInferenceEngine creates an engine that serves no model yet. config: nil, an
// InferenceConfig, a map or JSON text; an unknown key is an error that suggests the nearest
// valid one.
func NewInferenceEngine(config any) (*InferenceEngine, error) {
	configText, err := configJSON(config)
	if err != nil {
		return nil, err
	}
	var ptr uintptr
	if err := capi.Kolosal_inference_engine_create(configText, &ptr); err != nil {
		return nil, err
	}
	engine := &InferenceEngine{h: handle{ptr: ptr, kind: "inference engine"},
		nClasses: map[string]int{}}
	runtime.SetFinalizer(engine, (*InferenceEngine).Close)
	return engine, nil
}

// Close frees the engine, waiting for calls and compilations running on it. Safe to call twice.
func (e *InferenceEngine) Close() error {
	e.h.close(capi.Kolosal_inference_engine_free)
	runtime.SetFinalizer(e, nil)
	return nil
}

// AddModel serves model under name. The engine shares the model, so closing model afterwards
// is fine. An empty name or one already in use is an InvalidArgument error.
func (e *InferenceEngine) AddModel(name string, model *Model) error {
	if model == nil {
		return invalidArgument("model is nil")
	}
	ptr, err := e.h.acquire()
	if err != nil {
		return err
	}
	defer e.h.release()
	modelPtr, err := model.h.acquire()
	if err != nil {
		return err
	}
	defer model.h.release()
	e.classes.Lock()
	defer e.classes.Unlock()
	if err := capi.Kolosal_inference_engine_add_model(ptr, name, modelPtr); err != nil {
		return err
	}
	e.nClasses[name] = model.nClasses
	return nil
}

// LoadModel reads a model file (as LoadModel does; it never runs code from the file) and
// serves it under name. An empty name or one already in use is an InvalidArgument error, a
// missing file an IO error, a damaged one a CorruptModel error.
func (e *InferenceEngine) LoadModel(name, path string) error {
	ptr, err := e.h.acquire()
	if err != nil { // a closed engine reads no file
		return err
	}
	defer e.h.release()
	e.classes.Lock()
	defer e.classes.Unlock()
	if err := capi.Kolosal_inference_engine_load_model(ptr, name, path); err != nil {
		return err
	}
	nClasses, err := servedClasses(ptr, name)
	if err != nil {
		// Serve nothing that PredictProba could not size; the lock kept the name ours.
		capi.Kolosal_inference_engine_remove_model(ptr, name)
		return err
	}
	e.nClasses[name] = nClasses
	return nil
}

// servedClasses is the class count of the model served under name, read from a model handle
// that shares it and is freed at once.
func servedClasses(engine uintptr, name string) (int, error) {
	var model uintptr
	if err := capi.Kolosal_inference_engine_model(engine, name, &model); err != nil {
		return 0, err
	}
	defer capi.Kolosal_model_free(model)
	var nClasses int64
	if err := capi.Kolosal_model_n_classes(model, &nClasses); err != nil {
		return 0, err
	}
	return int(nClasses), nil
}

// Model is the model served under name, sharing it (no copy): for its metadata, feature and
// class counts and names, or to predict with it directly. It stays valid after RemoveModel;
// close it when done. An unknown name is a NotFound error.
func (e *InferenceEngine) Model(name string) (*Model, error) {
	ptr, err := e.h.acquire()
	if err != nil {
		return nil, err
	}
	defer e.h.release()
	var model uintptr
	if err := capi.Kolosal_inference_engine_model(ptr, name, &model); err != nil {
		return nil, err
	}
	return newModel(model)
}

// RemoveModel stops serving name and drops its compiled code; calls already running finish. An
// unknown name is a NotFound error.
func (e *InferenceEngine) RemoveModel(name string) error {
	ptr, err := e.h.acquire()
	if err != nil {
		return err
	}
	defer e.h.release()
	e.classes.Lock()
	defer e.classes.Unlock()
	if err := capi.Kolosal_inference_engine_remove_model(ptr, name); err != nil {
		return err
	}
	delete(e.nClasses, name)
	return nil
}

// Predict is Model.Predict on the model served under name: one value per row of a row-major
// rows x cols matrix. An unknown name is a NotFound error.
func (e *InferenceEngine) Predict(name string, data []float64, rows, cols int) ([]float32, error) {
	return predictServed(e, false, name, data, rows, cols)
}

// PredictFloat32 is Predict for float32 input.
func (e *InferenceEngine) PredictFloat32(name string, data []float32, rows, cols int) ([]float32,
	error) {
	return predictServed(e, false, name, data, rows, cols)
}

// PredictProba is Model.PredictProba on the model served under name: row-major rows x classes.
// A regression model gives a FailedPrecondition error.
func (e *InferenceEngine) PredictProba(name string, data []float64, rows, cols int) ([]float32,
	error) {
	return predictServed(e, true, name, data, rows, cols)
}

// PredictProbaFloat32 is PredictProba for float32 input.
func (e *InferenceEngine) PredictProbaFloat32(name string, data []float32, rows, cols int) (
	[]float32, error) {
	return predictServed(e, true, name, data, rows, cols)
}

// Warmup compiles the model served under name now and waits, so that its next calls run
// compiled code. It reports whether they do: false for a model that is not a tree model, or
// with the JIT off.
func (e *InferenceEngine) Warmup(name string) (bool, error) {
	ptr, err := e.h.acquire()
	if err != nil {
		return false, err
	}
	defer e.h.release()
	var compiled int64
	if err := capi.Kolosal_inference_engine_warmup(ptr, name, &compiled); err != nil {
		return false, err
	}
	return compiled != 0, nil
}

// Stats are the engine's statistics: its options, its compile cache and each served model.
func (e *InferenceEngine) Stats() (*InferenceStats, error) {
	text, err := e.StatsJSON()
	if err != nil {
		return nil, err
	}
	stats := &InferenceStats{}
	if err := json.Unmarshal([]byte(text), stats); err != nil {
		return nil, &Error{Code: StatusInternal, Message: "inference engine stats: " + err.Error()}
	}
	return stats, nil
}

// StatsJSON is Stats as the library's JSON text.
func (e *InferenceEngine) StatsJSON() (string, error) {
	ptr, err := e.h.acquire()
	if err != nil {
		return "", err
	}
	defer e.h.release()
	var text string
	if err := capi.Kolosal_inference_engine_stats(ptr, &text); err != nil {
		return "", err
	}
	return text, nil
}

// predictServed runs one dense predict call on a served model into a new slice: one value per
// row, or with proba the served model's class count per row. For an unknown name or a
// regression model that count is 0 and the library reports the error. As in AddModel and
// RemoveModel, the handle's lock comes before the class counts' lock.
func predictServed[T Float](e *InferenceEngine, proba bool, name string, data []T, rows,
	cols int) ([]float32, error) {
	input, err := denseMatrix(data, rows, cols)
	if err != nil {
		return nil, err
	}
	ptr, err := e.h.acquire()
	if err != nil {
		return nil, err
	}
	defer e.h.release()
	predict, valuesPerRow := capi.Kolosal_inference_engine_predict, 1
	if proba {
		e.classes.RLock()
		defer e.classes.RUnlock()
		predict, valuesPerRow = capi.Kolosal_inference_engine_predict_proba, e.nClasses[name]
	}
	out := make([]float32, rows*valuesPerRow)
	err = predict(ptr, name, input.data, input.dtype, input.rows, input.cols, capi.KOLOSAL_ROW_MAJOR,
		firstFloat32(out), int64(len(out)))
	runtime.KeepAlive(data)
	if err != nil {
		return nil, err
	}
	return out, nil
}
