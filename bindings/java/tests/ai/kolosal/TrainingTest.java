package ai.kolosal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training in Java: fit, predict, save, load, predict again, all identical. */
class TrainingTest {
  @TempDir Path tempDir;

  private static final TrainingConfig LOGISTIC =
      TrainingConfig.builder().model("logistic_regression").build();

  @Test
  void spamTrainSaveLoadPredict() throws IOException {
    try (Dataset data = Dataset.fromCsv(TestData.spamCsv(), CsvOptions.target("type"));
         TrainingEngine engine = new TrainingEngine(LOGISTIC);
         Model model = engine.fit(data)) {
      assertEquals(4601, data.rows());
      assertEquals(57, data.cols());
      assertEquals(List.of("nonspam", "spam"), model.classNames());
      float[] proba = model.predictProba(data);

      // Same data, same configuration as the CLI's reference model: the same probabilities.
      assertArrayEquals(TestData.referenceProba(), proba);

      String path = tempDir.resolve("spam.kolosal").toString();
      model.save(path);
      try (Model loaded = Model.load(path)) {
        assertArrayEquals(proba, loaded.predictProba(data));
        assertArrayEquals(model.predict(data), loaded.predict(data));
      }
      byte[] bytes = model.toBytes();
      assertArrayEquals(Files.readAllBytes(Path.of(path)), bytes);
      try (Model fromBytes = Model.fromBytes(bytes)) {
        assertArrayEquals(proba, fromBytes.predictProba(data));
      }
      String scores = model.evaluate(data);
      assertTrue(scores.contains("\"accuracy\""), scores);
    }
  }

  @Test
  void arraysTrainAndRoundTrip() {
    Synthetic synthetic = new Synthetic();
    try (Model model = synthetic.train()) {
      assertEquals(Synthetic.COLS, model.nFeatures());
      assertEquals(2, model.nClasses());
      float[] proba = model.predictProba(synthetic.features, Synthetic.ROWS, Synthetic.COLS);
      assertEquals(2 * Synthetic.ROWS, proba.length);
      float[] labels = model.predict(synthetic.features, Synthetic.ROWS, Synthetic.COLS);
      int correct = 0;
      for (int row = 0; row < Synthetic.ROWS; ++row) {
        correct += labels[row] == synthetic.labels[row] ? 1 : 0;
      }
      assertTrue(correct >= 0.9 * Synthetic.ROWS, "accuracy " + correct);

      double[] asDouble = new double[synthetic.features.length];
      for (int index = 0; index < asDouble.length; ++index) {
        asDouble[index] = synthetic.features[index];
      }
      assertArrayEquals(proba, model.predictProba(asDouble, Synthetic.ROWS, Synthetic.COLS));

      float[] into = new float[2 * Synthetic.ROWS];
      model.predictProba(synthetic.features, Synthetic.ROWS, Synthetic.COLS, Layout.ROW_MAJOR,
          into);
      assertArrayEquals(proba, into);

      try (Model copy = Model.fromBytes(model.toBytes())) {
        assertArrayEquals(proba, copy.predictProba(synthetic.features, Synthetic.ROWS,
            Synthetic.COLS));
      }
      assertTrue(model.metadata().contains("logistic_regression"), model.metadata());
    }
  }

  @Test
  void columnMajorEqualsRowMajor() {
    Synthetic synthetic = new Synthetic();
    float[] columnMajor = new float[synthetic.features.length];
    for (int row = 0; row < Synthetic.ROWS; ++row) {
      for (int col = 0; col < Synthetic.COLS; ++col) {
        columnMajor[col * Synthetic.ROWS + row] = synthetic.features[row * Synthetic.COLS + col];
      }
    }
    try (Model model = synthetic.train()) {
      float[] out = new float[2 * Synthetic.ROWS];
      model.predictProba(columnMajor, Synthetic.ROWS, Synthetic.COLS, Layout.COL_MAJOR, out);
      assertArrayEquals(model.predictProba(synthetic.features, Synthetic.ROWS, Synthetic.COLS),
          out);
    }
  }

  @Test
  void datasetAccessorsAndSplit() {
    Synthetic synthetic = new Synthetic();
    try (Dataset data = synthetic.dataset()) {
      assertEquals(Synthetic.ROWS, data.rows());
      assertEquals(Synthetic.COLS, data.cols());
      assertArrayEquals(synthetic.labels, data.labels());
      assertTrue(data.describe().contains("classification"), data.describe());
      Dataset[] parts = data.trainTestSplit(0.25, 7);
      try (Dataset train = parts[0]; Dataset test = parts[1]) {
        assertEquals(Synthetic.ROWS, train.rows() + test.rows());
        assertTrue(test.rows() > 0 && train.rows() > test.rows());
      }
    }
  }

  @Test
  void crossValidation() {
    Synthetic synthetic = new Synthetic();
    try (Dataset data = synthetic.dataset();
         TrainingEngine engine = new TrainingEngine(TrainingConfig.builder()
                                                        .model("logistic_regression")
                                                        .param("C", 1.0)
                                                        .cvFolds(3)
                                                        .metric("accuracy")
                                                        .nJobs(2)
                                                        .build())) {
      String result = engine.crossValidate(data);
      assertTrue(result.contains("\"fold_scores\"") && result.contains("\"mean\""), result);
    }
  }

  @Test
  void versionAndBuildInfo() {
    assertTrue(Kolosal.version().matches("\\d+\\.\\d+\\.\\d+.*"), Kolosal.version());
    assertTrue(Kolosal.buildInfo().contains(Kolosal.version()), Kolosal.buildInfo());
    assertEquals("INVALID_ARGUMENT", Kolosal.statusName(StatusCode.INVALID_ARGUMENT));
    for (StatusCode status : StatusCode.values()) {
      if (status != StatusCode.UNKNOWN) {
        assertEquals(status.name(), Kolosal.statusName(status));
      }
    }
    assertEquals(Arrays.asList(StatusCode.values()).size(), 12);
  }
}
