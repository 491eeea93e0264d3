# frozen_string_literal: true

module Kolosal
  # A trained pipeline: preprocessing, model and metadata (kolosal_model). Immutable; any number
  # of threads may predict with it at once.
  class Model
    # Reads a model file (never runs code from it). With a block, yields the model and closes it.
    def self.load(path, &block)
      Kolosal.yield_and_close(new(Native.kolosal_model_load(path.to_s)), &block)
    end

    # Reads a model from the bytes of #to_bytes.
    def self.from_bytes(bytes, &block)
      Kolosal.yield_and_close(new(Native.kolosal_model_load_buffer(bytes.b)), &block)
    end

    # @api private: wraps a native model handle (use load, from_bytes or Trainer#fit).
    def initialize(pointer)
      @handle = Handle.new(pointer, :kolosal_model_free, "model")
      # A model never changes: its shape is read once.
      @n_features = Native.kolosal_model_n_features(pointer)
      @n_classes = Native.kolosal_model_n_classes(pointer)
    end

    # The number of input columns the model expects.
    attr_reader :n_features
    # The number of classes (0 for regression).
    attr_reader :n_classes

    # Writes the model file atomically.
    def save(path)
      @handle.use { |model| Native.kolosal_model_save(model, path.to_s) }
      self
    end

    # The serialised model (a binary String; deterministic for a given model).
    def to_bytes
      @handle.use do |model|
        size = Native.kolosal_model_save_buffer(model, 0)
        bytes, written = Native.kolosal_model_save_buffer(model, size)
        bytes.byteslice(0, written)
      end
    end

    # Model type, params, task, classes, features, metrics and library version, as a Hash.
    def metadata
      JSON.parse(@handle.use { |model| Native.kolosal_model_metadata(model) })
    end

    # The name of each class, by class index (empty for regression).
    def class_names
      @handle.use do |model|
        Array.new(@n_classes) { |index| Native.kolosal_model_class_name(model, index) }
      end
    end

    # One Float per row: the class index for classification, the value for regression. data is
    # an Array of rows, a flat Array or a packed String (see Kolosal::Matrix), columns in
    # training order.
    def predict(data, rows: nil, cols: nil, dtype: :float64)
      matrix = Matrix.new(data, rows: rows, cols: cols, dtype: dtype, default_cols: @n_features)
      @handle.use do |model|
        Native.kolosal_model_predict(model, matrix.bytes, matrix.dtype_code, matrix.rows,
                                     matrix.cols, Native::KOLOSAL_ROW_MAJOR, matrix.rows)
      end.unpack("e*")
    end

    # Class probabilities: one Array of n_classes Floats per row. Regression models raise
    # FailedPreconditionError.
    def predict_proba(data, rows: nil, cols: nil, dtype: :float64)
      matrix = Matrix.new(data, rows: rows, cols: cols, dtype: dtype, default_cols: @n_features)
      @handle.use do |model|
        Native.kolosal_model_predict_proba(model, matrix.bytes, matrix.dtype_code, matrix.rows,
                                           matrix.cols, Native::KOLOSAL_ROW_MAJOR,
                                           matrix.rows * @n_classes)
      end.unpack("e*").each_slice([@n_classes, 1].max).to_a
    end

    # #predict on a dataset whose columns are matched by name (extra columns such as the target
    # are ignored; categorical text maps to the training categories).
    def predict_dataset(dataset)
      with_dataset(dataset) do |model, data, rows|
        Native.kolosal_model_predict_dataset(model, data, rows)
      end.unpack("e*")
    end

    # #predict_proba on a dataset (columns matched by name).
    def predict_proba_dataset(dataset)
      with_dataset(dataset) do |model, data, rows|
        Native.kolosal_model_predict_proba_dataset(model, data, rows * @n_classes)
      end.unpack("e*").each_slice([@n_classes, 1].max).to_a
    end

    # Every applicable metric on a labelled dataset, as a Hash (e.g. "accuracy" => 0.93).
    def evaluate(dataset)
      JSON.parse(with_dataset(dataset) { |model, data| Native.kolosal_model_evaluate(model, data) })
    end

    # Frees the model (waits for predictions running on it). Safe to call twice.
    def close
      @handle.close
    end

    def closed?
      @handle.closed?
    end

    private

    def with_dataset(dataset)
      @handle.use do |model|
        dataset.handle.use { |data| yield model, data, Native.kolosal_dataset_n_rows(data) }
      end
    end
  end
end
