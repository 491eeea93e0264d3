package ai.kolosal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The progress listener: reports, cancels, and passes its own exceptions through. */
class ProgressTest {
  private static final TrainingConfig LOGISTIC =
      TrainingConfig.builder().model("logistic_regression").build();

  @Test
  void reportsFractionsOnTheCallingThread() {
    Synthetic synthetic = new Synthetic();
    List<Double> fractions = new ArrayList<>();
    List<String> stages = new ArrayList<>();
    Thread caller = Thread.currentThread();
    try (Dataset data = synthetic.dataset(); TrainingEngine engine = new TrainingEngine(LOGISTIC)) {
      engine.setProgressListener((fraction, stage) -> {
        assertSame(caller, Thread.currentThread());
        fractions.add(fraction);
        stages.add(stage);
        return false;
      });
      engine.fit(data).close();
    }
    assertFalse(fractions.isEmpty());
    for (double fraction : fractions) {
      assertTrue(fraction >= 0.0 && fraction <= 1.0, String.valueOf(fraction));
    }
    assertFalse(stages.get(0).isEmpty());
  }

  @Test
  void returningTrueCancels() {
    Synthetic synthetic = new Synthetic();
    try (Dataset data = synthetic.dataset(); TrainingEngine engine = new TrainingEngine(LOGISTIC)) {
      engine.setProgressListener((fraction, stage) -> true);
      KolosalException error = assertThrows(KolosalException.class, () -> engine.fit(data));
      assertEquals(StatusCode.CANCELLED, error.status());
      // Cleared, the engine fits again.
      engine.setProgressListener(null);
      engine.fit(data).close();
    }
  }

  @Test
  void cancelFromTheListenerCancels() {
    Synthetic synthetic = new Synthetic();
    try (Dataset data = synthetic.dataset(); TrainingEngine engine = new TrainingEngine(LOGISTIC)) {
      engine.setProgressListener((fraction, stage) -> {
        engine.cancel();
        return false;
      });
      assertEquals(StatusCode.CANCELLED,
          assertThrows(KolosalException.class, () -> engine.fit(data)).status());
    }
  }

  @Test
  void aThrowingListenerCancelsAndItsExceptionSurfaces() {
    Synthetic synthetic = new Synthetic();
    try (Dataset data = synthetic.dataset(); TrainingEngine engine = new TrainingEngine(LOGISTIC)) {
      engine.setProgressListener((fraction, stage) -> {
        throw new IllegalStateException("listener failed");
      });
      IllegalStateException error =
          assertThrows(IllegalStateException.class, () -> engine.fit(data));
      assertEquals("listener failed", error.getMessage());
    }
  }

  @Test
  void replacingAndClosingReleasesListeners() {
    Synthetic synthetic = new Synthetic();
    try (Dataset data = synthetic.dataset()) {
      for (int round = 0; round < 20; ++round) {
        TrainingEngine engine = new TrainingEngine(LOGISTIC);
        engine.setProgressListener((fraction, stage) -> false);
        engine.setProgressListener((fraction, stage) -> false);
        engine.fit(data).close();
        engine.close();
      }
    }
  }
}
