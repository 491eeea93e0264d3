/* C# side of the SWIG interface: generates namespace Kolosal.Native (class KolosalC, with one
 * static method per C function, and its P/Invoke class KolosalCPINVOKE) over the native
 * wrapper libkolosal_csharp.so. The hand-written classes in namespace Kolosal sit on top. The
 * common part (outputs, hidden functions, the function table) is ../kolosal.i, included last.
 *
 * What the generated methods look like:
 * - a failed status becomes Kolosal.KolosalException(status, kolosal_last_error()): the wrapper
 *   hands both to a managed callback inside the failing call, which stores the exception as
 *   SWIG's per-thread pending exception; the generated C# method throws it on return;
 * - functions listed with KOLOSAL_RETURNS in kolosal.i return their output instead: a handle as
 *   IntPtr, a string as string (copied inside the call, freed by kolosal.i's freearg), an
 *   int64 as long; the two handles of a pair come back as `out IntPtr`;
 * - handles and raw memory (const void*, void*, float*) are IntPtr: Kolosal.Model and the other
 *   classes own the handles (SafeHandle) and pin arrays with `fixed` for the call.
 */
%module(imclassname="KolosalCPINVOKE") KolosalC

%{
#include "kolosal_c.h"
%}

%include <csharp/typemaps.i>

/* ------------------------------------------------------------------------------------------ */
/* The exception callback: registered once by the P/Invoke class's static constructor.         */
%insert(runtime) %{
typedef void (SWIGSTDCALL* KolosalCSharpExceptionCallback)(int status, const char* message);
static KolosalCSharpExceptionCallback kolosal_csharp_exception_callback = NULL;

#ifdef __cplusplus
extern "C"
#endif
SWIGEXPORT void SWIGSTDCALL KolosalRegisterExceptionCallback(
    KolosalCSharpExceptionCallback callback) {
  kolosal_csharp_exception_callback = callback;
}
%}
%{
/* Sets Kolosal.KolosalException(status, message of this thread's failed call) as pending. */
static void kolosal_csharp_throw(kolosal_status status) {
  kolosal_csharp_exception_callback((int)status, kolosal_last_error());
}
%}

%pragma(csharp) imclasscode=%{
  internal sealed class KolosalExceptionHelper {
    public delegate void ExceptionDelegate(int status, string message);
    private static readonly ExceptionDelegate callback = SetPending;

    [global::System.Runtime.InteropServices.DllImport("$dllimport",
        EntryPoint = "KolosalRegisterExceptionCallback")]
    private static extern void Register(ExceptionDelegate callback);

    private static void SetPending(int status, string message) {
      SWIGPendingException.Set(new global::Kolosal.KolosalException(status, message));
    }

    static KolosalExceptionHelper() {
      Register(callback);
    }
  }

  internal static readonly KolosalExceptionHelper exceptionHelper = new KolosalExceptionHelper();
%}
%pragma(csharp) moduleclassmodifiers="public static class"
%pragma(csharp) imclassclassmodifiers="internal class"

/* ------------------------------------------------------------------------------------------ */
/* Status: void (or the declared output) on success, KolosalException on failure.              */
%typemap(ctype) kolosal_status "void"
%typemap(imtype) kolosal_status "void"
%typemap(cstype) kolosal_status "void"
%typemap(out, canthrow=1) kolosal_status "if ($1 != KOLOSAL_OK) kolosal_csharp_throw($1);"
%typemap(csout, excode=SWIGEXCODE) kolosal_status {
    $imcall;$excode
  }
/* The status codes are Kolosal.StatusCode; as a plain argument (kolosal_status_name) an int. */
%ignore kolosal_status;
%apply int { kolosal_status status };

/* ------------------------------------------------------------------------------------------ */
/* Hooks of ../kolosal.i                                                                       */
%define KOLOSAL_LANGUAGE_HANDLE(TYPE)
%typemap(ctype) TYPE*, const TYPE*, TYPE** "void*"
%typemap(imtype) TYPE*, const TYPE*, TYPE** "global::System.IntPtr"
%typemap(cstype) TYPE*, const TYPE*, TYPE** "global::System.IntPtr"
%typemap(csin) TYPE*, const TYPE* "$csinput"
%typemap(in) TYPE*, const TYPE* "$1 = ($1_ltype)$input;"
%typemap(argout) TYPE** "$result = (void*)temp$argnum;"
%typemap(csout, excode=SWIGEXCODE) TYPE** {
    global::System.IntPtr ret = $imcall;$excode
    return ret;
  }
%enddef

%define KOLOSAL_LANGUAGE_RETURNS(FUNC, OUT_TYPE)
%typemap(ctype) kolosal_status FUNC "$typemap(ctype, OUT_TYPE)"
%typemap(imtype) kolosal_status FUNC "$typemap(imtype, OUT_TYPE)"
%typemap(cstype) kolosal_status FUNC "$typemap(cstype, OUT_TYPE)"
%typemap(csout, excode=SWIGEXCODE) kolosal_status FUNC "$typemap(csout, OUT_TYPE)"
%enddef

/* A pair of handles: the status stays void, the two outputs are `out IntPtr`. */
%define KOLOSAL_LANGUAGE_RETURNS_PAIR(FUNC, OUT_TYPE) %enddef
%typemap(ctype) kolosal_dataset** out_train, kolosal_dataset** out_test "void**"
%typemap(imtype) kolosal_dataset** out_train, kolosal_dataset** out_test
  "out global::System.IntPtr"
%typemap(cstype) kolosal_dataset** out_train, kolosal_dataset** out_test
  "out global::System.IntPtr"
%typemap(csin) kolosal_dataset** out_train, kolosal_dataset** out_test "out $csinput"
%typemap(in) kolosal_dataset** out_train, kolosal_dataset** out_test
  "$1 = (kolosal_dataset**)$input;"
%typemap(argout) kolosal_dataset** out_train, kolosal_dataset** out_test ""

/* Strings out (char**): copied into a managed string inside the call by SWIG's string callback
 * (UTF-8 on Mono); kolosal.i frees the C string afterwards. */
%typemap(ctype) char** "char*"
%typemap(imtype) char** "string"
%typemap(cstype) char** "string"
%typemap(argout) char** "$result = SWIG_csharp_string_callback(temp$argnum);"
%typemap(csout, excode=SWIGEXCODE) char** {
    string ret = $imcall;$excode
    return ret;
  }

/* Scalars out. */
%typemap(ctype) int64_t* "int64_t"
%typemap(imtype) int64_t* "long"
%typemap(cstype) int64_t* "long"
%typemap(argout) int64_t* "$result = temp$argnum;"
%typemap(csout, excode=SWIGEXCODE) int64_t* {
    long ret = $imcall;$excode
    return ret;
  }
%typemap(ctype) double* "double"
%typemap(imtype) double* "double"
%typemap(cstype) double* "double"
%typemap(argout) double* "$result = temp$argnum;"
%typemap(csout, excode=SWIGEXCODE) double* {
    double ret = $imcall;$excode
    return ret;
  }

/* ------------------------------------------------------------------------------------------ */
/* Raw memory is IntPtr: the idiomatic layer pins arrays with `fixed` and passes the address.  */
%apply void* VOID_INT_PTR { const void*, void*, float* }

%include "kolosal.i"

/* ------------------------------------------------------------------------------------------ */
/* Progress (placed after kolosal.i, which defines the handle typemaps it uses): the callback  */
/* is a managed delegate (Kolosal.Native.ProgressCallback) marshalled to a function pointer;   */
/* TrainingEngine keeps it alive while it is set. It runs on the thread that runs the fit.      */
%typemap(ctype) kolosal_progress_fn "kolosal_progress_fn"
%typemap(imtype) kolosal_progress_fn "Kolosal.Native.ProgressCallback"
%typemap(cstype) kolosal_progress_fn "Kolosal.Native.ProgressCallback"
%typemap(csin) kolosal_progress_fn "$csinput"
%typemap(in) kolosal_progress_fn "$1 = $input;"
%inline %{
/* Sets (callback != NULL) or clears the progress callback; no user data is needed in C#. */
kolosal_status kolosal_csharp_train_engine_set_progress(kolosal_train_engine* engine,
                                                        kolosal_progress_fn callback) {
  return kolosal_train_engine_set_progress(engine, callback, NULL);
}
%}
