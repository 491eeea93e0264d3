# frozen_string_literal: true

# Tests of Kolosal::StreamingPipeline: CSV files predicted in chunks give exactly the Model's
# predictions (class names, values, float32 probabilities); statistics; cancellation from
# another thread and by an interrupt; every kind of bad input. All on small generated data (no
# dataset files).
require "csv"
require "minitest/autorun"
require "tmpdir"
require "kolosal"
require_relative "test_helper"

class StreamingPipelineTest < Minitest::Test
  include TestHelper
  include SyntheticProblems

  # Slow to predict: 100 000 rows in chunks of 50 take seconds, so a run is still going when the
  # tests cancel it a few milliseconds after its first rows.
  SLOW = { model: "gradient_boosting", params: { n_estimators: 1000, num_leaves: 16 } }.freeze
  BIG_ROWS = 100_000

  # Writes rows (values in FEATURE_NAMES order) to a CSV file with a header. columns are the
  # file's columns in order: a name from FEATURE_NAMES holds that feature, any other the row
  # number.
  def write_csv(path, rows, columns: FEATURE_NAMES)
    lines = rows.each_with_index.map do |row, row_idx|
      columns.map do |column|
        feature_idx = FEATURE_NAMES.index(column)
        feature_idx ? format("%.9g", row[feature_idx]) : row_idx.to_s
      end.join(",")
    end
    File.write(path, ([columns.join(",")] + lines).join("\n") << "\n")
    path
  end

  # A number of the output file as the float32 it stands for.
  def parse_float32(text)
    float32(Float(text))
  end

  # The output file as [header, rows], each an Array of Strings.
  def read_output(path)
    header, *rows = CSV.read(path)
    [header, rows]
  end

  def refute_output(path)
    refute File.exist?(path), "#{path} was written"
    refute File.exist?("#{path}.partial"), "#{path}.partial was left behind"
  end

  # Fits a model of config (see #fit) and writes the problem's features to input.csv in a new
  # folder; yields the model, that file, the path output.csv in the folder, and the folder.
  def with_model_and_input(**config)
    fit(**config) do |model|
      Dir.mktmpdir do |dir|
        input = write_csv(File.join(dir, "input.csv"), features)
        yield model, input, File.join(dir, "output.csv"), dir
      end
    end
  end

  # Fits the SLOW model, writes BIG_ROWS rows to big.csv in a new folder and starts predict_csv
  # on another thread, in chunks of 50 rows, one at a time. Once rows have been written (or the
  # deadline has passed, so that a broken run fails the test instead of hanging it), yields the
  # stream, the thread (which raises quietly: the tests read its exception from Thread#value),
  # the output path, the model and the folder.
  def with_big_run
    fit(**SLOW) do |model|
      Dir.mktmpdir do |dir|
        input = write_csv(File.join(dir, "big.csv"), random_rows(BIG_ROWS, 5))
        output = File.join(dir, "output.csv")
        Kolosal::StreamingPipeline.open(chunk_rows: 50, max_chunks_in_flight: 1) do |stream|
          running = Thread.new do
            Thread.current.report_on_exception = false
            stream.predict_csv(model, input, output)
          end
          wait_until(seconds: 30, interval: 0.001) { stream.stats.fetch("rows").positive? }
          assert_operator stream.stats.fetch("rows"), :>, 0, "no rows streamed within 30 s"
          yield stream, running, output, model, dir
        end
      end
    end
  end

  # The big run stopped early: the stream's state is "cancelled", it wrote fewer than BIG_ROWS
  # rows and left no output file.
  def assert_big_run_cancelled(stream, output)
    stats = stream.stats
    assert_equal "cancelled", stats.fetch("state")
    assert_operator stats.fetch("rows"), :<, BIG_ROWS
    refute_output(output)
  end

  # Class names in chunks of 7 rows: every line is the class of Model#predict for its row; the
  # columns are matched by name (another order, an extra column).
  def test_class_names_match_the_model
    fit(**BOOSTING) do |model|
      assert_equal FEATURE_NAMES, model.feature_names
      expected = model.predict(features).map { |index| model.class_names.fetch(index.to_i) }
      Dir.mktmpdir do |dir|
        input = write_csv(File.join(dir, "input.csv"), features,
                          columns: ["id", *FEATURE_NAMES.reverse])
        output = File.join(dir, "output.csv")
        Kolosal::StreamingPipeline.open(chunk_rows: 7, max_chunks_in_flight: 3) do |stream|
          assert_equal "idle", stream.stats.fetch("state")
          assert_same stream, stream.predict_csv(model, input, output)
          header, rows = read_output(output)
          assert_equal %w[prediction], header
          assert_equal expected, rows.map(&:first)
          assert_equal [1], rows.map(&:size).uniq
          refute File.exist?("#{output}.partial")

          stats = stream.stats
          assert_equal "done", stats.fetch("state")
          assert_equal ROWS, stats.fetch("rows")
          assert_equal (ROWS / 7.0).ceil, stats.fetch("chunks")
          assert_equal File.size(input), stats.fetch("input_bytes")
          assert_equal File.size(input), stats.fetch("bytes_read")
          assert_operator stats.fetch("peak_chunks_in_flight"), :<=, 3
          assert_equal 7, stats.fetch("options").fetch("chunk_rows")
          assert_equal "", stats.fetch("error")
        end
      end
    end
  end

  # probabilities: true writes one column per class, named by the class, holding the float32
  # of Model#predict_proba exactly (the shortest text that reads back as that float32).
  def test_probabilities_match_the_model
    with_model_and_input(task: "multiclass", **BOOSTING) do |model, input, output|
      assert_equal 3, model.n_classes
      expected = model.predict_proba(features)
      Kolosal::StreamingPipeline.open('{"chunk_rows": 7, "probabilities": true}') do |stream|
        stream.predict_csv(model, input, output)
        header, rows = read_output(output)
        assert_equal model.class_names, header
        assert_equal expected, rows.map { |row| row.map { |text| parse_float32(text) } }
        assert_operator stream.stats.fetch("chunks"), :>, 1
      end
    end
  end

  # contributions: true writes Model#contributions on the same file, float32 for float32, under
  # "class:column" and "class:bias" columns; it cannot be combined with probabilities.
  def test_contributions_match_the_model
    with_model_and_input(task: "multiclass", **BOOSTING) do |model, input, output|
      expected = Kolosal::Dataset.read_csv(input) { |dataset| model.contributions(dataset) }
      Kolosal::StreamingPipeline.open(chunk_rows: 7, contributions: true) do |stream|
        stream.predict_csv(model, input, output)
        header, rows = read_output(output)
        columns = model.class_names.product([*FEATURE_NAMES, "bias"])
        assert_equal columns.map { |pair| pair.join(":") }, header
        assert_equal expected.map(&:flatten),
                     rows.map { |row| row.map { |text| parse_float32(text) } }
        assert stream.stats.fetch("options").fetch("contributions")
      end
    end
    error = assert_raises(Kolosal::InvalidArgumentError) do
      Kolosal::StreamingPipeline.new(probabilities: true, contributions: true)
    end
    assert_includes error.message, "probabilities and contributions cannot be combined"
  end

  # A regression model writes values (float32 exactly); probabilities are refused.
  def test_regression_values_match_the_model
    config = { task: "regression", model: "gradient_boosting", params: { n_estimators: 10 } }
    with_model_and_input(**config) do |model, input, output, dir|
      expected = model.predict(features)
      Kolosal::StreamingPipeline.open(chunk_rows: 7) do |stream|
        stream.predict_csv(model, input, output)
        header, rows = read_output(output)
        assert_equal %w[prediction], header
        assert_equal expected, rows.map { |(text)| parse_float32(text) }
        assert_equal "done", stream.stats.fetch("state")
        assert_equal ROWS, stream.stats.fetch("rows")
      end
      refused = File.join(dir, "refused.csv")
      Kolosal::StreamingPipeline.open(probabilities: true) do |stream|
        assert_kolosal_error(Kolosal::InvalidArgumentError, "classification") do
          stream.predict_csv(model, input, refused)
        end
        assert_equal "failed", stream.stats.fetch("state")
      end
      refute_output(refused)
    end
  end

  def test_bad_files
    with_model_and_input(**BOOSTING) do |model, input, output, dir|
      Kolosal::StreamingPipeline.open(chunk_rows: 7) do |stream|
        missing = File.join(dir, "missing.csv")
        error = assert_kolosal_error(Kolosal::IOError, missing) do
          stream.predict_csv(model, missing, output)
        end
        assert_equal "IO", error.status
        refute_output(output)

        # A file without the model's "income" column: nothing is written.
        lacking = write_csv(File.join(dir, "lacking.csv"), features, columns: %w[age score])
        assert_kolosal_error(Kolosal::InvalidArgumentError, "missing column 'income'") do
          stream.predict_csv(model, lacking, output)
        end
        refute_output(output)
        stats = stream.stats
        assert_equal "failed", stats.fetch("state")
        assert_includes stats.fetch("error"), "income"

        # A folder that does not exist for the output.
        assert_kolosal_error(Kolosal::IOError, "") do
          stream.predict_csv(model, input, File.join(dir, "no", "such", "output.csv"))
        end
        # The stream runs again after failures.
        stream.predict_csv(model, input, output)
        assert_equal ROWS, read_output(output).last.size
      end
    end
  end

  def test_json_text_and_keywords_combine
    json = '{"chunk_rows": 7, "n_jobs": 1}'
    Kolosal::StreamingPipeline.open(json, n_jobs: 2, probabilities: true) do |stream|
      options = stream.stats.fetch("options")
      assert_equal [7, 2, true], options.values_at("chunk_rows", "n_jobs", "probabilities")
    end
    hash = { "chunk_rows" => 5, :max_chunks_in_flight => 3 }
    Kolosal::StreamingPipeline.open(hash, chunk_rows: 9) do |stream|
      options = stream.stats.fetch("options")
      assert_equal [9, 3], options.values_at("chunk_rows", "max_chunks_in_flight")
    end
    assert_raises(ArgumentError) { Kolosal::StreamingPipeline.new("{not json", chunk_rows: 2) }
    assert_raises(ArgumentError) { Kolosal::StreamingPipeline.new("[1]", chunk_rows: 2) }
  end

  def test_bad_config
    assert_kolosal_error(Kolosal::InvalidArgumentError, "did you mean 'chunk_rows'") do
      Kolosal::StreamingPipeline.new(chunk_row: 7)
    end
    assert_kolosal_error(Kolosal::InvalidArgumentError, "did you mean 'max_chunks_in_flight'") do
      Kolosal::StreamingPipeline.new('{"max_chunk_in_flight": 2}')
    end
    assert_kolosal_error(Kolosal::InvalidArgumentError, "did you mean 'delimiter'") do
      Kolosal::StreamingPipeline.new(csv: { delimitr: ";" })
    end
    assert_kolosal_error(Kolosal::InvalidArgumentError, "'n_jobs' = -1") do
      Kolosal::StreamingPipeline.new(n_jobs: -1)
    end
    assert_kolosal_error(Kolosal::InvalidArgumentError, "no target") do
      Kolosal::StreamingPipeline.new(csv: { target: "y" })
    end
    assert_kolosal_error(Kolosal::InvalidArgumentError, "") do
      Kolosal::StreamingPipeline.new("{not json")
    end
    Kolosal::StreamingPipeline.open("") do |stream|
      assert_equal "idle", stream.stats.fetch("state")
    end
  end

  # nil arguments are refused by the library (InvalidArgumentError naming the argument), a
  # handle of the wrong kind by the binding (TypeError); nothing is written.
  def test_nil_and_wrong_arguments
    with_model_and_input(**BOOSTING) do |model, input, output|
      Kolosal::StreamingPipeline.open do |stream|
        assert_kolosal_error(Kolosal::InvalidArgumentError, "model") do
          stream.predict_csv(nil, input, output)
        end
        assert_kolosal_error(Kolosal::InvalidArgumentError, "input_path") do
          stream.predict_csv(model, nil, output)
        end
        assert_kolosal_error(Kolosal::InvalidArgumentError, "output_path") do
          stream.predict_csv(model, input, nil)
        end
        Kolosal::Dataset.from_dense(features) do |dataset|
          assert_raises(TypeError) { stream.predict_csv(dataset, input, output) }
        end
        refute_output(output)
      end
    end
  end

  def test_close_twice_and_use_after_close
    with_model_and_input(**BOOSTING) do |model, input, output|
      stream = Kolosal::StreamingPipeline.new
      refute stream.closed?
      stream.close
      stream.close
      assert stream.closed?
      uses = { "predict_csv" => -> { stream.predict_csv(model, input, output) },
               "cancel" => -> { stream.cancel },
               "stats" => -> { stream.stats } }
      assert_refused_when_closed(uses, "stream is closed")
      # A closed model cannot be streamed.
      closed = closed_model
      Kolosal::StreamingPipeline.open do |open|
        assert_kolosal_error(Kolosal::FailedPreconditionError, "model is closed") do
          open.predict_csv(closed, input, output)
        end
      end
      refute_output(output)
    end
  end

  # The block form closes the stream after the block returns and after it raises.
  def test_block_form_closes_the_stream
    assert_block_form_closes("StreamingPipeline.open",
                             ->(&block) { Kolosal::StreamingPipeline.open(&block) })
  end

  # 100 000 rows in chunks of 50, one chunk at a time: the run goes on without the GVL while this
  # thread polls it, refuses a second run, and ends with CancelledError after #cancel, leaving no
  # output file.
  def test_cancel_from_another_thread
    with_big_run do |stream, running, output, model, dir|
      assert_equal "running", stream.stats.fetch("state")
      assert_kolosal_error(Kolosal::FailedPreconditionError, "already running") do
        stream.predict_csv(model, File.join(dir, "big.csv"), File.join(dir, "second.csv"))
      end
      stream.cancel
      error = assert_kolosal_error(Kolosal::CancelledError, "") { running.value }
      assert_equal "CANCELLED", error.status
      assert_big_run_cancelled(stream, output)
      refute_output(File.join(dir, "second.csv"))
      # Idle again: cancel is a no-op, and the stream runs to the end.
      stream.cancel
      small = write_csv(File.join(dir, "small.csv"), features)
      stream.predict_csv(model, small, output)
      assert_equal "done", stream.stats.fetch("state")
      assert_equal ROWS, read_output(output).last.size
    end
  end

  # Thread#raise on the thread that runs predict_csv cancels the run through the library.
  def test_interrupting_a_run_cancels_it
    with_big_run do |stream, running, output|
      assert_interrupt_stops(running)
      assert_big_run_cancelled(stream, output)
    end
  end
end
