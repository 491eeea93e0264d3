# frozen_string_literal: true

module Kolosal
  # A trained pipeline: preprocessing, model and metadata (kolosal_model). Immutable; any number
  # of threads may predict with it at once.
  class Model
    include NativeObject

    ROW_MAJOR = Native::KOLOSAL_ROW_MAJOR
    IMPORTANCE_TYPES = { gain: Native::KOLOSAL_IMPORTANCE_GAIN,
                         split: Native::KOLOSAL_IMPORTANCE_SPLIT,
                         coefficient: Native::KOLOSAL_IMPORTANCE_COEFFICIENT }.freeze
    private_constant :ROW_MAJOR, :IMPORTANCE_TYPES

    # Reads a model file (never runs code from it). With a block, yields the model and closes it.
    def self.load(path, &block)
      Kolosal.yield_and_close(new(Native.kolosal_model_load(path.to_s)), &block)
    end

    # Reads a model from the bytes of #to_bytes.
    def self.from_bytes(bytes, &block)
      Kolosal.yield_and_close(new(Native.kolosal_model_load_buffer(bytes.b)), &block)
    end

    # @api private: wraps a Kolosal::Native::Handle (use load, from_bytes or Trainer#fit).
    def initialize(handle)
      @handle = handle
      # A model never changes: its shape is read once.
      @n_features = Native.kolosal_model_n_features(handle)
      @n_classes = Native.kolosal_model_n_classes(handle)
    end

    # The number of input columns the model expects.
    attr_reader :n_features
    # The number of classes (0 for regression).
    attr_reader :n_classes

    # Writes the model file atomically.
    def save(path)
      Native.kolosal_model_save(@handle, path.to_s)
      self
    end

    # The serialised model (a binary String; deterministic for a given model).
    def to_bytes
      size = Native.kolosal_model_save_buffer(@handle, 0)
      bytes, written = Native.kolosal_model_save_buffer(@handle, size)
      bytes.byteslice(0, written)
    end

    # Model type, params, task, classes, features, metrics and library version, as a Hash.
    def metadata
      JSON.parse(Native.kolosal_model_metadata(@handle))
    end

    # The name of each class, by class index (empty for regression).
    def class_names
      Array.new(@n_classes) { |index| Native.kolosal_model_class_name(@handle, index) }
    end

    # The name of each input column, in training order.
    def feature_names
      Array.new(@n_features) { |index| Native.kolosal_model_feature_name(@handle, index) }
    end

    # Importance per input column, as a Hash from column name to Float in training order; the
    # indicator columns of a one-hot encoded column add up. :gain and :split are for tree
    # models, :coefficient for linear ones; another type raises UnsupportedError.
    def feature_importance(type = :gain)
      code = IMPORTANCE_TYPES.fetch(type) do
        raise ArgumentError, "unknown importance type #{type.inspect}; use :gain, :split or :coefficient"
      end
      values = Native.kolosal_model_feature_importance(@handle, code, @n_features).unpack("e*")
      feature_names.zip(values).to_h
    end

    # Permutation importance on a labelled dataset: per input column, how much the score drops
    # when that column is shuffled. config (keywords, a Hash or a JSON String): metric,
    # n_repeats, random_state, n_jobs. Returns a Hash with "metric", "baseline", "features",
    # "importances_mean" and "importances_std". Runs without the GVL.
    def permutation_importance(dataset, config = nil, **keywords)
      config = Kolosal.config_json(config, keywords)
      JSON.parse(Native.kolosal_model_permutation_importance(@handle, dataset.handle, config))
    end

    # SHAP contributions on a dataset (columns matched by name): one Array per row, holding one
    # Array per output (n_classes of them, 1 for regression) of n_features + 1 Floats, one per
    # input column in training order and then the bias. Each sums to the output before its link:
    # the class's log-odds for gradient_boosting and logistic_regression (a binary model's class
    # 0 values are the negatives of class 1's), the class probability for decision_tree,
    # random_forest and extra_trees, the prediction for regression. A missing column raises
    # InvalidArgumentError; a tree model file saved before node covers were stored,
    # UnsupportedError. Runs without the GVL.
    def contributions(dataset)
      outputs = [@n_classes, 1].max
      width = @n_features + 1
      Native.kolosal_model_predict_contributions(@handle, dataset.handle,
                                                 dataset.n_rows * outputs * width)
            .unpack("e*").each_slice(width).each_slice(outputs).to_a
    end

    # One Float per row: the class index for classification, the value for regression. data is
    # an Array of rows, a flat Array or a packed String (see Kolosal::Matrix), columns in
    # training order.
    def predict(data, rows: nil, cols: nil, dtype: :float64)
      bytes, dtype_code, rows, cols = Matrix.pack(data, rows, cols, dtype, @n_features)
      Native.kolosal_model_predict(@handle, bytes, dtype_code, rows, cols, ROW_MAJOR, rows)
            .unpack("e*")
    end

    # Class probabilities: one Array of n_classes Floats per row. Regression models raise
    # FailedPreconditionError.
    def predict_proba(data, rows: nil, cols: nil, dtype: :float64)
      bytes, dtype_code, rows, cols = Matrix.pack(data, rows, cols, dtype, @n_features)
      Native.kolosal_model_predict_proba(@handle, bytes, dtype_code, rows, cols, ROW_MAJOR,
                                         rows * @n_classes)
            .unpack("e*").each_slice([@n_classes, 1].max).to_a
    end

    # #predict on a dataset whose columns are matched by name (extra columns such as the target
    # are ignored; categorical text maps to the training categories).
    def predict_dataset(dataset)
      Native.kolosal_model_predict_dataset(@handle, dataset.handle, dataset.n_rows).unpack("e*")
    end

    # #predict_proba on a dataset (columns matched by name).
    def predict_proba_dataset(dataset)
      Native.kolosal_model_predict_proba_dataset(@handle, dataset.handle, dataset.n_rows * @n_classes)
            .unpack("e*").each_slice([@n_classes, 1].max).to_a
    end

    # Every applicable metric on a labelled dataset, as a Hash (e.g. "accuracy" => 0.93).
    def evaluate(dataset)
      JSON.parse(Native.kolosal_model_evaluate(@handle, dataset.handle))
    end
  end
end
