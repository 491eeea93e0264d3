package ai.kolosal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Eight threads predict with one model at once and all get the single-threaded answer. */
class ConcurrencyTest {
  private static final int THREADS = 8;
  private static final int ROUNDS = 50;

  private static void predictFromThreads(Callable<float[]> predict, float[] expected)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int thread = 0; thread < THREADS; ++thread) {
        results.add(pool.submit(() -> {
          start.await();
          for (int round = 0; round < ROUNDS; ++round) {
            assertArrayEquals(expected, predict.call());
          }
          return ROUNDS;
        }));
      }
      start.countDown();
      int total = 0;
      for (Future<Integer> result : results) {
        total += result.get();
      }
      assertEquals(THREADS * ROUNDS, total);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void eightThreadsOnOneSyntheticModel() throws Exception {
    Synthetic synthetic = new Synthetic();
    try (Model model = synthetic.train()) {
      float[] expected = model.predictProba(synthetic.features, Synthetic.ROWS, Synthetic.COLS);
      predictFromThreads(
          () -> model.predictProba(synthetic.features, Synthetic.ROWS, Synthetic.COLS), expected);
    }
  }

  @Test
  void eightThreadsOnTheSpamModel() throws Exception {
    float[] expected = TestData.referenceProba();
    double[] features = TestData.spamFeatures();
    int rows = features.length / TestData.spamCols();
    try (Model model = Model.load(TestData.referenceModel())) {
      predictFromThreads(() -> model.predictProba(features, rows, TestData.spamCols()), expected);
    }
  }

  @Test
  void closingWhileOtherThreadsPredictIsSafe() throws Exception {
    Synthetic synthetic = new Synthetic();
    Model model = synthetic.train();
    float[] expected = model.predictProba(synthetic.features, Synthetic.ROWS, Synthetic.COLS);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      CountDownLatch running = new CountDownLatch(THREADS);
      for (int thread = 0; thread < THREADS; ++thread) {
        results.add(pool.submit(() -> {
          running.countDown();
          int ok = 0;
          while (true) {
            try {
              assertArrayEquals(expected,
                  model.predictProba(synthetic.features, Synthetic.ROWS, Synthetic.COLS));
              ++ok;
            } catch (KolosalException closed) {
              assertEquals(StatusCode.FAILED_PRECONDITION, closed.status());
              return ok;
            }
          }
        }));
      }
      running.await();
      Thread.sleep(20);
      model.close();
      for (Future<Integer> result : results) {
        assertTrue(result.get() >= 0);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void referenceHasTwoProbabilitiesPerRow() throws IOException {
    // Guards the helper used above against a silently empty reference file.
    assertTrue(TestData.referenceProba().length == 2 * 4601);
  }
}
