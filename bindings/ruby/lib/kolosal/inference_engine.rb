# frozen_string_literal: true

module Kolosal
  # Serves named models to concurrent callers (kolosal_inference_engine). Once a tree model
  # (gradient_boosting, random_forest, extra_trees, decision_tree) has had jit_min_calls calls
  # of at most jit_max_batch_rows rows, it is compiled to machine code in the background; the
  # compiled code gives exactly the floats of Model#predict and Model#predict_proba.
  #
  #   Kolosal::InferenceEngine.open(jit_min_calls: 50) do |engine|
  #     engine.add_model("credit", model)      # shared: closing model afterwards is fine
  #     engine.warmup("credit")                # => true: compiled now
  #     engine.predict_proba("credit", [[0.1, 2.0, 3.5]])
  #     engine.stats["models"].first["jit"]["state"]   # => "compiled"
  #   end
  #
  # Every method is thread-safe. The engine remembers each model's column and class counts
  # (the C ABI has no call for them), so flat input needs no cols: and probabilities come back
  # one Array per row, as Model's do.
  class InferenceEngine
    include NativeObject

    ROW_MAJOR = Native::KOLOSAL_ROW_MAJOR
    private_constant :ROW_MAJOR

    # Like new; with a block, yields the engine and closes it.
    def self.open(config = nil, **keywords, &block)
      Kolosal.yield_and_close(new(config, **keywords), &block)
    end

    # config (a Hash, keyword arguments or a JSON String): enable_jit_compilation (true),
    # jit_min_calls (100), jit_cache_size (32: compiled models kept), jit_max_batch_rows (4:
    # larger calls run the interpreter). An unknown key raises InvalidArgumentError naming the
    # nearest valid one.
    def initialize(config = nil, **keywords)
      config = Kolosal.config_json(keywords.empty? ? config : (config || {}).merge(keywords))
      @handle = Native.kolosal_inference_engine_create(config)
      # name => [n_features, n_classes]; changed together with the engine's models, under @lock.
      @shapes = {}
      @lock = Thread::Mutex.new
    end

    # Serves model under name (a String or Symbol). The engine shares the model: closing the
    # Model afterwards is fine. An empty name or one in use raises InvalidArgumentError.
    def add_model(name, model)
      name = name.to_s
      @lock.synchronize do
        Native.kolosal_inference_engine_add_model(@handle, name, model.handle)
        @shapes[name] = [model.n_features, model.n_classes].freeze
      end
      self
    end

    # Reads a model file (as Model.load: IOError, CorruptModelError) and serves it under name.
    # The file is read once, through Model.load (without the GVL), so that the engine learns the
    # model's shape; the model is then shared as by #add_model.
    def load_model(name, path)
      Model.load(path) { |model| add_model(name, model) }
    end

    # Stops serving name and drops its compiled code; calls already running finish. An unknown
    # name raises NotFoundError.
    def remove_model(name)
      name = name.to_s
      @lock.synchronize do
        Native.kolosal_inference_engine_remove_model(@handle, name)
        @shapes.delete(name)
      end
      self
    end

    # Model#predict through the engine: one Float per row (the class index, or the value). data
    # as for Model#predict (an Array of rows, a flat Array or a packed String). An unknown name
    # raises NotFoundError. 32 rows or more run without the GVL.
    def predict(name, data, rows: nil, cols: nil, dtype: :float64)
      name = name.to_s
      n_features, = @shapes[name]
      bytes, dtype_code, rows, cols = Matrix.pack(data, rows, cols, dtype, n_features)
      Native.kolosal_inference_engine_predict(@handle, name, bytes, dtype_code, rows, cols,
                                              ROW_MAJOR, rows)
            .unpack("e*")
    end

    # Model#predict_proba through the engine: one Array of n_classes Floats per row. A
    # regression model raises FailedPreconditionError.
    def predict_proba(name, data, rows: nil, cols: nil, dtype: :float64)
      name = name.to_s
      n_features, n_classes = @shapes[name]
      bytes, dtype_code, rows, cols = Matrix.pack(data, rows, cols, dtype, n_features)
      # An unknown name gets capacity 0: the library raises NotFoundError before it looks.
      Native.kolosal_inference_engine_predict_proba(@handle, name, bytes, dtype_code, rows, cols,
                                                    ROW_MAJOR, rows * n_classes.to_i)
            .unpack("e*").each_slice([n_classes.to_i, 1].max).to_a
    end

    # Compiles name now and waits (without the GVL). true when the model now runs compiled code,
    # false when it stays interpreted (not a tree model, or the JIT is off).
    def warmup(name)
      Native.kolosal_inference_engine_warmup(@handle, name.to_s) != 0
    end

    # Statistics as a Hash: "options", "jit_cache" ("capacity", "size", "hits", "misses",
    # "insertions", "evictions", "code_bytes") and "models", one Hash per model ("name",
    # "model_type", "calls", "rows", "compiled_calls", "interpreted_calls", "jit" with "state":
    # "interpreted", "compiling", "compiled", "evicted", "unsupported", "disabled" or "failed",
    # and "latency_us").
    def stats
      JSON.parse(Native.kolosal_inference_engine_stats(@handle))
    end
  end
end
