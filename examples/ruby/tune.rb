# frozen_string_literal: true

# Ruby tuning example: an ask/tell loop over a function written in Ruby (no callback into the
# library), then tuning a model's hyperparameters by cross-validation.
# Run: RUBYLIB=bindings/ruby/lib:build/bindings/ruby/ext ruby examples/ruby/tune.rb <data-dir>
require "kolosal"

space = [{ name: "x", type: "float", low: -5, high: 5 },
         { name: "y", type: "int", low: -5, high: 5 },
         { name: "k", type: "categorical", choices: %w[a b c] }]
Kolosal::Optimizer.open(space, max_trials: 60, random_state: 1) do |optimizer|
  # The explicit loop ...
  until optimizer.should_stop?
    optimizer.ask do |trial|
      value = ((trial.float("x") - 2)**2) + ((trial.int("y") + 1)**2) +
              (trial.categorical("k") == "b" ? 0 : 1)
      optimizer.tell(trial, value)
    end
  end
  # ... which optimizer.optimize { |trial| value } writes for you.
  puts "stopped: #{optimizer.stop_reason}"
  puts "best: #{optimizer.best}"
end

sonar = File.join(ARGV.fetch(0, "../shared/data"), "sonar.csv")
unless File.exist?(sonar)
  puts "skipped the model tuning: #{sonar} not found"
  exit
end
begin
  Kolosal::Dataset.read_csv(sonar, target: "Class") do |data|
    Kolosal::Trainer.open(model: "logistic_regression", cv_folds: 3) do |trainer|
      trainer.on_progress do |fraction, stage|
        puts format("tuning: %d%%", 100 * fraction) if stage == "tuning"
      end
      trainer.tune(data, n_trials: 5) do |model|
        tuning = model.metadata.fetch("tuning")
        puts "best cv #{tuning['metric']}: #{tuning['best_score'].round(4)}"
        puts "best params: #{tuning['best_params']}"
      end
    end
  end
rescue Kolosal::Error => e
  warn "#{e.status} (#{e.code}): #{e.message}"
  exit 1
end
