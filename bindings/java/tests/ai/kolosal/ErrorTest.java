package ai.kolosal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Failures surface as KolosalException with the library's status and message. */
class ErrorTest {
  private static void assertMessageMentions(KolosalException error, String... parts) {
    assertFalse(error.getMessage().isEmpty());
    for (String part : parts) {
      assertTrue(error.getMessage().contains(part), error.getMessage());
    }
  }

  @Test
  void missingCsvFile() {
    KolosalException error =
        assertThrows(KolosalException.class, () -> Dataset.fromCsv("/nonexistent/missing.csv"));
    assertEquals(StatusCode.IO, error.status());
    assertEquals(2, error.code());
    assertMessageMentions(error, "/nonexistent/missing.csv");
  }

  @Test
  void missingModelFile() {
    KolosalException error =
        assertThrows(KolosalException.class, () -> Model.load("/nonexistent/model.kolosal"));
    assertEquals(StatusCode.IO, error.status());
    assertMessageMentions(error, "/nonexistent/model.kolosal");
  }

  @Test
  void badConfigKey() {
    TrainingConfig config =
        TrainingConfig.builder().model("logistic_regression").set("n_jobz", 2).build();
    KolosalException error =
        assertThrows(KolosalException.class, () -> new TrainingEngine(config));
    assertEquals(StatusCode.INVALID_ARGUMENT, error.status());
    assertMessageMentions(error, "n_jobz", "n_jobs");
  }

  @Test
  void badModelParam() {
    TrainingConfig config =
        TrainingConfig.builder().model("logistic_regression").param("CC", 1.0).build();
    KolosalException error =
        assertThrows(KolosalException.class, () -> new TrainingEngine(config));
    assertEquals(StatusCode.INVALID_ARGUMENT, error.status());
    assertMessageMentions(error, "CC");
  }

  @Test
  void unknownModel() {
    KolosalException error = assertThrows(KolosalException.class,
        () -> new TrainingEngine(TrainingConfig.builder().model("logistic_regresion").build()));
    assertEquals(StatusCode.INVALID_ARGUMENT, error.status());
    assertMessageMentions(error, "logistic_regresion", "logistic_regression");
  }

  @Test
  void wrongShape() {
    Synthetic synthetic = new Synthetic();
    try (Model model = synthetic.train()) {
      int cols = Synthetic.COLS - 1;
      float[] narrow = new float[10 * cols];
      KolosalException error =
          assertThrows(KolosalException.class, () -> model.predict(narrow, 10, cols));
      assertEquals(StatusCode.INVALID_ARGUMENT, error.status());
      assertMessageMentions(error, String.valueOf(cols), String.valueOf(Synthetic.COLS));
    }
  }

  @Test
  void arrayShorterThanRowsTimesCols() {
    Synthetic synthetic = new Synthetic();
    try (Model model = synthetic.train()) {
      KolosalException error = assertThrows(KolosalException.class,
          () -> model.predict(new float[7], 2, Synthetic.COLS));
      assertEquals(StatusCode.INVALID_ARGUMENT, error.status());
      assertMessageMentions(error, "7");
    }
  }

  /** A direct buffer's values end at its limit: the capacity beyond it does not count. */
  @Test
  void directBufferLimitShorterThanRowsTimesCols() {
    Synthetic synthetic = new Synthetic();
    int rows = 10;
    FloatBuffer buffer = ByteBuffer.allocateDirect(rows * Synthetic.COLS * Float.BYTES)
                             .order(ByteOrder.nativeOrder())
                             .asFloatBuffer();
    buffer.put(synthetic.features, 0, rows * Synthetic.COLS).flip();
    buffer.limit(2 * Synthetic.COLS);
    try (Model model = synthetic.train()) {
      KolosalException error = assertThrows(KolosalException.class,
          () -> model.predict(buffer, rows, Synthetic.COLS));
      assertEquals(StatusCode.INVALID_ARGUMENT, error.status());
      assertMessageMentions(error, "holds " + 2 * Synthetic.COLS + " values");
      error = assertThrows(KolosalException.class,
          () -> Dataset.fromBuffer(buffer, rows, Synthetic.COLS, null, DatasetOptions.DEFAULT));
      assertEquals(StatusCode.INVALID_ARGUMENT, error.status());

      // Up to the limit is fine, and reads the same values as the array.
      float[] twoRows = Arrays.copyOf(synthetic.features, 2 * Synthetic.COLS);
      assertArrayEquals(model.predictProba(twoRows, 2, Synthetic.COLS),
          model.predictProba(buffer, 2, Synthetic.COLS));
    }
  }

  @Test
  void tooSmallOutputBuffer() {
    Synthetic synthetic = new Synthetic();
    try (Model model = synthetic.train()) {
      float[] out = new float[Synthetic.ROWS];
      KolosalException error = assertThrows(KolosalException.class,
          () -> model.predictProba(synthetic.features, Synthetic.ROWS, Synthetic.COLS,
              Layout.ROW_MAJOR, out));
      assertEquals(StatusCode.INVALID_ARGUMENT, error.status());
    }
  }

  @Test
  void corruptModelBytes() {
    byte[] garbage = "KOLOSAL\u001agarbage".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    KolosalException error = assertThrows(KolosalException.class, () -> Model.fromBytes(garbage));
    assertEquals(StatusCode.CORRUPT_MODEL, error.status());
  }

  @Test
  void labelsMissing() {
    Synthetic synthetic = new Synthetic();
    try (Dataset unlabelled =
             Dataset.fromArray(synthetic.features, Synthetic.ROWS, Synthetic.COLS);
         TrainingEngine engine = new TrainingEngine((String) null)) {
      KolosalException error =
          assertThrows(KolosalException.class, () -> engine.fit(unlabelled));
      // A fit without labels is bad input (kolosal_c.h: INVALID_ARGUMENT); only reading the
      // labels of an unlabelled dataset is FAILED_PRECONDITION.
      assertEquals(StatusCode.INVALID_ARGUMENT, error.status(), error.toString());
      assertMessageMentions(error, "the training dataset has no target column");
      assertEquals(StatusCode.FAILED_PRECONDITION,
          assertThrows(KolosalException.class, unlabelled::labels).status());
    }
  }

  @Test
  void errorsOnOneThreadDoNotLeakIntoAnother() throws Exception {
    // Each thread's failure carries its own message (read inside the failing native call).
    Thread[] threads = new Thread[4];
    String[] messages = new String[threads.length];
    for (int index = 0; index < threads.length; ++index) {
      final int slot = index;
      threads[index] = new Thread(() -> {
        for (int round = 0; round < 200; ++round) {
          try {
            Dataset.fromCsv("/nonexistent/thread" + slot + ".csv");
          } catch (KolosalException error) {
            if (!error.getMessage().contains("thread" + slot + ".csv")) {
              messages[slot] = error.getMessage();
              return;
            }
          }
        }
      });
      threads[index].start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    for (String message : messages) {
      assertEquals(null, message);
    }
  }
}
