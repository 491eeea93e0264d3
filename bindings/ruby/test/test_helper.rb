# frozen_string_literal: true

# What the tests of the Ruby binding share, required by each test file with require_relative:
# TestHelper (float32 rounding, checks of errors and handles, waiting on other threads) and
# SyntheticProblems (small generated problems to fit models on, so that tests need no dataset
# files). A test class includes the modules it uses.
require "kolosal"

module TestHelper
  # A Float rounded to float32 (the library's number type): such values survive the trip
  # through CSV text exactly, and predictions compare exactly.
  def float32(value)
    [value].pack("e").unpack1("e")
  end

  # Also TestHelper.float32, for data a test class reads once for all its tests.
  module_function :float32

  def monotonic_seconds
    Process.clock_gettime(Process::CLOCK_MONOTONIC)
  end

  # The block raises klass, a Kolosal::Error with klass's code and a message that contains
  # message_part; returns the error.
  def assert_kolosal_error(klass, message_part)
    error = assert_raises(klass) { yield }
    assert_kind_of Kolosal::Error, error
    assert_equal klass::CODE, error.code
    assert_includes error.message, message_part
    error
  end

  # Each call of uses (a Hash: what it does => a lambda) on a closed object raises
  # FailedPreconditionError with message_part ("stream is closed").
  def assert_refused_when_closed(uses, message_part)
    uses.each do |use, call|
      error = assert_kolosal_error(Kolosal::FailedPreconditionError, message_part, &call)
      assert_equal "FAILED_PRECONDITION", error.status, use
    end
  end

  # opener (a lambda that passes its block on to a block form, such as
  # ->(&block) { Kolosal::Trainer.open(&block) }) returns the block's value, holds one handle
  # per object it yields while the block runs, and closes and frees them all after the block
  # returns and after it raises. form names the block form in failure messages.
  def assert_block_form_closes(form, opener)
    without_gc do
      base = Kolosal.live_handle_count
      yielded = nil
      assert_equal :value, opener.call { |*objects| (yielded = objects) && :value }, form
      refute_empty yielded, form
      assert yielded.all?(&:closed?), "#{form}: open after the block"
      assert_equal base, Kolosal.live_handle_count, "#{form}: not freed after the block"

      raised = nil
      error = assert_raises(RuntimeError, form) do
        opener.call do |*objects|
          raised = objects
          assert_equal base + objects.size, Kolosal.live_handle_count, "#{form}: in the block"
          raise "boom"
        end
      end
      assert_equal "boom", error.message
      refute_empty raised, form
      assert raised.all?(&:closed?), "#{form}: open after the block raised"
      assert_equal base, Kolosal.live_handle_count, "#{form}: not freed after the block raised"
    end
  end

  # Runs the block after a full collection with the GC off, so that only the block's own
  # handles change the live handle count (minitest runs one test at a time, but a GC could free
  # what an earlier test left behind at any moment).
  def without_gc
    GC.start(full_mark: true, immediate_sweep: true)
    GC.disable
    yield
  ensure
    GC.enable
  end

  # Calls the block every interval seconds until it returns true or seconds have passed (the
  # deadline only stops a hang: the caller checks the outcome); returns the block's last value.
  def wait_until(seconds:, interval: 0.01)
    deadline = monotonic_seconds + seconds
    until (done = yield) || monotonic_seconds > deadline
      sleep interval
    end
    done
  end

  # Thread#raise(Interrupt) on thread, which runs a long native call, cancels that call: the
  # thread ends with the Interrupt within 30 s.
  def assert_interrupt_stops(thread)
    started = monotonic_seconds
    thread.raise(Interrupt, "stop")
    assert_raises(Interrupt) { thread.join }
    assert_operator monotonic_seconds - started, :<, 30
  end
end

module SyntheticProblems
  # The feature names the models of #fit are trained with (so, the columns an input file for
  # them needs), and the number of rows they are fitted on.
  FEATURE_NAMES = %w[age income score].freeze
  ROWS = 300
  # A gradient boosting config that fits the problem quickly.
  BOOSTING = { model: "gradient_boosting", params: { n_estimators: 30, num_leaves: 8 } }.freeze

  # count rows of three float32 features uniform in [-1, 1), the same for a seed.
  def random_rows(count, seed)
    random = Random.new(seed)
    Array.new(count) { Array.new(3) { TestHelper.float32((random.rand * 2) - 1) }.freeze }.freeze
  end
  # Also SyntheticProblems.random_rows, which SyntheticProblems.problem draws from.
  module_function :random_rows

  # A small linearly separable problem of rows rows: [features, labels].
  def dense_problem(rows)
    features = Array.new(rows) { |row| [(row % 17) / 17.0, (row % 5) / 5.0, (row % 3).to_f] }
    labels = features.map { |a, b, _| a + b > 0.9 ? 1.0 : 0.0 }
    [features, labels]
  end

  # ROWS rows of random_rows and, for each, x0 + x1 * x2: the class is 1 when it is > 0 (for
  # regression, the label is the value itself; for task "multiclass", three classes cut at
  # -0.3 and 0.3).
  def self.problem
    @problem ||= begin
      features = random_rows(ROWS, 777)
      [features, features.map { |x0, x1, x2| x0 + (x1 * x2) }.freeze]
    end
  end

  # The feature rows of the problem.
  def features
    SyntheticProblems.problem.first
  end

  # A model of config fitted on the problem, with FEATURE_NAMES; with a block, yields it and
  # closes it.
  def fit(task: "classification", **config, &block)
    rows, values = SyntheticProblems.problem
    labels = case task
             when "regression" then values
             when "multiclass"
               values.map { |value| [-0.3, 0.3].count { |cut| value >= cut }.to_f }
             else values.map { |value| value.positive? ? 1.0 : 0.0 }
             end
    task = "classification" if task == "multiclass"
    Kolosal::Dataset.from_dense(rows, labels: labels, task: task,
                                feature_names: FEATURE_NAMES) do |dataset|
      Kolosal::Trainer.open(**config) { |trainer| trainer.fit(dataset, &block) }
    end
  end

  # A model that has been closed.
  def closed_model
    fit(model: "logistic_regression").tap(&:close)
  end
end
