# frozen_string_literal: true

# Tests of the Ruby binding. Environment (set by CTest): KOLOSAL_DATA_DIR (spam.csv) and
# KOLOSAL_REFERENCE_DIR (spam.kolosal and spam_proba.csv written by the C++ CLI; see the
# fixture in bindings/CMakeLists.txt). Tests that need them skip with a message when absent.
require "minitest/autorun"
require "minitest/mock"
require "tmpdir"
require "kolosal"
require_relative "test_helper"

class KolosalTest < Minitest::Test
  include TestHelper
  include SyntheticProblems

  Spam = Struct.new(:path, :rows, :reference, :reference_model, keyword_init: true)

  # spam.csv as feature rows, with the C++ reference probabilities (float32 values printed with
  # %.9g, so unpacking them through "e" gives the exact floats).
  def self.spam
    @spam ||= begin
      data_dir = ENV.fetch("KOLOSAL_DATA_DIR", "")
      path = File.join(data_dir, "spam.csv")
      if File.exist?(path)
        reference_dir = ENV.fetch("KOLOSAL_REFERENCE_DIR")
        rows = File.readlines(path).drop(1).map { |line| line.split(",")[0...-1].map(&:to_f) }
        reference = File.readlines(File.join(reference_dir, "spam_proba.csv")).drop(1).map do |line|
          line.split(",").map { |field| TestHelper.float32(Float(field)) }
        end
        Spam.new(path: path, rows: rows, reference: reference,
                 reference_model: File.join(reference_dir, "spam.kolosal"))
      else
        :missing
      end
    end
  end

  def spam
    data = self.class.spam
    skip "skipped: spam.csv not found in KOLOSAL_DATA_DIR=#{ENV['KOLOSAL_DATA_DIR'].inspect}" if data == :missing
    data
  end

  def train_spam(data)
    Kolosal::Dataset.read_csv(data.path, target: "type") do |dataset|
      Kolosal::Trainer.open(model: "logistic_regression") { |trainer| trainer.fit(dataset) }
    end
  end

  # A logistic regression on dense_problem(rows), so tests need no dataset files: the model
  # (closed by the block form, or left to the caller) and the feature rows.
  def train_dense(rows)
    features, labels = dense_problem(rows)
    model = Kolosal::Dataset.from_dense(features, labels: labels, task: "classification") do |dataset|
      Kolosal::Trainer.open(model: "logistic_regression") { |trainer| trainer.fit(dataset) }
    end
    return [model, features] unless block_given?

    begin
      yield model, features
    ensure
      model.close
    end
  end

  # A model of config on dense_problem, whose class only columns f0 and f1 decide.
  def fit_dense(**config, &block)
    features, labels = dense_problem(400)
    Kolosal::Dataset.from_dense(features, labels: labels, task: "classification") do |dataset|
      Kolosal::Trainer.open(**config) { |trainer| trainer.fit(dataset, &block) }
    end
  end

  def test_stump_splits_once_on_a_deciding_feature
    fit_dense(model: "decision_tree", params: { max_depth: 1 }) do |stump|
      assert_equal %w[f0 f1 f2], stump.feature_names
      splits = stump.feature_importance(:split)
      assert_equal %w[f0 f1 f2], splits.keys
      assert_equal 1.0, splits["f0"] + splits["f1"]
      assert_equal 0.0, splits["f2"]
      gain = stump.feature_importance
      assert_operator gain["f0"] + gain["f1"], :>, 0.0
      Kolosal::Model.from_bytes(stump.to_bytes) { |loaded| assert_equal gain, loaded.feature_importance(:gain) }
      assert_kolosal_error(Kolosal::UnsupportedError, "decision_tree has no coefficient importance") do
        stump.feature_importance(:coefficient)
      end
      features, labels = dense_problem(400)
      Kolosal::Dataset.from_dense(features, labels: labels, task: "classification") do |dataset|
        permuted = stump.permutation_importance(dataset, n_repeats: 3)
        assert_equal %w[f0 f1 f2], permuted["features"]
        assert_equal "accuracy", permuted["metric"]
        # The stump never reads f2: shuffling it costs nothing.
        assert_equal 0.0, permuted["importances_mean"][2]
        assert_operator permuted["importances_mean"][0] + permuted["importances_mean"][1], :>, 0.0
        assert_kolosal_error(Kolosal::InvalidArgumentError, "is for regression") do
          stump.permutation_importance(dataset, metric: "r2")
        end
      end
      error = assert_raises(ArgumentError) { stump.feature_importance(:weight) }
      assert_includes error.message, ":weight"
    end
  end

  def test_linear_coefficients_rank_the_deciding_features
    fit_dense(model: "logistic_regression") do |linear|
      weight = linear.feature_importance(:coefficient)
      assert_operator weight["f0"], :>, 4 * weight["f2"]
      assert_operator weight["f1"], :>, 4 * weight["f2"]
      assert_kolosal_error(Kolosal::UnsupportedError, "use COEFFICIENT for linear models") do
        linear.feature_importance(:gain)
      end
    end
  end

  # 300 rows of a, b, c uniform in [-1, 1); the class is a > 0 (for regression: a itself).
  def a_decides(task, &block)
    random = Random.new(7)
    features = Array.new(300) { Array.new(3) { random.rand * 2 - 1 } }
    labels = features.map { |a, _, _| task == "regression" ? a : (a > 0 ? 1.0 : 0.0) }
    Kolosal::Dataset.from_dense(features, labels: labels, feature_names: %w[a b c], task: task,
                                &block)
  end

  # Fits `model` with `params` on a_decides(task) and yields the model and the dataset.
  def fitted_on_a_decides(task, model, params)
    a_decides(task) do |dataset|
      Kolosal::Trainer.open(model: model, params: params) do |trainer|
        trainer.fit(dataset) { |fitted| yield fitted, dataset }
      end
    end
  end

  def test_stump_contributions_go_to_the_split_feature
    fitted_on_a_decides("classification", "decision_tree", { max_depth: 1 }) do |stump, dataset|
      values = stump.contributions(dataset)
      assert_equal [300, 2, 4], [values.size, values[0].size, values[0][0].size]
      assert(values.all? { |row| row.size == 2 && row.all? { |block| block.size == 4 } })
      stump.predict_proba_dataset(dataset).zip(values).each_with_index do |(proba, row), index|
        row.each_with_index do |(a, b, c, bias), output|
          assert_equal [0.0, 0.0], [b, c], "row #{index}, class #{output}"
          assert_in_delta proba[output], a + bias, 1e-6, "row #{index}, class #{output}"
        end
      end
      Kolosal::Dataset.from_dense([[0.5, 0.5, 0.5]], feature_names: %w[x b c]) do |other|
        assert_kolosal_error(Kolosal::InvalidArgumentError, "missing column 'a'") do
          stump.contributions(other)
        end
      end
    end
  end

  def test_boosting_contributions_sum_to_the_log_odds
    fitted_on_a_decides("classification", "gradient_boosting",
                        { n_estimators: 20 }) do |boosting, dataset|
      values = boosting.contributions(dataset)
      assert_equal [300, 2, 4], [values.size, values[0].size, values[0][0].size]
      boosting.predict_proba_dataset(dataset).zip(values).each_with_index do |(proba, row), index|
        zero, one = row
        assert_equal one.map(&:-@), zero, "row #{index}"
        assert_in_delta proba[1], 1.0 / (1.0 + Math.exp(-one.sum)), 1e-5, "row #{index}"
      end
    end
  end

  def test_regression_contributions_sum_to_the_prediction
    fitted_on_a_decides("regression", "decision_tree", { max_depth: 3 }) do |tree, dataset|
      assert_equal 0, tree.n_classes
      values = tree.contributions(dataset)
      assert(values.size == 300 && values.all? { |row| row.size == 1 && row[0].size == 4 })
      tree.predict_dataset(dataset).zip(values).each_with_index do |(predicted, row), index|
        assert_in_delta predicted, row[0].sum, 1e-5, "row #{index}"
      end
    end
  end

  # y = x on rows of weight 1; rows of weight 0 (y = 1000) must not count.
  def test_zero_weight_rows_do_not_count
    rows = Array.new(20) { |row| [row.to_f, row.even? ? 1.0 : 0.0] }
    labels = Array.new(20) { |row| row.even? ? row.to_f : 1000.0 }
    options = { feature_names: %w[x w], task: "regression", weight_column: "w" }
    Kolosal::Dataset.from_dense(rows, labels: labels, **options) do |dataset|
      Kolosal::Trainer.open(model: "linear_regression") do |trainer|
        trainer.fit(dataset) do |model|
          assert_equal 1, model.n_features
          assert_in_delta 7.5, model.predict([[7.5]]).first, 1e-3
        end
      end
    end
    rows[1][1] = -1.0
    assert_kolosal_error(Kolosal::InvalidArgumentError, "a weight must be finite and >= 0, got -1") do
      Kolosal::Dataset.from_dense(rows, labels: labels, **options)
    end
  end

  def test_csv_weight_column_leaves_the_features
    Dir.mktmpdir do |dir|
      path = File.join(dir, "weighted.csv")
      File.write(path, "x,w,y\n1,1,1\n2,0.5,2\n3,2,3\n")
      Kolosal::Dataset.read_csv(path, target: "y", task: "regression", weight_column: "w") do |data|
        assert_equal 1, data.n_cols
        assert_equal "w", data.describe["weight_column"]
      end
    end
  end

  # Error#status is the library's kolosal_status_name for every code the library names, and
  # each code other than OK has the subclass named after it (IO: IOError).
  def test_status_names_come_from_the_library
    codes = (0..).take_while { |code| Kolosal::Native.kolosal_status_name(code) != "UNKNOWN" }
    assert_operator codes.size, :>=, 11
    assert_equal codes.drop(1), Kolosal::Error::CLASSES.keys.sort
    codes.each do |code|
      name = Kolosal::Native.kolosal_status_name(code)
      assert_equal name, Kolosal::Error.for_status(code, "message").status, "code #{code}"
      next if code.zero?

      klass = Kolosal::Error::CLASSES.fetch(code)
      assert_equal name, klass.new.status
      words = name == "IO" ? ["IO"] : name.split("_").map(&:capitalize)
      assert_equal "Kolosal::#{words.join}Error", klass.name
    end
    assert_equal "UNKNOWN", Kolosal::Error.new("message", code: codes.size + 100).status
    # The name comes from the library at each call, not from a copy on the Ruby side.
    Kolosal::Native.stub(:kolosal_status_name, "FROM_THE_LIBRARY") do
      assert_equal "FROM_THE_LIBRARY", Kolosal::IOError.new("message").status
    end
  end

  # Every block form closes (and frees) what it opened, after the block returns and after it
  # raises; it returns the block's value.
  def test_block_forms_close_their_handles
    features, labels = dense_problem(120)
    Dir.mktmpdir do |dir|
      csv = File.join(dir, "dense.csv")
      File.write(csv, features.zip(labels).map { |row, label| "#{(row + [label]).join(',')}\n" }
                              .unshift("a,b,c,y\n").join)
      model_path = File.join(dir, "dense.kolosal")
      dataset = Kolosal::Dataset.from_dense(features, labels: labels, task: "classification")
      trainer = Kolosal::Trainer.new(model: "logistic_regression", cv_folds: 2)
      optimizer = Kolosal::Optimizer.new(ONE_FLOAT)
      bytes = trainer.fit(dataset) { |model| model.save(model_path).to_bytes }
      openers = {
        "Dataset.read_csv" => ->(&block) { Kolosal::Dataset.read_csv(csv, target: "y", &block) },
        "Dataset.from_dense" => ->(&block) { Kolosal::Dataset.from_dense(features, &block) },
        "Dataset#train_test_split" => ->(&block) { dataset.train_test_split(0.5, &block) },
        "Trainer.open" => ->(&block) { Kolosal::Trainer.open(model: "ridge", &block) },
        "Trainer#fit" => ->(&block) { trainer.fit(dataset, &block) },
        "Trainer#tune" => ->(&block) { trainer.tune(dataset, n_trials: 2, &block) },
        "Model.load" => ->(&block) { Kolosal::Model.load(model_path, &block) },
        "Model.from_bytes" => ->(&block) { Kolosal::Model.from_bytes(bytes, &block) },
        "Optimizer.open" => ->(&block) { Kolosal::Optimizer.open(ONE_FLOAT, &block) },
        "Optimizer#ask" => ->(&block) { optimizer.ask(&block) }
      }
      openers.each { |form, opener| assert_block_form_closes(form, opener) }
    ensure
      [dataset, trainer, optimizer].compact.each(&:close)
    end
  end

  # A long native call (a fit on generated data) runs without the GVL: another Ruby thread
  # counts while it runs and, after a few steps, cancels it. Were the GVL held, that thread could
  # not run until the fit had finished all its rounds by itself, uncancelled. No timing is
  # measured: the fit lasts until the counter has moved.
  def test_other_threads_run_during_a_fit
    random = Random.new(3)
    features = Array.new(2000) { Array.new(4) { random.rand } }
    labels = Array.new(2000) { random.rand(2).to_f } # noise: every round finds splits
    Kolosal::Dataset.from_dense(features, labels: labels, task: "classification") do |dataset|
      config = { model: "gradient_boosting", n_jobs: 1, params: { n_estimators: 20_000 } }
      Kolosal::Trainer.open(**config) do |trainer|
        fitting = false
        finished = false
        steps = 0
        counter = Thread.new do
          until finished
            if fitting
              steps += 1
              trainer.cancel if steps >= 5 # again each step: a cancel before the fit starts is reset
            end
            Thread.pass
          end
        end
        begin
          fitting = true
          assert_raises(Kolosal::CancelledError) { trainer.fit(dataset) }
        ensure
          fitting = false
          finished = true
          counter.join
        end
        assert_operator steps, :>=, 5
      end
    end
  end

  def test_version_and_build_info
    refute_empty Kolosal.version
    assert_equal Kolosal.version, Kolosal.build_info.fetch("version")
  end

  # Training in Ruby gives exactly the probabilities of the C++ CLI, through every input path.
  def test_train_predict_matches_cli
    data = spam
    model = train_spam(data)
    assert_equal [57, 2], [model.n_features, model.n_classes]
    assert_equal %w[nonspam spam], model.class_names

    assert_equal data.reference, model.predict_proba(data.rows)
    assert_equal data.reference, model.predict_proba(data.rows.flatten.pack("e*"), dtype: :float32)
    assert_equal data.reference, model.predict_proba(data.rows.flatten, cols: 57)
    labels = data.reference.map { |p0, p1| p1 > p0 ? 1.0 : 0.0 }
    assert_equal labels, model.predict(data.rows)
    Kolosal::Dataset.read_csv(data.path) do |unlabelled|
      assert_equal data.reference, model.predict_proba_dataset(unlabelled)
      assert_equal labels, model.predict_dataset(unlabelled)
    end
    Kolosal::Model.load(data.reference_model) do |reference|
      assert_equal data.reference, reference.predict_proba(data.rows)
    end
  ensure
    model&.close
  end

  def test_save_load_round_trip
    data = spam
    model = train_spam(data)
    before = model.predict_proba(data.rows)
    Dir.mktmpdir do |dir|
      path = File.join(dir, "spam.kolosal")
      model.save(path)
      Kolosal::Model.load(path) { |loaded| assert_equal before, loaded.predict_proba(data.rows) }
    end
    bytes = model.to_bytes
    assert_equal Encoding::BINARY, bytes.encoding
    Kolosal::Model.from_bytes(bytes) do |loaded|
      assert_equal before, loaded.predict_proba(data.rows)
      assert_equal bytes, loaded.to_bytes
      assert_equal "logistic_regression", loaded.metadata.fetch("model_type", "logistic_regression")
    end
  ensure
    model&.close
  end

  def test_errors
    error = assert_kolosal_error(Kolosal::IOError, "/no/such/dir/data.csv") do
      Kolosal::Dataset.read_csv("/no/such/dir/data.csv")
    end
    assert_equal "IO", error.status
    assert_kolosal_error(Kolosal::IOError, "/no/such/dir/model.kolosal") do
      Kolosal::Model.load("/no/such/dir/model.kolosal")
    end
    assert_kolosal_error(Kolosal::CorruptModelError, "") { Kolosal::Model.from_bytes("KOLOSAL\x1agarbage") }
    assert_kolosal_error(Kolosal::InvalidArgumentError, "n_jobz") do
      Kolosal::Trainer.new(model: "logistic_regression", n_jobz: 2)
    end
    assert_kolosal_error(Kolosal::InvalidArgumentError, "no_such_model") do
      Kolosal::Trainer.new('{"model": "no_such_model"}')
    end

    train_dense(100) do |model, _features|
      assert_kolosal_error(Kolosal::InvalidArgumentError, "2 columns, the model expects 3") do
        model.predict([[1.0, 2.0]])
      end
      # A String that does not hold rows x cols values is refused before the library reads it.
      assert_kolosal_error(Kolosal::InvalidArgumentError, "5 values cannot be") do
        model.predict([1.0] * 5, rows: 2, cols: 3)
      end
      assert_kolosal_error(Kolosal::InvalidArgumentError, "every row") { model.predict([[1.0], [1.0, 2.0]]) }
      assert_raises(TypeError) { model.predict([["a"] * 3]) }
    end
  end

  # Eight threads predict on one model at once and get what one thread gets alone (single rows,
  # under the GVL, and whole batches, without it): every batch must equal `expected`.
  def assert_concurrent_predictions(model, rows, expected)
    sample = (0...rows.size).step(37).to_h { |row| [row, model.predict_proba([rows[row]])] }
    packed = rows.flatten.pack("E*").freeze # one String, read by all threads at once
    failures = Queue.new
    threads = Array.new(8) do
      Thread.new do
        3.times do
          sample.each do |row, want|
            failures << "row #{row}" unless model.predict_proba([rows[row]]) == want
          end
          failures << "batch" unless model.predict_proba(rows) == expected
          failures << "shared String" unless model.predict_proba(packed) == expected
        end
      end
    end
    threads.each(&:join)
    assert_empty Array.new(failures.size) { failures.pop }
  end

  def test_concurrent_predict
    train_dense(400) do |model, features|
      assert_concurrent_predictions(model, features, model.predict_proba(features))
    end
  end

  # The same on the C++ CLI's spam model, against its probabilities.
  def test_concurrent_predict_spam
    data = spam
    Kolosal::Model.load(data.reference_model) do |model|
      assert_concurrent_predictions(model, data.rows, data.reference)
    end
  end

  def test_close_twice_and_use_after_close
    features, labels = dense_problem(100)
    dataset = Kolosal::Dataset.from_dense(features, labels: labels)
    trainer = Kolosal::Trainer.new
    model = trainer.fit(dataset)
    [model, model, trainer, trainer, dataset, dataset].each(&:close)
    assert model.closed? && trainer.closed? && dataset.closed?
    assert_kolosal_error(Kolosal::FailedPreconditionError, "model is closed") { model.predict(features) }
    assert_kolosal_error(Kolosal::FailedPreconditionError, "model is closed") { model.to_bytes }
    assert_kolosal_error(Kolosal::FailedPreconditionError, "dataset is closed") { dataset.n_rows }
    assert_kolosal_error(Kolosal::FailedPreconditionError, "train_engine is closed") { trainer.fit(dataset) }
    Kolosal::Trainer.open do |open|
      assert_kolosal_error(Kolosal::FailedPreconditionError, "dataset is closed") { open.fit(dataset) }
    end
    # Handles are typed: a dataset where a model is expected is a TypeError, not a crash.
    Kolosal::Dataset.from_dense(features, labels: labels) do |other|
      assert_raises(TypeError) { Kolosal::Native.kolosal_model_n_features(other.handle) }
    end
  end

  # Closing a model while other threads predict with it (without the GVL) frees it when their
  # calls return: every prediction is either complete and right or a FailedPreconditionError.
  def test_close_while_predicting
    model, features = train_dense(2000)
    expected = model.predict_proba(features)
    started = Queue.new
    threads = Array.new(4) do
      Thread.new do
        outcomes = []
        started << true
        loop do
          outcomes << (model.predict_proba(features) == expected)
        rescue Kolosal::FailedPreconditionError
          break outcomes
        end
      end
    end
    4.times { started.pop }
    sleep 0.05
    model.close
    threads.each { |thread| assert thread.value.all? }
    assert model.closed?
  end

  def test_dense_dataset_training_and_split
    features, labels = dense_problem(400)
    Kolosal::Dataset.from_dense(features, labels: labels, feature_names: %w[a b c],
                                          task: "classification") do |dataset|
      assert_equal [400, 3], [dataset.n_rows, dataset.n_cols]
      assert_equal labels, dataset.labels
      assert_equal %w[a b c], dataset.describe.fetch("columns").map { |column| column["name"] }
      dataset.train_test_split(0.25, seed: 7) do |train, test|
        assert_equal [300, 100], [train.n_rows, test.n_rows]
        Kolosal::Trainer.open(model: "logistic_regression", cv_folds: 3, metric: "accuracy") do |trainer|
          cv = trainer.cross_validate(train)
          assert_equal "accuracy", cv.fetch("metric")
          assert_equal 3, cv.fetch("fold_scores").size
          trainer.fit(train) { |model| assert_operator model.evaluate(test).fetch("accuracy"), :>=, 0.8 }
        end
      end
    end
    Kolosal::Dataset.from_dense(features.flatten.pack("e*"), cols: 3, dtype: :float32,
                                labels: features.map(&:first), task: "regression") do |regression|
      Kolosal::Trainer.open(model: "ridge") do |ridge|
        ridge.fit(regression) do |regressor|
          assert_equal 0, regressor.n_classes
          assert_equal 400, regressor.predict(features).size
          assert_kolosal_error(Kolosal::FailedPreconditionError, "") { regressor.predict_proba(features) }
        end
      end
    end
  end

  def test_progress_cancel_and_interrupt
    features, labels = dense_problem(400)
    Kolosal::Dataset.from_dense(features, labels: labels) do |dataset|
      Kolosal::Trainer.open(model: "logistic_regression") do |trainer|
        stages = []
        trainer.on_progress { |fraction, stage| stages << [fraction, stage] }
        trainer.fit(dataset, &:close)
        refute_empty stages
        assert(stages.all? { |fraction, stage| fraction.between?(0, 1) && stage.is_a?(String) })

        trainer.on_progress { :cancel }
        assert_kolosal_error(Kolosal::CancelledError, "") { trainer.fit(dataset) }

        trainer.on_progress { raise ArgumentError, "from the callback" }
        error = assert_raises(ArgumentError) { trainer.fit(dataset) }
        assert_equal "from the callback", error.message

        trainer.on_progress
        trainer.fit(dataset, &:close)
      end
    end
  end

  # A fit runs without the GVL (other threads keep running) and an interrupt cancels it.
  def test_interrupting_a_fit_cancels_it
    data = spam
    Kolosal::Dataset.read_csv(data.path, target: "type") do |dataset|
      Kolosal::Trainer.open(model: "gradient_boosting", params: { n_estimators: 100_000 }) do |trainer|
        fitting = Thread.new { trainer.fit(dataset) }
        sleep 0.2 # 100 000 rounds: still fitting, and this thread runs meanwhile
        assert_interrupt_stops(fitting)
        trainer.on_progress { :cancel } # usable again afterwards
        assert_raises(Kolosal::CancelledError) { trainer.fit(dataset) }
      end
    end
  end

  # Each error carries the message of its own call, with many threads failing at once.
  def test_error_messages_stay_with_their_call
    threads = Array.new(8) do |worker|
      Thread.new do
        Array.new(100) do |call|
          path = "/no/such/dir/model-#{worker}-#{call}.kolosal"
          begin
            Kolosal::Model.load(path)
            "#{path}: no error"
          rescue Kolosal::IOError => e
            e.message.include?(path) ? nil : "#{path}: #{e.message}"
          end
        end.compact
      end
    end
    assert_empty threads.flat_map(&:value)
  end

  ONE_FLOAT = [{ name: "x", type: "float", low: 0, high: 1 }].freeze

  def test_live_handle_count
    features, labels = dense_problem(50)
    without_gc do
      base = Kolosal.live_handle_count
      data = Kolosal::Dataset.from_dense(features, labels: labels)
      trainer = Kolosal::Trainer.new
      assert_equal base + 2, Kolosal.live_handle_count
      model = trainer.fit(data)
      copy = Kolosal::Model.from_bytes(model.to_bytes)
      assert_equal base + 4, Kolosal.live_handle_count
      [copy, model, trainer].each(&:close)
      assert_equal base + 1, Kolosal.live_handle_count
      data.close
      data.close
      assert_equal base, Kolosal.live_handle_count
      optimizer = Kolosal::Optimizer.new(ONE_FLOAT)
      trial = optimizer.ask
      assert_equal base + 2, Kolosal.live_handle_count
      optimizer.tell(trial, 0.5)
      trial.close
      assert_equal base + 1, Kolosal.live_handle_count
      optimizer.close
      assert_equal base, Kolosal.live_handle_count
    end
  end

  # Makes a handle of every kind, 4 times, and keeps none: not even in an Array, which one stale
  # word on the stack would keep alive with all it holds. A method of its own, so that no
  # reference stays in the test's frame.
  def forget_twenty_handles
    features, labels = dense_problem(50)
    4.times do
      data = Kolosal::Dataset.from_dense(features, labels: labels)
      trainer = Kolosal::Trainer.new
      trainer.fit(data)
      Kolosal::Optimizer.new(ONE_FLOAT).ask
    end
    nil
  end

  # Objects that are never closed are freed by the GC; #close frees at once. Ruby scans the
  # machine stack conservatively, so a stale word there may keep an object or two alive:
  # at least 18 of the 20 must be freed within the deadline.
  def test_finalizers_free_forgotten_objects
    base = nil
    without_gc do
      base = Kolosal.live_handle_count
      forget_twenty_handles
      assert_equal base + 20, Kolosal.live_handle_count
    end
    wait_until(seconds: 20) do
      GC.start(full_mark: true, immediate_sweep: true)
      Kolosal.live_handle_count <= base + 2
    end
    assert_operator Kolosal.live_handle_count, :<=, base + 2, "live handles left after the GC"
    features, labels = dense_problem(50)
    without_gc do
      data = Kolosal::Dataset.from_dense(features, labels: labels)
      before = Kolosal.live_handle_count
      data.close
      assert_equal before - 1, Kolosal.live_handle_count, "close frees the handle at once"
    end
  end
end
