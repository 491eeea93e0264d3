# frozen_string_literal: true

# Kolosal: train, tune and serve tabular models from Ruby.
#
# A thin layer over the C ABI (kolosal_c.h): SWIG generates Kolosal::Native (kolosal/native.so);
# these classes own its handles and speak Ruby. There is no ML logic here.
#
#   Kolosal::Dataset.read_csv("spam.csv", target: "type") do |data|
#     Kolosal::Trainer.open(model: "logistic_regression") do |trainer|
#       trainer.fit(data) { |model| p model.predict([[0.0] * model.n_features]) }
#     end
#   end
#
#   space = [{ name: "x", type: "float", low: -5, high: 5 }]
#   Kolosal::Optimizer.open(space, max_trials: 40) do |optimizer|
#     optimizer.optimize { |trial| (trial.float("x") - 2)**2 }   # ask/tell, in Ruby
#   end
#
#   Kolosal::InferenceEngine.open(jit_min_calls: 50) do |engine|   # serving, JIT-compiled
#     engine.add_model("spam", model)
#     engine.predict_proba("spam", [[0.0] * model.n_features])
#   end
#
#   Kolosal::StreamingPipeline.open(chunk_rows: 10_000) do |stream|   # files of any size
#     stream.predict_csv(model, "big.csv", "predictions.csv")
#   end
#
# - Failures raise Kolosal::Error (a subclass per status, e.g. Kolosal::IOError) carrying the
#   status code and the library's message.
# - Dataset, Trainer, Model, Optimizer, Trial, InferenceEngine and StreamingPipeline hold
#   native handles. #close frees one (twice is fine; a closed object raises
#   Kolosal::FailedPreconditionError); the block forms close for you, and the GC frees what was
#   forgotten. A close while other threads use the object takes effect when their calls return.
# - Matrices are an Array of rows, a flat Array (with cols:), or a packed String
#   (Array#pack("E*") for float64, "e*" with dtype: :float32); they cross to C in one piece.
# - Long calls (reading, loading, fitting, cross-validating, tuning, evaluating, predicting
#   many rows, streaming prediction, opening a study, asking, warming up a model's compiled
#   code) release the GVL, so other threads run meanwhile. Thread#raise, Thread#kill or Ctrl-C
#   during a fit, tuning or streaming prediction cancels it.
module Kolosal
end

require "json"
require_relative "kolosal/error"
require "kolosal/native"
require_relative "kolosal/native_object"
require_relative "kolosal/matrix"
require_relative "kolosal/dataset"
require_relative "kolosal/model"
require_relative "kolosal/trainer"
require_relative "kolosal/trial"
require_relative "kolosal/optimizer"
require_relative "kolosal/inference_engine"
require_relative "kolosal/streaming_pipeline"

module Kolosal
  # The library version, e.g. "0.1.0".
  def self.version
    Native.kolosal_version
  end

  # Build information: version, compiler, build type and the CPU features detected.
  def self.build_info
    JSON.parse(Native.kolosal_build_info)
  end

  # The number of native handles (datasets, trainers, models, optimizers, trials, inference
  # engines, streams) created and not yet freed in this process, for leak checks. #close frees a
  # handle at once; the GC frees a forgotten one when it sweeps the object.
  def self.live_handle_count
    Native.kolosal_live_handle_count
  end

  # Configs and options are JSON for the C ABI: nil (defaults), a JSON String, or a Hash, with
  # keyword arguments merged over it (they win over a key of the same name).
  def self.config_json(config, keywords = {})
    if keywords.empty?
      return config.nil? || config.is_a?(String) ? config : JSON.generate(config)
    end

    base = config.is_a?(String) ? JSON.parse(config) : (config || {})
    unless base.is_a?(Hash)
      raise ArgumentError, "keywords merge only into a JSON object, not #{base.class}"
    end

    JSON.generate(base.transform_keys(&:to_s).merge(keywords.transform_keys(&:to_s)))
  rescue JSON::ParserError => error
    raise ArgumentError, "config is not JSON: #{error.message}"
  end
end
