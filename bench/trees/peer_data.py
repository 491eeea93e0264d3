"""What the Python peers of bench/trees share: the common flags and the split loader.

Imports nothing heavy at load time, so that a peer script can set OpenMP's environment before
numpy, scikit-learn and XGBoost start their runtimes.
"""
import argparse
import json
import os


def common_parser(description):
    """The flags of every peer script: work folder, datasets and the matched settings."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--work-dir", required=True)
    parser.add_argument("--datasets", required=True, help="comma-separated names")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--max-depth", type=int, default=6)
    parser.add_argument("--learning-rate", type=float, default=0.1,
                        help="XGBoost's eta and HistGradientBoosting's learning_rate")
    parser.add_argument("--max-bins", type=int, default=255,
                        help="value bins (XGBoost's max_bin counts one more)")
    return parser


def load_split(folder):
    """meta.json and the float32 arrays kolosal's WriteSplit wrote: meta, x_train, y_train,
    x_test, y_test (x as rows x cols, y flat)."""
    import numpy as np

    with open(os.path.join(folder, "meta.json")) as handle:
        meta = json.load(handle)

    def read(name, rows, width):
        return np.fromfile(os.path.join(folder, name), dtype="<f4").reshape(rows, width)

    cols = meta["cols"]
    return (meta, read("x_train.f32", meta["train_rows"], cols),
            read("y_train.f32", meta["train_rows"], 1).ravel(),
            read("x_test.f32", meta["test_rows"], cols),
            read("y_test.f32", meta["test_rows"], 1).ravel())
