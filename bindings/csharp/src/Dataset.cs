using System;
using Kolosal.Native;

namespace Kolosal {

/// <summary>
/// A table of features, optionally with labels (kolosal_dataset). Immutable and safe to read from
/// many threads. Dispose it (<c>using</c>); disposing twice is safe, use after Dispose() throws
/// KolosalException (FailedPrecondition).
/// </summary>
public sealed class Dataset : NativeResource {
  internal Dataset(IntPtr handle) : base("Dataset", handle, KolosalC.kolosal_dataset_free) {}

  /// <summary>Reads a CSV file; without options (or a target) the dataset has no labels.</summary>
  public static Dataset FromCsv(string path, CsvOptions options = null) {
    return new Dataset(KolosalC.kolosal_dataset_from_csv(path, options?.Json));
  }

  /// <summary>
  /// A dataset from a rows x cols matrix (copied; NaN = missing). Labels (class indices or
  /// regression values) may be null.
  /// </summary>
  public static unsafe Dataset FromArray(float[] data, long rows, long cols, float[] labels = null,
                                         DatasetOptions options = null) {
    NativeArrays.CheckMatrix(data?.Length, rows, cols);
    NativeArrays.CheckMatrix(labels?.Length, rows, 1);
    fixed (float* values = data)
    fixed (float* targets = labels) {
      return FromPointers((IntPtr)values, kolosal_dtype.KOLOSAL_FLOAT32, rows, cols,
                          (IntPtr)targets, kolosal_dtype.KOLOSAL_FLOAT32, options);
    }
  }

  /// <summary>As <see cref="FromArray(float[], long, long, float[], DatasetOptions)"/>, from doubles.</summary>
  public static unsafe Dataset FromArray(double[] data, long rows, long cols,
                                         double[] labels = null, DatasetOptions options = null) {
    NativeArrays.CheckMatrix(data?.Length, rows, cols);
    NativeArrays.CheckMatrix(labels?.Length, rows, 1);
    fixed (double* values = data)
    fixed (double* targets = labels) {
      return FromPointers((IntPtr)values, kolosal_dtype.KOLOSAL_FLOAT64, rows, cols,
                          (IntPtr)targets, kolosal_dtype.KOLOSAL_FLOAT64, options);
    }
  }

  /// <summary>From a [rows, cols] array (row-major by nature).</summary>
  public static unsafe Dataset FromArray(float[,] data, float[] labels = null,
                                         DatasetOptions options = null) {
    NativeArrays.CheckMatrix(labels?.Length, data.GetLength(0), 1);
    fixed (float* values = data)
    fixed (float* targets = labels) {
      return FromPointers((IntPtr)values, kolosal_dtype.KOLOSAL_FLOAT32, data.GetLength(0),
                          data.GetLength(1), (IntPtr)targets, kolosal_dtype.KOLOSAL_FLOAT32,
                          RowMajor(options));
    }
  }

  /// <summary>From a [rows, cols] array of doubles.</summary>
  public static unsafe Dataset FromArray(double[,] data, double[] labels = null,
                                         DatasetOptions options = null) {
    NativeArrays.CheckMatrix(labels?.Length, data.GetLength(0), 1);
    fixed (double* values = data)
    fixed (double* targets = labels) {
      return FromPointers((IntPtr)values, kolosal_dtype.KOLOSAL_FLOAT64, data.GetLength(0),
                          data.GetLength(1), (IntPtr)targets, kolosal_dtype.KOLOSAL_FLOAT64,
                          RowMajor(options));
    }
  }

  private static DatasetOptions RowMajor(DatasetOptions options) {
    return new DatasetOptions(options?.Json, Layout.RowMajor);
  }

  private static Dataset FromPointers(IntPtr data, kolosal_dtype dtype, long rows, long cols,
                                      IntPtr labels, kolosal_dtype labelsDtype,
                                      DatasetOptions options) {
    options = options ?? DatasetOptions.Default;
    return new Dataset(KolosalC.kolosal_dataset_from_dense(
        data, dtype, rows, cols, (kolosal_layout)options.Layout, labels, labelsDtype,
        options.Json));
  }

  /// <summary>Number of rows.</summary>
  public long Rows {
    get {
      IntPtr handle = Acquire();
      try {
        return KolosalC.kolosal_dataset_n_rows(handle);
      } finally {
        Release();
      }
    }
  }

  /// <summary>Number of feature columns (the target is not counted).</summary>
  public long Cols {
    get {
      IntPtr handle = Acquire();
      try {
        return KolosalC.kolosal_dataset_n_cols(handle);
      } finally {
        Release();
      }
    }
  }

  /// <summary>A JSON description: rows, columns, task, classes.</summary>
  public string Describe() {
    IntPtr handle = Acquire();
    try {
      return KolosalC.kolosal_dataset_describe(handle);
    } finally {
      Release();
    }
  }

  /// <summary>The labels: class indices for classification, values for regression.</summary>
  public unsafe float[] Labels() {
    IntPtr handle = Acquire();
    try {
      var labels = new float[KolosalC.kolosal_dataset_n_rows(handle)];
      fixed (float* output = labels) {
        KolosalC.kolosal_dataset_labels(handle, (IntPtr)output, labels.Length);
      }
      return labels;
    } finally {
      Release();
    }
  }

  /// <summary>A seeded train/test split (stratified for classification); dispose both.</summary>
  public (Dataset Train, Dataset Test) TrainTestSplit(double testFraction, ulong seed) {
    IntPtr handle = Acquire();
    try {
      KolosalC.kolosal_dataset_train_test_split(handle, testFraction, seed, out IntPtr train,
                                                out IntPtr test);
      return (new Dataset(train), new Dataset(test));
    } finally {
      Release();
    }
  }
}

/// <summary>Length checks that keep the library from reading past a managed array.</summary>
internal static class NativeArrays {
  public static void CheckMatrix(long? length, long rows, long cols) {
    if (length == null || rows < 0 || cols < 0) return;  // the library rejects these itself
    long needed;
    try {
      needed = checked(rows * cols);
    } catch (OverflowException) {
      throw new KolosalException(StatusCode.InvalidArgument,
                                 "rows x cols overflows: " + rows + " x " + cols);
    }
    if (length < needed) {
      throw new KolosalException(StatusCode.InvalidArgument,
                                 "the array holds " + length + " values, rows x cols = " + rows +
                                     " x " + cols + " needs " + needed);
    }
  }
}

}  // namespace Kolosal
