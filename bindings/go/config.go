package kolosal

import "encoding/json"

// CSVOptions are the options of ReadCSV (kolosal_dataset_from_csv). Zero values are left out,
// so the library's defaults apply.
type CSVOptions struct {
	Target        string            `json:"target,omitempty"`
	WeightColumn  string            `json:"weight_column,omitempty"` // per-row training weights
	Task          string            `json:"task,omitempty"`          // "classification" or "regression"
	Delimiter     string            `json:"delimiter,omitempty"`
	HasHeader     *bool             `json:"has_header,omitempty"`
	MissingValues []string          `json:"missing_values,omitempty"`
	ColumnTypes   map[string]string `json:"column_types,omitempty"` // "numeric" or "categorical"
	DropColumns   []string          `json:"drop_columns,omitempty"`
	MaxRows       int64             `json:"max_rows,omitempty"`
}

// DenseOptions are the options of NewDataset (kolosal_dataset_from_dense).
type DenseOptions struct {
	FeatureNames []string `json:"feature_names,omitempty"`
	TargetName   string   `json:"target_name,omitempty"`
	Task         string   `json:"task,omitempty"`
	WeightColumn string   `json:"weight_column,omitempty"` // a feature column of row weights
}

// TrainConfig is the configuration of NewTrainer (kolosal_train_engine_create).
type TrainConfig struct {
	Model         string         `json:"model,omitempty"`
	Params        map[string]any `json:"params,omitempty"`
	Preprocessing map[string]any `json:"preprocessing,omitempty"`
	NJobs         int            `json:"n_jobs,omitempty"`
	RandomState   uint64         `json:"random_state,omitempty"`
	CVFolds       int            `json:"cv_folds,omitempty"`
	Metric        string         `json:"metric,omitempty"`
}

// configJSON turns a config argument into the JSON text the C ABI takes ("" = defaults).
func configJSON(config any) (string, error) {
	switch value := config.(type) {
	case nil:
		return "", nil
	case string:
		return value, nil
	case []byte:
		return string(value), nil
	case json.RawMessage:
		return string(value), nil
	}
	encoded, err := json.Marshal(config)
	if err != nil {
		return "", invalidArgument("config: " + err.Error())
	}
	return string(encoded), nil
}
