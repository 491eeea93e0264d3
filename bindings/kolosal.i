/* bindings/kolosal.i: the part of the SWIG interface that every language shares.
 *
 * Each language has one small interface file (bindings/<lang>/kolosal_<lang>.i) that
 *   1. declares its %module,
 *   2. defines its typemaps: the kolosal_status return (throw / return an error carrying the
 *      status and kolosal_last_error(), read inside the same wrapper call), the "argout" halves
 *      of the output parameters below, arrays, strings,
 *   3. optionally defines the language hooks listed in section 3 (all default to nothing),
 *   4. and then does %include "../kolosal.i" (this file), which parses kolosal_c.h last.
 * A language that has to override one of the common typemaps below defines
 * KOLOSAL_I_NO_HEADER, includes this file, redefines the typemap, then does
 * %include "kolosal_c.h" itself.
 *
 * Nothing here is specific to one language, and nothing in any binding contains ML logic:
 * every call goes through kolosal_c.h. Change this file only additively (several languages
 * build on it). The recipe for adding a C function is in docs/bindings.md.
 */

%{
#include "kolosal_c.h"
%}

%include <stdint.i>

/* ------------------------------------------------------------------------------------------ */
/* 1. Never exposed directly.                                                                   */
/*    - last error / status: the status typemap of each language reads them inside the wrapper  */
/*      of the call that failed, so no binding ever needs a separate call (which could read     */
/*      another thread's message where the runtime moves work between OS threads, as Go does).  */
/*    - kolosal_string_free: every library-allocated string is freed inside the wrapper (2b).   */
/*    - the progress callback needs a per-language trampoline; it is added per language later.  */
%ignore kolosal_last_error;
%ignore kolosal_last_status;
%ignore kolosal_string_free;
%ignore kolosal_train_engine_set_progress;

/* ------------------------------------------------------------------------------------------ */
/* 2. Output parameters become return values. The header's conventions make the C type enough */
/*    to recognise an output: every `kolosal_<noun>**` is a handle out, every `char**` a string  */
/*    the library allocates, every non-const `int64_t*` / `double*` a scalar out. (Output       */
/*    *buffers* are always `(T* out, int64_t capacity)` pairs, handled by each language's       */
/*    multi-argument array typemaps, which take precedence.) The common half here hides the     */
/*    parameter (numinputs=0) and points it at a local `temp`; each language's "argout"         */
/*    typemap turns temp$argnum into its return value.                                          */

/* 2a. Handles: KOLOSAL_HANDLE(kolosal_model) for each opaque type (table in section 4). */
%define KOLOSAL_OUT_HANDLE(TYPE)
%typemap(in, numinputs=0) TYPE** (TYPE* temp = NULL) "$1 = &temp;"
%enddef

/* 2b. Strings the library allocates: freed here, in "freearg", which every language emits after
 *     its "argout" has copied temp$argnum into a language string. A language's argout must
 *     therefore never free the string itself, and must handle temp$argnum == NULL (a failed
 *     call leaves outputs untouched). */
%typemap(in, numinputs=0) char** (char* temp = NULL) "$1 = &temp;"
%typemap(freearg) char** "if (temp$argnum) kolosal_string_free(temp$argnum);"

/* 2c. Scalars. */
%typemap(in, numinputs=0) int64_t* (int64_t temp = 0) "$1 = &temp;"
%typemap(in, numinputs=0) double* (double temp = 0) "$1 = &temp;"

/* ------------------------------------------------------------------------------------------ */
/* 3. Language hooks (define them before including this file; each defaults to nothing).        */
/*    KOLOSAL_LANGUAGE_HANDLE(TYPE): how TYPE* goes in and how TYPE** comes back (argout).      */
/*    KOLOSAL_LANGUAGE_RETURNS(FUNC, OUT_TYPE): FUNC returns its single output parameter, whose */
/*        C type is OUT_TYPE (kolosal_model**, char**, int64_t*, ...), instead of the status.   */
/*        Return-value typemaps can be matched by function name: `%typemap(jstype)              */
/*        kolosal_status FUNC "..."`.                                                           */
/*    KOLOSAL_LANGUAGE_RETURNS_PAIR(FUNC, OUT_TYPE): FUNC has two outputs of type OUT_TYPE.     */
#ifndef KOLOSAL_LANGUAGE_HANDLE
%define KOLOSAL_LANGUAGE_HANDLE(TYPE) %enddef
#endif
#ifndef KOLOSAL_LANGUAGE_RETURNS
%define KOLOSAL_LANGUAGE_RETURNS(FUNC, OUT_TYPE) %enddef
#endif
#ifndef KOLOSAL_LANGUAGE_RETURNS_PAIR
%define KOLOSAL_LANGUAGE_RETURNS_PAIR(FUNC, OUT_TYPE) %enddef
#endif

%define KOLOSAL_HANDLE(TYPE)
KOLOSAL_OUT_HANDLE(TYPE)
KOLOSAL_LANGUAGE_HANDLE(TYPE)
%enddef
%define KOLOSAL_RETURNS(FUNC, OUT_TYPE)
KOLOSAL_LANGUAGE_RETURNS(FUNC, OUT_TYPE)
%enddef
%define KOLOSAL_RETURNS_PAIR(FUNC, OUT_TYPE)
KOLOSAL_LANGUAGE_RETURNS_PAIR(FUNC, OUT_TYPE)
%enddef

/* ------------------------------------------------------------------------------------------ */
/* 4. The table: one line per handle type and per C function with an output parameter.         */
/*    Functions that only return a status (save, predict into a buffer, cancel) need no line.  */
KOLOSAL_HANDLE(kolosal_dataset)
KOLOSAL_HANDLE(kolosal_train_engine)
KOLOSAL_HANDLE(kolosal_model)
KOLOSAL_HANDLE(kolosal_optimizer)
KOLOSAL_HANDLE(kolosal_trial)
KOLOSAL_HANDLE(kolosal_inference_engine)
KOLOSAL_HANDLE(kolosal_stream)

KOLOSAL_RETURNS(kolosal_build_info, char**)
KOLOSAL_RETURNS(kolosal_live_handle_count, int64_t*)

KOLOSAL_RETURNS(kolosal_dataset_from_csv, kolosal_dataset**)
KOLOSAL_RETURNS(kolosal_dataset_from_dense, kolosal_dataset**)
KOLOSAL_RETURNS(kolosal_dataset_n_rows, int64_t*)
KOLOSAL_RETURNS(kolosal_dataset_n_cols, int64_t*)
KOLOSAL_RETURNS(kolosal_dataset_describe, char**)
KOLOSAL_RETURNS_PAIR(kolosal_dataset_train_test_split, kolosal_dataset**)

KOLOSAL_RETURNS(kolosal_train_engine_create, kolosal_train_engine**)
KOLOSAL_RETURNS(kolosal_train_engine_fit, kolosal_model**)
KOLOSAL_RETURNS(kolosal_train_engine_cross_validate, char**)
KOLOSAL_RETURNS(kolosal_train_engine_tune, kolosal_model**)

KOLOSAL_RETURNS(kolosal_model_load, kolosal_model**)
KOLOSAL_RETURNS(kolosal_model_load_buffer, kolosal_model**)
KOLOSAL_RETURNS(kolosal_model_save_buffer, int64_t*)
KOLOSAL_RETURNS(kolosal_model_metadata, char**)
KOLOSAL_RETURNS(kolosal_model_n_features, int64_t*)
KOLOSAL_RETURNS(kolosal_model_n_classes, int64_t*)
KOLOSAL_RETURNS(kolosal_model_class_name, char**)
KOLOSAL_RETURNS(kolosal_model_feature_name, char**)
KOLOSAL_RETURNS(kolosal_model_permutation_importance, char**)
KOLOSAL_RETURNS(kolosal_model_evaluate, char**)

KOLOSAL_RETURNS(kolosal_inference_engine_create, kolosal_inference_engine**)
KOLOSAL_RETURNS(kolosal_inference_engine_model, kolosal_model**)
KOLOSAL_RETURNS(kolosal_inference_engine_warmup, int64_t*)
KOLOSAL_RETURNS(kolosal_inference_engine_stats, char**)

KOLOSAL_RETURNS(kolosal_stream_create, kolosal_stream**)
KOLOSAL_RETURNS(kolosal_stream_stats, char**)

KOLOSAL_RETURNS(kolosal_optimizer_create, kolosal_optimizer**)
KOLOSAL_RETURNS(kolosal_optimizer_ask, kolosal_trial**)
KOLOSAL_RETURNS(kolosal_optimizer_warm_start, int64_t*)
KOLOSAL_RETURNS(kolosal_optimizer_best_value, double*)
KOLOSAL_RETURNS(kolosal_optimizer_best, char**)
KOLOSAL_RETURNS(kolosal_optimizer_history, char**)
KOLOSAL_RETURNS(kolosal_optimizer_should_stop, int64_t*)
KOLOSAL_RETURNS(kolosal_optimizer_stop_reason, char**)
KOLOSAL_RETURNS(kolosal_trial_number, int64_t*)
KOLOSAL_RETURNS(kolosal_trial_has_param, int64_t*)
KOLOSAL_RETURNS(kolosal_trial_get_float, double*)
KOLOSAL_RETURNS(kolosal_trial_get_int, int64_t*)
KOLOSAL_RETURNS(kolosal_trial_get_categorical, char**)
KOLOSAL_RETURNS(kolosal_trial_params, char**)
KOLOSAL_RETURNS(kolosal_trial_should_prune, int64_t*)

/* ------------------------------------------------------------------------------------------ */
/* 5. The API itself. */
#ifndef KOLOSAL_I_NO_HEADER
%include "kolosal_c.h"
#endif
