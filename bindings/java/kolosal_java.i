/* Java side of the SWIG interface: generates package ai.kolosal.jni (class KolosalC, with one
 * static method per C function, and its JNI class KolosalCJNI). The hand-written classes in
 * ai.kolosal sit on top. The common part (outputs, hidden functions, the function table) is
 * ../kolosal.i, included at the end.
 *
 * What the generated methods look like:
 * - a failed status throws ai.kolosal.KolosalException(status, kolosal_last_error()) from the
 *   JNI wrapper itself ("ret" typemap, after every array is released), otherwise returns void;
 * - functions listed with KOLOSAL_RETURNS in kolosal.i return their output instead: a handle as
 *   long, a string as String (copied from UTF-8, freed by kolosal.i's freearg), an int64 as long;
 * - handles go in as long (0 = none); the ai.kolosal classes own them;
 * - matrices (const void* data, kolosal_dtype dtype) are one Object: float[] or double[] or a
 *   direct FloatBuffer / DoubleBuffer; the dtype comes from the Java type. Output buffers
 *   (float* out, int64_t capacity) are float[] whose length is the capacity. Model bytes are
 *   byte[].
 * - a primitive array of at most KOLOSAL_JAVA_CRITICAL_MAX_BYTES is held with
 *   GetPrimitiveArrayCritical for the call (no copy). A critical section holds up the garbage
 *   collector of the whole JVM until it ends, which is right for a short call only; a larger
 *   array (a big predict, from_dense, load_buffer or save_buffer) is copied with
 *   Get<Type>ArrayElements instead and released after the call (JNI_ABORT for inputs, written
 *   back for outputs), so the collector runs meanwhile. Direct buffers are always read in place.
 *
 * JNI rules kept by the phases below: nothing but the C call happens while an array is held
 * critical. Strings and array types are read, and large arrays copied, in "in"; small arrays
 * are pinned in "check" (after every "in"); critical arrays are released in "argout", copies in
 * "freearg" (after every "argout", so after every critical release), and the exception is
 * thrown in "ret", which runs last.
 */
%module(jniclassname="KolosalCJNI") KolosalC

%include <enumtypeunsafe.swg>
%javaconst(1);

%{
#include <string.h>

#include "kolosal_c.h"

/* float[] / double[] classes, cached once in JNI_OnLoad. */
static jclass kolosal_float_array_class = NULL;
static jclass kolosal_double_array_class = NULL;
static jclass kolosal_float_buffer_class = NULL;
static jclass kolosal_double_buffer_class = NULL;
static jclass kolosal_exception_class = NULL;
static jmethodID kolosal_exception_init = NULL;
static JavaVM* kolosal_java_vm = NULL;
static jclass kolosal_engine_class = NULL;
static jmethodID kolosal_engine_progress = NULL;

static jclass kolosal_java_global_class(JNIEnv* jenv, const char* name) {
  jclass local = (*jenv)->FindClass(jenv, name);
  if (local == NULL) return NULL;
  jclass global = (jclass)(*jenv)->NewGlobalRef(jenv, local);
  (*jenv)->DeleteLocalRef(jenv, local);
  return global;
}

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM* vm, void* reserved) {
  JNIEnv* jenv = NULL;
  (void)reserved;
  if ((*vm)->GetEnv(vm, (void**)&jenv, JNI_VERSION_1_8) != JNI_OK) return JNI_ERR;
  kolosal_java_vm = vm;
  kolosal_float_array_class = kolosal_java_global_class(jenv, "[F");
  kolosal_double_array_class = kolosal_java_global_class(jenv, "[D");
  kolosal_float_buffer_class = kolosal_java_global_class(jenv, "java/nio/FloatBuffer");
  kolosal_double_buffer_class = kolosal_java_global_class(jenv, "java/nio/DoubleBuffer");
  kolosal_exception_class = kolosal_java_global_class(jenv, "ai/kolosal/KolosalException");
  if (kolosal_float_array_class == NULL || kolosal_double_array_class == NULL ||
      kolosal_float_buffer_class == NULL || kolosal_double_buffer_class == NULL ||
      kolosal_exception_class == NULL) {
    return JNI_ERR;
  }
  kolosal_exception_init = (*jenv)->GetMethodID(jenv, kolosal_exception_class, "<init>",
                                                "(I[B)V");
  kolosal_engine_class = kolosal_java_global_class(jenv, "ai/kolosal/TrainingEngine");
  if (kolosal_exception_init == NULL || kolosal_engine_class == NULL) return JNI_ERR;
  kolosal_engine_progress = (*jenv)->GetStaticMethodID(
      jenv, kolosal_engine_class, "progress", "(Lai/kolosal/ProgressListener;D[B)Z");
  return kolosal_engine_progress == NULL ? JNI_ERR : JNI_VERSION_1_8;
}

/* Throws KolosalException(status, message) with the message of the call that just failed on
 * this thread. The message goes over as UTF-8 bytes (JNI's NewStringUTF expects modified
 * UTF-8). */
static void kolosal_java_throw(JNIEnv* jenv, kolosal_status status) {
  if ((*jenv)->ExceptionCheck(jenv)) return; /* e.g. an OutOfMemoryError from an argout */
  const char* message = kolosal_last_error();
  jsize length = (jsize)strlen(message);
  jbyteArray bytes = (*jenv)->NewByteArray(jenv, length);
  if (bytes == NULL) return; /* OutOfMemoryError is pending */
  (*jenv)->SetByteArrayRegion(jenv, bytes, 0, length, (const jbyte*)message);
  jobject exception = (*jenv)->NewObject(jenv, kolosal_exception_class, kolosal_exception_init,
                                         (jint)status, bytes);
  if (exception != NULL) (*jenv)->Throw(jenv, (jthrowable)exception);
}

/* The dtype of a matrix argument, and where its values are: a direct buffer's address now, or
 * the primitive array to pin later. An unsupported object gives an invalid dtype, which the
 * library rejects with its own message. */
static kolosal_dtype kolosal_java_matrix(JNIEnv* jenv, jobject data, const void** address,
                                         jarray* array) {
  *address = NULL;
  *array = NULL;
  if (data == NULL) return KOLOSAL_FLOAT32;
  if ((*jenv)->IsInstanceOf(jenv, data, kolosal_float_array_class)) {
    *array = (jarray)data;
    return KOLOSAL_FLOAT32;
  }
  if ((*jenv)->IsInstanceOf(jenv, data, kolosal_double_array_class)) {
    *array = (jarray)data;
    return KOLOSAL_FLOAT64;
  }
  *address = (*jenv)->GetDirectBufferAddress(jenv, data);
  if ((*jenv)->IsInstanceOf(jenv, data, kolosal_float_buffer_class)) return KOLOSAL_FLOAT32;
  if ((*jenv)->IsInstanceOf(jenv, data, kolosal_double_buffer_class)) return KOLOSAL_FLOAT64;
  *address = NULL;
  return (kolosal_dtype)-1;
}

/* Arrays of more than this many bytes are copied for a call instead of being held critical
 * (64 KiB: a copy of that size takes microseconds, and a call on that much data may take much
 * longer than a collector should wait). kolosal_java_critical_max_bytes() gives it to Java. */
#define KOLOSAL_JAVA_CRITICAL_MAX_BYTES ((jlong)64 * 1024)

/* How many arrays were copied rather than held critical, for tests. */
static _Atomic int64_t kolosal_java_copied_arrays = 0;

/* One primitive array argument of a call: held critical (small) or copied (large). type is the
 * element type's JNI letter: 'B' (byte), 'F' (float) or 'D' (double). */
typedef struct kolosal_java_array {
  jarray array; /* NULL: no array (null, or a direct buffer) */
  char type;
  int copied;
  void* elements; /* what the library reads or writes; NULL until acquired, or on failure */
} kolosal_java_array;

static jlong kolosal_java_element_size(char type) {
  return type == 'D' ? (jlong)sizeof(jdouble) : type == 'F' ? (jlong)sizeof(jfloat) : 1;
}

/* Phase "in": records array and copies it now if it is large (JNI calls are still allowed).
 * Returns the copy, or NULL for a small array (see kolosal_java_array_hold), for no array, and
 * when the copy failed (an OutOfMemoryError is then pending, and the library rejects the NULL
 * pointer; kolosal_java_throw leaves the pending error alone). */
static void* kolosal_java_array_copy(JNIEnv* jenv, kolosal_java_array* held, jarray array,
                                     char type) {
  held->array = array;
  held->type = type;
  held->copied = 0;
  held->elements = NULL;
  if (array == NULL) return NULL;
  jlong bytes = (jlong)(*jenv)->GetArrayLength(jenv, array) * kolosal_java_element_size(type);
  if (bytes <= KOLOSAL_JAVA_CRITICAL_MAX_BYTES) return NULL;
  held->copied = 1;
  if (type == 'D') {
    held->elements = (*jenv)->GetDoubleArrayElements(jenv, (jdoubleArray)array, NULL);
  } else if (type == 'F') {
    held->elements = (*jenv)->GetFloatArrayElements(jenv, (jfloatArray)array, NULL);
  } else {
    held->elements = (*jenv)->GetByteArrayElements(jenv, (jbyteArray)array, NULL);
  }
  if (held->elements != NULL) kolosal_java_copied_arrays++;
  return held->elements;
}

/* Phase "check": holds a small array critical (after every argument's "in" ran). Returns what
 * the library gets: the critical pointer, the copy, or NULL for no array. */
static void* kolosal_java_array_hold(JNIEnv* jenv, kolosal_java_array* held) {
  if (held->array != NULL && !held->copied) {
    held->elements = (*jenv)->GetPrimitiveArrayCritical(jenv, held->array, NULL);
  }
  return held->elements;
}

/* Phase "argout": ends a critical hold; mode 0 keeps what the library wrote, JNI_ABORT is for
 * inputs. A copy is left for kolosal_java_array_release: freeing it is a JNI call, which must
 * wait until no argument is critical any more. */
static void kolosal_java_array_unhold(JNIEnv* jenv, kolosal_java_array* held, jint mode) {
  if (held->elements == NULL || held->copied) return;
  (*jenv)->ReleasePrimitiveArrayCritical(jenv, held->array, held->elements, mode);
  held->elements = NULL;
}

/* Phase "freearg": frees a copy; mode 0 first writes it back into the Java array. */
static void kolosal_java_array_release(JNIEnv* jenv, kolosal_java_array* held, jint mode) {
  if (held->elements == NULL || !held->copied) return;
  if (held->type == 'D') {
    (*jenv)->ReleaseDoubleArrayElements(jenv, (jdoubleArray)held->array, held->elements, mode);
  } else if (held->type == 'F') {
    (*jenv)->ReleaseFloatArrayElements(jenv, (jfloatArray)held->array, held->elements, mode);
  } else {
    (*jenv)->ReleaseByteArrayElements(jenv, (jbyteArray)held->array, held->elements, mode);
  }
  held->elements = NULL;
}

/* A NUL-terminated UTF-8 string from a byte[] made by NativeArrays.utf8 (NULL stays NULL). */
static char* kolosal_java_utf8(JNIEnv* jenv, jbyteArray bytes) {
  return bytes == NULL ? NULL : (char*)(*jenv)->GetByteArrayElements(jenv, bytes, NULL);
}

static jbyteArray kolosal_java_bytes(JNIEnv* jenv, const char* text) {
  if (text == NULL) return NULL;
  jsize length = (jsize)strlen(text);
  jbyteArray bytes = (*jenv)->NewByteArray(jenv, length);
  if (bytes != NULL) (*jenv)->SetByteArrayRegion(jenv, bytes, 0, length, (const jbyte*)text);
  return bytes;
}
%}

%pragma(java) jniclasscode=%{
  static {
    ai.kolosal.NativeLoader.load();
  }
%}
%pragma(java) jniclassclassmodifiers="public final class"
%pragma(java) moduleclassmodifiers="public final class"

/* ------------------------------------------------------------------------------------------ */
/* Status: void (or the declared output) on success, KolosalException on failure.              */
%typemap(jni) kolosal_status "void"
%typemap(jtype) kolosal_status "void"
%typemap(jstype) kolosal_status "void"
%typemap(javaout) kolosal_status { $jnicall; }
%typemap(out) kolosal_status ""
%typemap(ret) kolosal_status "if ($1 != KOLOSAL_OK) kolosal_java_throw(jenv, $1);"
/* The status codes are ai.kolosal.StatusCode; generating them here would use the return typemaps
 * above for the constants' type. */
%ignore kolosal_status;
/* kolosal_status as a plain argument (kolosal_status_name) is an int; seeds are long bits. */
%apply int { kolosal_status status };
%apply int64_t { uint64_t };

/* ------------------------------------------------------------------------------------------ */
/* Hooks of ../kolosal.i                                                                       */
%define KOLOSAL_LANGUAGE_HANDLE(TYPE)
%typemap(jni) TYPE*, const TYPE*, TYPE** "jlong"
%typemap(jtype) TYPE*, const TYPE*, TYPE** "long"
%typemap(jstype) TYPE*, const TYPE*, TYPE** "long"
%typemap(javain) TYPE*, const TYPE* "$javainput"
%typemap(javaout) TYPE** { return $jnicall; }
%typemap(in) TYPE*, const TYPE* "$1 = ($1_ltype)(intptr_t)$input;"
%typemap(argout) TYPE** "$result = (jlong)(intptr_t)temp$argnum;"
%enddef

%define KOLOSAL_LANGUAGE_RETURNS(FUNC, OUT_TYPE)
%typemap(jni) kolosal_status FUNC "$typemap(jni, OUT_TYPE)"
%typemap(jtype) kolosal_status FUNC "$typemap(jtype, OUT_TYPE)"
%typemap(jstype) kolosal_status FUNC "$typemap(jstype, OUT_TYPE)"
%typemap(javaout) kolosal_status FUNC "$typemap(javaout, OUT_TYPE)"
%enddef

/* A pair of handles comes back as long[2]. */
%define KOLOSAL_LANGUAGE_RETURNS_PAIR(FUNC, OUT_TYPE)
%typemap(jni) kolosal_status FUNC "jlongArray"
%typemap(jtype) kolosal_status FUNC "long[]"
%typemap(jstype) kolosal_status FUNC "long[]"
%typemap(javaout) kolosal_status FUNC { return $jnicall; }
%enddef
%typemap(argout) (kolosal_dataset** out_train, kolosal_dataset** out_test) {
  if (*$1 != NULL && *$2 != NULL) {
    jlong handles[2] = {(jlong)(intptr_t)*$1, (jlong)(intptr_t)*$2};
    $result = (*jenv)->NewLongArray(jenv, 2);
    if ($result != NULL) (*jenv)->SetLongArrayRegion(jenv, $result, 0, 2, handles);
  }
}

/* Strings out (char**): UTF-8 bytes decoded in Java. kolosal.i frees the C string. */
%typemap(jni) char** "jbyteArray"
%typemap(jtype) char** "byte[]"
%typemap(jstype) char** "String"
%typemap(javaout) char** { return ai.kolosal.jni.NativeArrays.string($jnicall); }
%typemap(argout) char** "$result = kolosal_java_bytes(jenv, temp$argnum);"

/* Scalars out. */
%typemap(jni) int64_t* "jlong"
%typemap(jtype) int64_t* "long"
%typemap(jstype) int64_t* "long"
%typemap(javaout) int64_t* { return $jnicall; }
%typemap(argout) int64_t* "$result = (jlong)temp$argnum;"
%typemap(jni) double* "jdouble"
%typemap(jtype) double* "double"
%typemap(jstype) double* "double"
%typemap(javaout) double* { return $jnicall; }
%typemap(argout) double* "$result = (jdouble)temp$argnum;"

/* ------------------------------------------------------------------------------------------ */
/* Strings in: UTF-8 (NativeArrays.utf8 adds the NUL), released after the call.                */
%typemap(jni) const char* "jbyteArray"
%typemap(jtype) const char* "byte[]"
%typemap(jstype) const char* "String"
%typemap(javain) const char* "ai.kolosal.jni.NativeArrays.utf8($javainput)"
%typemap(in) const char* "$1 = kolosal_java_utf8(jenv, $input);"
%typemap(freearg) const char* {
  if ($1) (*jenv)->ReleaseByteArrayElements(jenv, $input, (jbyte*)$1, JNI_ABORT);
}
/* Static strings the library returns (version, status names) are not freed. */
%typemap(jni) const char* kolosal_version, const char* kolosal_status_name "jbyteArray"
%typemap(jtype) const char* kolosal_version, const char* kolosal_status_name "byte[]"
%typemap(jstype) const char* kolosal_version, const char* kolosal_status_name "String"
%typemap(javaout) const char* kolosal_version, const char* kolosal_status_name {
  return ai.kolosal.jni.NativeArrays.string($jnicall);
}
%typemap(out) const char* kolosal_version, const char* kolosal_status_name
  "$result = kolosal_java_bytes(jenv, $1);"

/* ------------------------------------------------------------------------------------------ */
/* Matrices in: (const void* data, kolosal_dtype dtype) and the optional labels vector. The    */
/* Java side checks the length against rows x cols (parameter names from kolosal_c.h) before   */
/* the call, so the library never reads past the array.                                        */
%define KOLOSAL_JAVA_MATRIX(DATA, DTYPE, JAVA_CHECK)
%typemap(jni) (const void* DATA, kolosal_dtype DTYPE) "jobject"
%typemap(jtype) (const void* DATA, kolosal_dtype DTYPE) "Object"
%typemap(jstype) (const void* DATA, kolosal_dtype DTYPE) "Object"
%typemap(javain, pre="    JAVA_CHECK;") (const void* DATA, kolosal_dtype DTYPE) "$javainput"
%typemap(in) (const void* DATA, kolosal_dtype DTYPE) (kolosal_java_array held) {
  jarray array = NULL;
  $2 = kolosal_java_matrix(jenv, $input, (const void**)&$1, &array);
  void* copy = kolosal_java_array_copy(jenv, &held, array, $2 == KOLOSAL_FLOAT64 ? 'D' : 'F');
  if (array) $1 = copy;
}
%typemap(check) (const void* DATA, kolosal_dtype DTYPE) {
  if (held$argnum.array) $1 = kolosal_java_array_hold(jenv, &held$argnum);
}
%typemap(argout) (const void* DATA, kolosal_dtype DTYPE) {
  kolosal_java_array_unhold(jenv, &held$argnum, JNI_ABORT);
}
%typemap(freearg) (const void* DATA, kolosal_dtype DTYPE) {
  kolosal_java_array_release(jenv, &held$argnum, JNI_ABORT);
}
%enddef
KOLOSAL_JAVA_MATRIX(data, dtype, ai.kolosal.jni.NativeArrays.checkMatrix(data, rows, cols))
KOLOSAL_JAVA_MATRIX(labels, labels_dtype, ai.kolosal.jni.NativeArrays.checkVector(labels, rows))

/* Output buffers: (float* out, int64_t capacity) is a float[]; its length is the capacity. */
%typemap(jni) (float* out, int64_t capacity) "jfloatArray"
%typemap(jtype) (float* out, int64_t capacity) "float[]"
%typemap(jstype) (float* out, int64_t capacity) "float[]"
%typemap(javain) (float* out, int64_t capacity) "$javainput"
%typemap(in) (float* out, int64_t capacity) (kolosal_java_array held) {
  $2 = $input ? (int64_t)(*jenv)->GetArrayLength(jenv, $input) : 0;
  $1 = (float*)kolosal_java_array_copy(jenv, &held, $input, 'F');
}
%typemap(check) (float* out, int64_t capacity)
  "$1 = (float*)kolosal_java_array_hold(jenv, &held$argnum);"
%typemap(argout) (float* out, int64_t capacity)
  "kolosal_java_array_unhold(jenv, &held$argnum, 0);"
%typemap(freearg) (float* out, int64_t capacity)
  "kolosal_java_array_release(jenv, &held$argnum, 0);"

/* Model bytes: (void* buffer, int64_t capacity) is a byte[] (null asks for the size only),
 * (const void* data, int64_t size) a byte[]. */
%typemap(jni) (void* buffer, int64_t capacity), (const void* data, int64_t size) "jbyteArray"
%typemap(jtype) (void* buffer, int64_t capacity), (const void* data, int64_t size) "byte[]"
%typemap(jstype) (void* buffer, int64_t capacity), (const void* data, int64_t size) "byte[]"
%typemap(javain) (void* buffer, int64_t capacity), (const void* data, int64_t size) "$javainput"
%typemap(in) (void* buffer, int64_t capacity) (kolosal_java_array held) {
  $2 = $input ? (int64_t)(*jenv)->GetArrayLength(jenv, $input) : 0;
  $1 = kolosal_java_array_copy(jenv, &held, $input, 'B');
}
%typemap(in) (const void* data, int64_t size) (kolosal_java_array held) {
  $2 = $input ? (int64_t)(*jenv)->GetArrayLength(jenv, $input) : 0;
  $1 = kolosal_java_array_copy(jenv, &held, $input, 'B');
}
%typemap(check) (void* buffer, int64_t capacity), (const void* data, int64_t size)
  "$1 = kolosal_java_array_hold(jenv, &held$argnum);"
%typemap(argout) (void* buffer, int64_t capacity)
  "kolosal_java_array_unhold(jenv, &held$argnum, 0);"
%typemap(freearg) (void* buffer, int64_t capacity)
  "kolosal_java_array_release(jenv, &held$argnum, 0);"
%typemap(argout) (const void* data, int64_t size)
  "kolosal_java_array_unhold(jenv, &held$argnum, JNI_ABORT);"
%typemap(freearg) (const void* data, int64_t size)
  "kolosal_java_array_release(jenv, &held$argnum, JNI_ABORT);"

%include "kolosal.i"

/* ------------------------------------------------------------------------------------------ */
/* Progress (placed after kolosal.i, which defines the handle and output typemaps it uses):   */
/* the C callback calls TrainingEngine.progress(listener, fraction, stage bytes) on the thread */
/* that runs the fit. user_data is a global reference to the listener, created here and handed */
/* back to Java, which deletes it (kolosal_java_release_listener) once it is replaced or the   */
/* engine is freed. A listener that throws cancels the fit; its exception stays pending, so    */
/* Java sees it instead of CANCELLED (kolosal_java_throw leaves a pending exception alone).    */
%{
static int kolosal_java_progress(double fraction, const char* stage, void* user_data) {
  JNIEnv* jenv = NULL;
  if ((*kolosal_java_vm)->GetEnv(kolosal_java_vm, (void**)&jenv, JNI_VERSION_1_8) != JNI_OK) {
    return 0;
  }
  if ((*jenv)->ExceptionCheck(jenv)) return 1;
  jbyteArray stage_bytes = kolosal_java_bytes(jenv, stage);
  if (stage_bytes == NULL) return 1;
  jboolean cancel = (*jenv)->CallStaticBooleanMethod(
      jenv, kolosal_engine_class, kolosal_engine_progress, (jobject)user_data, fraction,
      stage_bytes);
  (*jenv)->DeleteLocalRef(jenv, stage_bytes);
  return cancel || (*jenv)->ExceptionCheck(jenv) ? 1 : 0;
}
%}
%typemap(in, numinputs=0) JNIEnv* jenv "$1 = jenv;"
%typemap(jni) jobject listener "jobject"
%typemap(jtype) jobject listener "ai.kolosal.ProgressListener"
%typemap(jstype) jobject listener "ai.kolosal.ProgressListener"
%typemap(javain) jobject listener "$javainput"
%typemap(in) jobject listener "$1 = $input;"
KOLOSAL_LANGUAGE_RETURNS(kolosal_java_train_engine_set_progress, int64_t*)
%inline %{
/* Sets (listener != null) or clears the progress callback; returns the global reference the
 * engine now holds (0 for none), to be released with kolosal_java_release_listener. */
kolosal_status kolosal_java_train_engine_set_progress(JNIEnv* jenv, kolosal_train_engine* engine,
                                                      jobject listener, int64_t* out) {
  jobject reference = listener ? (*jenv)->NewGlobalRef(jenv, listener) : NULL;
  kolosal_status status = kolosal_train_engine_set_progress(
      engine, reference ? kolosal_java_progress : NULL, reference);
  if (status != KOLOSAL_OK) {
    if (reference) (*jenv)->DeleteGlobalRef(jenv, reference);
    return status;
  }
  *out = (int64_t)(intptr_t)reference;
  return KOLOSAL_OK;
}

/* The size above which an array argument is copied rather than held critical (bytes). */
int64_t kolosal_java_critical_max_bytes(void) { return KOLOSAL_JAVA_CRITICAL_MAX_BYTES; }

/* How many array arguments have been copied (rather than held critical) in this process. */
int64_t kolosal_java_copied_array_count(void) { return kolosal_java_copied_arrays; }

/* Deletes a listener reference from kolosal_java_train_engine_set_progress (0 is a no-op). */
void kolosal_java_release_listener(JNIEnv* jenv, int64_t reference) {
  if (reference != 0) (*jenv)->DeleteGlobalRef(jenv, (jobject)(intptr_t)reference);
}
%}
