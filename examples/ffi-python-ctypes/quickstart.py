#!/usr/bin/python3
"""Kolosal from Python with nothing but ctypes: the raw C ABI (capi/include/kolosal_c.h).

This is the path for any language or tool with a C FFI (Excel through VBA's Declare or an XLL,
LabVIEW, Julia's ccall, Rust's extern "C", ...): load libkolosal.so, declare each function's
signature, check every kolosal_status, and read kolosal_last_error() on the same thread right
after the call that failed.

Usage: quickstart.py <path to libkolosal.so> <data dir containing spam.csv>
"""
import array
import ctypes
import json
import os
import sys
import tempfile

KOLOSAL_OK = 0
KOLOSAL_INVALID_ARGUMENT = 1
KOLOSAL_IO = 2
KOLOSAL_FLOAT32 = 0
KOLOSAL_FLOAT64 = 1
KOLOSAL_ROW_MAJOR = 0
KOLOSAL_IMPORTANCE_COEFFICIENT = 2


class KolosalError(Exception):
    def __init__(self, status, message):
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


class Kolosal:
    """The C functions this example uses, with their exact C signatures."""

    def __init__(self, library_path):
        lib = ctypes.CDLL(library_path)
        handle = ctypes.c_void_p
        out_handle = ctypes.POINTER(ctypes.c_void_p)
        out_string = ctypes.POINTER(ctypes.c_void_p)  # char**, freed with kolosal_string_free
        i64 = ctypes.c_int64
        status = ctypes.c_int
        signatures = {
            "kolosal_last_error": (ctypes.c_char_p, []),
            "kolosal_status_name": (ctypes.c_char_p, [status]),
            "kolosal_version": (ctypes.c_char_p, []),
            "kolosal_string_free": (None, [ctypes.c_void_p]),
            "kolosal_dataset_from_csv": (status, [ctypes.c_char_p, ctypes.c_char_p, out_handle]),
            "kolosal_dataset_n_rows": (status, [handle, ctypes.POINTER(i64)]),
            "kolosal_dataset_n_cols": (status, [handle, ctypes.POINTER(i64)]),
            "kolosal_dataset_train_test_split": (
                status, [handle, ctypes.c_double, ctypes.c_uint64, out_handle, out_handle]),
            "kolosal_dataset_free": (None, [handle]),
            "kolosal_train_engine_create": (status, [ctypes.c_char_p, out_handle]),
            "kolosal_train_engine_fit": (status, [handle, handle, out_handle]),
            "kolosal_train_engine_free": (None, [handle]),
            "kolosal_model_load_buffer": (status, [ctypes.c_void_p, i64, out_handle]),
            "kolosal_model_save_buffer": (status, [handle, ctypes.c_void_p, i64,
                                                   ctypes.POINTER(i64)]),
            "kolosal_model_save": (status, [handle, ctypes.c_char_p]),
            "kolosal_model_load": (status, [ctypes.c_char_p, out_handle]),
            "kolosal_model_n_features": (status, [handle, ctypes.POINTER(i64)]),
            "kolosal_model_n_classes": (status, [handle, ctypes.POINTER(i64)]),
            "kolosal_model_class_name": (status, [handle, i64, out_string]),
            "kolosal_model_feature_name": (status, [handle, i64, out_string]),
            "kolosal_model_feature_importance": (status, [handle, ctypes.c_int, ctypes.c_void_p,
                                                          i64]),
            "kolosal_model_predict": (status, [handle, ctypes.c_void_p, ctypes.c_int, i64, i64,
                                               ctypes.c_int, ctypes.c_void_p, i64]),
            "kolosal_model_predict_proba": (status, [handle, ctypes.c_void_p, ctypes.c_int, i64,
                                                     i64, ctypes.c_int, ctypes.c_void_p, i64]),
            "kolosal_model_predict_proba_dataset": (status, [handle, handle, ctypes.c_void_p, i64]),
            "kolosal_model_predict_contributions": (status, [handle, handle, ctypes.c_void_p, i64]),
            "kolosal_model_evaluate": (status, [handle, handle, out_string]),
            "kolosal_model_free": (None, [handle]),
        }
        for name, (restype, argtypes) in signatures.items():
            function = getattr(lib, name)
            function.restype = restype
            function.argtypes = argtypes
            setattr(self, name[len("kolosal_"):], function)

    def check(self, status):
        """Raises with the library's message. Call it right after the failing call, on the same
        thread: the message is thread-local and valid until the next kolosal_ call."""
        if status != KOLOSAL_OK:
            message = self.last_error().decode()
            raise KolosalError(self.status_name(status).decode(), message)

    def take_string(self, pointer):
        """Copies a library-allocated char* into a Python str and frees it."""
        try:
            return ctypes.string_at(pointer).decode()
        finally:
            self.string_free(pointer)


def read_numeric_rows(path, n_rows):
    """The first n_rows feature rows of spam.csv (every column but the quoted label)."""
    values = array.array("d")
    with open(path) as csv:
        next(csv)
        for _ in range(n_rows):
            values.extend(float(field) for field in csv.readline().split(",")[:-1])
    return values


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    library_path, data_dir = sys.argv[1], sys.argv[2]
    csv_path = os.path.join(data_dir, "spam.csv")
    if not os.path.exists(csv_path):
        print(f"skipped: {csv_path} not found")
        return

    k = Kolosal(library_path)
    print("kolosal", k.version().decode())

    # Errors: a status code plus the calling thread's message.
    bad = ctypes.c_void_p()
    try:
        k.check(k.dataset_from_csv(b"/no/such/file.csv", None, ctypes.byref(bad)))
    except KolosalError as error:
        print("expected error:", error)

    data, train, test = ctypes.c_void_p(), ctypes.c_void_p(), ctypes.c_void_p()
    engine, model, loaded = ctypes.c_void_p(), ctypes.c_void_p(), ctypes.c_void_p()
    try:
        k.check(k.dataset_from_csv(csv_path.encode(), b'{"target": "type"}', ctypes.byref(data)))
        k.check(k.dataset_train_test_split(data, 0.25, 42, ctypes.byref(train),
                                           ctypes.byref(test)))
        config = json.dumps({"model": "logistic_regression", "n_jobs": 2})
        k.check(k.train_engine_create(config.encode(), ctypes.byref(engine)))
        k.check(k.train_engine_fit(engine, train, ctypes.byref(model)))

        metrics = ctypes.c_void_p()
        k.check(k.model_evaluate(model, test, ctypes.byref(metrics)))
        print("holdout metrics:", k.take_string(metrics))

        # Dense input: a row-major float64 matrix, passed by address (no per-element calls).
        n_features, n_classes = ctypes.c_int64(), ctypes.c_int64()
        k.check(k.model_n_features(model, ctypes.byref(n_features)))
        k.check(k.model_n_classes(model, ctypes.byref(n_classes)))
        rows = 5
        features = read_numeric_rows(csv_path, rows)
        assert len(features) == rows * n_features.value, "spam.csv: unexpected column count"
        labels = array.array("f", bytes(4 * rows))
        k.check(k.model_predict(model, features.buffer_info()[0], KOLOSAL_FLOAT64, rows,
                                n_features.value, KOLOSAL_ROW_MAJOR, labels.buffer_info()[0],
                                len(labels)))
        names = []
        for class_index in range(n_classes.value):
            name = ctypes.c_void_p()
            k.check(k.model_class_name(model, class_index, ctypes.byref(name)))
            names.append(k.take_string(name))
        print("first rows:", [names[int(label)] for label in labels])

        # Feature importance into a caller buffer: one float per input column.
        importance = array.array("f", bytes(4 * n_features.value))
        k.check(k.model_feature_importance(model, KOLOSAL_IMPORTANCE_COEFFICIENT,
                                           importance.buffer_info()[0], len(importance)))
        top = max(range(len(importance)), key=importance.__getitem__)
        name = ctypes.c_void_p()
        k.check(k.model_feature_name(model, top, ctypes.byref(name)))
        print(f"largest |coefficient|: {k.take_string(name)} ({importance[top]:.3f})")

        # SHAP contributions of the test rows: per class, one value per column and the bias;
        # class 1's block of a row sums to its log-odds.
        n_rows = ctypes.c_int64()
        k.check(k.dataset_n_rows(test, ctypes.byref(n_rows)))
        width = n_features.value + 1
        contributions = array.array("f", bytes(4 * n_rows.value * n_classes.value * width))
        k.check(k.model_predict_contributions(model, test, contributions.buffer_info()[0],
                                              len(contributions)))
        first = contributions[width:2 * width]
        print(f"first test row: log-odds {sum(first):.3f} = bias {first[-1]:.3f} + columns")

        # A wrong shape is the library's error, not a crash.
        try:
            k.check(k.model_predict(model, features.buffer_info()[0], KOLOSAL_FLOAT64, 1, 3,
                                    KOLOSAL_ROW_MAJOR, labels.buffer_info()[0], len(labels)))
        except KolosalError as error:
            print("expected error:", error)

        # Save to bytes and load again: the same probabilities.
        size = ctypes.c_int64()
        k.check(k.model_save_buffer(model, None, 0, ctypes.byref(size)))
        blob = ctypes.create_string_buffer(size.value)
        k.check(k.model_save_buffer(model, blob, size, ctypes.byref(size)))
        k.check(k.model_load_buffer(blob, size, ctypes.byref(loaded)))
        n_test = ctypes.c_int64()
        k.check(k.dataset_n_rows(test, ctypes.byref(n_test)))
        capacity = n_test.value * n_classes.value
        before = array.array("f", bytes(4 * capacity))
        after = array.array("f", bytes(4 * capacity))
        k.check(k.model_predict_proba_dataset(model, test, before.buffer_info()[0], capacity))
        k.check(k.model_predict_proba_dataset(loaded, test, after.buffer_info()[0], capacity))
        if before != after:
            sys.exit("probabilities changed after a save/load round trip")
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "spam.kolosal").encode()
            k.check(k.model_save(model, path))
        print(f"save/load round trip: {n_test.value} rows, identical probabilities")
    finally:
        # Every free accepts NULL, so one cleanup path covers every failure above.
        k.model_free(loaded)
        k.model_free(model)
        k.train_engine_free(engine)
        k.dataset_free(test)
        k.dataset_free(train)
        k.dataset_free(data)


if __name__ == "__main__":
    try:
        main()
    except KolosalError as error:
        sys.exit(f"kolosal error: {error}")
