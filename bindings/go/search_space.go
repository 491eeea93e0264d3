package kolosal

import "encoding/json"

// SearchSpace is a hyperparameter search space (docs/hpo.md):
//
//	kolosal.SearchSpace{Params: []kolosal.Param{
//		kolosal.FloatParam("x", -5, 5),
//		kolosal.IntParam("n", 1, 9),
//		kolosal.CategoricalParam("kernel", "rbf", "linear"),
//		kolosal.LogFloatParam("gamma", 1e-4, 1).When("kernel", "rbf"),
//	}}
//
// The library validates it when an optimizer is created: low above high, log with a
// non-positive bound and unknown types are errors there.
type SearchSpace struct {
	Params []Param `json:"params"`
}

// Param is one parameter of a SearchSpace; build it with FloatParam, LogFloatParam, IntParam,
// IntStepParam or CategoricalParam.
type Param struct {
	Name    string
	Type    string // "float", "int" or "categorical"
	Low     float64
	High    float64
	Step    float64 // 0: none for floats, 1 for ints
	Log     bool
	Choices []any
	// Condition makes the parameter active only when each named earlier parameter takes one
	// of the listed values.
	Condition map[string][]any
}

// FloatParam is a float parameter, uniform in [low, high].
func FloatParam(name string, low, high float64) Param {
	return Param{Name: name, Type: "float", Low: low, High: high}
}

// LogFloatParam is a float parameter, log-uniform in [low, high] (low > 0).
func LogFloatParam(name string, low, high float64) Param {
	return Param{Name: name, Type: "float", Low: low, High: high, Log: true}
}

// IntParam is an int parameter in [low, high].
func IntParam(name string, low, high int64) Param {
	return Param{Name: name, Type: "int", Low: float64(low), High: float64(high)}
}

// IntStepParam is an int parameter on the grid low, low + step, ... up to high.
func IntStepParam(name string, low, high, step int64) Param {
	return Param{Name: name, Type: "int", Low: float64(low), High: float64(high),
		Step: float64(step)}
}

// CategoricalParam is a parameter with a fixed set of choices (strings, numbers or booleans).
func CategoricalParam(name string, choices ...any) Param {
	return Param{Name: name, Type: "categorical", Choices: choices}
}

// When returns the parameter made conditional on an earlier one taking one of values.
func (p Param) When(parent string, values ...any) Param {
	condition := make(map[string][]any, len(p.Condition)+1)
	for key, allowed := range p.Condition {
		condition[key] = allowed
	}
	condition[parent] = values
	p.Condition = condition
	return p
}

// MarshalJSON writes the parameter in the library's format.
func (p Param) MarshalJSON() ([]byte, error) {
	out := map[string]any{"name": p.Name, "type": p.Type}
	if p.Type == "categorical" {
		out["choices"] = p.Choices
	} else {
		out["low"], out["high"] = p.Low, p.High
		if p.Type == "int" {
			out["low"], out["high"] = int64(p.Low), int64(p.High)
		}
		if p.Log {
			out["log"] = true
		}
		if p.Step != 0 {
			out["step"] = p.Step
		}
	}
	if len(p.Condition) > 0 {
		out["condition"] = p.Condition
	}
	return json.Marshal(out)
}

// StudyConfig is the configuration of NewOptimizer (docs/hpo.md). Zero values are left out,
// so the library's defaults apply (RandomState 0 means the default, 42; pass a map for 0).
// Other keys: pass a map[string]any or JSON text instead.
type StudyConfig struct {
	MaxTrials             int64   `json:"max_trials,omitempty"`
	Timeout               float64 `json:"optimization_timeout,omitempty"` // seconds
	Strategy              string  `json:"optimization_strategy,omitempty"`
	HyperoptBackend       string  `json:"hyperopt_backend,omitempty"`
	Sampler               string  `json:"sampler,omitempty"`
	Pruner                any     `json:"pruner,omitempty"` // a name or a map with "name"
	Direction             string  `json:"direction,omitempty"`
	RandomState           uint64  `json:"random_state,omitempty"`
	EarlyStoppingPatience int64   `json:"early_stopping_patience,omitempty"`
	NJobs                 int     `json:"n_jobs,omitempty"`
	StudyName             string  `json:"study_name,omitempty"`
}

// TuneConfig is the configuration of Trainer.Tune: the study over the trainer's model. The
// model, its fixed params, cv_folds and metric come from the TrainConfig. NTrials defaults to
// 20 unless MaxTrials is set; Direction is not a key (the metric decides).
type TuneConfig struct {
	NTrials     int64        `json:"n_trials,omitempty"`   // trials in this call
	MaxTrials   int64        `json:"max_trials,omitempty"` // trials in the whole study
	SearchSpace *SearchSpace `json:"search_space,omitempty"`
	Strategy    string       `json:"optimization_strategy,omitempty"`
	Timeout     float64      `json:"optimization_timeout,omitempty"`
	Pruner      any          `json:"pruner,omitempty"`
	StudyName   string       `json:"study_name,omitempty"`
	RandomState uint64       `json:"random_state,omitempty"`
	NJobs       int          `json:"n_jobs,omitempty"` // trials run at a time
}
