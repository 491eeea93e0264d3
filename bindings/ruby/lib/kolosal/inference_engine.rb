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
  # (read once, when the model is added), so flat input needs no cols: and probabilities come
  # back one Array per row, as Model's do.
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
      config = Kolosal.config_json(config, keywords)
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

    # Reads a model file (as Model.load: IOError, CorruptModelError; without the GVL) and serves
    # it under name. An empty name or one in use raises InvalidArgumentError. Other threads'
    # #add_model, #load_model and #remove_model wait for the file; predictions do not.
    def load_model(name, path)
      name = name.to_s
      @lock.synchronize do
        Native.kolosal_inference_engine_load_model(@handle, name, path.to_s)
        begin
          @shapes[name] = served_shape(name)
        rescue Exception # rubocop:disable Lint/RescueException -- never half-added
          remove_quietly(name)
          raise
        end
      end
      self
    end

    # The model served under name, as a Model that shares it (no copy): for its metadata,
    # n_features, n_classes, class and feature names, or to predict with directly. It stays
    # valid after #remove_model and after the engine is closed; close it when done. With a
    # block, yields it and closes it. An unknown name raises NotFoundError.
    def model(name, &block)
      Kolosal.yield_and_close(Model.new(Native.kolosal_inference_engine_model(@handle, name.to_s)),
                              &block)
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
      loop do
        shape = @shapes[name]
        n_features, n_classes = shape
        bytes, dtype_code, n_rows, n_cols = Matrix.pack(data, rows, cols, dtype, n_features)
        # Every add stores a new shape: when the name changed hands while the call ran, the call
        # may have used the other model, with another number of classes (too few for the buffer:
        # an error; too many: rows of the wrong width), so predict again.
        begin
          # An unknown name gets capacity 0: the library raises NotFoundError before it looks.
          packed = Native.kolosal_inference_engine_predict_proba(@handle, name, bytes, dtype_code,
                                                                 n_rows, n_cols, ROW_MAJOR,
                                                                 n_rows * n_classes.to_i)
        rescue Kolosal::Error
          raise if @shapes[name].equal?(shape)

          next
        end
        next unless @shapes[name].equal?(shape)

        return packed.unpack("e*").each_slice([n_classes.to_i, 1].max).to_a
      end
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

    private

    # [n_features, n_classes] of the model served under name, read from a handle freed at once.
    def served_shape(name)
      handle = Native.kolosal_inference_engine_model(@handle, name)
      begin
        [Native.kolosal_model_n_features(handle), Native.kolosal_model_n_classes(handle)].freeze
      ensure
        Native.kolosal_ruby_close(handle)
      end
    end

    # Stops serving name after a failed #load_model, keeping the error that made it fail.
    def remove_quietly(name)
      Native.kolosal_inference_engine_remove_model(@handle, name)
    rescue Error
      nil
    end
  end
end
