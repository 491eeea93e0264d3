package ai.kolosal;

import ai.kolosal.jni.KolosalC;

/**
 * Predicts CSV files of any size (kolosal_stream). The input is read in chunks of whole records,
 * predicted in parallel and written in input order; at most maxChunksInFlight chunks exist at
 * once, and chunkRows 0 sizes the chunks to the memory budget, so memory depends on the chunk
 * size and not on the file size.
 *
 * <pre>{@code
 * try (Model model = Model.load("credit.kolosal");
 *      StreamingPipeline stream = new StreamingPipeline(StreamConfig.builder()
 *          .probabilities(true).build())) {
 *   stream.predictCsv(model, "applicants.csv", "scores.csv");  // blocks until done
 *   System.out.println(stream.stats());                        // JSON: rows, chunks, memory
 * }
 * }</pre>
 *
 * <p>One run at a time: a second concurrent {@link #predictCsv} throws FAILED_PRECONDITION.
 * {@link #cancel()} and {@link #stats()} may be called from any thread while a run goes on.
 * Closing twice is safe; use after close throws KolosalException FAILED_PRECONDITION, and
 * closing while a run goes on frees the pipeline once the run returns.
 */
public final class StreamingPipeline extends NativeResource {
  /** A pipeline with the library's defaults. */
  public StreamingPipeline() {
    this((String) null);
  }

  /** A pipeline with the given configuration, validated here. */
  public StreamingPipeline(StreamConfig config) {
    this(config == null ? null : config.toJson());
  }

  /** A pipeline from configuration JSON (null or "" = defaults). */
  public StreamingPipeline(String configJson) {
    super("StreamingPipeline", KolosalC.kolosal_stream_create(configJson),
        KolosalC::kolosal_stream_free);
  }

  /**
   * Predicts every row of the CSV file inputPath (it has a header row; columns are matched by
   * name and extra columns are ignored) and writes a CSV file to outputPath: a "prediction"
   * column of class names or values, with probabilities one column per class, named by the
   * class, or with contributions the SHAP contributions. Blocks until done. The output appears only when the run succeeds: it is written to
   * outputPath + ".partial" first, which a failed run removes. The model stays usable by other
   * threads meanwhile.
   *
   * <p>Throws KolosalException INVALID_ARGUMENT for a column the model needs and the file lacks
   * (named in the message), a bad record, probabilities with a regression model, or a null
   * argument; UNSUPPORTED for contributions of a model file saved before they existed; IO when a
   * file cannot be read or written; CANCELLED after {@link #cancel()};
   * FAILED_PRECONDITION while another run of this pipeline goes on, or for a closed model.
   */
  public void predictCsv(Model model, String inputPath, String outputPath) {
    long handle = acquire();
    try {
      if (model == null) {
        // The library rejects the null handle with its own message.
        KolosalC.kolosal_stream_predict_csv(handle, 0, inputPath, outputPath);
        return;
      }
      long modelHandle = model.acquire();
      try {
        KolosalC.kolosal_stream_predict_csv(handle, modelHandle, inputPath, outputPath);
      } finally {
        model.release();
      }
    } finally {
      release();
    }
  }

  /** Stops the run in progress, which then throws CANCELLED; does nothing when idle. */
  public void cancel() {
    long handle = acquire();
    try {
      KolosalC.kolosal_stream_cancel(handle);
    } finally {
      release();
    }
  }

  /**
   * The current or last run as JSON: {"state", "rows", "chunks", "bytes_read", "input_bytes",
   * "chunk_bytes", "peak_chunks_in_flight", "peak_memory_mb", "seconds", "rows_per_second",
   * "error", "options"}. The state is "idle", "running", "done", "cancelled" or "failed".
   */
  public String stats() {
    long handle = acquire();
    try {
      return KolosalC.kolosal_stream_stats(handle);
    } finally {
      release();
    }
  }
}
