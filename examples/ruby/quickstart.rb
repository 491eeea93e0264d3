# frozen_string_literal: true

# Ruby quick start: read a CSV, cross-validate, train, evaluate, save, load, predict and serve.
# Usage: ruby -I <bindings/ruby/lib> -I <build>/bindings/ruby/ext quickstart.rb <data-dir>
require "kolosal"
require "tmpdir"

csv_path = File.join(ARGV.fetch(0, "../shared/data"), "spam.csv")
unless File.exist?(csv_path)
  puts "skipped: #{csv_path} not found"
  exit
end

puts "kolosal #{Kolosal.version}"

# Failures raise Kolosal::Error subclasses with the status code and the library's message.
begin
  Kolosal::Model.load("missing.kolosal")
rescue Kolosal::IOError => e
  puts "expected error (#{e.status}): #{e.message}"
end

model_path = File.join(Dir.tmpdir, "spam-ruby.kolosal")
# Blocks close what they open, even when something raises.
Kolosal::Dataset.read_csv(csv_path, target: "type") do |data|
  data.train_test_split(0.25, seed: 42) do |train, test|
    Kolosal::Trainer.open(model: "logistic_regression", n_jobs: 2, cv_folds: 5) do |trainer|
      cv = trainer.cross_validate(train)
      puts format("5-fold %<metric>s: %<mean>.4f +/- %<std>.4f", metric: cv["metric"],
                                                                   mean: cv["mean"], std: cv["std"])
      trainer.fit(train) do |model|
        metrics = model.evaluate(test)
        puts format("holdout accuracy: %<accuracy>.4f, roc_auc: %<auc>.4f",
                    accuracy: metrics["accuracy"], auc: metrics["roc_auc"])
        model.save(model_path)
      end
    end

    # Serve gradient boosting: an InferenceEngine shares a model with concurrent callers and
    # compiles a hot tree model to machine code after jit_min_calls small calls. Served calls give
    # exactly the model's own floats.
    Kolosal::Trainer.open(model: "gradient_boosting", n_jobs: 2) do |trainer|
      trainer.fit(train) do |trees|
        empty_message = [0.0] * trees.n_features
        proba = trees.predict_proba([empty_message]).first
        Kolosal::InferenceEngine.open(jit_min_calls: 10) do |engine|
          engine.add_model("spam", trees)
          20.times { engine.predict_proba("spam", [empty_message]) }
          compiled = engine.warmup("spam")
          served = engine.predict_proba("spam", [empty_message]).first
          unless compiled && served == proba
            abort "the engine did not serve the compiled model's floats"
          end

          stats = engine.stats.fetch("models").find { |entry| entry["name"] == "spam" }
          puts format("served: jit %<state>s, %<compiled>d compiled calls, p50 %<p50>.1f us",
                      state: stats["jit"]["state"], compiled: stats["compiled_calls"],
                      p50: stats["latency_us"]["p50"])
        end

        # Stream the whole CSV through the model in chunks of 500 rows: memory stays bounded
        # whatever the file's size, and the predictions come out in input order.
        predictions = File.join(Dir.tmpdir, "spam-ruby-#{Process.pid}.csv")
        Kolosal::StreamingPipeline.open(chunk_rows: 500) do |stream|
          stream.predict_csv(trees, csv_path, predictions)
          streamed = stream.stats
          if streamed["rows"] != data.n_rows
            abort "the stream did not predict every row: #{streamed}"
          end
          puts format("streamed: %<rows>d rows in %<chunks>d chunks",
                      rows: streamed["rows"], chunks: streamed["chunks"])
        ensure
          File.delete(predictions) if File.exist?(predictions)
        end
      end
    end
  end
end

Kolosal::Model.load(model_path) do |model|
  # Rows are Arrays of numbers (or one packed String, e.g. rows.flatten.pack("E*")).
  empty_message = [0.0] * model.n_features
  proba = model.predict_proba([empty_message]).first
  puts format("an empty message: P(%<name>s) = %<p>.3f", name: model.class_names[1], p: proba[1])
end

