# frozen_string_literal: true

# Tests of Kolosal::InferenceEngine: served models predict exactly as the Model does, before and
# after their trees are compiled, from one thread or many; statistics; every kind of bad input.
# All on small generated data (no dataset files).
require "minitest/autorun"
require "tmpdir"
require "kolosal"
require_relative "test_helper"

class InferenceEngineTest < Minitest::Test
  include TestHelper
  include SyntheticProblems

  # method (:predict or :predict_proba) called once per row of rows: one value or one Array of
  # probabilities per row.
  def one_by_one(engine, method, name, rows = features)
    rows.map { |row| engine.public_send(method, name, [row]).first }
  end

  def model_names(engine)
    engine.stats.fetch("models").map { |entry| entry.fetch("name") }.sort
  end

  def model_stats(engine, name)
    engine.stats.fetch("models").find { |entry| entry["name"] == name } ||
      flunk("no statistics for #{name.inspect}")
  end

  def jit_state(engine, name)
    model_stats(engine, name).fetch("jit").fetch("state")
  end

  # Polls the statistics until name's compiled code is in use (or the deadline passes).
  def wait_until_compiled(engine, name, seconds: 10)
    wait_until(seconds: seconds) { jit_state(engine, name) == "compiled" }
    assert_equal "compiled", jit_state(engine, name), "not compiled within #{seconds} s"
  end

  # Single rows and whole batches through the engine: exactly the model's floats, interpreted
  # and then compiled; the statistics count every call.
  def test_compiled_predictions_match_the_model
    fit(**BOOSTING) do |model|
      proba = model.predict_proba(features)
      classes = model.predict(features)
      # Never hot enough to compile by itself: only the warm-up compiles.
      Kolosal::InferenceEngine.open(jit_min_calls: 100_000) do |engine|
        assert_same engine, engine.add_model("credit", model)
        calls = 0
        check = lambda do |phase|
          assert_equal proba, one_by_one(engine, :predict_proba, "credit"), phase
          assert_equal classes, one_by_one(engine, :predict, "credit"), phase
          assert_equal proba, engine.predict_proba("credit", features), phase
          assert_equal classes, engine.predict(:credit, features), phase
          # Up to jit_max_batch_rows (4) rows run compiled code too.
          assert_equal proba[0, 4], engine.predict_proba("credit", features[0, 4]), phase
          calls += (2 * features.size) + 3
        end
        check.call("interpreted")
        assert_equal "interpreted", jit_state(engine, "credit")
        assert_equal 0, model_stats(engine, "credit").fetch("compiled_calls")
        assert engine.warmup("credit")
        assert_equal "compiled", jit_state(engine, "credit")
        before = model_stats(engine, "credit").fetch("compiled_calls")
        check.call("compiled")
        # Other input forms: a flat Array (the engine knows the column count), packed float32.
        assert_equal proba, engine.predict_proba("credit", features.flatten)
        packed = features.flatten.pack("e*")
        assert_equal model.predict_proba(packed, dtype: :float32),
                     engine.predict_proba("credit", packed, dtype: :float32)
        calls += 2

        stats = model_stats(engine, "credit")
        assert_equal "gradient_boosting", stats.fetch("model_type")
        assert_equal calls, stats.fetch("calls")
        assert_equal calls, stats.fetch("compiled_calls") + stats.fetch("interpreted_calls")
        # Every call of 1 to 4 rows after the warm-up ran compiled code; 300 rows never do.
        assert_equal before + (2 * features.size) + 1, stats.fetch("compiled_calls")
        assert_equal calls, stats.fetch("latency_us").fetch("count")
        assert_operator stats.fetch("jit").fetch("code_bytes"), :>, 0
        assert_equal 100_000, engine.stats.fetch("options").fetch("jit_min_calls")
      end
    end
  end

  # With jit_min_calls 5, a few single-row calls compile the model in the background; later
  # calls run the compiled code and still give the model's floats.
  def test_hot_model_compiles_in_the_background
    fit(**BOOSTING) do |model|
      expected = model.predict_proba(features)
      Kolosal::InferenceEngine.open(jit_min_calls: 5) do |engine|
        engine.add_model("hot", model)
        assert_equal expected[0, 6], one_by_one(engine, :predict_proba, "hot", features[0, 6])
        wait_until_compiled(engine, "hot")
        before = model_stats(engine, "hot").fetch("compiled_calls")
        assert_equal expected[10, 20], one_by_one(engine, :predict_proba, "hot", features[10, 20])
        assert_equal before + 20, model_stats(engine, "hot").fetch("compiled_calls")
        assert_equal 5, engine.stats.fetch("options").fetch("jit_min_calls")
      end
    end
  end

  def test_linear_model_is_served_interpreted
    fit(model: "logistic_regression") do |linear|
      Kolosal::InferenceEngine.open(jit_min_calls: 1) do |engine|
        engine.add_model("linear", linear)
        refute engine.warmup("linear")
        assert_equal linear.predict_proba(features), engine.predict_proba("linear", features)
        assert_equal linear.predict(features[0, 3]), engine.predict("linear", features[0, 3])
        stats = model_stats(engine, "linear")
        assert_equal "unsupported", stats.fetch("jit").fetch("state")
        assert_equal "logistic_regression", stats.fetch("model_type")
        assert_equal 0, stats.fetch("compiled_calls")
      end
    end
  end

  def test_jit_can_be_turned_off
    fit(**BOOSTING) do |model|
      config = '{"enable_jit_compilation": false, "jit_min_calls": 1}' # a JSON String works too
      Kolosal::InferenceEngine.open(config) do |engine|
        engine.add_model("plain", model)
        refute engine.warmup("plain")
        assert_equal model.predict(features), one_by_one(engine, :predict, "plain")
        assert_equal "disabled", jit_state(engine, "plain")
        assert_equal 0, model_stats(engine, "plain").fetch("compiled_calls")
      end
    end
  end

  # A model file written by Model#save predicts as the original, compiled too; the engine keeps
  # no extra handle for it.
  def test_load_model_from_a_saved_file
    fit(**BOOSTING) do |model|
      expected = model.predict_proba(features)
      Dir.mktmpdir do |dir|
        path = File.join(dir, "boosting.kolosal")
        model.save(path)
        without_gc do
          base = Kolosal.live_handle_count
          engine = Kolosal::InferenceEngine.new(jit_min_calls: 1)
          assert_equal base + 1, Kolosal.live_handle_count
          assert_same engine, engine.load_model("saved", path)
          assert_equal base + 1, Kolosal.live_handle_count, "the shape's model handle is closed"
          assert_equal expected, engine.predict_proba("saved", features)
          # Sized by the shape load_model learnt: the columns of a flat Array, two classes a row.
          assert_equal expected, engine.predict_proba("saved", features.flatten)
          assert_equal model.predict(features), engine.predict("saved", features.flatten)
          assert engine.warmup("saved")
          assert_equal expected, one_by_one(engine, :predict_proba, "saved")
          assert_equal "gradient_boosting", model_stats(engine, "saved").fetch("model_type")
          engine.close
          assert_equal base, Kolosal.live_handle_count
        end
      end
    end
  end

  # Models of other shapes from files: three classes (probabilities three a row, cut from a flat
  # Array by the column count) and regression (no probabilities).
  def test_load_model_learns_each_shape
    Dir.mktmpdir do |dir|
      multiclass = File.join(dir, "multiclass.kolosal")
      regression = File.join(dir, "regression.kolosal")
      small = { model: "gradient_boosting", params: { n_estimators: 5 } }
      expected = fit(task: "multiclass", **BOOSTING) do |model|
        assert_equal 3, model.n_classes
        model.save(multiclass)
        model.predict_proba(features)
      end
      values = fit(task: "regression", **small) do |model|
        model.save(regression)
        model.predict(features)
      end
      Kolosal::InferenceEngine.open do |engine|
        engine.load_model(:three, multiclass).load_model("value", regression)
        assert_equal expected, engine.predict_proba("three", features.flatten)
        assert_equal [3], engine.predict_proba("three", features[0, 5]).map(&:size).uniq
        assert engine.warmup("three")
        assert_equal expected, one_by_one(engine, :predict_proba, "three")
        assert_equal values, engine.predict("value", features.flatten)
        assert_kolosal_error(Kolosal::FailedPreconditionError, "") do
          engine.predict_proba("value", features[0, 1])
        end
        engine.model("value") { |served| assert_equal [3, 0], [served.n_features, served.n_classes] }
      end
    end
  end

  # The served model as a Model: it shares the engine's (same floats, same shape and names),
  # outlives remove_model and the engine, and is one handle the caller closes.
  def test_model_shares_the_served_model
    fit(**BOOSTING) do |original|
      expected = original.predict_proba(features)
      without_gc do
        base = Kolosal.live_handle_count
        engine = Kolosal::InferenceEngine.new(jit_min_calls: 1)
        engine.add_model("credit", original)
        served = engine.model(:credit)
        assert_instance_of Kolosal::Model, served
        assert_equal base + 2, Kolosal.live_handle_count
        assert_equal [3, 2], [served.n_features, served.n_classes]
        assert_equal original.feature_names, served.feature_names
        assert_equal original.class_names, served.class_names
        assert_equal "gradient_boosting", served.metadata.fetch("model_type")
        assert_equal original.to_bytes, served.to_bytes
        assert engine.warmup("credit")
        assert_equal engine.predict_proba("credit", features), served.predict_proba(features)
        assert_equal one_by_one(engine, :predict_proba, "credit"), served.predict_proba(features)
        assert_equal expected, served.predict_proba(features)
        assert_equal engine.predict("credit", features), served.predict(features)

        engine.remove_model("credit")
        assert_kolosal_error(Kolosal::NotFoundError, "'credit'") { engine.model("credit") }
        assert_equal expected, served.predict_proba(features)
        engine.close
        assert_equal base + 1, Kolosal.live_handle_count
        assert_equal expected, served.predict_proba(features)
        served.close
        assert_equal base, Kolosal.live_handle_count
      end
    end
  end

  def test_model_block_form_and_unknown_names
    fit(**BOOSTING) do |original|
      Kolosal::InferenceEngine.open do |engine|
        engine.add_model("m", original)
        yielded = nil
        rows = features[0, 3]
        assert_equal original.predict(rows), engine.model("m") { |served| (yielded = served).predict(rows) }
        assert yielded.closed?
        error = assert_kolosal_error(Kolosal::NotFoundError, "no model named 'absent'") do
          engine.model("absent")
        end
        assert_equal "NOT_FOUND", error.status
        assert_kolosal_error(Kolosal::NotFoundError, "'absent'") { engine.model("absent") { flunk } }
        assert_equal %w[m], model_names(engine)
      end
    end
  end

  # When the model loads but its shape cannot be read, the model is removed again: the name is
  # not half-registered and is free afterwards.
  def test_load_model_that_fails_after_loading_is_removed
    fit(**BOOSTING) do |model|
      Dir.mktmpdir do |dir|
        path = File.join(dir, "boosting.kolosal")
        model.save(path)
        Kolosal::InferenceEngine.open do |engine|
          engine.define_singleton_method(:served_shape) { |_name| raise Kolosal::Error, "no shape" }
          error = assert_raises(Kolosal::Error) { engine.load_model("half", path) }
          assert_equal "no shape", error.message
          assert_empty model_names(engine)
          assert_kolosal_error(Kolosal::NotFoundError, "'half'") { engine.model("half") }
          engine.singleton_class.send(:remove_method, :served_shape)
          engine.load_model("half", path)
          assert_equal model.predict_proba(features), engine.predict_proba("half", features)
        end
      end
    end
  end

  # Threads loading and removing one name (files of two shapes) leave what the engine remembers
  # for it equal to what it serves.
  def test_concurrent_load_and_remove_keep_the_shape_right
    Dir.mktmpdir do |dir|
      paths = { 2 => File.join(dir, "two.kolosal"), 3 => File.join(dir, "three.kolosal") }
      fit(**BOOSTING) { |model| model.save(paths[2]) }
      fit(task: "multiclass", **BOOSTING) { |model| model.save(paths[3]) }
      Kolosal::InferenceEngine.open do |engine|
        threads = Array.new(4) do |worker|
          Thread.new do
            30.times do |round|
              engine.load_model("x", paths[((worker + round).even? ? 2 : 3)])
            rescue Kolosal::InvalidArgumentError
              begin
                engine.remove_model("x")
              rescue Kolosal::NotFoundError
                nil
              end
            end
          end
        end
        threads.each(&:join)
        engine.load_model("x", paths[2]) unless model_names(engine).include?("x")
        n_classes = engine.model("x", &:n_classes)
        assert_equal [n_classes], engine.predict_proba("x", features).map(&:size).uniq
        engine.model("x") do |served|
          assert_equal served.predict_proba(features), engine.predict_proba("x", features)
        end
      end
    end
  end

  # The engine shares the model: closing (and freeing) the Model keeps it served.
  def test_model_closed_after_add_model_is_still_served
    model = fit(**BOOSTING)
    expected = model.predict_proba(features)
    classes = model.predict(features)
    Kolosal::InferenceEngine.open do |engine|
      engine.add_model("shared", model)
      model.close
      assert model.closed?
      assert_equal expected, engine.predict_proba("shared", features)
      assert_equal classes, engine.predict("shared", features)
      assert engine.warmup("shared")
      assert_equal expected[0, 4], engine.predict_proba("shared", features[0, 4])
    end
  ensure
    model&.close
  end

  def test_remove_model
    fit(**BOOSTING) do |model|
      Kolosal::InferenceEngine.open do |engine|
        engine.add_model("gone", model)
        assert engine.warmup("gone")
        assert_same engine, engine.remove_model("gone")
        assert_empty model_names(engine)
        error = assert_kolosal_error(Kolosal::NotFoundError, "'gone'") do
          engine.predict("gone", features)
        end
        assert_equal "NOT_FOUND", error.status
        assert_kolosal_error(Kolosal::NotFoundError, "no model named 'gone'") do
          engine.predict_proba("gone", features[0, 1])
        end
        assert_kolosal_error(Kolosal::NotFoundError, "'gone'") { engine.warmup("gone") }
        assert_kolosal_error(Kolosal::NotFoundError, "'gone'") { engine.remove_model("gone") }
        # The name is free again.
        engine.add_model("gone", model)
        assert_equal model.predict(features), engine.predict("gone", features)
      end
    end
  end

  def test_bad_config
    assert_kolosal_error(Kolosal::InvalidArgumentError, "did you mean 'jit_min_calls'") do
      Kolosal::InferenceEngine.new(jit_min_call: 3)
    end
    assert_kolosal_error(Kolosal::InvalidArgumentError, "'jit_cache_size' = 0") do
      Kolosal::InferenceEngine.new(jit_cache_size: 0)
    end
    assert_kolosal_error(Kolosal::InvalidArgumentError, "") do
      Kolosal::InferenceEngine.new("{not json")
    end
    Kolosal::InferenceEngine.open("") { |engine| assert_empty model_names(engine) }
  end

  def test_bad_models_and_input
    fit(**BOOSTING) do |model|
      small = { model: "gradient_boosting", params: { n_estimators: 5 } }
      fit(task: "regression", **small) do |regressor|
        Kolosal::InferenceEngine.open do |engine|
          engine.add_model("m", model)
          assert_kolosal_error(Kolosal::InvalidArgumentError, "already loaded") do
            engine.add_model("m", regressor)
          end
          # The refused model changed nothing: "m" still has two classes.
          rows = features[0, 2]
          assert_equal model.predict_proba(rows), engine.predict_proba("m", rows)
          assert_kolosal_error(Kolosal::InvalidArgumentError, "non-empty name") do
            engine.add_model("", model)
          end

          assert_kolosal_error(Kolosal::InvalidArgumentError, "expected 3 columns, got 2") do
            engine.predict("m", [[1.0, 2.0]])
          end
          assert_kolosal_error(Kolosal::InvalidArgumentError, "5 values cannot be") do
            engine.predict("m", [1.0] * 5, rows: 2, cols: 3)
          end
          assert_kolosal_error(Kolosal::InvalidArgumentError, "every row") do
            engine.predict("m", [[1.0], [1.0, 2.0]])
          end

          engine.add_model("regression", regressor)
          assert_equal regressor.predict(features), engine.predict("regression", features)
          assert_kolosal_error(Kolosal::FailedPreconditionError, "") do
            engine.predict_proba("regression", features[0, 1])
          end

          Dir.mktmpdir do |dir|
            garbage = File.join(dir, "garbage.kolosal")
            File.write(garbage, "not a model")
            assert_kolosal_error(Kolosal::CorruptModelError, "") { engine.load_model("g", garbage) }
            missing = File.join(dir, "missing.kolosal")
            assert_kolosal_error(Kolosal::IOError, missing) { engine.load_model("g", missing) }
            # A good file under a name in use, or an empty name, changes nothing: "m" keeps its
            # two classes.
            saved = File.join(dir, "regression.kolosal")
            regressor.save(saved)
            assert_kolosal_error(Kolosal::InvalidArgumentError, "already loaded") do
              engine.load_model("m", saved)
            end
            assert_equal model.predict_proba(rows), engine.predict_proba("m", rows)
            assert_kolosal_error(Kolosal::InvalidArgumentError, "non-empty name") do
              engine.load_model("", saved)
            end
          end
          assert_kolosal_error(Kolosal::NotFoundError, "'g'") { engine.predict("g", features) }
          assert_equal %w[m regression], model_names(engine)
        end
      end
    end
  end

  def test_close_twice_and_use_after_close
    fit(**BOOSTING) do |model|
      engine = Kolosal::InferenceEngine.new
      engine.add_model("m", model)
      refute engine.closed?
      engine.close
      engine.close
      assert engine.closed?
      uses = { "predict" => -> { engine.predict("m", features) },
               "predict_proba" => -> { engine.predict_proba("m", features[0, 1]) },
               "stats" => -> { engine.stats },
               "warmup" => -> { engine.warmup("m") },
               "add_model" => -> { engine.add_model("other", model) },
               "load_model" => -> { engine.load_model("other", "unused.kolosal") },
               "model" => -> { engine.model("m") },
               "remove_model" => -> { engine.remove_model("m") } }
      assert_refused_when_closed(uses, "inference_engine is closed")
      # A closed model cannot be added.
      closed = closed_model
      Kolosal::InferenceEngine.open do |open|
        assert_kolosal_error(Kolosal::FailedPreconditionError, "model is closed") do
          open.add_model("c", closed)
        end
        assert_empty model_names(open)
      end
    end
  end

  # The block form closes the engine after the block returns and after it raises.
  def test_block_form_closes_the_engine
    assert_block_form_closes("InferenceEngine.open",
                             ->(&block) { Kolosal::InferenceEngine.open(&block) })
  end

  # Four threads make 200 single-row calls each on one engine, and every 50th call a batch that
  # runs without the GVL; returns what did not match expected.
  def predict_from_four_threads(engine, name, expected)
    threads = Array.new(4) do |worker|
      Thread.new do
        mismatches = []
        200.times do |call|
          row = ((call * 13) + worker) % features.size
          got = engine.predict(name, [features[row]]).first
          mismatches << "thread #{worker}, row #{row}" unless got == expected[row]
          next unless (call % 50).zero?

          batch = engine.predict(name, features)
          mismatches << "thread #{worker}, batch #{call}" unless batch == expected
        end
        mismatches
      end
    end
    threads.flat_map(&:value)
  end

  # Concurrent callers get exactly the model's values: first while the model compiles
  # (jit_min_calls 20), then again once every single-row call runs the compiled code.
  def test_concurrent_callers
    fit(**BOOSTING) do |model|
      expected = model.predict(features)
      Kolosal::InferenceEngine.open(jit_min_calls: 20) do |engine|
        engine.add_model("m", model)
        assert_empty predict_from_four_threads(engine, "m", expected)
        assert_equal 4 * (200 + 4), model_stats(engine, "m").fetch("calls")
        wait_until_compiled(engine, "m")
        compiled = model_stats(engine, "m").fetch("compiled_calls")
        assert_empty predict_from_four_threads(engine, "m", expected)
        stats = model_stats(engine, "m")
        assert_equal 2 * 4 * (200 + 4), stats.fetch("calls")
        assert_equal compiled + (4 * 200), stats.fetch("compiled_calls")
      end
    end
  end

  # Closing the engine while other threads predict batches with it (without the GVL) frees it
  # when their calls return: every prediction is complete and right or a
  # FailedPreconditionError.
  def test_close_while_predicting
    fit(**BOOSTING) do |model|
      expected = model.predict_proba(features)
      engine = Kolosal::InferenceEngine.new(jit_min_calls: 1)
      engine.add_model("m", model)
      started = Queue.new
      threads = Array.new(4) do
        Thread.new do
          outcomes = []
          started << true
          loop do
            outcomes << (engine.predict_proba("m", features) == expected)
            outcomes << (engine.predict_proba("m", [features[0]]) == expected[0, 1])
          rescue Kolosal::FailedPreconditionError
            break outcomes
          end
        end
      end
      4.times { started.pop }
      sleep 0.05
      engine.close
      threads.each { |thread| assert thread.value.all? }
      assert engine.closed?
    end
  end

  # The same floats, bit for bit, in rows of the same widths.
  def same_bits?(got, want)
    got.map(&:size) == want.map(&:size) && got.flatten.pack("e*") == want.flatten.pack("e*")
  end

  # Two threads add and remove a 2-class and a 3-class model under one name while two others
  # call predict_proba on it. A call sized for one model that ran on the other must predict
  # again: each call gives exactly one model's probabilities, or raises.
  def test_predict_proba_while_the_name_changes_hands
    # 32 rows, so that the calls leave the GVL (fewer keep it throughout, and no add or remove
    # could come between reading the class count and predicting).
    batch = features[10, 32]
    fit(**BOOSTING) do |two|
      fit(task: "multiclass", **BOOSTING) do |three|
        models = [two, three]
        wants = models.map { |model| model.predict_proba(batch) }
        assert_equal [2, 3], wants.map { |want| want.first.size }
        Kolosal::InferenceEngine.open(enable_jit_compilation: false) do |engine|
          done = false
          # At least 200 adds and removes each, and more until the readers are done. Passing
          # after each add hands the GVL over while a model is served, so that a remove and the
          # next add can come while a call runs.
          loaders = Array.new(2) do |first|
            Thread.new do
              round = 0
              until done && round >= 200
                begin
                  engine.add_model("swapped", models[(first + round) % 2])
                rescue Kolosal::InvalidArgumentError => error
                  raise unless error.message.include?("already loaded")
                end
                Thread.pass
                begin
                  engine.remove_model("swapped")
                rescue Kolosal::NotFoundError
                  nil
                end
                round += 1
              end
            end
          end
          # Past 1000 calls each, readers go on until one call found a model: on a loaded
          # machine the first 2000 may all miss. The deadline only stops a hang.
          found_any = false
          deadline = monotonic_seconds + 60
          readers = Array.new(2) do
            Thread.new do
              served = [0, 0]
              mismatches = []
              calls = 0
              while calls < 1000 || (!found_any && monotonic_seconds < deadline)
                calls += 1
                begin
                  got = engine.predict_proba("swapped", batch)
                  index = wants.index { |want| same_bits?(got, want) }
                  if index
                    served[index] += 1
                    found_any = true
                  else
                    mismatches << got
                  end
                rescue Kolosal::NotFoundError
                  nil
                rescue Kolosal::InvalidArgumentError => error
                  # The output is sized when the call begins: nothing when the name is absent,
                  # two values per row when the binary model is served; when the 3-class model
                  # comes in meanwhile, it does not fit.
                  raise unless error.message.include?("the output buffer holds")
                end
              end
              [served, mismatches]
            end
          end
          begin
            results = readers.map(&:value)
          ensure
            done = true
            loaders.each(&:join)
          end
          assert_empty results.flat_map(&:last).first(1), "neither model's probabilities"
          # Which models the calls found depends on the scheduler; some found one.
          assert_operator results.sum { |served, _| served.sum }, :>, 0, "no call found a model"

          # Each model in turn, added last, is served with its own class count.
          models.each_with_index do |model, index|
            engine.add_model("swapped", model)
            assert same_bits?(engine.predict_proba("swapped", batch), wants[index])
            engine.remove_model("swapped")
          end
        end
      end
    end
  end
end
