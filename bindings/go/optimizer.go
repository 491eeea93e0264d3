package kolosal

import (
	"encoding/json"
	"runtime"

	"kolosal.ai/kolosal/internal/capi"
)

// Optimizer is a hyperparameter optimization study with an ask/tell interface
// (kolosal_optimizer): Ask for a Trial, evaluate the objective in Go, Tell the result. No
// callback crosses into the library, and every method is safe from any goroutine.
//
// With a storage URL ("sqlite:///abs/path.db", "postgresql://user@host:port/db") the study
// outlives the process and is shared with other optimizers of the same study name.
type Optimizer struct {
	h handle
}

// BestTrial is the best completed trial of a study.
type BestTrial struct {
	Number int64          `json:"number"`
	Value  float64        `json:"value"`
	Params map[string]any `json:"params"`
}

// History is a study's history (kolosal_optimizer_history).
type History struct {
	StudyName  string         `json:"study_name"`
	Direction  string         `json:"direction"`
	NTrials    int            `json:"n_trials"`
	BestTrial  *int64         `json:"best_trial"`
	BestValue  *float64       `json:"best_value"`
	BestParams map[string]any `json:"best_params"`
	Trials     []HistoryTrial `json:"trials"`
}

// HistoryTrial is one trial of a History; nil values are unknown (a failed trial's value, a
// running trial's end).
type HistoryTrial struct {
	Number             int64               `json:"number"`
	State              string              `json:"state"` // RUNNING, COMPLETE, PRUNED, FAILED, WAITING
	Value              *float64            `json:"value"`
	Params             map[string]any      `json:"params"`
	IntermediateValues map[string]*float64 `json:"intermediate_values"`
	DatetimeStart      float64             `json:"datetime_start"`
	DatetimeComplete   *float64            `json:"datetime_complete"`
	Duration           *float64            `json:"duration"`
}

// NewOptimizer creates a study, or resumes the study of the same name in the storage.
// space: a SearchSpace, a map or JSON text; config: nil, a StudyConfig, a map or JSON text;
// storageURL: "" (in memory), "sqlite:///abs/path.db" or "postgresql://...".
func NewOptimizer(space, config any, storageURL string) (*Optimizer, error) {
	spaceText, err := configJSON(space)
	if err != nil {
		return nil, err
	}
	configText, err := configJSON(config)
	if err != nil {
		return nil, err
	}
	var ptr uintptr
	if err := capi.Kolosal_optimizer_create(spaceText, configText, storageURL, &ptr); err != nil {
		return nil, err
	}
	optimizer := &Optimizer{h: handle{ptr: ptr, kind: "optimizer"}}
	runtime.SetFinalizer(optimizer, (*Optimizer).Close)
	return optimizer, nil
}

// Close frees the optimizer, waiting for calls running on it. Safe to call twice. Its trials
// stay usable.
func (o *Optimizer) Close() error {
	o.h.close(capi.Kolosal_optimizer_free)
	runtime.SetFinalizer(o, nil)
	return nil
}

// Ask starts a trial: an enqueued parameter set first, else the sampler's proposal.
func (o *Optimizer) Ask() (*Trial, error) {
	ptr, err := o.h.acquire()
	if err != nil {
		return nil, err
	}
	defer o.h.release()
	var trialPtr uintptr
	if err := capi.Kolosal_optimizer_ask(ptr, &trialPtr); err != nil {
		return nil, err
	}
	return newTrial(trialPtr)
}

// Tell ends a running trial as COMPLETE with its objective value (NaN fails it).
func (o *Optimizer) Tell(trial *Trial, value float64) error {
	return o.withTrial(trial, func(ptr, trialPtr uintptr) error {
		return capi.Kolosal_optimizer_tell(ptr, trialPtr, value)
	})
}

// TellPruned ends a running trial as PRUNED (after Trial.ShouldPrune said so).
func (o *Optimizer) TellPruned(trial *Trial) error {
	return o.withTrial(trial, capi.Kolosal_optimizer_tell_pruned)
}

// TellFailed ends a running trial as FAILED.
func (o *Optimizer) TellFailed(trial *Trial) error {
	return o.withTrial(trial, capi.Kolosal_optimizer_tell_failed)
}

func (o *Optimizer) withTrial(trial *Trial, call func(ptr, trialPtr uintptr) error) error {
	if trial == nil {
		return invalidArgument("trial is nil")
	}
	ptr, err := o.h.acquire()
	if err != nil {
		return err
	}
	defer o.h.release()
	trialPtr, err := trial.h.acquire()
	if err != nil {
		return err
	}
	defer trial.h.release()
	return call(ptr, trialPtr)
}

// Enqueue queues a parameter set (a map of name to value, or JSON text; missing parameters are
// sampled) to be asked before any sampled one.
func (o *Optimizer) Enqueue(params any) error {
	text, err := configJSON(params)
	if err != nil {
		return err
	}
	return o.call(func(ptr uintptr) error { return capi.Kolosal_optimizer_enqueue(ptr, text) })
}

// WarmStart adds the finished trials of an earlier study (a *History, HistoryJSON's text or a
// list of {"params", "value"} objects) and returns how many were added.
func (o *Optimizer) WarmStart(history any) (int64, error) {
	text, err := configJSON(history)
	if err != nil {
		return 0, err
	}
	var added int64
	err = o.call(func(ptr uintptr) error {
		return capi.Kolosal_optimizer_warm_start(ptr, text, &added)
	})
	return added, err
}

// BestValue is the best value of the completed trials (StatusFailedPrecondition while none
// has completed).
func (o *Optimizer) BestValue() (float64, error) {
	var value float64
	err := o.call(func(ptr uintptr) error { return capi.Kolosal_optimizer_best_value(ptr, &value) })
	return value, err
}

// Best is the best completed trial.
func (o *Optimizer) Best() (*BestTrial, error) {
	best := &BestTrial{}
	if err := o.decode(capi.Kolosal_optimizer_best, best); err != nil {
		return nil, err
	}
	return best, nil
}

// History is the study's history, every trial of every process sharing the study included.
func (o *Optimizer) History() (*History, error) {
	history := &History{}
	if err := o.decode(capi.Kolosal_optimizer_history, history); err != nil {
		return nil, err
	}
	return history, nil
}

// HistoryJSON is the study's history as the library's JSON text (for WarmStart elsewhere).
func (o *Optimizer) HistoryJSON() (string, error) {
	var text string
	err := o.call(func(ptr uintptr) error { return capi.Kolosal_optimizer_history(ptr, &text) })
	return text, err
}

// ShouldStop reports whether the study is over: max_trials, the timeout, convergence, an
// exhausted grid or Cancel.
func (o *Optimizer) ShouldStop() (bool, error) {
	var stop int64
	err := o.call(func(ptr uintptr) error { return capi.Kolosal_optimizer_should_stop(ptr, &stop) })
	return stop != 0, err
}

// StopReason is why the study would stop now: "none", "max_trials", "timeout", "converged",
// "cancelled" or "exhausted".
func (o *Optimizer) StopReason() (string, error) {
	var reason string
	err := o.call(func(ptr uintptr) error { return capi.Kolosal_optimizer_stop_reason(ptr, &reason) })
	return reason, err
}

// Cancel marks the study cancelled, so ShouldStop turns true. Safe from any goroutine.
func (o *Optimizer) Cancel() error {
	return o.call(capi.Kolosal_optimizer_cancel)
}

func (o *Optimizer) call(fn func(ptr uintptr) error) error {
	ptr, err := o.h.acquire()
	if err != nil {
		return err
	}
	defer o.h.release()
	return fn(ptr)
}

// decode calls a function that returns JSON text and unmarshals it into out.
func (o *Optimizer) decode(fn func(ptr uintptr, out *string) error, out any) error {
	var text string
	if err := o.call(func(ptr uintptr) error { return fn(ptr, &text) }); err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(text), out); err != nil {
		return &Error{Code: StatusInternal, Message: "optimizer result: " + err.Error()}
	}
	return nil
}

// Trial is one trial of an Optimizer (kolosal_trial): its number and parameters, and the
// intermediate values it reports for pruning. Safe from any goroutine. It keeps its study
// alive, so it stays usable after the optimizer is closed. Close frees the handle only: Tell
// the optimizer how the trial ended first.
type Trial struct {
	h      handle
	number int64
}

func newTrial(ptr uintptr) (*Trial, error) {
	var number int64
	if err := capi.Kolosal_trial_number(ptr, &number); err != nil {
		capi.Kolosal_trial_free(ptr)
		return nil, err
	}
	trial := &Trial{h: handle{ptr: ptr, kind: "trial"}, number: number}
	runtime.SetFinalizer(trial, (*Trial).Close)
	return trial, nil
}

// Close frees the trial handle (not the trial in its study). Safe to call twice.
func (t *Trial) Close() error {
	t.h.close(capi.Kolosal_trial_free)
	runtime.SetFinalizer(t, nil)
	return nil
}

// Number is the trial's number in its study (0, 1, ...; distinct across processes).
func (t *Trial) Number() int64 { return t.number }

// HasParam reports whether the parameter exists and its conditions hold in this trial.
func (t *Trial) HasParam(name string) (bool, error) {
	var has int64
	err := t.call(func(ptr uintptr) error { return capi.Kolosal_trial_has_param(ptr, name, &has) })
	return has != 0, err
}

// Float is a float (or int) parameter; StatusNotFound for an unknown or inactive one.
func (t *Trial) Float(name string) (float64, error) {
	var value float64
	err := t.call(func(ptr uintptr) error { return capi.Kolosal_trial_get_float(ptr, name, &value) })
	return value, err
}

// Int is an int parameter.
func (t *Trial) Int(name string) (int64, error) {
	var value int64
	err := t.call(func(ptr uintptr) error { return capi.Kolosal_trial_get_int(ptr, name, &value) })
	return value, err
}

// Categorical is a categorical parameter's choice as text (numbers and booleans as their JSON
// text).
func (t *Trial) Categorical(name string) (string, error) {
	var value string
	err := t.call(func(ptr uintptr) error {
		return capi.Kolosal_trial_get_categorical(ptr, name, &value)
	})
	return value, err
}

// Params are the active parameters by name (numbers as float64).
func (t *Trial) Params() (map[string]any, error) {
	var text string
	err := t.call(func(ptr uintptr) error { return capi.Kolosal_trial_params(ptr, &text) })
	if err != nil {
		return nil, err
	}
	params := map[string]any{}
	if err := json.Unmarshal([]byte(text), &params); err != nil {
		return nil, &Error{Code: StatusInternal, Message: "trial params: " + err.Error()}
	}
	return params, nil
}

// Report records an intermediate objective value at step (>= 0), for pruning.
func (t *Trial) Report(step int64, value float64) error {
	return t.call(func(ptr uintptr) error { return capi.Kolosal_trial_report(ptr, step, value) })
}

// ShouldPrune reports whether the study's pruner says to stop this trial now (then call
// Optimizer.TellPruned).
func (t *Trial) ShouldPrune() (bool, error) {
	var prune int64
	err := t.call(func(ptr uintptr) error { return capi.Kolosal_trial_should_prune(ptr, &prune) })
	return prune != 0, err
}

func (t *Trial) call(fn func(ptr uintptr) error) error {
	ptr, err := t.h.acquire()
	if err != nil {
		return err
	}
	defer t.h.release()
	return fn(ptr)
}
