package ai.kolosal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.kolosal.jni.KolosalC;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Arrays larger than the binding's critical-section limit are copied for the call instead of
 * being held with GetPrimitiveArrayCritical (which would hold up the garbage collector for the
 * whole call), and every result is the same as on small, pinned batches. The copy counter of the
 * JNI layer tells which way each array went. JUnit runs one test at a time, so only the test's
 * own calls move it.
 */
class LargeArrayTest {
  private static final int COLS = Synthetic.COLS;
  /** Rows of COLS floats that fit the limit exactly (4096 for 64 KiB). */
  private static final int CRITICAL_ROWS =
      Math.toIntExact(KolosalC.kolosal_java_critical_max_bytes() / (Float.BYTES * COLS));
  /** Enough rows for the float[] features, the double[] features and the labels to be copied. */
  private static final int LARGE_ROWS = 4 * CRITICAL_ROWS + 7;

  private static float[] randomFeatures(int rows) {
    Random random = new Random(7);
    float[] features = new float[rows * COLS];
    for (int index = 0; index < features.length; ++index) {
      features[index] = random.nextFloat();
    }
    return features;
  }

  private static double[] widen(float[] values) {
    double[] wide = new double[values.length];
    for (int index = 0; index < values.length; ++index) {
      wide[index] = values[index];
    }
    return wide;
  }

  private static long copies() {
    return KolosalC.kolosal_java_copied_array_count();
  }

  /** predictProba in batches of 500 rows: every array small enough to be held critical. */
  private static float[] probaInSmallBatches(Model model, float[] features, int rows) {
    int width = Math.toIntExact(model.nClasses());
    float[] proba = new float[rows * width];
    long before = copies();
    for (int first = 0; first < rows; first += 500) {
      int count = Math.min(500, rows - first);
      float[] batch = Arrays.copyOfRange(features, first * COLS, (first + count) * COLS);
      System.arraycopy(model.predictProba(batch, count, COLS), 0, proba, first * width,
          count * width);
    }
    assertEquals(before, copies(), "small arrays are held critical, not copied");
    return proba;
  }

  @Test
  void theLimitIs64KiB() {
    assertEquals(64 * 1024, KolosalC.kolosal_java_critical_max_bytes());
  }

  @Test
  void arraysUpToTheLimitAreHeldAndLargerOnesCopied() {
    try (Model model = new Synthetic().train()) {
      float[] atLimit = randomFeatures(CRITICAL_ROWS);
      long before = copies();
      float[] proba = model.predictProba(atLimit, CRITICAL_ROWS, COLS);
      assertEquals(before, copies(), "64 KiB of features and 32 KiB of output: both held");
      assertArrayEquals(probaInSmallBatches(model, atLimit, CRITICAL_ROWS), proba);

      float[] overLimit = randomFeatures(CRITICAL_ROWS + 1);
      before = copies();
      proba = model.predictProba(overLimit, CRITICAL_ROWS + 1, COLS);
      assertEquals(before + 1, copies(), "64 KiB + 16 bytes of features: copied");
      assertArrayEquals(probaInSmallBatches(model, overLimit, CRITICAL_ROWS + 1), proba);
    }
  }

  @Test
  void largePredictionsEqualSmallBatches() {
    try (Model model = new Synthetic().train()) {
      float[] features = randomFeatures(LARGE_ROWS);
      float[] expected = probaInSmallBatches(model, features, LARGE_ROWS);

      long before = copies();
      assertArrayEquals(expected, model.predictProba(features, LARGE_ROWS, COLS));
      assertArrayEquals(expected, model.predictProba(widen(features), LARGE_ROWS, COLS));
      float[] out = new float[expected.length];
      model.predictProba(features, LARGE_ROWS, COLS, Layout.ROW_MAJOR, out);
      assertArrayEquals(expected, out);
      assertEquals(before + 6, copies(), "three calls, each with a large input and output");

      float[] classes = model.predict(features, LARGE_ROWS, COLS);
      for (int row = 0; row < LARGE_ROWS; ++row) {
        float likelier = expected[2 * row + 1] > expected[2 * row] ? 1.0f : 0.0f;
        assertEquals(likelier, classes[row], "row " + row);
      }
    }
  }

  @Test
  void largeDatasetKeepsEveryValue() {
    float[] features = randomFeatures(LARGE_ROWS);
    float[] labels = new float[LARGE_ROWS];
    for (int row = 0; row < LARGE_ROWS; ++row) {
      labels[row] = features[row * COLS] + features[row * COLS + 1] > 1.0f ? 1.0f : 0.0f;
    }
    DatasetOptions options = DatasetOptions.builder().task("classification").build();
    try (Model model = new Synthetic().train()) {
      long before = copies();
      try (Dataset data = Dataset.fromArray(features, LARGE_ROWS, COLS, labels, options)) {
        assertEquals(before + 2, copies(), "features and labels copied");
        assertEquals(LARGE_ROWS, data.rows());
        assertEquals(COLS, data.cols());
        assertArrayEquals(labels, data.labels());
        assertArrayEquals(model.predictProba(features, LARGE_ROWS, COLS), model.predictProba(data));
      }
      try (Dataset data =
               Dataset.fromArray(widen(features), LARGE_ROWS, COLS, widen(labels), options)) {
        assertArrayEquals(labels, data.labels());
        assertArrayEquals(model.predictProba(features, LARGE_ROWS, COLS), model.predictProba(data));
      }
    }
  }

  @Test
  void largeModelBytesRoundTrip() {
    float[] features = randomFeatures(LARGE_ROWS);
    float[] labels = new float[LARGE_ROWS];
    for (int row = 0; row < LARGE_ROWS; ++row) {
      labels[row] = features[row * COLS] * features[row * COLS + 2] > 0.25f ? 1.0f : 0.0f;
    }
    TrainingConfig forest =
        TrainingConfig.builder().model("random_forest").param("n_estimators", 20).build();
    try (Dataset data = Dataset.fromArray(features, LARGE_ROWS, COLS, labels,
             DatasetOptions.builder().task("classification").build());
         TrainingEngine engine = new TrainingEngine(forest);
         Model model = engine.fit(data)) {
      long before = copies();
      byte[] bytes = model.toBytes();
      assertTrue(bytes.length > KolosalC.kolosal_java_critical_max_bytes(),
          "a 20-tree forest on " + LARGE_ROWS + " rows is " + bytes.length + " bytes");
      assertEquals(before + 1, copies(), "the model's bytes copied out");
      try (Model loaded = Model.fromBytes(bytes)) {
        assertEquals(before + 2, copies(), "the model's bytes copied in");
        assertArrayEquals(bytes, loaded.toBytes());
        assertArrayEquals(model.predictProba(data), loaded.predictProba(data));
      }
    }
  }
}
