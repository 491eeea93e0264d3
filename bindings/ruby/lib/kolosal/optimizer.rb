# frozen_string_literal: true

module Kolosal
  # A hyperparameter optimization study with an ask/tell interface (kolosal_optimizer): ask for
  # a Trial, evaluate the objective in Ruby, tell the result. No callback crosses into the
  # library; #optimize is the loop written in Ruby.
  #
  #   space = { params: [{ name: "x", type: "float", low: -5, high: 5 },
  #                      { name: "k", type: "categorical", choices: %w[a b] }] }
  #   Kolosal::Optimizer.open(space, max_trials: 50) do |optimizer|
  #     optimizer.optimize { |trial| (trial.float("x") - 2)**2 }
  #     p optimizer.best   # {"number" => ..., "value" => ..., "params" => {...}}
  #   end
  #
  # Every method is thread-safe; #cancel is meant for another thread. With storage:
  # ("sqlite:///abs/path.db", "postgresql://user@host:port/db") the study outlives the process
  # and is shared with other optimizers of the same study name. Trials stay usable after the
  # optimizer is closed.
  class Optimizer
    include NativeObject

    # Like new; with a block, yields the optimizer and closes it.
    def self.open(space, config = nil, storage: nil, **keywords, &block)
      Kolosal.yield_and_close(new(space, config, storage: storage, **keywords), &block)
    end

    # space: a Hash ({params: [...]}), an Array of parameter Hashes or a JSON String.
    # config (a Hash, keyword arguments or a JSON String): max_trials, optimization_timeout,
    # optimization_strategy, direction, random_state, pruner, study_name, ... (docs/hpo.md).
    # storage: nil (in memory), "sqlite:///abs/path.db" or "postgresql://...".
    def initialize(space, config = nil, storage: nil, **keywords)
      space = { params: space } if space.is_a?(Array)
      config = Kolosal.config_json(config, keywords)
      @handle = Native.kolosal_optimizer_create(Kolosal.config_json(space), config, storage)
    end

    # Starts a trial (an enqueued parameter set first, else the sampler's proposal). With a
    # block, yields it and closes the handle afterwards (tell it inside the block).
    def ask(&block)
      Kolosal.yield_and_close(Trial.new(Native.kolosal_optimizer_ask(@handle)), &block)
    end

    # Ends a running trial as COMPLETE with its objective value (NaN fails it).
    def tell(trial, value)
      Native.kolosal_optimizer_tell(@handle, trial.handle, Float(value))
      nil
    end

    # Ends a running trial as PRUNED (after Trial#should_prune? said so).
    def tell_pruned(trial)
      Native.kolosal_optimizer_tell_pruned(@handle, trial.handle)
      nil
    end

    # Ends a running trial as FAILED.
    def tell_failed(trial)
      Native.kolosal_optimizer_tell_failed(@handle, trial.handle)
      nil
    end

    # Asks, yields and tells until the study stops (or n_trials trials in this call): the
    # block's value is told; raising TrialPruned tells PRUNED; any other exception tells FAILED
    # and is re-raised. Returns #best (nil when nothing completed).
    def optimize(n_trials: nil)
      count = 0
      until should_stop? || (n_trials && count >= n_trials)
        ask { |trial| run_trial(trial) { yield trial } }
        count += 1
      end
      best_or_nil
    end

    # Queues a parameter set (a Hash name => value, or JSON; missing ones are sampled) to be
    # asked before any sampled one.
    def enqueue(params = nil, **keywords)
      Native.kolosal_optimizer_enqueue(@handle, Kolosal.config_json(params || keywords))
      nil
    end

    # Adds the finished trials of an earlier study (#history, as a Hash or JSON) and returns
    # how many were added.
    def warm_start(history)
      Native.kolosal_optimizer_warm_start(@handle, Kolosal.config_json(history))
    end

    # The best value of the completed trials (FailedPreconditionError while none has).
    def best_value
      Native.kolosal_optimizer_best_value(@handle)
    end

    # The best completed trial: {"number" => 7, "value" => 0.12, "params" => {...}}.
    def best
      JSON.parse(Native.kolosal_optimizer_best(@handle))
    end

    # The best completed trial's parameters.
    def best_params
      best.fetch("params")
    end

    # The study's history: "best_params", "best_value", "best_trial", "n_trials" and "trials"
    # (each with "number", "state", "value", "params", "intermediate_values", ...).
    def history
      JSON.parse(Native.kolosal_optimizer_history(@handle))
    end

    # Whether the study is over: max_trials, the timeout, convergence, an exhausted grid or
    # #cancel.
    def should_stop?
      Native.kolosal_optimizer_should_stop(@handle) != 0
    end

    # Why the study would stop now: "none", "max_trials", "timeout", "converged", "cancelled"
    # or "exhausted".
    def stop_reason
      Native.kolosal_optimizer_stop_reason(@handle)
    end

    # Marks the study cancelled (#should_stop? turns true). Thread-safe.
    def cancel
      Native.kolosal_optimizer_cancel(@handle)
      nil
    end

    private

    def run_trial(trial)
      value = yield
    rescue TrialPruned
      tell_pruned(trial)
    rescue StandardError
      tell_failed(trial)
      raise
    else
      tell(trial, value)
    end

    def best_or_nil
      best
    rescue FailedPreconditionError
      nil
    end
  end
end
