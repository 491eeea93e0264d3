# frozen_string_literal: true

module Kolosal
  # A table of features, optionally with labels (kolosal_dataset). Immutable; safe to read from
  # many threads.
  class Dataset
    # Reads a CSV file. Options (a Hash, keyword arguments or a JSON String): target, task
    # ("classification" or "regression"), delimiter, has_header, missing_values, column_types,
    # drop_columns, max_rows. Without a target the dataset has no labels (for prediction).
    # With a block, yields the dataset and closes it.
    def self.read_csv(path, options = nil, **keywords, &block)
      config = Kolosal.config_json(keywords.empty? ? options : (options || {}).merge(keywords))
      Kolosal.yield_and_close(new(Native.kolosal_dataset_from_csv(path.to_s, config)), &block)
    end

    # Copies a dense matrix (see Kolosal::Matrix; NaN = missing) and optional labels (one per
    # row: class indices or regression targets) into a dataset. Options: feature_names,
    # target_name, task. With a block, yields the dataset and closes it.
    def self.from_dense(data, labels: nil, rows: nil, cols: nil, dtype: :float64, **options,
                        &block)
      matrix = Matrix.new(data, rows: rows, cols: cols, dtype: dtype)
      label_bytes = labels && Matrix.new(labels, rows: matrix.rows, cols: 1, dtype: dtype).bytes
      pointer = Native.kolosal_dataset_from_dense(
        matrix.bytes, matrix.dtype_code, matrix.rows, matrix.cols, Native::KOLOSAL_ROW_MAJOR,
        label_bytes, matrix.dtype_code, options.empty? ? nil : Kolosal.config_json(options)
      )
      Kolosal.yield_and_close(new(pointer), &block)
    end

    # @api private: wraps a native dataset handle (use read_csv or from_dense).
    def initialize(pointer)
      @handle = Handle.new(pointer, :kolosal_dataset_free, "dataset")
    end

    # @api private
    attr_reader :handle

    def n_rows
      @handle.use { |dataset| Native.kolosal_dataset_n_rows(dataset) }
    end

    # The number of feature columns (the target is not counted).
    def n_cols
      @handle.use { |dataset| Native.kolosal_dataset_n_cols(dataset) }
    end

    # Rows, columns (name, type, missing count, categories), task and classes, as a Hash.
    def describe
      JSON.parse(@handle.use { |dataset| Native.kolosal_dataset_describe(dataset) })
    end

    # The labels: class indices (classification) or target values (regression), as Floats.
    def labels
      @handle.use do |dataset|
        Native.kolosal_dataset_labels(dataset, Native.kolosal_dataset_n_rows(dataset)).unpack("e*")
      end
    end

    # A seeded split, stratified for classification: [train, test]. With a block, yields both
    # and closes both.
    def train_test_split(test_fraction, seed: 0)
      train, test = @handle.use do |dataset|
        Native.kolosal_dataset_train_test_split(dataset, test_fraction.to_f, seed)
      end
      parts = [Dataset.new(train), Dataset.new(test)]
      return parts unless block_given?

      begin
        yield(*parts)
      ensure
        parts.each(&:close)
      end
    end

    # Frees the dataset (waits for calls running on it). Safe to call twice.
    def close
      @handle.close
    end

    def closed?
      @handle.closed?
    end
  end
end
