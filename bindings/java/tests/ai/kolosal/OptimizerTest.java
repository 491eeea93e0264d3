package ai.kolosal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ask/tell from Java: the objective runs here, with no callback into the library. */
class OptimizerTest {
  @TempDir Path tempDir;

  /** x float, y int, k categorical; the minimum 0 is at x = 2, y = -1, k = "b". */
  static final SearchSpace SPACE = SearchSpace.builder()
      .floatParam("x", -5, 5)
      .intParam("y", -5, 5)
      .categorical("k", "a", "b", "c")
      .build();

  static double objective(Trial trial) {
    double x = trial.getFloat("x");
    long y = trial.getInt("y");
    String k = trial.getCategorical("k");
    return (x - 2) * (x - 2) + (y + 1) * (y + 1) + (k.equals("b") ? 0 : 1);
  }

  /** Runs the loop until the study stops; returns the smallest value told. */
  static double runLoop(Optimizer optimizer) {
    double min = Double.POSITIVE_INFINITY;
    while (!optimizer.shouldStop()) {
      try (Trial trial = optimizer.ask()) {
        double value = objective(trial);
        min = Math.min(min, value);
        optimizer.tell(trial, value);
      }
    }
    return min;
  }

  private static KolosalException assertError(StatusCode status, String fragment,
      org.junit.jupiter.api.function.Executable call) {
    KolosalException error = assertThrows(KolosalException.class, call);
    assertEquals(status, error.status(), error.toString());
    assertTrue(error.getMessage().contains(fragment), error.getMessage());
    return error;
  }

  @Test
  void tunesAQuadraticToItsMinimum() {
    StudyConfig config = StudyConfig.builder().maxTrials(60).randomState(1).build();
    try (Optimizer optimizer = new Optimizer(SPACE, config)) {
      double min = runLoop(optimizer);
      assertEquals("max_trials", optimizer.stopReason());
      assertEquals(min, optimizer.bestValue());
      assertTrue(optimizer.bestValue() < 0.1, "best " + optimizer.bestValue());
      String best = optimizer.best();
      assertTrue(best.contains("\"k\":\"b\"") && best.contains("\"y\":-1"), best);
      assertTrue(optimizer.history().contains("\"n_trials\":60"));
    }
  }

  @Test
  void gridCoversItsGridOnce() {
    SearchSpace grid = SearchSpace.builder().intParam("a", 0, 3).categorical("k", "x", "y").build();
    Set<String> seen = new HashSet<>();
    int trials = 0;
    try (Optimizer optimizer =
             new Optimizer(grid, StudyConfig.builder().strategy("GRID_SEARCH").build())) {
      while (!optimizer.shouldStop()) {
        try (Trial trial = optimizer.ask()) {
          assertTrue(seen.add(trial.getInt("a") + trial.getCategorical("k")));
          optimizer.tell(trial, trial.getInt("a"));
          ++trials;
        }
      }
      assertEquals("exhausted", optimizer.stopReason());
    }
    assertEquals(8, trials);
  }

  @Test
  void conditionsEnqueuePruningAndFailures() {
    SearchSpace space = SearchSpace.builder()
        .categorical("kernel", "rbf", "linear")
        .logFloatParam("gamma", 1e-3, 1).when("kernel", "rbf")
        .build();
    StudyConfig config = StudyConfig.builder()
        .set("pruner", Map.of("name", "median", "n_startup_trials", 1)).build();
    try (Optimizer optimizer = new Optimizer(space, config)) {
      optimizer.enqueue(Map.of("kernel", "linear"));
      try (Trial first = optimizer.ask()) {
        assertEquals(0, first.number());
        assertFalse(first.hasParam("gamma"));
        assertEquals("{\"kernel\":\"linear\"}", first.params());
        first.report(0, 1.0);
        assertFalse(first.shouldPrune());
        optimizer.tell(first, 1.0);
      }
      try (Trial second = optimizer.ask()) {
        second.report(0, 100.0);
        assertTrue(second.shouldPrune());
        optimizer.tellPruned(second);
      }
      try (Trial third = optimizer.ask()) {
        optimizer.tellFailed(third);
      }
      String history = optimizer.history();
      assertTrue(history.contains("\"PRUNED\"") && history.contains("\"FAILED\""), history);
    }
  }

  @Test
  void warmStartAndSqliteResume() {
    String url = "sqlite://" + tempDir.resolve("study.db");
    StudyConfig five = StudyConfig.builder().maxTrials(5).studyName("java").build();
    String history;
    try (Optimizer optimizer = new Optimizer(SPACE, five, url)) {
      runLoop(optimizer);
      history = optimizer.history();
    }
    StudyConfig eight = StudyConfig.builder().maxTrials(8).studyName("java").build();
    try (Optimizer resumed = new Optimizer(SPACE, eight, url)) {
      int trials = 0;
      while (!resumed.shouldStop()) {
        try (Trial trial = resumed.ask()) {
          assertTrue(trial.number() >= 5);
          resumed.tell(trial, objective(trial));
          ++trials;
        }
      }
      assertEquals(3, trials);
    }
    try (Optimizer fresh = new Optimizer(SPACE, StudyConfig.builder().build())) {
      assertEquals(5, fresh.warmStart(history));
    }
  }

  @Test
  void errorsCarryTheLibrarysMessage() {
    assertError(StatusCode.INVALID_ARGUMENT, "above high", () -> new Optimizer(
        SearchSpace.builder().floatParam("x", 2, 1).build(), StudyConfig.builder().build()));
    assertError(StatusCode.INVALID_ARGUMENT, "did you mean 'max_trials'",
        () -> new Optimizer(SPACE, StudyConfig.builder().set("max_trial", 3).build()));
    assertError(StatusCode.INVALID_ARGUMENT, "invalid JSON",
        () -> new Optimizer("{", null, null));
    assertError(StatusCode.IO, "nonexistent-dir",
        () -> new Optimizer(SPACE, null, "sqlite:///nonexistent-dir/k/s.db"));
    try (Optimizer optimizer = new Optimizer(SPACE, null);
         Optimizer other = new Optimizer(SPACE, null)) {
      assertError(StatusCode.FAILED_PRECONDITION, "no trial", optimizer::bestValue);
      try (Trial trial = optimizer.ask(); Trial foreign = other.ask()) {
        assertError(StatusCode.NOT_FOUND, "'z'", () -> trial.getFloat("z"));
        assertError(StatusCode.INVALID_ARGUMENT, "'x'", () -> trial.getInt("x"));
        assertError(StatusCode.INVALID_ARGUMENT, "another optimizer",
            () -> optimizer.tell(foreign, 1.0));
        optimizer.tell(trial, 1.0);
        assertError(StatusCode.FAILED_PRECONDITION, "trial 0", () -> optimizer.tell(trial, 2.0));
        assertError(StatusCode.FAILED_PRECONDITION, "trial 0", () -> optimizer.tellPruned(trial));
      }
    }
  }

  @Test
  void closeTwiceAndUseAfterClose() {
    Optimizer optimizer = new Optimizer(SPACE, StudyConfig.builder().maxTrials(3).build());
    Trial trial = optimizer.ask();
    optimizer.close();
    optimizer.close();
    assertTrue(optimizer.isClosed());
    assertError(StatusCode.FAILED_PRECONDITION, "Optimizer is closed", optimizer::ask);
    assertError(StatusCode.FAILED_PRECONDITION, "Optimizer is closed", optimizer::shouldStop);
    // The trial keeps its study alive.
    double x = trial.getFloat("x");
    assertTrue(x >= -5 && x <= 5);
    trial.report(0, 1.0);
    trial.close();
    trial.close();
    assertError(StatusCode.FAILED_PRECONDITION, "Trial is closed", trial::number);
  }

  @Test
  void cancelFromAnotherThread() throws InterruptedException {
    try (Optimizer optimizer = new Optimizer(SPACE, null)) {
      assertEquals("none", optimizer.stopReason());
      Thread thread = new Thread(optimizer::cancel);
      thread.start();
      thread.join();
      assertTrue(optimizer.shouldStop());
      assertEquals("cancelled", optimizer.stopReason());
    }
  }

  @Test
  void tuneAModelWithTheTrainingEngine() {
    Synthetic synthetic = new Synthetic();
    TrainingConfig training =
        TrainingConfig.builder().model("logistic_regression").cvFolds(3).build();
    try (Dataset data = synthetic.dataset();
         TrainingEngine engine = new TrainingEngine(training);
         Model model = engine.tune(data, TuneConfig.builder().nTrials(4).randomState(3).build())) {
      String metadata = model.metadata();
      assertTrue(metadata.contains("\"tuning\":{"), metadata);
      assertTrue(metadata.contains("\"n_trials\":4"), metadata);
      assertTrue(metadata.contains("\"metric\":\"accuracy\""), metadata);
      assertError(StatusCode.INVALID_ARGUMENT, "did you mean 'n_trials'",
          () -> engine.tune(data, TuneConfig.builder().set("n_trial", 3).build()));
      assertError(StatusCode.IO, "nonexistent-dir",
          () -> engine.tune(data, null, "sqlite:///nonexistent-dir/k/s.db"));
    }
  }
}
