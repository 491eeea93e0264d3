package kolosal

import "kolosal.ai/kolosal/internal/capi"

// Status is a stable kolosal_status code.
type Status = capi.Status

// Error is a failed call: the status code and the library's message.
type Error = capi.Error

// The status codes of kolosal_c.h.
const (
	StatusInvalidArgument    = capi.StatusInvalidArgument
	StatusIO                 = capi.StatusIO
	StatusCorruptModel       = capi.StatusCorruptModel
	StatusCancelled          = capi.StatusCancelled
	StatusOutOfMemory        = capi.StatusOutOfMemory
	StatusNotFound           = capi.StatusNotFound
	StatusFailedPrecondition = capi.StatusFailedPrecondition
	StatusUnsupported        = capi.StatusUnsupported
	StatusTimeout            = capi.StatusTimeout
	StatusInternal           = capi.StatusInternal
)

// Targets for errors.Is: they match any *Error with the same code.
var (
	ErrInvalidArgument    error = &Error{Code: StatusInvalidArgument}
	ErrIO                 error = &Error{Code: StatusIO}
	ErrCorruptModel       error = &Error{Code: StatusCorruptModel}
	ErrCancelled          error = &Error{Code: StatusCancelled}
	ErrOutOfMemory        error = &Error{Code: StatusOutOfMemory}
	ErrNotFound           error = &Error{Code: StatusNotFound}
	ErrFailedPrecondition error = &Error{Code: StatusFailedPrecondition}
	ErrUnsupported        error = &Error{Code: StatusUnsupported}
	ErrTimeout            error = &Error{Code: StatusTimeout}
	ErrInternal           error = &Error{Code: StatusInternal}
)

func invalidArgument(message string) error {
	return &Error{Code: StatusInvalidArgument, Message: message}
}

// Version is the library version, e.g. "0.1.0".
func Version() string { return capi.Kolosal_version() }

// LiveHandleCount is the number of C handles (datasets, trainers, models, inference engines,
// streaming pipelines, optimizers, trials) created and not yet freed in this process, for leak
// checks. Close frees a handle at once; a finalizer frees a forgotten one some time after a
// garbage collection found it unreachable.
func LiveHandleCount() (int64, error) {
	var count int64
	if err := capi.Kolosal_live_handle_count(&count); err != nil {
		return 0, err
	}
	return count, nil
}

// BuildInfo is JSON with the version, compiler, build type and detected CPU features.
func BuildInfo() (string, error) {
	var info string
	if err := capi.Kolosal_build_info(&info); err != nil {
		return "", err
	}
	return info, nil
}
