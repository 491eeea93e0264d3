package ai.kolosal;

import static ai.kolosal.TestData.assertStatus;
import static ai.kolosal.TestData.pollStats;
import static ai.kolosal.TestData.state;
import static ai.kolosal.TestData.statistic;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The inference engine serves models with exactly the model's own outputs, interpreted and
 * compiled, from many threads; its statistics count the calls; bad input throws the library's
 * status.
 */
class InferenceEngineTest {
  private static final int ROWS = Synthetic.ROWS;
  private static final int COLS = Synthetic.COLS;
  private static final long COMPILE_DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final TrainingConfig GRADIENT_BOOSTING = Synthetic.GRADIENT_BOOSTING;

  private final Synthetic synthetic = new Synthetic();

  private Model fit(TrainingConfig config, String task, float[] labels) {
    try (Dataset data = Dataset.fromArray(
             synthetic.features, ROWS, COLS, labels, DatasetOptions.builder().task(task).build());
         TrainingEngine trainer = new TrainingEngine(config)) {
      return trainer.fit(data);
    }
  }

  private Model fitClassifier(TrainingConfig config) {
    return fit(config, "classification", synthetic.labels);
  }

  /** A regression target: x0 + 2 x1. */
  private Model fitRegressor(TrainingConfig config) {
    return fit(config, "regression", synthetic.regressionTargets());
  }

  /** Three classes: x0 + x1 below 0.7, below 1.3, or above. */
  private Model fitThreeClasses(TrainingConfig config) {
    float[] labels = new float[ROWS];
    for (int row = 0; row < ROWS; ++row) {
      float sum = synthetic.features[row * COLS] + synthetic.features[row * COLS + 1];
      labels[row] = sum < 0.7f ? 0 : sum < 1.3f ? 1 : 2;
    }
    return fit(config, "classification", labels);
  }

  private float[] row(int row) {
    return Arrays.copyOfRange(synthetic.features, row * COLS, (row + 1) * COLS);
  }

  /** Polls the statistics until the model's JIT state is "compiled"; returns them. */
  private static String awaitCompiled(InferenceEngine engine) throws InterruptedException {
    String stats = pollStats(
        engine::stats, polled -> state(polled).equals("compiled"), COMPILE_DEADLINE_NANOS, 10);
    assertEquals("compiled", state(stats), stats);
    return stats;
  }

  /** Every row alone through the engine: its probabilities and class equal the model's. */
  private int assertSingleRowsMatch(
      InferenceEngine engine, String name, float[] expectedProba, float[] expectedClass) {
    for (int row = 0; row < ROWS; ++row) {
      assertArrayEquals(Arrays.copyOfRange(expectedProba, 2 * row, 2 * row + 2),
          engine.predictProba(name, row(row), 1, COLS), "row " + row);
      assertEquals(expectedClass[row], engine.predict(name, row(row), 1, COLS)[0], "row " + row);
    }
    return 2 * ROWS;
  }

  @Test
  void configBuilderWritesTheEngineKeys() {
    InferenceConfig config = InferenceConfig.builder()
                                 .enableJitCompilation(false)
                                 .jitMinCalls(5)
                                 .jitCacheSize(2)
                                 .jitMaxBatchRows(8)
                                 .build();
    assertEquals("{\"enable_jit_compilation\":false,\"jit_min_calls\":5,\"jit_cache_size\":2,"
            + "\"jit_max_batch_rows\":8}",
        config.toJson());
    try (InferenceEngine engine = new InferenceEngine(config)) {
      String stats = engine.stats();
      assertTrue(stats.contains("\"jit_min_calls\":5"), stats);
      assertTrue(stats.contains("\"enable_jit_compilation\":false"), stats);
      assertTrue(stats.contains("\"capacity\":2"), stats);
    }
  }

  @Test
  void gradientBoostingMatchesTheModelBeforeAndAfterWarmup() {
    // jit_min_calls is out of reach, so everything before warmup runs interpreted.
    try (Model model = fitClassifier(GRADIENT_BOOSTING);
         InferenceEngine engine =
             new InferenceEngine(InferenceConfig.builder().jitMinCalls(100000).build())) {
      float[] expectedProba = model.predictProba(synthetic.features, ROWS, COLS);
      float[] expectedClass = model.predict(synthetic.features, ROWS, COLS);
      engine.addModel("credit", model);

      int calls = assertSingleRowsMatch(engine, "credit", expectedProba, expectedClass);
      assertArrayEquals(
          expectedProba, engine.predictProba("credit", synthetic.features, ROWS, COLS));
      assertArrayEquals(expectedClass, engine.predict("credit", synthetic.features, ROWS, COLS));
      calls += 2;
      String stats = engine.stats();
      assertEquals("interpreted", state(stats), stats);
      assertEquals(0, statistic(stats, "compiled_calls"), stats);
      assertEquals(calls, statistic(stats, "calls"), stats);

      assertTrue(engine.warmup("credit"));
      calls += assertSingleRowsMatch(engine, "credit", expectedProba, expectedClass);
      // Batches larger than jit_max_batch_rows run interpreted; double and direct-buffer input.
      double[] wide = new double[ROWS * COLS];
      DoubleBuffer direct = ByteBuffer.allocateDirect(ROWS * COLS * Double.BYTES)
                                .order(ByteOrder.nativeOrder())
                                .asDoubleBuffer();
      for (int index = 0; index < wide.length; ++index) {
        wide[index] = synthetic.features[index];
        direct.put(index, synthetic.features[index]);
      }
      assertArrayEquals(expectedProba, engine.predictProba("credit", wide, ROWS, COLS));
      assertArrayEquals(expectedClass, engine.predict("credit", direct, ROWS, COLS));
      calls += 2;

      stats = engine.stats();
      assertEquals("compiled", state(stats), stats);
      assertTrue(stats.contains("\"model_type\":\"gradient_boosting\""), stats);
      assertTrue(stats.contains("\"name\":\"credit\""), stats);
      assertEquals(calls, statistic(stats, "calls"), stats);
      assertEquals(2 * ROWS, statistic(stats, "compiled_calls"), stats);
    }
  }

  @Test
  void callerBuffersAndColumnMajorInput() {
    try (Model model = fitClassifier(GRADIENT_BOOSTING);
         InferenceEngine engine = new InferenceEngine()) {
      engine.addModel("m", model);
      assertTrue(engine.warmup("m"));
      float[] columnMajor = new float[ROWS * COLS];
      for (int row = 0; row < ROWS; ++row) {
        for (int col = 0; col < COLS; ++col) {
          columnMajor[col * ROWS + row] = synthetic.features[row * COLS + col];
        }
      }
      float[] proba = new float[2 * ROWS];
      float[] classes = new float[ROWS];
      engine.predictProba("m", columnMajor, ROWS, COLS, Layout.COL_MAJOR, proba);
      engine.predict("m", columnMajor, ROWS, COLS, Layout.COL_MAJOR, classes);
      assertArrayEquals(model.predictProba(synthetic.features, ROWS, COLS), proba);
      assertArrayEquals(model.predict(synthetic.features, ROWS, COLS), classes);

      float[] one = new float[2];
      engine.predictProba("m", row(7), 1, COLS, Layout.ROW_MAJOR, one);
      assertArrayEquals(model.predictProba(row(7), 1, COLS), one);
    }
  }

  @Test
  void hotModelCompilesInTheBackgroundAfterJitMinCalls() throws InterruptedException {
    try (Model model = fitClassifier(GRADIENT_BOOSTING);
         InferenceEngine engine =
             new InferenceEngine(InferenceConfig.builder().jitMinCalls(5).build())) {
      float[] expected = model.predictProba(synthetic.features, ROWS, COLS);
      engine.addModel("hot", model);
      for (int row = 0; row < 6; ++row) {
        assertArrayEquals(Arrays.copyOfRange(expected, 2 * row, 2 * row + 2),
            engine.predictProba("hot", row(row), 1, COLS));
      }
      long compiledBefore = statistic(awaitCompiled(engine), "compiled_calls");
      for (int row = 0; row < 20; ++row) {
        assertArrayEquals(Arrays.copyOfRange(expected, 2 * row, 2 * row + 2),
            engine.predictProba("hot", row(row), 1, COLS));
      }
      String stats = engine.stats();
      assertEquals(compiledBefore + 20, statistic(stats, "compiled_calls"), stats);
      assertEquals(26, statistic(stats, "calls"), stats);
    }
  }

  @Test
  void linearModelIsServedInterpreted() {
    try (Model model = fitClassifier(TrainingConfig.builder().model("logistic_regression").build());
         InferenceEngine engine =
             new InferenceEngine(InferenceConfig.builder().jitMinCalls(1).build())) {
      engine.addModel("linear", model);
      assertFalse(engine.warmup("linear"));
      for (int row = 0; row < 10; ++row) {
        assertArrayEquals(model.predictProba(row(row), 1, COLS),
            engine.predictProba("linear", row(row), 1, COLS));
      }
      assertArrayEquals(model.predict(synthetic.features, ROWS, COLS),
          engine.predict("linear", synthetic.features, ROWS, COLS));
      String stats = engine.stats();
      assertEquals("unsupported", state(stats), stats);
      assertTrue(stats.contains("\"model_type\":\"logistic_regression\""), stats);
      assertEquals(0, statistic(stats, "compiled_calls"), stats);
      assertEquals(11, statistic(stats, "calls"), stats);
    }
  }

  @Test
  void jitOffServesTreesInterpreted() {
    try (Model model = fitClassifier(GRADIENT_BOOSTING);
         InferenceEngine engine =
             new InferenceEngine(InferenceConfig.builder().enableJitCompilation(false).build())) {
      engine.addModel("m", model);
      assertFalse(engine.warmup("m"));
      assertArrayEquals(
          model.predictProba(row(3), 1, COLS), engine.predictProba("m", row(3), 1, COLS));
      assertEquals("disabled", state(engine.stats()));
    }
  }

  @Test
  void loadModelPredictsAsTheSavedModel() throws IOException {
    Path file = Files.createTempFile("inference-java-", ".kolosal");
    try (Model model = fitRegressor(
             TrainingConfig.builder().model("random_forest").param("n_estimators", 20).build());
         InferenceEngine engine = new InferenceEngine()) {
      model.save(file.toString());
      engine.loadModel("forest", file.toString());
      float[] expected = model.predict(synthetic.features, ROWS, COLS);
      assertArrayEquals(expected, engine.predict("forest", synthetic.features, ROWS, COLS));
      assertTrue(engine.warmup("forest"));
      for (int row = 0; row < ROWS; row += 7) {
        assertEquals(expected[row], engine.predict("forest", row(row), 1, COLS)[0], "row " + row);
      }
      String stats = engine.stats();
      assertTrue(stats.contains("\"model_type\":\"random_forest\""), stats);
      assertTrue(statistic(stats, "compiled_calls") > 0, stats);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Test
  void loadModelSizesProbabilitiesFromTheFile() throws IOException {
    // Three classes, so that probabilities sized for one value per row, or for two, fail.
    Path file = Files.createTempFile("inference-java-", ".kolosal");
    try (Model model = fitThreeClasses(GRADIENT_BOOSTING);
         InferenceEngine engine = new InferenceEngine()) {
      assertEquals(3, model.nClasses());
      model.save(file.toString());
      engine.loadModel("gb", file.toString());
      float[] expected = model.predictProba(synthetic.features, ROWS, COLS);
      assertEquals(3 * ROWS, expected.length);
      assertArrayEquals(expected, engine.predictProba("gb", synthetic.features, ROWS, COLS));
      assertArrayEquals(
          Arrays.copyOfRange(expected, 3 * 5, 3 * 6), engine.predictProba("gb", row(5), 1, COLS));
      assertArrayEquals(model.predict(synthetic.features, ROWS, COLS),
          engine.predict("gb", synthetic.features, ROWS, COLS));
      try (Model served = engine.model("gb")) {
        assertEquals(3, served.nClasses());
        assertEquals(model.classNames(), served.classNames());
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Test
  void modelSharesTheServedModel() {
    try (Model model = fitThreeClasses(GRADIENT_BOOSTING);
         InferenceEngine engine = new InferenceEngine()) {
      engine.addModel("credit", model);
      assertTrue(engine.warmup("credit"));
      float[] served = engine.predictProba("credit", synthetic.features, ROWS, COLS);
      Model shared = engine.model("credit");
      try {
        assertEquals(3, shared.nClasses());
        assertEquals(COLS, shared.nFeatures());
        assertEquals(model.featureNames(), shared.featureNames());
        assertTrue(shared.metadata().contains("gradient_boosting"), shared.metadata());
        assertArrayEquals(served, shared.predictProba(synthetic.features, ROWS, COLS));
        assertArrayEquals(
            engine.predictProba("credit", row(9), 1, COLS), shared.predictProba(row(9), 1, COLS));
        assertArrayEquals(engine.predict("credit", synthetic.features, ROWS, COLS),
            shared.predict(synthetic.features, ROWS, COLS));

        // It outlives the model's removal, and its own closing leaves the name served.
        engine.removeModel("credit");
        assertStatus(StatusCode.NOT_FOUND, () -> engine.model("credit"), "'credit'");
        assertArrayEquals(served, shared.predictProba(synthetic.features, ROWS, COLS));
      } finally {
        shared.close();
      }
      engine.addModel("credit", model);
      engine.model("credit").close();
      assertArrayEquals(served, engine.predictProba("credit", synthetic.features, ROWS, COLS));
    }
  }

  @Test
  void modelOfAnAbsentNameIsNotFound() {
    try (InferenceEngine engine = new InferenceEngine()) {
      assertStatus(StatusCode.NOT_FOUND, () -> engine.model("absent"), "no model named 'absent'");
    }
  }

  @Test
  void modelClosedAfterAddModelIsStillServed() {
    Model model = fitClassifier(GRADIENT_BOOSTING);
    float[] expected = model.predictProba(synthetic.features, ROWS, COLS);
    try (InferenceEngine engine = new InferenceEngine()) {
      engine.addModel("kept", model);
      model.close();
      assertTrue(model.isClosed());
      assertArrayEquals(expected, engine.predictProba("kept", synthetic.features, ROWS, COLS));
      assertTrue(engine.warmup("kept"));
      assertArrayEquals(
          Arrays.copyOfRange(expected, 0, 2), engine.predictProba("kept", row(0), 1, COLS));
    }
  }

  @Test
  void removedModelIsNotFound() {
    try (Model model = fitClassifier(GRADIENT_BOOSTING);
         InferenceEngine engine = new InferenceEngine()) {
      engine.addModel("gone", model);
      engine.predict("gone", row(0), 1, COLS);
      engine.removeModel("gone");
      assertStatus(StatusCode.NOT_FOUND, () -> engine.predict("gone", row(0), 1, COLS), "'gone'");
      assertStatus(
          StatusCode.NOT_FOUND, () -> engine.predictProba("gone", row(0), 1, COLS), "'gone'");
      assertStatus(StatusCode.NOT_FOUND, () -> engine.warmup("gone"), "'gone'");
      assertStatus(StatusCode.NOT_FOUND, () -> engine.removeModel("gone"), "'gone'");
      assertFalse(engine.stats().contains("\"gone\""), engine.stats());
      // The name is free again.
      engine.addModel("gone", model);
      assertArrayEquals(model.predict(row(0), 1, COLS), engine.predict("gone", row(0), 1, COLS));
    }
  }

  @Test
  void badConfig() {
    assertStatus(StatusCode.INVALID_ARGUMENT,
        ()
            -> new InferenceEngine(InferenceConfig.builder().set("jit_min_call", 3).build()),
        "jit_min_call", "jit_min_calls");
    assertStatus(StatusCode.INVALID_ARGUMENT,
        ()
            -> new InferenceEngine(InferenceConfig.builder().jitCacheSize(0).build()),
        "jit_cache_size");
    assertStatus(StatusCode.INVALID_ARGUMENT, () -> new InferenceEngine("{not json"));
  }

  @Test
  void badNamesAndShapes() {
    try (Model model = fitRegressor(
             TrainingConfig.builder().model("gradient_boosting").param("n_estimators", 5).build());
         InferenceEngine engine = new InferenceEngine()) {
      engine.addModel("m", model);
      assertStatus(
          StatusCode.INVALID_ARGUMENT, () -> engine.addModel("m", model), "already loaded");
      assertStatus(StatusCode.INVALID_ARGUMENT, () -> engine.addModel("", model));
      int narrow = COLS - 1;
      assertStatus(StatusCode.INVALID_ARGUMENT,
          () -> engine.predict("m", new float[2 * narrow], 2, narrow), String.valueOf(narrow));
      assertStatus(StatusCode.INVALID_ARGUMENT, () -> engine.predict("m", new float[3], 1, COLS));
      assertStatus(StatusCode.INVALID_ARGUMENT,
          () -> engine.predict("m", synthetic.features, 4, COLS, Layout.ROW_MAJOR, new float[3]));
      assertStatus(StatusCode.FAILED_PRECONDITION, () -> engine.predictProba("m", row(0), 1, COLS));
      assertStatus(StatusCode.NOT_FOUND,
          () -> engine.predict("absent", row(0), 1, COLS), "no model named 'absent'");
      // The failures above left the model served.
      assertArrayEquals(model.predict(row(1), 1, COLS), engine.predict("m", row(1), 1, COLS));
    }
  }

  @Test
  void badModelFiles() throws IOException {
    Path garbage = Files.createTempFile("inference-java-", ".kolosal");
    try (InferenceEngine engine = new InferenceEngine()) {
      Files.write(garbage, "not a model".getBytes(StandardCharsets.UTF_8));
      assertStatus(StatusCode.CORRUPT_MODEL, () -> engine.loadModel("g", garbage.toString()));
      assertStatus(StatusCode.IO,
          () -> engine.loadModel("g", "/nonexistent/m.kolosal"), "/nonexistent/m.kolosal");
      assertStatus(StatusCode.NOT_FOUND, () -> engine.predict("g", row(0), 1, COLS));
      assertStatus(StatusCode.NOT_FOUND, () -> engine.model("g"), "'g'");
    } finally {
      Files.deleteIfExists(garbage);
    }
  }

  @Test
  void loadModelNameInUse() throws IOException {
    Path file = Files.createTempFile("inference-java-", ".kolosal");
    try (Model model = fitClassifier(GRADIENT_BOOSTING);
         Model regressor = fitRegressor(
             TrainingConfig.builder().model("gradient_boosting").param("n_estimators", 5).build());
         InferenceEngine engine = new InferenceEngine()) {
      model.save(file.toString());
      engine.addModel("r", regressor);
      // A name in use keeps its model, and its probability count: a regression model has none.
      assertStatus(StatusCode.INVALID_ARGUMENT,
          () -> engine.loadModel("r", file.toString()), "already loaded");
      assertStatus(StatusCode.FAILED_PRECONDITION, () -> engine.predictProba("r", row(0), 1, COLS));
      assertArrayEquals(regressor.predict(row(0), 1, COLS), engine.predict("r", row(0), 1, COLS));
      assertStatus(StatusCode.INVALID_ARGUMENT, () -> engine.loadModel("", file.toString()));

      engine.loadModel("c", file.toString());
      assertStatus(StatusCode.INVALID_ARGUMENT,
          () -> engine.loadModel("c", file.toString()), "already loaded");
      assertArrayEquals(model.predictProba(synthetic.features, ROWS, COLS),
          engine.predictProba("c", synthetic.features, ROWS, COLS));
      // Removed, the name can be loaded again.
      engine.removeModel("c");
      engine.loadModel("c", file.toString());
      assertArrayEquals(
          model.predictProba(row(3), 1, COLS), engine.predictProba("c", row(3), 1, COLS));
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Test
  void closeTwiceAndUseAfterClose() {
    try (Model model = fitClassifier(GRADIENT_BOOSTING)) {
      InferenceEngine engine = new InferenceEngine();
      engine.addModel("m", model);
      assertFalse(engine.isClosed());
      engine.close();
      engine.close();
      assertTrue(engine.isClosed());
      for (Executable use : new Executable[] {()
                                                  -> engine.predict("m", row(0), 1, COLS),
               ()
                   -> engine.predictProba("m", row(0), 1, COLS),
               ()
                   -> engine.warmup("m"),
               engine::stats,
               ()
                   -> engine.removeModel("m"),
               ()
                   -> engine.addModel("n", model),
               ()
                   -> engine.loadModel("n", "/nonexistent/m.kolosal"),
               () -> engine.model("m")}) {
        assertStatus(StatusCode.FAILED_PRECONDITION, use, "InferenceEngine", "closed");
      }
      // The model the engine shared is unaffected.
      assertEquals(2, model.predictProba(row(0), 1, COLS).length);
    }
  }

  @Test
  void liveHandleCountFollowsTheEngine() throws InterruptedException {
    long base = LifecycleTest.settledCount();
    InferenceEngine engine = new InferenceEngine();
    assertEquals(base + 1, Kolosal.liveHandleCount());
    engine.close();
    assertEquals(base, Kolosal.liveHandleCount());
  }

  /** Makes engines serving a model (closed at once), keeps none, returns the count while held. */
  private long forgetFourEngines() {
    List<InferenceEngine> forgotten = new ArrayList<>();
    for (int round = 0; round < 4; ++round) {
      InferenceEngine engine = new InferenceEngine();
      try (Model model = fitClassifier(TrainingConfig.builder().model("decision_tree").build())) {
        engine.addModel("m", model);
      }
      engine.predict("m", row(round), 1, COLS);
      forgotten.add(engine);
    }
    assertEquals(4, forgotten.size());
    return Kolosal.liveHandleCount();
  }

  @Test
  void forgottenEnginesAreFreedByTheCleaner() throws InterruptedException {
    long base = LifecycleTest.settledCount();
    assertEquals(base + 4, forgetFourEngines());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    long count = Kolosal.liveHandleCount();
    while (count > base && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(20);
      count = Kolosal.liveHandleCount();
    }
    assertEquals(base, count, "live handles left after the Cleaner ran");
  }

  /** 4 threads x 200 single-row calls, each checked against the model's own outputs. */
  private static void predictFromFourThreads(InferenceEngine engine, Synthetic synthetic,
      float[] expectedProba, float[] expectedClass) throws Exception {
    final int threads = 4;
    final int callsPerThread = 200;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int thread = 0; thread < threads; ++thread) {
        final int offset = 7 * thread;
        results.add(pool.submit(() -> {
          start.await();
          for (int call = 0; call < callsPerThread; ++call) {
            int row = (call * 13 + offset) % ROWS;
            float[] input = Arrays.copyOfRange(synthetic.features, row * COLS, (row + 1) * COLS);
            if (call % 2 == 0) {
              assertArrayEquals(Arrays.copyOfRange(expectedProba, 2 * row, 2 * row + 2),
                  engine.predictProba("shared", input, 1, COLS), "row " + row);
            } else {
              assertEquals(
                  expectedClass[row], engine.predict("shared", input, 1, COLS)[0], "row " + row);
            }
          }
          return callsPerThread;
        }));
      }
      start.countDown();
      int total = 0;
      for (Future<Integer> result : results) {
        total += result.get();
      }
      assertEquals(threads * callsPerThread, total);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void fourThreadsMatchTheModelWhileItCompiles() throws Exception {
    try (Model model = fitClassifier(GRADIENT_BOOSTING);
         InferenceEngine engine =
             new InferenceEngine(InferenceConfig.builder().jitMinCalls(20).build())) {
      float[] expectedProba = model.predictProba(synthetic.features, ROWS, COLS);
      float[] expectedClass = model.predict(synthetic.features, ROWS, COLS);
      engine.addModel("shared", model);
      // The first run crosses jit_min_calls, so compilation starts while the threads call.
      predictFromFourThreads(engine, synthetic, expectedProba, expectedClass);
      String stats = awaitCompiled(engine);
      assertEquals(800, statistic(stats, "calls"), stats);
      long compiled = statistic(stats, "compiled_calls");
      // A second run is all compiled.
      predictFromFourThreads(engine, synthetic, expectedProba, expectedClass);
      stats = engine.stats();
      assertEquals(1600, statistic(stats, "calls"), stats);
      assertEquals(compiled + 800, statistic(stats, "compiled_calls"), stats);
    }
  }

  /** Same length and the same bits in every float. */
  private static boolean identical(float[] got, float[] want) {
    if (got.length != want.length) {
      return false;
    }
    for (int index = 0; index < got.length; ++index) {
      if (Float.floatToRawIntBits(got[index]) != Float.floatToRawIntBits(want[index])) {
        return false;
      }
    }
    return true;
  }

  @Test
  void predictProbaWhileTheNameChangesHands() throws Exception {
    // Two threads add and remove a 2-class and a 3-class model under one name while two others
    // call predictProba on it. A call sized for one model that ran on the other must predict
    // again: each call gives exactly one model's probabilities, or throws.
    final String name = "swapped";
    final int rows = 3;
    final int minRounds = 200;
    final int callsPerReader = 1000;
    float[] batch = Arrays.copyOfRange(synthetic.features, 10 * COLS, (10 + rows) * COLS);
    try (Model binary = fitClassifier(GRADIENT_BOOSTING);
         Model three = fitThreeClasses(GRADIENT_BOOSTING);
         InferenceEngine engine =
             new InferenceEngine(InferenceConfig.builder().enableJitCompilation(false).build())) {
      Model[] models = {binary, three};
      float[][] wants = {
          binary.predictProba(batch, rows, COLS), three.predictProba(batch, rows, COLS)};
      assertEquals(2 * rows, wants[0].length);
      assertEquals(3 * rows, wants[1].length);

      AtomicLong[] served = {new AtomicLong(), new AtomicLong()};
      AtomicLong readersLeft = new AtomicLong(2);
      final long deadline = System.nanoTime() + 60_000_000_000L;
      ExecutorService pool = Executors.newFixedThreadPool(4);
      CountDownLatch start = new CountDownLatch(1);
      try {
        List<Future<?>> workers = new ArrayList<>();
        for (int loader = 0; loader < 2; ++loader) {
          final int first = loader;
          // At least minRounds adds and removes each, and more until the readers are done.
          workers.add(pool.submit(() -> {
            start.await();
            for (int round = 0; round < minRounds || readersLeft.get() > 0; ++round) {
              try {
                engine.addModel(name, models[(first + round) % 2]);
              } catch (KolosalException error) {
                if (error.status() != StatusCode.INVALID_ARGUMENT
                    || !error.getMessage().contains("already loaded")) {
                  throw error;
                }
              }
              try {
                engine.removeModel(name);
              } catch (KolosalException error) {
                if (error.status() != StatusCode.NOT_FOUND) {
                  throw error;
                }
              }
            }
            return null;
          }));
        }
        for (int reader = 0; reader < 2; ++reader) {
          workers.add(pool.submit(() -> {
            try {
              start.await();
              // Past callsPerReader, calls go on until one found a model: on a loaded machine
              // the first 2000 may all miss. The deadline only stops a hang.
              for (int call = 0; call < callsPerReader
                   || (served[0].get() + served[1].get() == 0 && System.nanoTime() < deadline);
                   ++call) {
                float[] got;
                try {
                  got = engine.predictProba(name, batch, rows, COLS);
                } catch (KolosalException error) {
                  // NOT_FOUND while no model is served. The output is sized when the call
                  // begins: one value per row when the name is absent, two when the binary
                  // model is served; when the 3-class model comes in meanwhile, it does not fit.
                  if (error.status() != StatusCode.NOT_FOUND
                      && !(error.status() == StatusCode.INVALID_ARGUMENT
                          && error.getMessage().contains("the output buffer holds"))) {
                    throw error;
                  }
                  continue;
                }
                if (identical(got, wants[0])) {
                  served[0].incrementAndGet();
                } else if (identical(got, wants[1])) {
                  served[1].incrementAndGet();
                } else {
                  throw new AssertionError("predictProba gave " + Arrays.toString(got)
                      + ", want " + Arrays.toString(wants[0]) + " or "
                      + Arrays.toString(wants[1]));
                }
              }
              return null;
            } finally {
              readersLeft.decrementAndGet();
            }
          }));
        }
        start.countDown();
        for (Future<?> worker : workers) {
          worker.get();
        }
      } finally {
        pool.shutdownNow();
      }
      // Which models the calls found depends on the scheduler; some found one.
      assertTrue(served[0].get() + served[1].get() > 0, "no call found a model");

      // Each model in turn, added last, is served with its own class count.
      for (int index = 0; index < 2; ++index) {
        engine.addModel(name, models[index]);
        assertArrayEquals(wants[index], engine.predictProba(name, batch, rows, COLS));
        engine.removeModel(name);
      }
    }
  }
}
