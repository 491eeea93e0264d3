#!/usr/bin/python3
"""Peer for bench/stream: pandas reads the CSV and XGBoost (hist, native categoricals) predicts.

--mode train fits XGBoost on diamonds.csv with the settings of Kolosal's model (200 rounds,
depth 6, learning rate 0.1, 256 bins) and saves it; --mode stream reads the big CSV with
pandas.read_csv(chunksize=...) and appends each chunk's predictions to the output CSV, as one
predicts a file larger than memory in Python; --mode memory reads it whole first. The prediction
modes print their wall time as JSON; the caller measures the process's peak resident set.
--mode read only reads the big CSV whole (no model), and also prints the peak resident set
before it read.
"""
import argparse
import json
import os
import resource
import time


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mode", choices=["train", "stream", "memory", "read"], required=True)
    parser.add_argument("--data", required=True, help="diamonds.csv (train) or the big CSV")
    parser.add_argument("--model", help="the XGBoost model file (JSON)")
    parser.add_argument("--out", help="the predictions CSV")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--chunk-rows", type=int, default=100000)
    return parser.parse_args()


ARGS = parse_args()
os.environ["OMP_NUM_THREADS"] = str(ARGS.threads)
os.environ["OMP_WAIT_POLICY"] = "PASSIVE"

import pandas as pd  # noqa: E402
import xgboost as xgb  # noqa: E402

CATEGORIES = {
    "cut": ["Fair", "Good", "Very Good", "Premium", "Ideal"],
    "color": ["D", "E", "F", "G", "H", "I", "J"],
    "clarity": ["I1", "SI2", "SI1", "VS2", "VS1", "VVS2", "VVS1", "IF"],
}
DTYPES = {name: pd.CategoricalDtype(values) for name, values in CATEGORIES.items()}
TARGET = "price"


def features(frame):
    return frame.drop(columns=[TARGET], errors="ignore")


def train():
    frame = pd.read_csv(ARGS.data, dtype=DTYPES)
    data = xgb.DMatrix(features(frame), label=frame[TARGET], enable_categorical=True)
    params = {"tree_method": "hist", "max_depth": 6, "eta": 0.1, "max_bin": 256,
              "nthread": ARGS.threads, "objective": "reg:squarederror"}
    booster = xgb.train(params, data, num_boost_round=200)
    booster.save_model(ARGS.model)


def predict(booster, frame):
    return booster.inplace_predict(features(frame))


def read():
    rss_before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    frame = pd.read_csv(ARGS.data, dtype=DTYPES)
    print(json.dumps({"rows": len(frame), "seconds": time.perf_counter() - start,
                      "rss_before_mb": rss_before_mb}))


def main():
    if ARGS.mode == "train":
        train()
        return
    if ARGS.mode == "read":
        read()
        return
    booster = xgb.Booster(model_file=ARGS.model)
    booster.set_param({"nthread": ARGS.threads})
    start = time.perf_counter()
    rows = 0
    if ARGS.mode == "memory":
        frame = pd.read_csv(ARGS.data, dtype=DTYPES)
        pd.DataFrame({"prediction": predict(booster, frame)}).to_csv(ARGS.out, index=False)
        rows = len(frame)
    else:
        header = True
        with open(ARGS.out, "w") as out:
            for chunk in pd.read_csv(ARGS.data, dtype=DTYPES, chunksize=ARGS.chunk_rows):
                pd.DataFrame({"prediction": predict(booster, chunk)}).to_csv(
                    out, index=False, header=header)
                header = False
                rows += len(chunk)
    print(json.dumps({"rows": rows, "seconds": time.perf_counter() - start}))


main()
