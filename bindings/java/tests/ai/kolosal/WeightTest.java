package ai.kolosal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A weight column: y = x on rows of weight 1; rows of weight 0 (y = 1000) must not count. */
class WeightTest {
  private static final int ROWS = 20;

  @TempDir Path tempDir;

  @Test
  void csvWeightColumnLeavesTheFeatures() throws IOException {
    Path csv = tempDir.resolve("weighted.csv");
    Files.writeString(csv, "x,w,y\n1,1,1\n2,0.5,2\n3,2,3\n");
    try (Dataset data = Dataset.fromCsv(csv.toString(),
             CsvOptions.builder().target("y").task("regression").weightColumn("w").build())) {
      assertEquals(1, data.cols());
      assertTrue(data.describe().contains("\"weight_column\":\"w\""), data.describe());
    }
  }

  private static Dataset weighted(float[] features, float[] labels) {
    return Dataset.fromArray(features, ROWS, 2, labels,
        DatasetOptions.builder()
            .featureNames("x", "w")
            .task("regression")
            .weightColumn("w")
            .build());
  }

  @Test
  void zeroWeightRowsDoNotCount() {
    float[] features = new float[ROWS * 2];
    float[] labels = new float[ROWS];
    for (int row = 0; row < ROWS; ++row) {
      features[2 * row] = row;
      features[2 * row + 1] = row % 2 == 0 ? 1.0f : 0.0f;
      labels[row] = row % 2 == 0 ? row : 1000.0f;
    }
    try (Dataset data = weighted(features, labels);
         TrainingEngine engine =
             new TrainingEngine(TrainingConfig.builder().model("linear_regression").build());
         Model model = engine.fit(data)) {
      assertEquals(1, model.nFeatures());
      assertEquals(7.5f, model.predict(new float[] {7.5f}, 1, 1)[0], 1e-3f);
    }
    features[3] = -1.0f;
    KolosalException error =
        assertThrows(KolosalException.class, () -> weighted(features, labels));
    assertEquals(StatusCode.INVALID_ARGUMENT, error.status());
    assertTrue(error.getMessage().contains("a weight must be finite and >= 0, got -1"),
        error.getMessage());
  }
}
