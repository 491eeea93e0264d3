# frozen_string_literal: true

module Kolosal
  # Raised by an Optimizer#optimize block (or Trial#prune_if_needed!) to end the trial as
  # PRUNED.
  class TrialPruned < StandardError; end

  # One trial of an Optimizer (kolosal_trial): its number and parameters, and the intermediate
  # values it reports for pruning. Thread-safe. It keeps its study alive, so it stays usable
  # after the optimizer is closed. #close frees the handle only: tell the optimizer first.
  class Trial
    include NativeObject

    # @api private: trials come from Optimizer#ask.
    def initialize(handle)
      @handle = handle
    end

    # The trial's number in its study (0, 1, ...; distinct across processes).
    def number
      Native.kolosal_trial_number(@handle)
    end

    # Whether the parameter exists and its conditions hold in this trial.
    def param?(name)
      Native.kolosal_trial_has_param(@handle, name.to_s) != 0
    end

    # A float (or int) parameter as a Float; NotFoundError for an unknown or inactive one.
    def float(name)
      Native.kolosal_trial_get_float(@handle, name.to_s)
    end

    # An int parameter as an Integer.
    def int(name)
      Native.kolosal_trial_get_int(@handle, name.to_s)
    end

    # A categorical parameter's choice as a String (numbers and booleans as their JSON text).
    def categorical(name)
      Native.kolosal_trial_get_categorical(@handle, name.to_s)
    end

    # The active parameters: {"x" => 1.5, "n" => 3, "kernel" => "rbf"}.
    def params
      JSON.parse(Native.kolosal_trial_params(@handle))
    end

    # A parameter by name, typed as in #params (NotFoundError when inactive or unknown).
    def [](name)
      params.fetch(name.to_s) do
        raise NotFoundError, "trial #{number}: parameter '#{name}' is not active or unknown"
      end
    end

    # Records an intermediate objective value at step (>= 0), for pruning.
    def report(step, value)
      Native.kolosal_trial_report(@handle, Integer(step), Float(value))
      nil
    end

    # Whether the study's pruner says to stop this trial now.
    def should_prune?
      Native.kolosal_trial_should_prune(@handle) != 0
    end

    # Raises TrialPruned when #should_prune? (inside Optimizer#optimize: the trial is pruned).
    def prune_if_needed!
      raise TrialPruned, "trial #{number} pruned" if should_prune?
    end
  end
end
