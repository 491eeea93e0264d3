package capi

import (
	"fmt"
	"testing"
)

// Every status code has the stable name of kolosal_c.h, through String (kolosal_status_name),
// and so in fmt's %v and in an Error's text.
func TestStatusString(t *testing.T) {
	names := []struct {
		status Status
		name   string
	}{
		{StatusOK, "OK"},
		{StatusInvalidArgument, "INVALID_ARGUMENT"},
		{StatusIO, "IO"},
		{StatusCorruptModel, "CORRUPT_MODEL"},
		{StatusCancelled, "CANCELLED"},
		{StatusOutOfMemory, "OUT_OF_MEMORY"},
		{StatusNotFound, "NOT_FOUND"},
		{StatusFailedPrecondition, "FAILED_PRECONDITION"},
		{StatusUnsupported, "UNSUPPORTED"},
		{StatusTimeout, "TIMEOUT"},
		{StatusInternal, "INTERNAL"},
	}
	for code, want := range names {
		if int(want.status) != code {
			t.Errorf("%s is %d, want %d (the codes are stable and dense)", want.name, want.status, code)
		}
		if got := want.status.String(); got != want.name {
			t.Errorf("Status(%d).String() = %q, want %q", int(want.status), got, want.name)
		}
		if got := fmt.Sprint(want.status); got != want.name {
			t.Errorf("fmt.Sprint(Status(%d)) = %q, want %q", int(want.status), got, want.name)
		}
	}
	// The list above is every code the library names.
	if got := Status(len(names)).String(); got != "UNKNOWN" {
		t.Errorf("Status(%d).String() = %q: a code the test does not list", len(names), got)
	}
	if got := Status(-1).String(); got != "UNKNOWN" {
		t.Errorf("Status(-1).String() = %q, want UNKNOWN", got)
	}
}

func TestErrorTextNamesTheStatus(t *testing.T) {
	err := &Error{Code: StatusInvalidArgument, Message: "rows must be >= 0"}
	if got, want := err.Error(), "kolosal: INVALID_ARGUMENT: rows must be >= 0"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got, want := (&Error{Code: StatusIO}).Error(), "kolosal: IO"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
