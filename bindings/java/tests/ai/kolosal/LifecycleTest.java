package ai.kolosal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Closing twice is safe; use after close throws; forgotten handles are cleaned up. */
class LifecycleTest {
  private static void assertClosed(Executable use) {
    KolosalException error = assertThrows(KolosalException.class, use);
    assertEquals(StatusCode.FAILED_PRECONDITION, error.status());
    assertTrue(error.getMessage().contains("closed"), error.getMessage());
  }

  @Test
  void modelCloseTwiceAndUseAfterClose() {
    Synthetic synthetic = new Synthetic();
    Model model = synthetic.train();
    assertFalse(model.isClosed());
    model.close();
    model.close();
    assertTrue(model.isClosed());
    assertClosed(() -> model.predict(synthetic.features, Synthetic.ROWS, Synthetic.COLS));
    assertClosed(model::nFeatures);
    assertClosed(model::toBytes);
    assertClosed(() -> model.save("/tmp/never.kolosal"));
  }

  @Test
  void datasetAndEngineCloseTwiceAndUseAfterClose() {
    Synthetic synthetic = new Synthetic();
    Dataset data = synthetic.dataset();
    TrainingEngine engine = new TrainingEngine(TrainingConfig.builder().build());
    data.close();
    data.close();
    assertClosed(data::rows);
    assertClosed(() -> engine.fit(data));
    engine.close();
    engine.close();
    try (Dataset fresh = synthetic.dataset()) {
      assertClosed(() -> engine.fit(fresh));
      assertClosed(engine::cancel);
    }
  }

  @Test
  void closingAModelUsedByNoOneElseKeepsOthersWorking() {
    Synthetic synthetic = new Synthetic();
    try (Model kept = synthetic.train()) {
      Model dropped = synthetic.train();
      dropped.close();
      assertEquals(2 * Synthetic.ROWS,
          kept.predictProba(synthetic.features, Synthetic.ROWS, Synthetic.COLS).length);
    }
  }

  @Test
  void forgottenHandlesAreFreedByTheCleaner() throws InterruptedException {
    Synthetic synthetic = new Synthetic();
    for (int round = 0; round < 50; ++round) {
      synthetic.dataset(); // never closed: the Cleaner frees it
    }
    System.gc();
    Thread.sleep(50);
    try (Dataset data = synthetic.dataset()) {
      assertEquals(Synthetic.ROWS, data.rows());
    }
  }
}
