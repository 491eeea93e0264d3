package capi

/*
#include <stdint.h>
#include <stdlib.h>

#include "kolosal_c.h"

// Mirrors the block kolosal_go_error_new() fills in kolosal_go.i.
typedef struct kolosal_go_error {
  int64_t status;
  char message[1];
} kolosal_go_error;
*/
import "C"

import "unsafe"

// Status is a kolosal_status code. The values are stable (kolosal_c.h).
type Status int

// The status codes of kolosal_c.h.
const (
	StatusOK                 Status = C.KOLOSAL_OK
	StatusInvalidArgument    Status = C.KOLOSAL_INVALID_ARGUMENT
	StatusIO                 Status = C.KOLOSAL_IO
	StatusCorruptModel       Status = C.KOLOSAL_CORRUPT_MODEL
	StatusCancelled          Status = C.KOLOSAL_CANCELLED
	StatusOutOfMemory        Status = C.KOLOSAL_OUT_OF_MEMORY
	StatusNotFound           Status = C.KOLOSAL_NOT_FOUND
	StatusFailedPrecondition Status = C.KOLOSAL_FAILED_PRECONDITION
	StatusUnsupported        Status = C.KOLOSAL_UNSUPPORTED
	StatusTimeout            Status = C.KOLOSAL_TIMEOUT
	StatusInternal           Status = C.KOLOSAL_INTERNAL
)

// String is the stable name of the code, e.g. "INVALID_ARGUMENT" (kolosal_status_name).
func (s Status) String() string { return Kolosal_status_name(int(s)) }

// Error is a failed call: the status code and the library's message.
type Error struct {
	Code    Status
	Message string
}

func (e *Error) Error() string {
	if e.Message == "" {
		return "kolosal: " + e.Code.String()
	}
	return "kolosal: " + e.Code.String() + ": " + e.Message
}

// Is makes errors.Is(err, &Error{Code: c}) match any error with code c; a target with a
// message must match it exactly.
func (e *Error) Is(target error) bool {
	other, ok := target.(*Error)
	if !ok {
		return false
	}
	return other.Code == e.Code && (other.Message == "" || other.Message == e.Message)
}

// statusError turns what kolosal_go_error_new() returned inside the failed cgo call into an
// error: 0 is success, a small number a status whose message could not be copied, anything
// else a malloc'ed kolosal_go_error that is freed here.
func statusError(result uintptr) error {
	if result == 0 {
		return nil
	}
	if result < 4096 {
		return &Error{Code: Status(result), Message: "(no memory left to copy the message)"}
	}
	block := (*C.kolosal_go_error)(unsafe.Pointer(result)) //nolint:govet // C memory, not Go's
	err := &Error{Code: Status(block.status), Message: C.GoString(&block.message[0])}
	C.free(unsafe.Pointer(block))
	return err
}
