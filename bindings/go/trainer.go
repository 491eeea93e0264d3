package kolosal

import (
	"context"
	"encoding/json"
	"runtime"
	"runtime/cgo"
	"time"

	"kolosal.ai/kolosal/internal/capi"
)

// Trainer fits models with one configuration (kolosal_train_engine). It runs one fit or
// cross-validation at a time; Cancel may be called from any goroutine.
type Trainer struct {
	h        handle
	progress cgo.Handle // the current progress callback, 0 if none
}

// CVResult is the outcome of CrossValidate.
type CVResult struct {
	Metric          string    `json:"metric"`
	GreaterIsBetter bool      `json:"greater_is_better"`
	FoldScores      []float64 `json:"fold_scores"`
	Mean            float64   `json:"mean"`
	Std             float64   `json:"std"`
}

// NewTrainer creates a training engine. config: nil, TrainConfig, a JSON string or a map; the
// model name and params are validated here (unknown keys are errors).
func NewTrainer(config any) (*Trainer, error) {
	configText, err := configJSON(config)
	if err != nil {
		return nil, err
	}
	var ptr uintptr
	if err := capi.Kolosal_train_engine_create(configText, &ptr); err != nil {
		return nil, err
	}
	trainer := &Trainer{h: handle{ptr: ptr, kind: "trainer"}}
	runtime.SetFinalizer(trainer, (*Trainer).Close)
	return trainer, nil
}

// Close frees the engine, waiting for a running fit to end. Safe to call twice.
func (t *Trainer) Close() error {
	t.h.close(capi.Kolosal_train_engine_free)
	if t.progress != 0 {
		t.progress.Delete()
		t.progress = 0
	}
	runtime.SetFinalizer(t, nil)
	return nil
}

// SetProgress sets the function called during Fit and CrossValidate with the fraction done
// and a stage name, on the goroutine that called Fit; returning true cancels. nil clears it.
// A panic in fn cancels the fit and is raised again from Fit. Not safe while a fit runs.
func (t *Trainer) SetProgress(fn func(fraction float64, stage string) (cancel bool)) error {
	ptr, err := t.h.acquire()
	if err != nil {
		return err
	}
	defer t.h.release()
	var progress *capi.Progress
	if fn != nil {
		progress = &capi.Progress{Fn: fn}
	}
	handle, err := capi.SetProgress(ptr, progress)
	if err != nil {
		return err
	}
	if t.progress != 0 {
		t.progress.Delete()
	}
	t.progress = handle
	return nil
}

// Fit fits preprocessing and model on a labelled dataset.
func (t *Trainer) Fit(data *Dataset) (*Model, error) {
	return t.FitContext(context.Background(), data)
}

// FitContext is Fit, cancelled (error code Cancelled) when ctx is done.
func (t *Trainer) FitContext(ctx context.Context, data *Dataset) (*Model, error) {
	var modelPtr uintptr
	err := t.run(ctx, data, func(engine, dataset uintptr) error {
		return capi.Kolosal_train_engine_fit(engine, dataset, &modelPtr)
	})
	if err != nil {
		return nil, err
	}
	return newModel(modelPtr)
}

// CrossValidate is the K-fold cross-validated score ("cv_folds" and "metric" of the config).
func (t *Trainer) CrossValidate(data *Dataset) (*CVResult, error) {
	return t.CrossValidateContext(context.Background(), data)
}

// CrossValidateContext is CrossValidate, cancelled when ctx is done.
func (t *Trainer) CrossValidateContext(ctx context.Context, data *Dataset) (*CVResult, error) {
	var resultJSON string
	err := t.run(ctx, data, func(engine, dataset uintptr) error {
		return capi.Kolosal_train_engine_cross_validate(engine, dataset, &resultJSON)
	})
	if err != nil {
		return nil, err
	}
	result := &CVResult{}
	if err := json.Unmarshal([]byte(resultJSON), result); err != nil {
		return nil, &Error{Code: StatusInternal, Message: "cross-validation result: " + err.Error()}
	}
	return result, nil
}

// Tune tunes the trainer's model by cross-validation ("cv_folds" and "metric" of the config)
// over its default search space (or config's SearchSpace), then refits the best params on the
// whole dataset; the model's Metadata holds the study summary under "tuning". config: nil, a
// TuneConfig, a map or JSON text. storageURL: "" (in memory), "sqlite:///abs/path.db" or
// "postgresql://...": a study of the same name there is resumed and extended. The progress
// callback gets stage "tuning" after each trial.
func (t *Trainer) Tune(data *Dataset, config any, storageURL string) (*Model, error) {
	return t.TuneContext(context.Background(), data, config, storageURL)
}

// TuneContext is Tune, cancelled (error code Cancelled) when ctx is done.
func (t *Trainer) TuneContext(ctx context.Context, data *Dataset, config any,
	storageURL string) (*Model, error) {
	configText, err := configJSON(config)
	if err != nil {
		return nil, err
	}
	var modelPtr uintptr
	err = t.run(ctx, data, func(engine, dataset uintptr) error {
		return capi.Kolosal_train_engine_tune(engine, dataset, configText, storageURL, &modelPtr)
	})
	if err != nil {
		return nil, err
	}
	return newModel(modelPtr)
}

// Cancel asks a running fit, cross-validation or tuning to stop; it returns a Cancelled error
// soon after. The trainer can be used again afterwards.
func (t *Trainer) Cancel() error {
	ptr, err := t.h.acquire()
	if err != nil {
		return err
	}
	defer t.h.release()
	return capi.Kolosal_train_engine_cancel(ptr)
}

// run holds both handles for a long call, cancels it when ctx is done, and re-raises a panic
// of the progress callback.
func (t *Trainer) run(ctx context.Context, data *Dataset, call func(engine, dataset uintptr) error) error {
	engine, err := t.h.acquire()
	if err != nil {
		return err
	}
	defer t.h.release()
	dataset, err := data.h.acquire()
	if err != nil {
		return err
	}
	defer data.h.release()
	if err := ctx.Err(); err != nil {
		return &Error{Code: StatusCancelled, Message: err.Error()}
	}
	stopWatching := cancelWhenDone(ctx, func() { _ = capi.Kolosal_train_engine_cancel(engine) })
	err = call(engine, dataset)
	stopWatching()
	if t.progress != 0 {
		progress := t.progress.Value().(*capi.Progress)
		if recovered := progress.Panic; recovered != nil {
			progress.Panic = nil
			panic(recovered)
		}
	}
	return err
}

// cancelWhenDone calls cancel once ctx is done, and again every 10 ms until the call it guards
// returns: a run that has not started yet forgets a cancel, so one cancel could be lost. The
// returned function stops watching and returns only once no cancel can run any more (the caller
// still holds the handle's read lock, so the handle stays valid until then).
func cancelWhenDone(ctx context.Context, cancel func()) (stop func()) {
	if ctx.Done() == nil {
		return func() {}
	}
	finished := make(chan struct{})
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		select {
		case <-ctx.Done():
		case <-finished:
			return
		}
		ticker := time.NewTicker(10 * time.Millisecond)
		defer ticker.Stop()
		for {
			cancel()
			select {
			case <-ticker.C:
			case <-finished:
				return
			}
		}
	}()
	return func() {
		close(finished)
		<-exited
	}
}
