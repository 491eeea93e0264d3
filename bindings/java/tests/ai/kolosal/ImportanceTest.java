package ai.kolosal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Feature importance and names: only f0 and f1 decide the synthetic class. SHAP contributions:
 * only a decides the class of aDecides().
 */
class ImportanceTest {
  private static Model fit(TrainingConfig config) {
    Synthetic synthetic = new Synthetic();
    try (Dataset data = synthetic.dataset(); TrainingEngine engine = new TrainingEngine(config)) {
      return engine.fit(data);
    }
  }

  @Test
  void stumpSplitsOnceOnADecidingFeature() {
    try (Model stump = fit(
             TrainingConfig.builder().model("decision_tree").param("max_depth", 1).build())) {
      assertEquals(List.of("f0", "f1", "f2", "f3"), stump.featureNames());
      float[] splits = stump.featureImportance(ImportanceType.SPLIT);
      assertEquals(1.0f, splits[0] + splits[1]);
      assertEquals(0.0f, splits[2]);
      assertEquals(0.0f, splits[3]);
      float[] gain = stump.featureImportance(ImportanceType.GAIN);
      assertTrue(gain[0] + gain[1] > 0.0f);
      try (Model loaded = Model.fromBytes(stump.toBytes())) {
        assertArrayEquals(gain, loaded.featureImportance(ImportanceType.GAIN));
      }
      KolosalException error = assertThrows(
          KolosalException.class, () -> stump.featureImportance(ImportanceType.COEFFICIENT));
      assertEquals(StatusCode.UNSUPPORTED, error.status());
      assertTrue(error.getMessage().contains("decision_tree has no coefficient importance"),
          error.getMessage());
      try (Dataset data = new Synthetic().dataset()) {
        String permuted = stump.permutationImportance(data, "{\"n_repeats\":3}");
        assertTrue(permuted.contains("\"features\":[\"f0\",\"f1\",\"f2\",\"f3\"]"), permuted);
        // The stump never reads f2 or f3: shuffling them costs nothing.
        assertTrue(permuted.contains(",0.0,0.0],\"importances_std\""), permuted);
        error = assertThrows(KolosalException.class,
            () -> stump.permutationImportance(data, "{\"metric\":\"r2\"}"));
        assertEquals(StatusCode.INVALID_ARGUMENT, error.status());
        assertTrue(error.getMessage().contains("is for regression"), error.getMessage());
      }
      error = assertThrows(KolosalException.class, () -> stump.featureName(4));
      assertEquals(StatusCode.INVALID_ARGUMENT, error.status());
      assertTrue(error.getMessage().contains("out of range"), error.getMessage());
    }
  }

  private static final int ROWS = 300;
  private static final int WIDTH = 4;  // a, b, c and the bias

  /** 300 rows of a, b, c uniform in [-1, 1); the class is a > 0 (for regression: a itself). */
  private static Dataset aDecides(String task) {
    Random random = new Random(7);
    float[] features = new float[ROWS * 3];
    float[] labels = new float[ROWS];
    for (int row = 0; row < ROWS; ++row) {
      for (int col = 0; col < 3; ++col) {
        features[row * 3 + col] = random.nextFloat() * 2.0f - 1.0f;
      }
      float a = features[row * 3];
      labels[row] = task.equals("regression") ? a : (a > 0.0f ? 1.0f : 0.0f);
    }
    return Dataset.fromArray(features, ROWS, 3, labels,
        DatasetOptions.builder().featureNames("a", "b", "c").task(task).build());
  }

  private static Model fit(Dataset data, TrainingConfig config) {
    try (TrainingEngine engine = new TrainingEngine(config)) {
      return engine.fit(data);
    }
  }

  /** The sum of the block of (row, output): the output before its link. */
  private static double blockSum(float[] values, int row, int output, int outputs) {
    double sum = 0.0;
    for (int index = 0; index < WIDTH; ++index) {
      sum += values[(row * outputs + output) * WIDTH + index];
    }
    return sum;
  }

  @Test
  void stumpContributionsGoToTheSplitFeature() {
    try (Dataset data = aDecides("classification");
         Model stump = fit(data,
             TrainingConfig.builder().model("decision_tree").param("max_depth", 1).build())) {
      float[] values = stump.contributions(data);
      assertEquals(ROWS * 2 * WIDTH, values.length);
      float[] proba = stump.predictProba(data);
      for (int row = 0; row < ROWS; ++row) {
        for (int output = 0; output < 2; ++output) {
          int block = (row * 2 + output) * WIDTH;
          assertEquals(0.0f, values[block + 1], "b, row " + row);
          assertEquals(0.0f, values[block + 2], "c, row " + row);
          assertEquals(proba[row * 2 + output], values[block] + values[block + 3], 1e-6,
              "a + bias, row " + row + ", class " + output);
        }
      }
      try (Dataset other = Dataset.fromArray(new float[] {0.5f, 0.5f, 0.5f}, 1, 3, null,
               DatasetOptions.builder().featureNames("x", "b", "c").build())) {
        KolosalException error =
            assertThrows(KolosalException.class, () -> stump.contributions(other));
        assertEquals(StatusCode.INVALID_ARGUMENT, error.status());
        assertTrue(error.getMessage().contains("missing column 'a'"), error.getMessage());
      }
    }
  }

  @Test
  void boostingContributionsSumToTheLogOdds() {
    try (Dataset data = aDecides("classification");
         Model boosting = fit(data, TrainingConfig.builder()
                                        .model("gradient_boosting")
                                        .param("n_estimators", 20)
                                        .build())) {
      float[] values = boosting.contributions(data);
      assertEquals(ROWS * 2 * WIDTH, values.length);
      float[] proba = boosting.predictProba(data);
      for (int row = 0; row < ROWS; ++row) {
        for (int index = 0; index < WIDTH; ++index) {
          int one = (row * 2 + 1) * WIDTH + index;
          // == rather than assertEquals, which tells 0.0 from -0.0.
          assertTrue(values[one - WIDTH] == -values[one], "class 0 negates class 1, row " + row);
        }
        double margin = blockSum(values, row, 1, 2);
        assertEquals(proba[row * 2 + 1], 1.0 / (1.0 + Math.exp(-margin)), 1e-5, "row " + row);
      }
    }
  }

  @Test
  void regressionContributionsSumToThePrediction() {
    try (Dataset data = aDecides("regression");
         Model tree = fit(data,
             TrainingConfig.builder().model("decision_tree").param("max_depth", 3).build())) {
      assertEquals(0, tree.nClasses());
      float[] values = tree.contributions(data);
      assertEquals(ROWS * WIDTH, values.length);
      float[] predicted = tree.predict(data);
      for (int row = 0; row < ROWS; ++row) {
        assertEquals(predicted[row], blockSum(values, row, 0, 1), 1e-5, "row " + row);
      }
    }
  }

  @Test
  void linearCoefficientsRankTheDecidingFeatures() {
    try (Model linear = fit(TrainingConfig.builder().model("logistic_regression").build())) {
      float[] weight = linear.featureImportance(ImportanceType.COEFFICIENT);
      float noise = Math.max(weight[2], weight[3]);
      assertTrue(weight[0] > 4 * noise && weight[1] > 4 * noise, java.util.Arrays.toString(weight));
      KolosalException error =
          assertThrows(KolosalException.class, () -> linear.featureImportance(ImportanceType.GAIN));
      assertEquals(StatusCode.UNSUPPORTED, error.status());
    }
  }
}
