#!/usr/bin/python3
"""Optuna's samplers on the same test functions as hpo_bench.cpp, one JSON line per run.

Runs with Debian's python3-optuna (3.1). Usage:
  optuna_bench.py [--seeds 20] [--trials 100] [--timing-trials 1000] [--functions a,b]
Progress goes to stderr, results to stdout.
"""
import argparse
import json
import math
import sys
import time
import warnings

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)
warnings.filterwarnings("ignore")


def branin(x):
    b = 5.1 / (4 * math.pi ** 2)
    c = 5 / math.pi
    t = 1 / (8 * math.pi)
    return (x[1] - b * x[0] ** 2 + c * x[0] - 6) ** 2 + 10 * (1 - t) * math.cos(x[0]) + 10


HARTMANN_A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14],
              [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
HARTMANN_P = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
              [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]
HARTMANN_ALPHA = [1.0, 1.2, 3.0, 3.2]


def hartmann6(x):
    total = 0.0
    for row in range(4):
        inner = sum(HARTMANN_A[row][col] * (x[col] - 1e-4 * HARTMANN_P[row][col]) ** 2
                    for col in range(6))
        total += HARTMANN_ALPHA[row] * math.exp(-inner)
    return -total


def rosenbrock(x):
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(len(x) - 1))


def ackley(x):
    n = len(x)
    squares = sum(v * v for v in x) / n
    cosines = sum(math.cos(2 * math.pi * v) for v in x) / n
    return -20 * math.exp(-0.2 * math.sqrt(squares)) - math.exp(cosines) + 20 + math.e


def styblinski_tang(x):
    return 0.5 * sum(v ** 4 - 16 * v ** 2 + 5 * v for v in x)


def levy(x):
    w = [1 + (v - 1) / 4 for v in x]
    total = math.sin(math.pi * w[0]) ** 2
    for wi in w[:-1]:
        total += (wi - 1) ** 2 * (1 + 10 * math.sin(math.pi * wi + 1) ** 2)
    total += (w[-1] - 1) ** 2 * (1 + math.sin(2 * math.pi * w[-1]) ** 2)
    return total


# name, function, bounds, optimum: the same as src/hpo/test_functions.cpp.
FUNCTIONS = [
    ("branin", branin, [(-5.0, 10.0), (0.0, 15.0)], 0.397887357729738),
    ("hartmann6", hartmann6, [(0.0, 1.0)] * 6, -3.32236801141551),
    ("rosenbrock5", rosenbrock, [(-5.0, 10.0)] * 5, 0.0),
    ("ackley5", ackley, [(-32.768, 32.768)] * 5, 0.0),
    ("styblinski_tang5", styblinski_tang, [(-5.0, 5.0)] * 5, -39.16616570377142 * 5),
    ("levy5", levy, [(-10.0, 10.0)] * 5, 0.0),
]

SAMPLERS = {
    "optuna_tpe": lambda seed: optuna.samplers.TPESampler(seed=seed),
    "optuna_tpe_mv": lambda seed: optuna.samplers.TPESampler(seed=seed, multivariate=True),
    "optuna_random": lambda seed: optuna.samplers.RandomSampler(seed=seed),
}


def run_study(function, bounds, sampler_name, trials, seed, overheads):
    study = optuna.create_study(sampler=SAMPLERS[sampler_name](seed))
    distributions = {f"x{i}": optuna.distributions.FloatDistribution(low, high)
                     for i, (low, high) in enumerate(bounds)}
    best = math.inf
    for _ in range(trials):
        start = time.perf_counter()
        trial = study.ask(distributions)
        asked = time.perf_counter()
        value = function([trial.params[f"x{i}"] for i in range(len(bounds))])
        tell_start = time.perf_counter()
        study.tell(trial, value)
        told = time.perf_counter()
        overheads.append((asked - start) + (told - tell_start))
        best = min(best, value)
    return best


def time_at(function, bounds, sampler_name, history, measured=10, seed=0):
    """Mean ask + tell time (wall clock, thread CPU) over `measured` trials asked after `history`
    random finished trials. Random history is cheap to make at 1000 trials; a sampler whose cost
    depends on where the trials lie (a GP's) is also timed inside the studies (see report.py)."""
    import random
    rng = random.Random(seed)
    study = optuna.create_study(sampler=SAMPLERS[sampler_name](seed))
    distributions = {f"x{i}": optuna.distributions.FloatDistribution(low, high)
                     for i, (low, high) in enumerate(bounds)}
    filler = []
    for _ in range(history):
        params = {f"x{i}": rng.uniform(low, high) for i, (low, high) in enumerate(bounds)}
        value = function([params[f"x{i}"] for i in range(len(bounds))])
        filler.append(optuna.trial.create_trial(params=params, distributions=distributions,
                                                value=value))
    study.add_trials(filler)
    overheads = []
    cpu = []
    for _ in range(measured):
        start = time.perf_counter()
        cpu_start = time.thread_time()
        trial = study.ask(distributions)
        asked = time.perf_counter()
        cpu_asked = time.thread_time()
        value = function([trial.params[f"x{i}"] for i in range(len(bounds))])
        tell_start = time.perf_counter()
        cpu_tell_start = time.thread_time()
        study.tell(trial, value)
        overheads.append((asked - start) + (time.perf_counter() - tell_start))
        cpu.append((cpu_asked - cpu_start) + (time.thread_time() - cpu_tell_start))
    return sum(overheads) / len(overheads), sum(cpu) / len(cpu)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--timing-trials", type=int, default=1000)
    parser.add_argument("--functions", default="")
    parser.add_argument("--samplers", default=",".join(SAMPLERS))
    parser.add_argument("--timing-samplers", default="optuna_tpe,optuna_tpe_mv")
    args = parser.parse_args()
    wanted = set(filter(None, args.functions.split(",")))
    samplers = list(filter(None, args.samplers.split(",")))
    for name, function, bounds, optimum in FUNCTIONS:
        if wanted and name not in wanted:
            continue
        for sampler in samplers:
            for seed in range(args.seeds):
                overheads = []
                best = run_study(function, bounds, sampler, args.trials, seed, overheads)
                print(json.dumps({"kind": "run", "library": "optuna", "sampler": sampler,
                                  "function": name, "seed": seed, "best": best,
                                  "regret": best - optimum,
                                  "seconds_per_trial": sum(overheads) / len(overheads),
                                  "last10_seconds_per_trial":
                                      sum(overheads[-10:]) / len(overheads[-10:])}),
                      flush=True)
            print(f"[optuna] {name} {sampler}: {args.seeds} seeds done", file=sys.stderr,
                  flush=True)
    if args.timing_trials <= 0:
        return
    name, function, bounds, _ = FUNCTIONS[1]
    for sampler in filter(None, args.timing_samplers.split(",")):
        at_100, at_100_cpu = time_at(function, bounds, sampler, 90)
        at_1000, at_1000_cpu = time_at(function, bounds, sampler, args.timing_trials - 10)
        print(json.dumps({"kind": "timing", "library": "optuna", "sampler": sampler,
                          "function": name, "at_100": at_100, "at_1000": at_1000,
                          "at_100_cpu": at_100_cpu, "at_1000_cpu": at_1000_cpu}), flush=True)
        print(f"[optuna] timing {sampler} done", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
