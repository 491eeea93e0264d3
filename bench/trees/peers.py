#!/usr/bin/python3
"""Peers for bench/trees: XGBoost hist, scikit-learn HistGradientBoosting* and RandomForest*.

Reads the splits written by kolosal_bench_trees (raw float32 arrays plus meta.json, so every
library sees exactly the same rows and the same ordinal category codes), trains each peer with
the settings matched to Kolosal's, and writes peers.json next to the data plus the XGBoost model
(xgboost.json) for the C API predictor.

Categorical columns: XGBoost gets the ordinal codes as numbers; HistGradientBoosting gets them
as native categorical features; RandomForest* (scikit-learn 1.2 has no NaN support there) gets
the codes as numbers with NaN replaced by -1e30, i.e. missing values sort below every value.
"""
import json
import os
import sys
import time

from peer_data import common_parser, load_split


def parse_args():
    parser = common_parser(__doc__)
    parser.add_argument("--forest-trees", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--omp-wait-policy", default="PASSIVE",
                        help="OMP_WAIT_POLICY for XGBoost and scikit-learn; ACTIVE spinning "
                             "threads distort timings badly when other work shares the cores")
    return parser.parse_args()


ARGS = parse_args()
# OpenMP thread counts must be set before scikit-learn and XGBoost load their runtimes.
os.environ["OMP_NUM_THREADS"] = str(ARGS.threads)
os.environ["OMP_WAIT_POLICY"] = ARGS.omp_wait_policy

import numpy as np  # noqa: E402
import xgboost as xgb  # noqa: E402
from sklearn.ensemble import (HistGradientBoostingClassifier,  # noqa: E402
                              HistGradientBoostingRegressor, RandomForestClassifier,
                              RandomForestRegressor)


def score(meta, y_test, predicted):
    if meta["task"] == "classification":
        if predicted.ndim == 2:
            predicted = predicted.argmax(axis=1)
        elif meta["n_classes"] == 2 and predicted.dtype.kind == "f":
            predicted = (predicted > 0.5).astype(np.float32)
        return float(np.mean(predicted.astype(np.int64) == y_test.astype(np.int64)))
    residual = float(np.sum((y_test - predicted) ** 2))
    total = float(np.sum((y_test - y_test.mean()) ** 2))
    return 1.0 - residual / total


LAST_FIT_CPU = [0.0]  # CPU seconds (all threads) of the last fit


def expand_classes(meta, model, predicted):
    """predict_proba columns follow the classes seen in training; widen to all classes."""
    full = np.zeros((len(predicted), meta["n_classes"]), dtype=np.float64)
    full[:, model.classes_.astype(np.int64)] = predicted
    return full


def timed(fit, predict, repeats):
    start = time.perf_counter()
    cpu_start = time.process_time()
    model = fit()
    fit_seconds = time.perf_counter() - start
    LAST_FIT_CPU[0] = time.process_time() - cpu_start
    best = float("inf")
    predicted = None
    for _ in range(repeats):
        start = time.perf_counter()
        predicted = predict(model)
        best = min(best, time.perf_counter() - start)
    return model, fit_seconds, best, predicted


def xgboost_params(meta):
    """XGBoost hist with the matched settings and the task's objective."""
    params = {"tree_method": "hist", "max_depth": ARGS.max_depth, "eta": ARGS.learning_rate,
              "max_bin": ARGS.max_bins + 1, "min_child_weight": 1, "lambda": 1.0, "nthread": ARGS.threads,
              "seed": 0}
    if meta["task"] != "classification":
        params["objective"] = "reg:squarederror"
    elif meta["n_classes"] == 2:
        params["objective"] = "binary:logistic"
    else:
        params["objective"] = "multi:softprob"
        params["num_class"] = meta["n_classes"]
    return params


def run_xgboost(folder, meta, x_train, y_train, x_test, y_test):
    params = xgboost_params(meta)

    def fit():
        dtrain = xgb.DMatrix(x_train, label=y_train, nthread=ARGS.threads, missing=np.nan)
        return xgb.train(params, dtrain, num_boost_round=ARGS.rounds)

    model, fit_seconds, predict_seconds, predicted = timed(
        fit, lambda booster: booster.inplace_predict(x_test), ARGS.repeats)
    model_path = os.path.join(folder, "xgboost.json")
    model.save_model(model_path)
    return {"fit_s": fit_seconds, "fit_cpu_s": LAST_FIT_CPU[0], "predict_s": predict_seconds,
            "score": score(meta, y_test, predicted), "model": model_path}


def run_xgboost_prior_start(meta, x_train, y_train, x_test, y_test):
    """Binary tasks: XGBoost hist as above but started at the class prior (base_score), as
    Kolosal, LightGBM and XGBoost 2.0 start; XGBoost 1.7 starts at 0.5. Score only."""
    params = dict(xgboost_params(meta), base_score=float(np.mean(y_train)))
    dtrain = xgb.DMatrix(x_train, label=y_train, nthread=ARGS.threads, missing=np.nan)
    booster = xgb.train(params, dtrain, num_boost_round=ARGS.rounds)
    return {"score": score(meta, y_test, booster.inplace_predict(x_test)),
            "base_score": params["base_score"]}


def run_hist_gradient_boosting(meta, x_train, y_train, x_test, y_test):
    classification = meta["task"] == "classification"
    kind = HistGradientBoostingClassifier if classification else HistGradientBoostingRegressor
    categorical = np.array(meta["categorical"], dtype=bool)
    estimator = kind(learning_rate=ARGS.learning_rate, max_iter=ARGS.rounds,
                     max_leaf_nodes=None, max_depth=ARGS.max_depth, min_samples_leaf=1,
                     l2_regularization=1.0, max_bins=ARGS.max_bins,
                     categorical_features=categorical if categorical.any() else None,
                     early_stopping=False, random_state=0)
    predict = (lambda m: m.predict_proba(x_test)) if classification else (
        lambda m: m.predict(x_test))
    model, fit_seconds, predict_seconds, predicted = timed(
        lambda: estimator.fit(x_train, y_train), predict, ARGS.repeats)
    if classification:
        predicted = expand_classes(meta, model, predicted)
    return {"fit_s": fit_seconds, "fit_cpu_s": LAST_FIT_CPU[0], "predict_s": predict_seconds,
            "score": score(meta, y_test, predicted)}


def run_random_forest(meta, x_train, y_train, x_test, y_test):
    classification = meta["task"] == "classification"
    train = np.nan_to_num(x_train, nan=-1e30)
    test = np.nan_to_num(x_test, nan=-1e30)
    if classification:
        estimator = RandomForestClassifier(n_estimators=ARGS.forest_trees, max_features="sqrt",
                                           n_jobs=ARGS.threads, random_state=0)
        predict = lambda m: m.predict_proba(test)  # noqa: E731
    else:
        estimator = RandomForestRegressor(n_estimators=ARGS.forest_trees, max_features=1.0,
                                          n_jobs=ARGS.threads, random_state=0)
        predict = lambda m: m.predict(test)  # noqa: E731
    model, fit_seconds, predict_seconds, predicted = timed(
        lambda: estimator.fit(train, y_train), predict, ARGS.repeats)
    if classification:
        predicted = expand_classes(meta, model, predicted)
    return {"fit_s": fit_seconds, "fit_cpu_s": LAST_FIT_CPU[0], "predict_s": predict_seconds,
            "score": score(meta, y_test, predicted)}


def main():
    for name in ARGS.datasets.split(","):
        folder = os.path.join(ARGS.work_dir, name)
        meta, x_train, y_train, x_test, y_test = load_split(folder)
        results = {
            # What the peers were trained with; kolosal_bench_trees checks it against its own.
            "settings": {"learning_rate": ARGS.learning_rate, "rounds": ARGS.rounds,
                         "max_depth": ARGS.max_depth, "forest_trees": ARGS.forest_trees,
                         "max_bins": ARGS.max_bins},
            "xgboost_hist": run_xgboost(folder, meta, x_train, y_train, x_test, y_test),
            "sklearn_hist_gradient_boosting": run_hist_gradient_boosting(
                meta, x_train, y_train, x_test, y_test),
            "sklearn_random_forest": run_random_forest(meta, x_train, y_train, x_test, y_test),
        }
        if meta["task"] == "classification" and meta["n_classes"] == 2:
            results["xgboost_hist_prior_start"] = run_xgboost_prior_start(
                meta, x_train, y_train, x_test, y_test)
        with open(os.path.join(folder, "peers.json"), "w") as handle:
            json.dump(results, handle, indent=2)
        print(f"peers: {name} done", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
