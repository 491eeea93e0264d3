/* Ruby side of the SWIG interface: generates the extension kolosal/native.so (module
 * Kolosal::Native, one module function per C function). The hand-written classes of lib/kolosal
 * sit on top. The common part (outputs, hidden functions, the function table) is ../kolosal.i,
 * included at the end. The wrapper is compiled as C++ only for the lambdas that carry a call
 * out of the GVL (kolosal::ruby::WithoutGvl below); every call still goes through kolosal_c.h.
 *
 * What the generated functions look like:
 * - a failed status raises Kolosal::Error (the subclass for the status, built by
 *   Kolosal::Error.for_status) with kolosal_last_error(), read in the "ret" typemap of the same
 *   wrapper call, after the "freearg" clean-up; on success the function returns its outputs:
 *   nothing (nil), one value, or an Array of them;
 * - handles are Kolosal::Native::Handle objects (typed data) that own their C handle:
 *   kolosal_ruby_close frees it (once), the GC frees a forgotten one, a closed one raises
 *   Kolosal::FailedPreconditionError, and a dataset where a model is expected is a TypeError.
 *   Each call counts itself as a user of its handles (with the GVL held, so no lock is
 *   needed): a close while calls run without the GVL marks the handle and the last call frees
 *   it. kolosal_<noun>_free is therefore not wrapped;
 * - matrices (const void* data) are packed Strings (Array#pack("e*") for float32, "E*" for
 *   float64), read in place; the Ruby layer checks their size against rows x cols. Output
 *   buffers (float* out, int64_t capacity) take the capacity and return a new packed String.
 * - long calls (load, read, fit, cross-validate, evaluate, JIT warm-up, predictions of many
 *   rows, streaming prediction) run without the GVL, so other Ruby threads run meanwhile; a fit,
 *   cross-validation or streaming prediction interrupted by Thread#raise, Thread#kill or Ctrl-C
 *   is cancelled through kolosal_train_engine_cancel or kolosal_stream_cancel.
 *   While the GVL is released, every String the call reads is frozen or locked
 *   (rb_str_locktmp): another thread that tries to modify it gets an error instead of freeing
 *   memory in use.
 */
%module "kolosal::native"

%{
#include <ruby/thread.h>
#include <stdint.h>
#include <string.h>

#include "kolosal_c.h"

namespace kolosal::ruby {

/* Predictions of at least this many rows leave the GVL; smaller ones are over before another
 * thread could be scheduled, and keeping the GVL saves its hand-over. */
constexpr int64_t kWithoutGvlMinRows = 32;

/* Set while this thread runs a call without the GVL (read by the progress trampoline). */
thread_local bool without_gvl = false;

template <class Body>
struct NoGvlCall {
  Body* body;
  bool ran;
};

template <class Body>
void* RunNoGvlCall(void* data) {
  auto* call = static_cast<NoGvlCall<Body>*>(data);
  call->ran = true;
  without_gvl = true;
  (*call->body)();
  without_gvl = false;
  return nullptr;
}

/* Runs body (the C call and nothing else) without the GVL. unblock (may be NULL) is how Ruby
 * interrupts it from another thread. If an interrupt was already pending, Ruby does not run
 * body: the interrupt is raised here, before the call, or, once handled, body runs with the
 * GVL held. Either way the wrapper never leaves between the call and its clean-up. */
template <class Body>
void WithoutGvl(Body body, rb_unblock_function_t* unblock = nullptr, void* unblock_data = nullptr) {
  NoGvlCall<Body> call{&body, false};
  rb_thread_call_without_gvl2(RunNoGvlCall<Body>, &call, unblock, unblock_data);
  if (call.ran) return;
  rb_thread_check_ints();
  body();
}

/* The unblocking function of fit and cross-validate: thread-safe by the C ABI's contract. */
void CancelEngine(void* engine) {
  kolosal_train_engine_cancel(static_cast<kolosal_train_engine*>(engine));
}

/* The unblocking function of streaming prediction: thread-safe too. */
void CancelStream(void* stream) { kolosal_stream_cancel(static_cast<kolosal_stream*>(stream)); }

/* Raises the Kolosal::Error subclass for status with the message of the call that just failed
 * on this thread (no kolosal_ call may come in between). */
[[noreturn]] void RaiseStatus(kolosal_status status) {
  VALUE message = rb_utf8_str_new_cstr(kolosal_last_error());
  VALUE kolosal_module = rb_const_get(rb_cObject, rb_intern("Kolosal"));
  VALUE error_class = rb_const_get(kolosal_module, rb_intern("Error"));
  VALUE error = rb_funcall(error_class, rb_intern("for_status"), 2, INT2NUM(status), message);
  rb_exc_raise(error);
}

/* Whether a String the call reads must be locked against changes while the GVL is released.
 * A frozen String cannot change (and may be shared by threads calling at once, which a lock
 * would refuse). */
bool NeedsLock(VALUE value) { return !NIL_P(value) && !OBJ_FROZEN(value); }

/* A packed String's bytes, or NULL for nil. */
const void* PackedBytes(VALUE value) {
  if (NIL_P(value)) return nullptr;
  Check_Type(value, T_STRING);
  return RSTRING_PTR(value);
}

/* ---- handles ------------------------------------------------------------------------- */
struct Handle {
  void* pointer;            /* NULL once freed */
  void (*free_function)(void*);
  const char* noun;         /* "model", "dataset", ... for messages */
  long users;               /* calls using the pointer right now */
  bool closed;
};

void FreeHandleData(void* data) {
  auto* handle = static_cast<Handle*>(data);
  if (handle->pointer != nullptr) handle->free_function(handle->pointer);
  xfree(handle);
}

size_t HandleSize(const void*) { return sizeof(Handle); }

/* The parent of every handle type: kolosal_ruby_close accepts any handle. */
const rb_data_type_t kHandleType = {
    "Kolosal::Native::Handle", {nullptr, FreeHandleData, HandleSize, nullptr, {nullptr}}, nullptr,
    nullptr, RUBY_TYPED_FREE_IMMEDIATELY};

VALUE handle_class = Qnil; /* Kolosal::Native::Handle, defined in %init */

VALUE WrapHandle(void* pointer, const rb_data_type_t* type, void (*free_function)(void*),
                 const char* noun) {
  Handle* handle = ALLOC(Handle);
  *handle = Handle{pointer, free_function, noun, 0, false};
  return TypedData_Wrap_Struct(handle_class, type, handle);
}

/* The open handle of value (NULL for nil); raises TypeError for another type and
 * Kolosal::FailedPreconditionError once closed. */
Handle* UnwrapHandle(VALUE value, const rb_data_type_t* type) {
  if (NIL_P(value)) return nullptr;
  auto* handle = static_cast<Handle*>(rb_check_typeddata(value, type));
  if (handle->closed) {
    VALUE kolosal_module = rb_const_get(rb_cObject, rb_intern("Kolosal"));
    rb_raise(rb_const_get(kolosal_module, rb_intern("FailedPreconditionError")), "%s is closed",
             handle->noun);
  }
  return handle;
}

void FreeIfUnused(Handle* handle) {
  if (handle->closed && handle->users == 0 && handle->pointer != nullptr) {
    handle->free_function(handle->pointer);
    handle->pointer = nullptr;
  }
}

void ReleaseHandle(Handle* handle) {
  --handle->users;
  FreeIfUnused(handle);
}

/* ---- progress callbacks ------------------------------------------------------------------ */
/* The callback is a Proc held by the Ruby layer (so the GC keeps it) that never raises: the
 * layer's wrapper rescues the user's exception, keeps it, returns true to cancel and re-raises
 * after the fit. rb_protect still guards against a non-local exit (throw, break) crossing the
 * library's C++ frames: that also cancels. */
struct ProgressCall {
  VALUE callback;
  double fraction;
  const char* stage;
  int cancel;
};

VALUE InvokeProgress(VALUE data) {
  auto* call = reinterpret_cast<ProgressCall*>(data);
  return rb_funcall(call->callback, rb_intern("call"), 2, DBL2NUM(call->fraction),
                    rb_utf8_str_new_cstr(call->stage));
}

void* ProgressWithGvl(void* data) {
  auto* call = static_cast<ProgressCall*>(data);
  int state = 0;
  VALUE result = rb_protect(InvokeProgress, reinterpret_cast<VALUE>(call), &state);
  call->cancel = state != 0 || RTEST(result);
  return nullptr;
}

int Progress(double fraction, const char* stage, void* user_data) {
  ProgressCall call{reinterpret_cast<VALUE>(user_data), fraction, stage, 0};
  if (without_gvl) {
    without_gvl = false;
    rb_thread_call_with_gvl(ProgressWithGvl, &call);
    without_gvl = true;
  } else {
    ProgressWithGvl(&call);
  }
  return call.cancel;
}

}  // namespace kolosal::ruby
%}

/* ------------------------------------------------------------------------------------------ */
/* Status: nil (or the outputs) on success, Kolosal::Error raised on failure.                   */
%typemap(out) kolosal_status "$result = Qnil;"
%typemap(ret) kolosal_status %{
  if ($1 != KOLOSAL_OK) kolosal::ruby::RaiseStatus($1);
%}
%apply int { kolosal_status status };
%apply unsigned long long { uint64_t };

/* ------------------------------------------------------------------------------------------ */
/* Hooks of ../kolosal.i                                                                       */
%define KOLOSAL_LANGUAGE_HANDLE(TYPE)
%{
namespace kolosal::ruby {
const rb_data_type_t TYPE##_type = {
    #TYPE, {nullptr, FreeHandleData, HandleSize, nullptr, {nullptr}}, &kHandleType, nullptr,
    RUBY_TYPED_FREE_IMMEDIATELY};
void TYPE##_free_function(void* pointer) { TYPE##_free(static_cast<TYPE*>(pointer)); }
}  // namespace kolosal::ruby
%}
%ignore TYPE##_free;
/* "in" may raise (wrong type, closed); "check" runs after every "in", so a call is counted
 * as a user only once nothing but the C call and its clean-up remains. */
%typemap(in) const TYPE* (kolosal::ruby::Handle* handle = nullptr, bool counted = false) {
  handle = kolosal::ruby::UnwrapHandle($input, &kolosal::ruby::TYPE##_type);
  $1 = handle ? static_cast<$1_ltype>(handle->pointer) : nullptr;
}
%typemap(check) const TYPE* {
  if (handle$argnum) {
    ++handle$argnum->users;
    counted$argnum = true;
  }
}
%typemap(freearg) const TYPE* "if (counted$argnum) kolosal::ruby::ReleaseHandle(handle$argnum);"
/* (A typemap for several types at once loses its locals for all but one in SWIG 4.1.) */
%typemap(in) TYPE* = const TYPE*;
%typemap(check) TYPE* = const TYPE*;
%typemap(freearg) TYPE* = const TYPE*;
%typemap(argout) TYPE** {
  $result = SWIG_Ruby_AppendOutput(
      $result, temp$argnum == nullptr ? Qnil : kolosal::ruby::WrapHandle(
                   temp$argnum, &kolosal::ruby::TYPE##_type, kolosal::ruby::TYPE##_free_function,
                   #TYPE + sizeof("kolosal_") - 1));
}
%enddef

/* Strings out: UTF-8 Ruby strings (kolosal.i frees the C string). Scalars out: Integer, Float. */
%typemap(argout) char** {
  $result = SWIG_Ruby_AppendOutput($result, temp$argnum ? rb_utf8_str_new_cstr(temp$argnum) : Qnil);
}
%typemap(argout) int64_t* "$result = SWIG_Ruby_AppendOutput($result, LL2NUM(temp$argnum));"
%typemap(argout) double* "$result = SWIG_Ruby_AppendOutput($result, DBL2NUM(temp$argnum));"

/* Strings in: copied, because the call may run without the GVL while another thread changes
 * the Ruby string; nil is NULL. */
%typemap(in) const char* (char* copy = NULL) {
  if (!NIL_P($input)) copy = strdup(StringValueCStr($input));
  $1 = copy;
}
%typemap(freearg) const char* "free(copy$argnum);"

/* ------------------------------------------------------------------------------------------ */
/* Packed input: const void* data / labels (a packed String or nil), (const void* data,      */
/* int64_t size) for model bytes. Locked while the call may run without the GVL.              */
%typemap(in) const void* (VALUE locked = Qnil) {
  $1 = ($1_ltype)kolosal::ruby::PackedBytes($input);
  locked = kolosal::ruby::NeedsLock($input) ? $input : Qnil;
}
%typemap(check) const void* "if (!NIL_P(locked$argnum)) rb_str_locktmp(locked$argnum);"
%typemap(freearg) const void* "if (!NIL_P(locked$argnum)) rb_str_unlocktmp(locked$argnum);"

%typemap(in) (const void* data, int64_t size) (VALUE locked = Qnil) {
  Check_Type($input, T_STRING);
  locked = kolosal::ruby::NeedsLock($input) ? $input : Qnil;
  $1 = RSTRING_PTR($input);
  $2 = (int64_t)RSTRING_LEN($input);
}
%typemap(check) (const void* data, int64_t size) "if (!NIL_P(locked$argnum)) rb_str_locktmp(locked$argnum);"
%typemap(freearg) (const void* data, int64_t size) "if (!NIL_P(locked$argnum)) rb_str_unlocktmp(locked$argnum);"

/* Output buffers: the Ruby argument is the capacity; a new packed String comes back. */
%typemap(in) (float* out, int64_t capacity) (VALUE buffer = Qnil) {
  $2 = (int64_t)NUM2LL($input);
  if ($2 < 0) rb_raise(rb_eArgError, "negative capacity");
  buffer = rb_str_new(NULL, (long)($2 * (int64_t)sizeof(float)));
  $1 = (float*)RSTRING_PTR(buffer);
}
%typemap(argout) (float* out, int64_t capacity) {
  $result = SWIG_Ruby_AppendOutput($result, buffer$argnum);
}
/* Model bytes out: the capacity in bytes (0 asks for the size only: NULL buffer). */
%typemap(in) (void* buffer, int64_t capacity) (VALUE buffer = Qnil) {
  $2 = (int64_t)NUM2LL($input);
  if ($2 < 0) rb_raise(rb_eArgError, "negative capacity");
  $1 = NULL;
  if ($2 > 0) {
    buffer = rb_str_new(NULL, (long)$2);
    $1 = RSTRING_PTR(buffer);
  }
}
%typemap(argout) (void* buffer, int64_t capacity) {
  $result = SWIG_Ruby_AppendOutput($result, buffer$argnum);
}

/* ------------------------------------------------------------------------------------------ */
/* Calls that leave the GVL.                                                                    */
%define KOLOSAL_RUBY_WITHOUT_GVL(FUNC)
%exception FUNC %{
  kolosal::ruby::WithoutGvl([&]() { $action });
%}
%enddef
/* ...only from kolosal::ruby::kWithoutGvlMinRows rows on (ROWS is the wrapper's variable for
 * the `rows` parameter of kolosal_c.h: arg4 after a model, arg5 after an engine and a name). */
%define KOLOSAL_RUBY_WITHOUT_GVL_FOR_MANY_ROWS(FUNC, ROWS)
%exception FUNC %{
  if (ROWS >= kolosal::ruby::kWithoutGvlMinRows) {
    kolosal::ruby::WithoutGvl([&]() { $action });
  } else {
    $action
  }
%}
%enddef
/* ...and call kolosal::ruby::CANCEL(arg1) when Ruby interrupts the thread (arg1 is the engine or
 * the stream). */
%define KOLOSAL_RUBY_WITHOUT_GVL_CANCELLABLE(FUNC, CANCEL)
%exception FUNC %{
  kolosal::ruby::WithoutGvl([&]() { $action }, kolosal::ruby::CANCEL, arg1);
%}
%enddef

KOLOSAL_RUBY_WITHOUT_GVL(kolosal_dataset_from_csv)
KOLOSAL_RUBY_WITHOUT_GVL(kolosal_dataset_from_dense)
KOLOSAL_RUBY_WITHOUT_GVL(kolosal_dataset_train_test_split)
KOLOSAL_RUBY_WITHOUT_GVL_CANCELLABLE(kolosal_train_engine_fit, CancelEngine)
KOLOSAL_RUBY_WITHOUT_GVL_CANCELLABLE(kolosal_train_engine_cross_validate, CancelEngine)
KOLOSAL_RUBY_WITHOUT_GVL_CANCELLABLE(kolosal_train_engine_tune, CancelEngine)
/* Opening a storage may wait for a database server; a GP sampler's ask takes milliseconds to
 * seconds; a long history is a large document. */
KOLOSAL_RUBY_WITHOUT_GVL(kolosal_optimizer_create)
KOLOSAL_RUBY_WITHOUT_GVL(kolosal_optimizer_ask)
KOLOSAL_RUBY_WITHOUT_GVL(kolosal_optimizer_history)
KOLOSAL_RUBY_WITHOUT_GVL(kolosal_model_load)
KOLOSAL_RUBY_WITHOUT_GVL(kolosal_model_load_buffer)
KOLOSAL_RUBY_WITHOUT_GVL(kolosal_model_save)
KOLOSAL_RUBY_WITHOUT_GVL_FOR_MANY_ROWS(kolosal_model_predict, arg4)
KOLOSAL_RUBY_WITHOUT_GVL_FOR_MANY_ROWS(kolosal_model_predict_proba, arg4)
KOLOSAL_RUBY_WITHOUT_GVL(kolosal_model_predict_dataset)
KOLOSAL_RUBY_WITHOUT_GVL(kolosal_model_predict_proba_dataset)
KOLOSAL_RUBY_WITHOUT_GVL(kolosal_model_evaluate)
/* Permutation importance predicts the whole dataset once per column and repeat. */
KOLOSAL_RUBY_WITHOUT_GVL(kolosal_model_permutation_importance)
/* TreeSHAP walks every path of every tree for each row: slow for big forests. */
KOLOSAL_RUBY_WITHOUT_GVL(kolosal_model_predict_contributions)
/* The inference engine: reading a model file, waiting for a compilation, and predicting many
 * rows (fewer keep the GVL, as the model's predictions do). */
KOLOSAL_RUBY_WITHOUT_GVL(kolosal_inference_engine_load_model)
KOLOSAL_RUBY_WITHOUT_GVL(kolosal_inference_engine_warmup)
KOLOSAL_RUBY_WITHOUT_GVL_FOR_MANY_ROWS(kolosal_inference_engine_predict, arg5)
KOLOSAL_RUBY_WITHOUT_GVL_FOR_MANY_ROWS(kolosal_inference_engine_predict_proba, arg5)
/* Streaming prediction reads, predicts and writes a whole file. */
KOLOSAL_RUBY_WITHOUT_GVL_CANCELLABLE(kolosal_stream_predict_csv, CancelStream)

%include "kolosal.i"

/* ------------------------------------------------------------------------------------------ */
/* The progress callback: a Proc the caller keeps alive for as long as the engine may call it */
/* (nil clears it). kolosal.i hides kolosal_train_engine_set_progress itself.                  */
%inline %{
kolosal_status kolosal_ruby_train_engine_set_progress(kolosal_train_engine* engine,
                                                      VALUE callback) {
  if (NIL_P(callback)) return kolosal_train_engine_set_progress(engine, NULL, NULL);
  return kolosal_train_engine_set_progress(engine, kolosal::ruby::Progress,
                                           reinterpret_cast<void*>(callback));
}
%}

/* Handles: kolosal_ruby_close frees (once, or when the last running call returns). */
%inline %{
void kolosal_ruby_close(VALUE value) {
  auto* handle =
      static_cast<kolosal::ruby::Handle*>(rb_check_typeddata(value, &kolosal::ruby::kHandleType));
  handle->closed = true;
  kolosal::ruby::FreeIfUnused(handle);
}

bool kolosal_ruby_closed(VALUE value) {
  return static_cast<kolosal::ruby::Handle*>(
             rb_check_typeddata(value, &kolosal::ruby::kHandleType))->closed;
}
%}

%init %{
  kolosal::ruby::handle_class = rb_define_class_under(
      rb_const_get(rb_const_get(rb_cObject, rb_intern("Kolosal")), rb_intern("Native")),
      "Handle", rb_cObject);
  rb_undef_alloc_func(kolosal::ruby::handle_class);
%}
