# frozen_string_literal: true

module Kolosal
  # Batch prediction over CSV files of any size (kolosal_stream): the file is read in chunks of
  # whole records, predicted in parallel and written in input order. At most
  # max_chunks_in_flight chunks exist at once, and the chunk size adapts to a memory budget, so
  # peak memory depends on the chunk size and not on the file size (docs/streaming.md).
  #
  #   Kolosal::StreamingPipeline.open(memory_budget_mb: 128) do |stream|
  #     stream.predict_csv(model, "big.csv", "predictions.csv")   # a "prediction" column
  #     stream.stats["rows_per_second"]
  #   end
  #
  # One #predict_csv runs at a time (a second one meanwhile raises FailedPreconditionError);
  # #cancel and #stats are meant for other threads during a run.
  class StreamingPipeline
    include NativeObject

    # Like new; with a block, yields the stream and closes it.
    def self.open(config = nil, **keywords, &block)
      Kolosal.yield_and_close(new(config, **keywords), &block)
    end

    # config (a Hash, keyword arguments or a JSON String): chunk_rows (0: sized to the memory
    # budget), memory_budget_mb (256), max_chunks_in_flight (4), n_jobs (0: all cores),
    # probabilities (false: one probability column per class, named by the class, instead of a
    # "prediction" column), contributions (false: SHAP contributions instead, for each output
    # one column per input column and "bias", named "class:column" for classification, the
    # values of Model#contributions; not with probabilities) and csv ({delimiter, quote,
    # missing_values}). An unknown key raises InvalidArgumentError naming the nearest valid one.
    def initialize(config = nil, **keywords)
      config = Kolosal.config_json(config, keywords)
      @handle = Native.kolosal_stream_create(config)
    end

    # Predicts every row of the CSV file input_path with model (columns matched by name, extra
    # columns ignored) and writes a CSV to output_path: a "prediction" column (class names or
    # values), with probabilities one column per class, or with contributions the contributions.
    # The file appears only when the run succeeds (it is written to output_path + ".partial"
    # first). Raises InvalidArgumentError (nil, a column the model needs and the file lacks, a
    # bad record, probabilities for a regression model), UnsupportedError (contributions of a
    # model file saved before they existed), IOError (files), CancelledError (#cancel) or
    # FailedPreconditionError (another run of this stream is going on). Runs without the GVL;
    # interrupting the thread (Thread#raise, Thread#kill, Ctrl-C) cancels the run.
    def predict_csv(model, input_path, output_path)
      Native.kolosal_stream_predict_csv(@handle, model&.handle, input_path&.to_s,
                                        output_path&.to_s)
      self
    end

    # Stops the run in progress: #predict_csv raises CancelledError soon after. A no-op when
    # idle; the stream can run again afterwards.
    def cancel
      Native.kolosal_stream_cancel(@handle)
      nil
    end

    # The current or last run as a Hash: "state" ("idle", "running", "done", "cancelled" or
    # "failed"), "rows", "chunks", "bytes_read", "input_bytes", "chunk_bytes",
    # "peak_chunks_in_flight", "peak_memory_mb", "seconds", "rows_per_second", "error" and
    # "options".
    def stats
      JSON.parse(Native.kolosal_stream_stats(@handle))
    end
  end
end
