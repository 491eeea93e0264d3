package ai.kolosal;

import java.util.Random;

/** A small seeded classification problem that needs no dataset files. */
final class Synthetic {
  static final int ROWS = 300;
  static final int COLS = 4;
  /** A gradient boosting config that fits these rows quickly. */
  static final TrainingConfig GRADIENT_BOOSTING = TrainingConfig.builder()
                                                      .model("gradient_boosting")
                                                      .param("n_estimators", 30)
                                                      .param("num_leaves", 8)
                                                      .build();

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

  /** A regression target for each row: x0 + 2 x1. */
  float[] regressionTargets() {
    float[] targets = new float[ROWS];
    for (int row = 0; row < ROWS; ++row) {
      targets[row] = features[row * COLS] + 2 * features[row * COLS + 1];
    }
    return targets;
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
