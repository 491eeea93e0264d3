# frozen_string_literal: true

module Kolosal
  # A table of features, optionally with labels (kolosal_dataset). Immutable; safe to read from
  # many threads.
  class Dataset
    include NativeObject

    # Reads a CSV file. Options (a Hash, keyword arguments or a JSON String): target, task
    # ("classification" or "regression"), delimiter, has_header, missing_values, column_types,
    # drop_columns, max_rows, weight_column (a numeric column of per-row training weights).
    # Without a target the dataset has no labels (for prediction).
    # With a block, yields the dataset and closes it.
    def self.read_csv(path, options = nil, **keywords, &block)
      config = Kolosal.config_json(options, keywords)
      Kolosal.yield_and_close(new(Native.kolosal_dataset_from_csv(path.to_s, config)), &block)
    end

    # Copies a dense matrix (see Kolosal::Matrix.pack; NaN = missing) and optional labels (one per
    # row: class indices or regression targets) into a dataset. Options: feature_names,
    # target_name, task, weight_column (a feature column of per-row training weights). With a
    # block, yields the dataset and closes it.
    def self.from_dense(data, labels: nil, rows: nil, cols: nil, dtype: :float64, **options,
                        &block)
      bytes, dtype_code, rows, cols = Matrix.pack(data, rows, cols, dtype)
      label_bytes = labels && Matrix.pack(labels, rows, 1, dtype).first
      pointer = Native.kolosal_dataset_from_dense(
        bytes, dtype_code, rows, cols, Native::KOLOSAL_ROW_MAJOR, label_bytes, dtype_code,
        options.empty? ? nil : Kolosal.config_json(options)
      )
      Kolosal.yield_and_close(new(pointer), &block)
    end

    # @api private: wraps a Kolosal::Native::Handle (use read_csv or from_dense).
    def initialize(handle)
      @handle = handle
    end

    def n_rows
      Native.kolosal_dataset_n_rows(@handle)
    end

    # The number of feature columns (the target is not counted).
    def n_cols
      Native.kolosal_dataset_n_cols(@handle)
    end

    # Rows, columns (name, type, missing count, categories), task and classes, as a Hash.
    def describe
      JSON.parse(Native.kolosal_dataset_describe(@handle))
    end

    # The labels: class indices (classification) or target values (regression), as Floats.
    def labels
      Native.kolosal_dataset_labels(@handle, n_rows).unpack("e*")
    end

    # A seeded split, stratified for classification: [train, test]. With a block, yields both
    # and closes both.
    def train_test_split(test_fraction, seed: 0)
      parts = Native.kolosal_dataset_train_test_split(@handle, test_fraction.to_f, seed)
                    .map { |handle| Dataset.new(handle) }
      return parts unless block_given?

      begin
        yield(*parts)
      ensure
        parts.each(&:close)
      end
    end
  end
end
