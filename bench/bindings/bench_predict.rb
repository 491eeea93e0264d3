# frozen_string_literal: true

# Bindings benchmark, Ruby side: one-row Kolosal::Model#predict (an Array row, packed to a
# String inside, SWIG wrapper, GVL kept for one row).
# Usage: ruby -I ... bench_predict.rb <model> <calls> <reps>; prints "<median ns> <min ns> <label>".
require "kolosal"

path, calls, reps = ARGV[0], Integer(ARGV[1]), Integer(ARGV[2])
row = [[0.5, -1.25, 2.0, 0.75]]
label = nil
per_call = []
Kolosal::Model.load(path) do |model|
  (-reps...reps).each do |rep| # negative reps warm up
    start = Process.clock_gettime(Process::CLOCK_MONOTONIC, :nanosecond)
    calls.times { label = model.predict(row).first }
    elapsed = Process.clock_gettime(Process::CLOCK_MONOTONIC, :nanosecond) - start
    per_call << elapsed.fdiv(calls) if rep >= 0
  end
end
per_call.sort!
puts format("%.1f %.1f %g", per_call[reps / 2], per_call.first, label)
