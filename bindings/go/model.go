package kolosal

import (
	"encoding/json"
	"runtime"
	"unsafe"

	"kolosal.ai/kolosal/internal/capi"
)

// Model is a trained pipeline: preprocessing, model and metadata (kolosal_model). It is
// immutable; any number of goroutines may predict with it at once.
type Model struct {
	h         handle
	nFeatures int
	nClasses  int
}

// newModel wraps a fresh handle; the shape is read once, since a model never changes.
func newModel(ptr uintptr) (*Model, error) {
	var nFeatures, nClasses int64
	err := capi.Kolosal_model_n_features(ptr, &nFeatures)
	if err == nil {
		err = capi.Kolosal_model_n_classes(ptr, &nClasses)
	}
	if err != nil {
		capi.Kolosal_model_free(ptr)
		return nil, err
	}
	model := &Model{h: handle{ptr: ptr, kind: "model"}, nFeatures: int(nFeatures),
		nClasses: int(nClasses)}
	runtime.SetFinalizer(model, (*Model).Close)
	return model, nil
}

// LoadModel reads a model file. It never runs code from the file.
func LoadModel(path string) (*Model, error) {
	var ptr uintptr
	if err := capi.Kolosal_model_load(path, &ptr); err != nil {
		return nil, err
	}
	return newModel(ptr)
}

// LoadModelBytes reads a model from the bytes of MarshalBinary.
func LoadModelBytes(data []byte) (*Model, error) {
	var ptr uintptr
	err := capi.Kolosal_model_load_buffer(firstElement(data), int64(len(data)), &ptr)
	runtime.KeepAlive(data)
	if err != nil {
		return nil, err
	}
	return newModel(ptr)
}

// Close frees the model, waiting for predictions running on it. Safe to call twice.
func (m *Model) Close() error {
	m.h.close(capi.Kolosal_model_free)
	runtime.SetFinalizer(m, nil)
	return nil
}

// NFeatures is the number of input columns the model expects.
func (m *Model) NFeatures() int { return m.nFeatures }

// NClasses is the number of classes (0 for regression).
func (m *Model) NClasses() int { return m.nClasses }

// Save writes the model file atomically.
func (m *Model) Save(path string) error {
	ptr, err := m.h.acquire()
	if err != nil {
		return err
	}
	defer m.h.release()
	return capi.Kolosal_model_save(ptr, path)
}

// MarshalBinary serialises the model (deterministic bytes; see LoadModelBytes).
func (m *Model) MarshalBinary() ([]byte, error) {
	ptr, err := m.h.acquire()
	if err != nil {
		return nil, err
	}
	defer m.h.release()
	var size int64
	if err := capi.Kolosal_model_save_buffer(ptr, nil, 0, &size); err != nil {
		return nil, err
	}
	data := make([]byte, size)
	if err := capi.Kolosal_model_save_buffer(ptr, firstElement(data), size, &size); err != nil {
		return nil, err
	}
	return data[:size], nil
}

// Metadata is JSON: model type, params, task, classes, features, metrics, library version.
func (m *Model) Metadata() (string, error) {
	return m.stringProperty(capi.Kolosal_model_metadata)
}

// ClassName is the name of class classIndex (e.g. "spam").
func (m *Model) ClassName(classIndex int) (string, error) {
	return m.stringProperty(func(ptr uintptr, name *string) error {
		return capi.Kolosal_model_class_name(ptr, int64(classIndex), name)
	})
}

// ClassNames are the names of all classes, by class index (empty for regression).
func (m *Model) ClassNames() ([]string, error) { return allNames(m.nClasses, m.ClassName) }

// FeatureName is the name of input column featureIndex (training order).
func (m *Model) FeatureName(featureIndex int) (string, error) {
	return m.stringProperty(func(ptr uintptr, name *string) error {
		return capi.Kolosal_model_feature_name(ptr, int64(featureIndex), name)
	})
}

// FeatureNames are the names of all input columns, in training order.
func (m *Model) FeatureNames() ([]string, error) { return allNames(m.nFeatures, m.FeatureName) }

// allNames is name(0), ..., name(count-1).
func allNames(count int, name func(int) (string, error)) ([]string, error) {
	names := make([]string, count)
	for index := range names {
		value, err := name(index)
		if err != nil {
			return nil, err
		}
		names[index] = value
	}
	return names, nil
}

// ImportanceType is a kind of feature importance; the values are kolosal_importance_type's.
type ImportanceType int

const (
	// ImportanceGain is, for tree models, the total loss reduction of the feature's splits.
	ImportanceGain ImportanceType = 0
	// ImportanceSplit is, for tree models, the number of splits on the feature.
	ImportanceSplit ImportanceType = 1
	// ImportanceCoefficient is, for linear models, the sum over outputs of |coefficient| on the
	// preprocessed inputs.
	ImportanceCoefficient ImportanceType = 2
)

// FeatureImportance is the importance per input column, in training order; the indicator
// columns of a one-hot encoded column add up. Gain and split are for tree models, coefficient
// for linear ones; another type gives an ErrUnsupported error.
func (m *Model) FeatureImportance(kind ImportanceType) ([]float32, error) {
	ptr, err := m.h.acquire()
	if err != nil {
		return nil, err
	}
	defer m.h.release()
	out := make([]float32, m.nFeatures)
	err = capi.Kolosal_model_feature_importance(ptr, capi.Enum_SS_kolosal_importance_type(kind),
		firstFloat32(out), int64(len(out)))
	if err != nil {
		return nil, err
	}
	return out, nil
}

// PermutationImportance is the result of Model.PermutationImportance: per input column (in
// training order), how much the score drops when that column is shuffled across the rows.
type PermutationImportance struct {
	Metric          string    `json:"metric"`
	GreaterIsBetter bool      `json:"greater_is_better"`
	Baseline        float64   `json:"baseline"`
	Features        []string  `json:"features"`
	ImportancesMean []float64 `json:"importances_mean"`
	ImportancesStd  []float64 `json:"importances_std"`
}

// PermutationImportanceConfig is the configuration of Model.PermutationImportance.
type PermutationImportanceConfig struct {
	Metric      string `json:"metric,omitempty"`    // accuracy or r2 when empty
	NRepeats    int    `json:"n_repeats,omitempty"` // 5 when 0
	RandomState uint64 `json:"random_state,omitempty"`
	NJobs       int    `json:"n_jobs,omitempty"`
}

// PermutationImportance scores the model on a labelled dataset, then once per column and
// repeat with that column shuffled (scikit-learn's permutation_importance). config is nil, a
// PermutationImportanceConfig, a JSON string or a map.
func (m *Model) PermutationImportance(data *Dataset, config any) (*PermutationImportance, error) {
	configText, err := configJSON(config)
	if err != nil {
		return nil, err
	}
	var resultJSON string
	err = m.withDataset(data, func(ptr, dataset uintptr) error {
		return capi.Kolosal_model_permutation_importance(ptr, dataset, configText, &resultJSON)
	})
	if err != nil {
		return nil, err
	}
	result := &PermutationImportance{}
	if err := json.Unmarshal([]byte(resultJSON), result); err != nil {
		return nil, &Error{Code: StatusInternal, Message: "permutation importance: " + err.Error()}
	}
	return result, nil
}

// Contributions are the SHAP contributions on a dataset whose columns are matched by name:
// rows x outputs x (NFeatures()+1) values, row-major, where outputs is NClasses() (1 for
// regression). Each block of NFeatures()+1 holds one value per input column in training order,
// then the bias; the value of (row, output, feature) is at
// (row*outputs+output)*(NFeatures()+1)+feature. A block sums to the output before its link: the
// class's log-odds for gradient_boosting and logistic_regression (a binary model's class 0
// block is the negative of class 1's), the class probability for decision_tree, random_forest
// and extra_trees, the prediction for regression. A missing column gives an
// ErrInvalidArgument error; a tree model file saved before node covers were stored,
// ErrUnsupported.
func (m *Model) Contributions(data *Dataset) ([]float32, error) {
	outputs := m.nClasses
	if outputs == 0 {
		outputs = 1
	}
	return predictDataset(m, capi.Kolosal_model_predict_contributions, data,
		outputs*(m.nFeatures+1))
}

func (m *Model) stringProperty(get func(uintptr, *string) error) (string, error) {
	ptr, err := m.h.acquire()
	if err != nil {
		return "", err
	}
	defer m.h.release()
	var value string
	if err := get(ptr, &value); err != nil {
		return "", err
	}
	return value, nil
}

// Predict returns one value per row of a row-major rows x cols matrix: the class index for
// classification, the value for regression. Columns are in training order.
func (m *Model) Predict(data []float64, rows, cols int) ([]float32, error) {
	return predictDense(m, capi.Kolosal_model_predict, data, rows, cols, 1)
}

// PredictFloat32 is Predict for float32 input.
func (m *Model) PredictFloat32(data []float32, rows, cols int) ([]float32, error) {
	return predictDense(m, capi.Kolosal_model_predict, data, rows, cols, 1)
}

// PredictProba returns the class probabilities, row-major rows x NClasses(). Regression models
// return a FailedPrecondition error.
func (m *Model) PredictProba(data []float64, rows, cols int) ([]float32, error) {
	return predictDense(m, capi.Kolosal_model_predict_proba, data, rows, cols, m.nClasses)
}

// PredictProbaFloat32 is PredictProba for float32 input.
func (m *Model) PredictProbaFloat32(data []float32, rows, cols int) ([]float32, error) {
	return predictDense(m, capi.Kolosal_model_predict_proba, data, rows, cols, m.nClasses)
}

// PredictDataset is Predict on a dataset whose columns are matched by name (extra columns,
// such as the target, are ignored; categorical text maps to the training categories).
func (m *Model) PredictDataset(data *Dataset) ([]float32, error) {
	return predictDataset(m, capi.Kolosal_model_predict_dataset, data, 1)
}

// PredictProbaDataset is PredictProba on a dataset (columns matched by name).
func (m *Model) PredictProbaDataset(data *Dataset) ([]float32, error) {
	return predictDataset(m, capi.Kolosal_model_predict_proba_dataset, data, m.nClasses)
}

// Evaluate scores the model on a labelled dataset with every applicable metric.
func (m *Model) Evaluate(data *Dataset) (map[string]float64, error) {
	var metricsJSON string
	err := m.withDataset(data, func(ptr, dataset uintptr) error {
		return capi.Kolosal_model_evaluate(ptr, dataset, &metricsJSON)
	})
	if err != nil {
		return nil, err
	}
	metrics := map[string]float64{}
	if err := json.Unmarshal([]byte(metricsJSON), &metrics); err != nil {
		return nil, &Error{Code: StatusInternal, Message: "metrics: " + err.Error()}
	}
	return metrics, nil
}

type densePredictor = func(model uintptr, data unsafe.Pointer, dtype capi.Enum_SS_kolosal_dtype,
	rows, cols int64, layout capi.Enum_SS_kolosal_layout, out *float32, capacity int64) error

// predictDense runs one dense predict call: valuesPerRow outputs per row, into a new slice.
func predictDense[T Float](m *Model, predict densePredictor, data []T, rows, cols,
	valuesPerRow int) ([]float32, error) {
	input, err := denseMatrix(data, rows, cols)
	if err != nil {
		return nil, err
	}
	ptr, err := m.h.acquire()
	if err != nil {
		return nil, err
	}
	defer m.h.release()
	out := make([]float32, rows*valuesPerRow)
	err = predict(ptr, input.data, input.dtype, input.rows, input.cols, capi.KOLOSAL_ROW_MAJOR,
		firstFloat32(out), int64(len(out)))
	runtime.KeepAlive(data)
	if err != nil {
		return nil, err
	}
	return out, nil
}

func predictDataset(m *Model, predict func(uintptr, uintptr, *float32, int64) error,
	data *Dataset, valuesPerRow int) ([]float32, error) {
	rows, err := data.NRows()
	if err != nil {
		return nil, err
	}
	out := make([]float32, rows*valuesPerRow)
	err = m.withDataset(data, func(ptr, dataset uintptr) error {
		return predict(ptr, dataset, firstFloat32(out), int64(len(out)))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// withDataset runs call with the model's and the dataset's handles held open.
func (m *Model) withDataset(data *Dataset, call func(model, dataset uintptr) error) error {
	ptr, err := m.h.acquire()
	if err != nil {
		return err
	}
	defer m.h.release()
	dataset, err := data.h.acquire()
	if err != nil {
		return err
	}
	defer data.h.release()
	return call(ptr, dataset)
}
