/* bindings/go/kolosal_go.i: the Go half of the SWIG interface. SWIG generates package capi
 * (internal/capi in the kolosal.ai/kolosal module); the idiomatic package kolosal sits on top.
 *
 * Go shapes that differ from the other languages:
 * - kolosal_status comes back as a Go `error` (nil on success). The wrapper copies the status
 *   and kolosal_last_error() into one allocation inside the same cgo call that failed: a
 *   goroutine may move to another OS thread between two cgo calls, so a second call could read
 *   another thread's message. internal/capi/status.go turns that copy into a *capi.Error.
 * - SWIG Go returns a single value, so output parameters stay parameters: a handle out is a
 *   *uintptr, a library string out is a *string (copied into Go memory and freed by the common
 *   freearg typemap), a scalar out is an *int64 / *float64, an output buffer a *float32 plus
 *   its capacity. Handles are plain uintptr values (no interface boxing on the predict path).
 * - void* data is unsafe.Pointer, so slices pass without copies (&slice[0]); the C side never
 *   keeps the pointer, which is what cgo's pointer rules ask for.
 * - The progress callback goes through a C trampoline to an exported Go function and a
 *   runtime/cgo.Handle (kolosal_go_train_engine_set_progress below).
 * Adding a C function needs nothing here unless it introduces a new handle type (one line in
 * the table of bindings/kolosal.i) or a new kind of parameter.
 */
%module capi

/* Warnings are errors in our C (the shim below) as in the rest of the project, except unused
 * parameters, which SWIG's generated code has. */
%insert(cgo_comment_typedefs) %{
#cgo pkg-config: kolosal
#cgo CFLAGS: -Wall -Wextra -Werror -Wno-unused-parameter
#include <stdint.h>
%}

%{
#include <stdlib.h>
#include <string.h>

#include "kolosal_c.h"

/* A failed call: status and message in one malloc'ed block (freed by capi.statusError). If
 * that block cannot be allocated, the status itself is returned (a value below 4096 is never
 * a heap address) and Go reports it without a message. */
typedef struct kolosal_go_error {
  int64_t status;
  char message[1];
} kolosal_go_error;

static intgo kolosal_go_error_new(kolosal_status status) {
  const char* message;
  size_t length;
  kolosal_go_error* error;
  if (status == KOLOSAL_OK) return 0;
  message = kolosal_last_error();
  length = strlen(message);
  error = (kolosal_go_error*)malloc(sizeof(kolosal_go_error) + length);
  if (error == NULL) return (intgo)status;
  error->status = (int64_t)status;
  memcpy(error->message, message, length + 1);
  return (intgo)(uintptr_t)error;
}
%}

/* The status return: an error value built from the copy above. */
%typemap(gotype) kolosal_status "error"
%typemap(imtype) kolosal_status "uintptr"
%typemap(out) kolosal_status %{ $result = kolosal_go_error_new($1); %}
%typemap(goout) kolosal_status %{ $result = statusError($1) %}
/* ...but a status passed in (kolosal_status_name) is a plain number. */
%typemap(gotype) kolosal_status status "int"
%typemap(imtype) kolosal_status status "int"
%typemap(in) kolosal_status status %{ $1 = (kolosal_status)$input; %}

/* Handles (the hook is expanded by KOLOSAL_HANDLE in bindings/kolosal.i, after the common
 * numinputs=0 typemap for TYPE**, which this replaces: Go passes the out pointer). */
%define KOLOSAL_LANGUAGE_HANDLE(TYPE)
%typemap(gotype) TYPE*, const TYPE* "uintptr"
%typemap(imtype) TYPE*, const TYPE* "uintptr"
%typemap(in) TYPE*, const TYPE* %{ $1 = ($1_ltype)$input; %}
%typemap(gotype) TYPE** "*uintptr"
%typemap(imtype) TYPE** "*uintptr"
%typemap(in) TYPE** %{ $1 = ($1_ltype)$input; %}
%enddef

#define KOLOSAL_I_NO_HEADER
%include "../kolosal.i"

/* Library strings: *string out. The Go string is cleared first so that a failed call (which
 * leaves outputs untouched) never hands Go a stale pointer; the common freearg frees temp. */
%typemap(gotype) char** "*string"
%typemap(imtype) char** "*string"
%typemap(in) char** (char* temp = NULL) %{
  $1 = &temp;
  if ($input != NULL) {
    $input->p = NULL;
    $input->n = 0;
  }
%}
%typemap(argout, fragment="AllocateString") char** %{
  if ($input != NULL && temp$argnum != NULL && temp$argnum[0] != '\0') {
    *$input = Swig_AllocateString(temp$argnum, strlen(temp$argnum));
  }
%}
%typemap(goargout, fragment="CopyString") char** %{
  if $input != nil && len(*$input) > 0 {
    *$input = swigCopyString(*$input)
  }
%}

/* Scalars out: plain Go pointers. */
%typemap(in) int64_t*, double* %{ $1 = ($1_ltype)$input; %}

/* Untyped data: unsafe.Pointer to the first element of a slice. */
%typemap(gotype) void*, const void* "unsafe.Pointer"
%typemap(imtype) void*, const void* "unsafe.Pointer"
%typemap(in) void*, const void* %{ $1 = ($1_ltype)$input; %}

/* The progress callback: C trampoline -> exported Go function (internal/capi/progress.go). */
%typemap(gotype) uintptr_t callback "uintptr"
%typemap(imtype) uintptr_t callback "uintptr"
%{
extern int kolosalGoProgress(uintptr_t callback, double fraction, char* stage);

static int kolosal_go_progress(double fraction, const char* stage, void* user_data) {
  return kolosalGoProgress((uintptr_t)user_data, fraction, (char*)stage);
}
%}
%inline %{
/* Sets (callback != 0, a cgo.Handle) or clears (0) the engine's progress callback. */
kolosal_status kolosal_go_train_engine_set_progress(kolosal_train_engine* engine,
                                                    uintptr_t callback) {
  return kolosal_train_engine_set_progress(engine, callback ? kolosal_go_progress : NULL,
                                           (void*)callback);
}
%}

%include "kolosal_c.h"
