package ai.kolosal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Feature importance and names: only f0 and f1 decide the synthetic class. */
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
