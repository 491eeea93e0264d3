package ai.kolosal;

import java.util.Random;

/** A small seeded classification problem that needs no dataset files. */
final class Synthetic {
  static final int ROWS = 300;
  static final int COLS = 4;

  final float[] features = new float[ROWS * COLS];
  final float[] labels = new float[ROWS];

  Synthetic() {
    Random random = new Random(42);
    for (int row = 0; row < ROWS; ++row) {
      for (int col = 0; col < COLS; ++col) {
        features[row * COLS + col] = random.nextFloat();
      }
      labels[row] = features[row * COLS] + features[row * COLS + 1] > 1.0f ? 1.0f : 0.0f;
    }
  }

  Dataset dataset() {
    return Dataset.fromArray(features, ROWS, COLS, labels,
        DatasetOptions.builder().task("classification").build());
  }

  Model train() {
    try (Dataset data = dataset();
         TrainingEngine engine =
             new TrainingEngine(TrainingConfig.builder().model("logistic_regression").build())) {
      return engine.fit(data);
    }
  }
}
