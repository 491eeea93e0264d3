# frozen_string_literal: true

module Kolosal
  # Fits models with one configuration (kolosal_train_engine). Runs one fit or cross-validation
  # at a time; #cancel may be called from any thread.
  class Trainer
    include NativeObject

    # Like new; with a block, yields the trainer and closes it.
    def self.open(config = nil, **keywords, &block)
      Kolosal.yield_and_close(new(config, **keywords), &block)
    end

    # config (a Hash, keyword arguments or a JSON String): model, params, preprocessing,
    # n_jobs, random_state, cv_folds, metric. The model name and params are checked here.
    def initialize(config = nil, **keywords)
      config = Kolosal.config_json(config, keywords)
      @handle = Native.kolosal_train_engine_create(config)
      @progress = nil
      @progress_error = nil
    end

    # Fits preprocessing and model on a labelled dataset and returns the Model. With a block,
    # yields the model and closes it. Runs without the GVL; interrupting the thread cancels.
    def fit(dataset, &block)
      handle = run { Native.kolosal_train_engine_fit(@handle, dataset.handle) }
      Kolosal.yield_and_close(Model.new(handle), &block)
    end

    # K-fold cross-validated score ("cv_folds" and "metric" of the config): a Hash with
    # "metric", "greater_is_better", "fold_scores", "mean" and "std".
    def cross_validate(dataset)
      JSON.parse(run { Native.kolosal_train_engine_cross_validate(@handle, dataset.handle) })
    end

    # Tunes the trainer's model by cross-validation ("cv_folds" and "metric" of the config)
    # over its default search space (or search_space:), then refits the best params on the
    # whole dataset; the Model's metadata["tuning"] holds the study summary. config (a Hash,
    # keyword arguments or a JSON String): n_trials, max_trials, search_space,
    # optimization_strategy, optimization_timeout, pruner, study_name, random_state, ...
    # storage: nil (in memory), "sqlite:///abs/path.db" or "postgresql://...": a study of the
    # same name there is resumed. With a block, yields the model and closes it. Runs without
    # the GVL; interrupting the thread cancels; #on_progress gets stage "tuning" per trial.
    def tune(dataset, config = nil, storage: nil, **keywords, &block)
      config = Kolosal.config_json(config, keywords)
      handle = run { Native.kolosal_train_engine_tune(@handle, dataset.handle, config, storage) }
      Kolosal.yield_and_close(Model.new(handle), &block)
    end

    # Asks a running fit, cross-validation or tuning to stop; it raises CancelledError soon
    # after. The trainer can be used again.
    def cancel
      Native.kolosal_train_engine_cancel(@handle)
      nil
    end

    # Calls the block with (fraction, stage) during fits, on the thread running the fit (with
    # the GVL). Returning :cancel cancels; an exception cancels and is re-raised by #fit.
    # Without a block, removes the callback. Not while a fit is running.
    def on_progress(&block)
      callback = block && lambda do |fraction, stage|
        block.call(fraction, stage) == :cancel
      rescue Exception => e # rubocop:disable Lint/RescueException -- re-raised after the fit
        @progress_error = e
        true
      end
      Native.kolosal_ruby_train_engine_set_progress(@handle, callback)
      @progress = callback # the native side holds the Proc: keep it alive
      self
    end

    private

    def run
      yield
    rescue CancelledError
      error = @progress_error
      @progress_error = nil
      raise error if error

      raise
    end
  end
end
