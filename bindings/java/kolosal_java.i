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
 * - matrices (const void* data, kolosal_dtype dtype) are one Object: float[] or double[]
 *   (pinned with GetPrimitiveArrayCritical for the duration of the call, no copy) or a direct
 *   FloatBuffer / DoubleBuffer; the dtype comes from the Java type. Output buffers
 *   (float* out, int64_t capacity) are float[] whose length is the capacity.
 *
 * JNI rule kept by the phases below: nothing but the C call happens while an array is held
 * critical. Strings and array types are read in "in", arrays are pinned in "check" (after every
 * "in"), released in "argout", and the exception is thrown in "ret", which runs last.
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
%typemap(in) (const void* DATA, kolosal_dtype DTYPE) (jarray pinned = NULL) {
  $2 = kolosal_java_matrix(jenv, $input, (const void**)&$1, &pinned);
}
%typemap(check) (const void* DATA, kolosal_dtype DTYPE) {
  if (pinned$argnum) $1 = (*jenv)->GetPrimitiveArrayCritical(jenv, pinned$argnum, NULL);
}
%typemap(argout) (const void* DATA, kolosal_dtype DTYPE) {
  if (pinned$argnum && $1) {
    (*jenv)->ReleasePrimitiveArrayCritical(jenv, pinned$argnum, (void*)$1, JNI_ABORT);
  }
}
%enddef
KOLOSAL_JAVA_MATRIX(data, dtype, ai.kolosal.jni.NativeArrays.checkMatrix(data, rows, cols))
KOLOSAL_JAVA_MATRIX(labels, labels_dtype, ai.kolosal.jni.NativeArrays.checkVector(labels, rows))

/* Output buffers: (float* out, int64_t capacity) is a float[]; its length is the capacity. */
%typemap(jni) (float* out, int64_t capacity) "jfloatArray"
%typemap(jtype) (float* out, int64_t capacity) "float[]"
%typemap(jstype) (float* out, int64_t capacity) "float[]"
%typemap(javain) (float* out, int64_t capacity) "$javainput"
%typemap(in) (float* out, int64_t capacity) {
  $1 = NULL;
  $2 = $input ? (int64_t)(*jenv)->GetArrayLength(jenv, $input) : 0;
}
%typemap(check) (float* out, int64_t capacity) {
  if ($input) $1 = (float*)(*jenv)->GetPrimitiveArrayCritical(jenv, $input, NULL);
}
%typemap(argout) (float* out, int64_t capacity) {
  if ($1) (*jenv)->ReleasePrimitiveArrayCritical(jenv, $input, $1, 0);
}

/* Model bytes: (void* buffer, int64_t capacity) is a byte[] (null asks for the size only),
 * (const void* data, int64_t size) a byte[]. */
%typemap(jni) (void* buffer, int64_t capacity), (const void* data, int64_t size) "jbyteArray"
%typemap(jtype) (void* buffer, int64_t capacity), (const void* data, int64_t size) "byte[]"
%typemap(jstype) (void* buffer, int64_t capacity), (const void* data, int64_t size) "byte[]"
%typemap(javain) (void* buffer, int64_t capacity), (const void* data, int64_t size) "$javainput"
%typemap(in) (void* buffer, int64_t capacity), (const void* data, int64_t size) {
  $1 = NULL;
  $2 = $input ? (int64_t)(*jenv)->GetArrayLength(jenv, $input) : 0;
}
%typemap(check) (void* buffer, int64_t capacity), (const void* data, int64_t size) {
  if ($input) $1 = (*jenv)->GetPrimitiveArrayCritical(jenv, $input, NULL);
}
%typemap(argout) (void* buffer, int64_t capacity) {
  if ($1) (*jenv)->ReleasePrimitiveArrayCritical(jenv, $input, $1, 0);
}
%typemap(argout) (const void* data, int64_t size) {
  if ($1) (*jenv)->ReleasePrimitiveArrayCritical(jenv, $input, (void*)$1, JNI_ABORT);
}

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

/* Deletes a listener reference from kolosal_java_train_engine_set_progress (0 is a no-op). */
void kolosal_java_release_listener(JNIEnv* jenv, int64_t reference) {
  if (reference != 0) (*jenv)->DeleteGlobalRef(jenv, (jobject)(intptr_t)reference);
}
%}
