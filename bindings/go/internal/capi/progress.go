package capi

// #include <stdint.h>
import "C"

import "runtime/cgo"

// Progress is what a training engine's progress callback points at (through a cgo.Handle).
// The C library calls it on the thread that runs the fit, inside that cgo call.
type Progress struct {
	// Fn receives the fraction done in [0, 1] and a stage name; returning true cancels.
	Fn func(fraction float64, stage string) (cancel bool)
	// Panic holds a panic raised by Fn: it cannot unwind through C frames, so the fit is
	// cancelled and the caller re-raises it once the cgo call has returned.
	Panic any
}

// SetProgress sets (progress != nil) or clears the engine's callback. The returned handle
// must stay alive while the engine may call it; Delete it after clearing or freeing.
func SetProgress(engine uintptr, progress *Progress) (cgo.Handle, error) {
	if progress == nil {
		return 0, Kolosal_go_train_engine_set_progress(engine, 0)
	}
	handle := cgo.NewHandle(progress)
	if err := Kolosal_go_train_engine_set_progress(engine, uintptr(handle)); err != nil {
		handle.Delete()
		return 0, err
	}
	return handle, nil
}

//export kolosalGoProgress
func kolosalGoProgress(callback C.uintptr_t, fraction C.double, stage *C.char) (cancel C.int) {
	progress := cgo.Handle(callback).Value().(*Progress)
	defer func() {
		if recovered := recover(); recovered != nil {
			progress.Panic = recovered
			cancel = 1
		}
	}()
	if progress.Fn(float64(fraction), C.GoString(stage)) {
		return 1
	}
	return 0
}
