package ai.kolosal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Closing twice is safe; use after close throws; forgotten handles are cleaned up. JUnit runs
 * the tests one at a time, and the counting tests first wait until the Cleaner has freed what
 * earlier tests left behind, so nothing else changes the live handle count meanwhile.
 */
class LifecycleTest {
  private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(20);
  private static final SearchSpace SPACE = SearchSpace.builder().floatParam("x", 0, 1).build();

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

  /** Runs the garbage collector until the live handle count stays put, and returns it. */
  static long settledCount() throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE_NANOS;
    long count = Kolosal.liveHandleCount();
    for (int unchanged = 0; unchanged < 3 && System.nanoTime() < deadline; ) {
      System.gc();
      Thread.sleep(20);
      long next = Kolosal.liveHandleCount();
      unchanged = next == count ? unchanged + 1 : 0;
      count = next;
    }
    return count;
  }

  /** Makes a handle of every type, 4 times, keeps none, and returns the count while held. */
  private static long forgetTwentyHandles(Synthetic synthetic) {
    List<NativeResource> forgotten = new ArrayList<>();
    for (int round = 0; round < 4; ++round) {
      Dataset data = synthetic.dataset();
      TrainingEngine engine =
          new TrainingEngine(TrainingConfig.builder().model("logistic_regression").build());
      Optimizer optimizer = new Optimizer(SPACE, StudyConfig.builder().build());
      forgotten.add(data);
      forgotten.add(engine);
      forgotten.add(engine.fit(data));
      forgotten.add(optimizer);
      forgotten.add(optimizer.ask());
    }
    assertEquals(20, forgotten.size());
    return Kolosal.liveHandleCount();
  }

  @Test
  void liveHandleCountFollowsEveryHandle() throws InterruptedException {
    Synthetic synthetic = new Synthetic();
    long base = settledCount();
    try (Dataset data = synthetic.dataset()) {
      assertEquals(base + 1, Kolosal.liveHandleCount());
      try (TrainingEngine engine = new TrainingEngine(TrainingConfig.builder().build())) {
        assertEquals(base + 2, Kolosal.liveHandleCount());
        try (Model model = engine.fit(data);
             Model copy = Model.fromBytes(model.toBytes())) {
          assertEquals(base + 4, Kolosal.liveHandleCount());
          assertEquals(model.nFeatures(), copy.nFeatures());
        }
        assertEquals(base + 2, Kolosal.liveHandleCount());
      }
      assertEquals(base + 1, Kolosal.liveHandleCount());
    }
    assertEquals(base, Kolosal.liveHandleCount());
    try (Optimizer optimizer = new Optimizer(SPACE, StudyConfig.builder().build())) {
      Trial trial = optimizer.ask();
      assertEquals(base + 2, Kolosal.liveHandleCount());
      optimizer.tell(trial, 0.5);
      trial.close();
      trial.close();
      assertEquals(base + 1, Kolosal.liveHandleCount());
    }
    assertEquals(base, Kolosal.liveHandleCount());
  }

  @Test
  void forgottenHandlesAreFreedByTheCleaner() throws InterruptedException {
    Synthetic synthetic = new Synthetic();
    long base = settledCount();
    assertEquals(base + 20, forgetTwentyHandles(synthetic));
    long deadline = System.nanoTime() + DEADLINE_NANOS;
    long count = Kolosal.liveHandleCount();
    while (count > base && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(20);
      count = Kolosal.liveHandleCount();
    }
    assertEquals(base, count, "live handles left after the Cleaner ran");

    Dataset closed = synthetic.dataset();
    assertEquals(base + 1, Kolosal.liveHandleCount());
    closed.close();
    assertEquals(base, Kolosal.liveHandleCount(), "close() frees the handle at once");
  }
}
