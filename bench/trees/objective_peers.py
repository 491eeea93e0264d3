#!/usr/bin/python3
"""Peers for bench/trees' objective benchmark (kolosal_bench_objectives).

Reads the splits written by kolosal_bench_objectives (as peers.py does), trains each peer of
each regression objective with the matched settings, and writes for every case its test
predictions (<case>.pred.f32, float32) and its times into objective_peers.json, so that the
benchmark scores both sides with one implementation.

XGBoost 1.7 starts every objective at base_score 0.5; here it starts where Kolosal and
scikit-learn start (the training mean for the log-link objectives, the median for absolute error),
as XGBoost 2.0 does. XGBoost gets category codes as numbers; scikit-learn gets them as native
categorical features.
"""
import json
import os
import sys
import time

from peer_data import common_parser, load_split


def parse_args():
    parser = common_parser(__doc__)
    parser.add_argument("--quantile", type=float, default=0.9)
    parser.add_argument("--tweedie-power", type=float, default=1.5)
    parser.add_argument("--monotone", default="",
                        help="name:feature,... : the feature each dataset's monotone case "
                             "constrains to increase")
    return parser.parse_args()


ARGS = parse_args()
os.environ["OMP_NUM_THREADS"] = str(ARGS.threads)
os.environ["OMP_WAIT_POLICY"] = "PASSIVE"  # see peers.py

import numpy as np  # noqa: E402
import xgboost as xgb  # noqa: E402
from sklearn.ensemble import HistGradientBoostingRegressor  # noqa: E402


def timed_fit(fit):
    start = time.perf_counter()
    cpu_start = time.process_time()
    model = fit()
    return model, time.perf_counter() - start, time.process_time() - cpu_start


def xgboost_case(x_train, y_train, x_test, objective, base_score, extra):
    params = {"tree_method": "hist", "max_depth": ARGS.max_depth, "eta": ARGS.learning_rate,
              "max_bin": ARGS.max_bins + 1, "min_child_weight": 1, "lambda": 1.0,
              "nthread": ARGS.threads, "seed": 0, "objective": objective,
              "base_score": base_score}
    params.update(extra)

    def fit():
        dtrain = xgb.DMatrix(x_train, label=y_train, nthread=ARGS.threads, missing=np.nan)
        return xgb.train(params, dtrain, num_boost_round=ARGS.rounds)

    booster, fit_s, fit_cpu_s = timed_fit(fit)
    return booster.inplace_predict(x_test), fit_s, fit_cpu_s


def sklearn_case(meta, x_train, y_train, x_test, loss, extra):
    categorical = np.array(meta["categorical"], dtype=bool)
    estimator = HistGradientBoostingRegressor(
        loss=loss, learning_rate=ARGS.learning_rate, max_iter=ARGS.rounds, max_leaf_nodes=None,
        max_depth=ARGS.max_depth, min_samples_leaf=1, l2_regularization=1.0,
        max_bins=ARGS.max_bins, categorical_features=categorical if categorical.any() else None,
        early_stopping=False, random_state=0, **extra)
    model, fit_s, fit_cpu_s = timed_fit(lambda: estimator.fit(x_train, y_train))
    return model.predict(x_test), fit_s, fit_cpu_s


def monotone_case(meta, x_train, y_train, x_test):
    """Squared error with the dataset's --monotone feature constrained to increase, or None."""
    features = dict(item.split(":") for item in ARGS.monotone.split(",") if item)
    if meta["name"] not in features:
        return None
    directions = [1 if name == features[meta["name"]] else 0 for name in meta["features"]]
    constraints = "(" + ",".join(str(d) for d in directions) + ")"
    return ("monotone.xgboost", lambda: xgboost_case(
        x_train, y_train, x_test, "reg:squarederror", float(np.mean(y_train)),
        {"monotone_constraints": constraints}))


def additive_case(x_train, y_train, x_test):
    """Squared error with every feature in an interaction set of its own: an additive model."""
    sets = "[" + ",".join("[%d]" % feature for feature in range(x_train.shape[1])) + "]"
    return ("additive.xgboost", lambda: xgboost_case(
        x_train, y_train, x_test, "reg:squarederror", float(np.mean(y_train)),
        {"interaction_constraints": sets}))


def cases(meta, x_train, y_train, x_test):
    """(case name, the peer's fit) for every objective with a peer that optimises the same loss."""
    mean = float(np.mean(y_train))
    median = float(np.median(y_train))
    monotone = monotone_case(meta, x_train, y_train, x_test)
    return ([monotone] if monotone else []) + [additive_case(x_train, y_train, x_test)] + [
        ("dart.xgboost", lambda: xgboost_case(x_train, y_train, x_test, "reg:squarederror", mean,
                                              {"booster": "dart", "rate_drop": 0.1})),
        ("poisson.xgboost", lambda: xgboost_case(x_train, y_train, x_test, "count:poisson",
                                                 mean, {})),
        ("poisson.sklearn", lambda: sklearn_case(meta, x_train, y_train, x_test, "poisson", {})),
        ("gamma.xgboost", lambda: xgboost_case(x_train, y_train, x_test, "reg:gamma", mean, {})),
        ("tweedie.xgboost", lambda: xgboost_case(
            x_train, y_train, x_test, "reg:tweedie", mean,
            {"tweedie_variance_power": ARGS.tweedie_power})),
        ("quantile.sklearn", lambda: sklearn_case(meta, x_train, y_train, x_test, "quantile",
                                                  {"quantile": ARGS.quantile})),
        ("absolute_error.xgboost", lambda: xgboost_case(
            x_train, y_train, x_test, "reg:absoluteerror", median, {})),
        ("absolute_error.sklearn", lambda: sklearn_case(
            meta, x_train, y_train, x_test, "absolute_error", {})),
    ]


def main():
    for name in ARGS.datasets.split(","):
        folder = os.path.join(ARGS.work_dir, name)
        meta, x_train, y_train, x_test, _ = load_split(folder)
        results = {"settings": {"rounds": ARGS.rounds, "max_depth": ARGS.max_depth,
                                "learning_rate": ARGS.learning_rate, "max_bins": ARGS.max_bins,
                                "quantile": ARGS.quantile, "tweedie_power": ARGS.tweedie_power},
                   "cases": {}}
        for case, fit in cases(meta, x_train, y_train, x_test):
            predicted, fit_s, fit_cpu_s = fit()
            path = os.path.join(folder, case + ".pred.f32")
            np.asarray(predicted, dtype="<f4").tofile(path)
            results["cases"][case] = {"fit_s": fit_s, "fit_cpu_s": fit_cpu_s, "predictions": path}
        with open(os.path.join(folder, "objective_peers.json"), "w") as handle:
            json.dump(results, handle, indent=2)
        print(f"objective peers: {name} done", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
