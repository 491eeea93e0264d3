using System;
using Kolosal.Native;

namespace Kolosal {

/// <summary>
/// Batch prediction over a CSV file of any size (kolosal_stream): records are read in chunks,
/// predicted in parallel and written in input order. At most MaxChunksInFlight chunks exist at
/// once (reading waits: backpressure), and the chunk size adapts to a memory budget, so peak
/// memory depends on the chunk size and not on the file size. One run at a time; Cancel() and
/// Stats() are thread-safe and meant for other threads while a run blocks. Dispose it
/// (<c>using</c>); disposing twice is safe, use after Dispose() throws KolosalException
/// (FailedPrecondition), and disposing during a run frees the stream once the run returns.
/// <code>
/// using (var stream = new StreamingPipeline(StreamConfig.Builder().ChunkRows(10000).Build())) {
///   stream.PredictCsv(model, "big.csv", "predictions.csv");
///   Console.WriteLine(stream.Stats());
/// }
/// </code>
/// </summary>
/// <remarks>
/// The input needs a header row: columns are matched by name and extra columns are ignored. The
/// output has a "prediction" column (quoted class names, or regression values), or with
/// Probabilities(true) one column per class, named by the class. Numbers are written in the
/// shortest text that reads back as the same float32.
/// </remarks>
public sealed class StreamingPipeline : NativeResource {
  /// <summary>A stream with the library's defaults.</summary>
  public StreamingPipeline() : this((string)null) {}

  /// <summary>A stream with the given configuration; keys and values are validated here.</summary>
  public StreamingPipeline(StreamConfig config) : this(config?.Json) {}

  /// <summary>A stream from configuration JSON (null or "" = defaults).</summary>
  public StreamingPipeline(string configJson)
      : base("StreamingPipeline", KolosalC.kolosal_stream_create(configJson),
             KolosalC.kolosal_stream_free) {}

  /// <summary>
  /// Predicts every row of the CSV file <paramref name="inputPath"/> with
  /// <paramref name="model"/> and writes the CSV <paramref name="outputPath"/>. Blocks until
  /// done. The output appears only when the run succeeds (it is written to outputPath +
  /// ".partial" first). KolosalException: InvalidArgument for a column the model needs and the
  /// file lacks (named in the message), a bad record (file and line), or probabilities with a
  /// regression model; Unsupported for contributions of a model file saved before they existed;
  /// Io for the files; Cancelled after <see cref="Cancel"/>;
  /// FailedPrecondition while another run of this stream is going on.
  /// </summary>
  public void PredictCsv(Model model, string inputPath, string outputPath) {
    if (model == null) throw new ArgumentNullException(nameof(model));
    IntPtr handle = Acquire();
    try {
      IntPtr modelHandle = model.Acquire();
      try {
        KolosalC.kolosal_stream_predict_csv(handle, modelHandle, inputPath, outputPath);
      } finally {
        model.Release();
      }
    } finally {
      Release();
    }
  }

  /// <summary>
  /// Stops the run in progress, which then throws KolosalException (Cancelled) and leaves no
  /// output file. A no-op when no run is going on. Thread-safe.
  /// </summary>
  public void Cancel() {
    IntPtr handle = Acquire();
    try {
      KolosalC.kolosal_stream_cancel(handle);
    } finally {
      Release();
    }
  }

  /// <summary>
  /// The current or last run as JSON: {"state": "idle" | "running" | "done" | "cancelled" |
  /// "failed", "rows", "chunks", "bytes_read", "input_bytes", "chunk_bytes",
  /// "peak_chunks_in_flight", "peak_memory_mb", "seconds", "rows_per_second", "error",
  /// "options"}. Thread-safe: poll it while a run blocks on another thread.
  /// </summary>
  public string Stats() {
    IntPtr handle = Acquire();
    try {
      return KolosalC.kolosal_stream_stats(handle);
    } finally {
      Release();
    }
  }
}

}  // namespace Kolosal
