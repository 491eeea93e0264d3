# frozen_string_literal: true

# Ask/tell from Ruby: the objective runs here, with no callback into the library.
require "minitest/autorun"
require "tmpdir"
require "kolosal"
require_relative "test_helper"

class OptimizerTest < Minitest::Test
  include TestHelper
  include SyntheticProblems

  # x float, y int, k categorical: the minimum 0 is at x = 2, y = -1, k = "b".
  SPACE = { params: [{ name: "x", type: "float", low: -5, high: 5 },
                     { name: "y", type: "int", low: -5, high: 5 },
                     { name: "k", type: "categorical", choices: %w[a b c] }] }.freeze

  def objective(trial)
    penalty = trial.categorical("k") == "b" ? 0 : 1
    ((trial.float("x") - 2)**2) + ((trial.int("y") + 1)**2) + penalty
  end

  def test_ask_tell_loop_finds_the_minimum
    Kolosal::Optimizer.open(SPACE, max_trials: 60, random_state: 1) do |optimizer|
      told = []
      until optimizer.should_stop?
        optimizer.ask do |trial|
          value = objective(trial)
          told << value
          optimizer.tell(trial, value)
        end
      end
      assert_equal 60, told.size
      assert_equal "max_trials", optimizer.stop_reason
      assert_equal told.min, optimizer.best_value
      assert_operator optimizer.best_value, :<, 0.1
      assert_equal "b", optimizer.best_params["k"]
      assert_equal(-1, optimizer.best_params["y"])
      assert_equal 60, optimizer.history["n_trials"]
    end
  end

  def test_optimize_block_gives_the_same_study
    looped = Kolosal::Optimizer.open(SPACE, max_trials: 20, random_state: 1) do |optimizer|
      optimizer.optimize { |trial| objective(trial) }
    end
    manual = Kolosal::Optimizer.open(SPACE, max_trials: 20, random_state: 1) do |optimizer|
      optimizer.optimize(n_trials: 7) { |trial| objective(trial) }
      assert_equal 7, optimizer.history["n_trials"]
      optimizer.optimize { |trial| objective(trial) }
    end
    assert_equal looped, manual
  end

  def test_grid_covers_its_grid_once
    grid = [{ name: "a", type: "int", low: 0, high: 3 },
            { name: "k", type: "categorical", choices: %w[x y] }]
    seen = []
    Kolosal::Optimizer.open(grid, optimization_strategy: "GRID_SEARCH") do |optimizer|
      optimizer.optimize do |trial|
        seen << [trial.int("a"), trial.categorical("k")]
        trial.int("a")
      end
      assert_equal "exhausted", optimizer.stop_reason
    end
    assert_equal 8, seen.size
    assert_equal seen.uniq, seen
  end

  def test_conditions_enqueue_pruning_and_failures
    space = [{ name: "kernel", type: "categorical", choices: %w[rbf linear] },
             { name: "gamma", type: "float", low: 1e-3, high: 1, log: true,
               condition: { kernel: ["rbf"] } }]
    Kolosal::Optimizer.open(space, pruner: { name: "median", n_startup_trials: 1 }) do |optimizer|
      optimizer.enqueue(kernel: "linear")
      optimizer.ask do |trial|
        assert_equal 0, trial.number
        refute trial.param?("gamma")
        assert_equal({ "kernel" => "linear" }, trial.params)
        assert_equal "linear", trial[:kernel]
        assert_raises(Kolosal::NotFoundError) { trial[:gamma] }
        trial.report(0, 1.0)
        refute trial.should_prune?
        optimizer.tell(trial, 1.0)
      end
      optimizer.optimize(n_trials: 1) do |trial|
        trial.report(0, 100.0)
        trial.prune_if_needed!
        flunk "a trial far worse than the median was not pruned"
      end
      assert_raises(ZeroDivisionError) { optimizer.optimize(n_trials: 1) { |_trial| 1 / 0 } }
      states = optimizer.history["trials"].map { |trial| trial["state"] }
      assert_equal %w[COMPLETE PRUNED FAILED], states
      assert_equal 100.0, optimizer.history["trials"][1]["intermediate_values"]["0"]
    end
  end

  def test_warm_start_and_sqlite_resume
    Dir.mktmpdir do |dir|
      url = "sqlite://#{File.join(dir, 'study.db')}"
      config = { max_trials: 5, study_name: "rb" }
      history = Kolosal::Optimizer.open(SPACE, config, storage: url) do |optimizer|
        optimizer.optimize { |trial| objective(trial) }
        optimizer.history
      end
      Kolosal::Optimizer.open(SPACE, max_trials: 8, study_name: "rb", storage: url) do |resumed|
        numbers = []
        resumed.optimize do |trial|
          numbers << trial.number
          objective(trial)
        end
        assert_equal [5, 6, 7], numbers
      end
      Kolosal::Optimizer.open(SPACE) do |fresh|
        assert_equal 5, fresh.warm_start(history)
        assert_equal history["best_value"], fresh.best_value
      end
    end
  end

  def test_errors_carry_the_librarys_message
    assert_kolosal_error(Kolosal::InvalidArgumentError, "above high") do
      Kolosal::Optimizer.new([{ name: "x", type: "float", low: 2, high: 1 }])
    end
    assert_kolosal_error(Kolosal::InvalidArgumentError, "did you mean 'max_trials'") do
      Kolosal::Optimizer.new(SPACE, max_trial: 3)
    end
    assert_kolosal_error(Kolosal::InvalidArgumentError, "invalid JSON") do
      Kolosal::Optimizer.new("{")
    end
    assert_kolosal_error(Kolosal::IOError, "nonexistent-dir") do
      Kolosal::Optimizer.new(SPACE, storage: "sqlite:///nonexistent-dir/k/s.db")
    end
    Kolosal::Optimizer.open(SPACE) do |optimizer|
      Kolosal::Optimizer.open(SPACE) do |other|
        assert_kolosal_error(Kolosal::FailedPreconditionError, "no trial") { optimizer.best_value }
        assert_nil optimizer.optimize(n_trials: 0) { 0 }
        trial = optimizer.ask
        foreign = other.ask
        assert_kolosal_error(Kolosal::NotFoundError, "'z'") { trial.float("z") }
        assert_kolosal_error(Kolosal::InvalidArgumentError, "'x'") { trial.int("x") }
        assert_kolosal_error(Kolosal::InvalidArgumentError, "another optimizer") do
          optimizer.tell(foreign, 1)
        end
        assert_raises(TypeError) { optimizer.tell(optimizer, 1) }
        optimizer.tell(trial, 1)
        assert_kolosal_error(Kolosal::FailedPreconditionError, "trial 0") do
          optimizer.tell(trial, 2)
        end
        assert_kolosal_error(Kolosal::FailedPreconditionError, "trial 0") do
          optimizer.tell_pruned(trial)
        end
        trial.close
        foreign.close
      end
    end
  end

  def test_close_twice_and_use_after_close
    optimizer = Kolosal::Optimizer.new(SPACE, max_trials: 3)
    trial = optimizer.ask
    optimizer.close
    optimizer.close
    assert optimizer.closed?
    assert_kolosal_error(Kolosal::FailedPreconditionError, "optimizer is closed") { optimizer.ask }
    assert_kolosal_error(Kolosal::FailedPreconditionError, "optimizer is closed") do
      optimizer.should_stop?
    end
    # The trial keeps its study alive.
    assert_includes(-5.0..5.0, trial.float("x"))
    trial.report(0, 1.0)
    trial.close
    trial.close
    assert_kolosal_error(Kolosal::FailedPreconditionError, "trial is closed") { trial.number }
  end

  def test_cancel_from_another_thread
    Kolosal::Optimizer.open(SPACE) do |optimizer|
      assert_equal "none", optimizer.stop_reason
      Thread.new { optimizer.cancel }.join
      assert optimizer.should_stop?
      assert_equal "cancelled", optimizer.stop_reason
    end
  end

  def test_trainer_tune
    features, labels = dense_problem(300)
    Kolosal::Dataset.from_dense(features, labels: labels, task: "classification") do |data|
      Kolosal::Trainer.open(model: "logistic_regression", cv_folds: 3) do |trainer|
        stages = []
        trainer.on_progress { |_fraction, stage| stages << stage }
        trainer.tune(data, n_trials: 4, random_state: 3) do |model|
          tuning = model.metadata.fetch("tuning")
          assert_equal 4, tuning["n_trials"]
          assert_equal "accuracy", tuning["metric"]
          best_params = tuning["best_params"]
          assert_equal best_params, model.metadata["params"].slice(*best_params.keys)
        end
        assert_equal 4, stages.count("tuning")
        assert_kolosal_error(Kolosal::InvalidArgumentError, "did you mean 'n_trials'") do
          trainer.tune(data, n_trial: 3)
        end
        assert_kolosal_error(Kolosal::IOError, "nonexistent-dir") do
          trainer.tune(data, storage: "sqlite:///nonexistent-dir/k/s.db")
        end
      end
    end
  end
end
