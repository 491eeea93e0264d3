package ai.kolosal;

import static ai.kolosal.TestData.assertStatus;
import static ai.kolosal.TestData.pollStats;
import static ai.kolosal.TestData.state;
import static ai.kolosal.TestData.statistic;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming pipeline writes exactly the model's own predictions, chunk after chunk and in
 * input order; its statistics count the rows and chunks; bad input throws the library's status
 * and leaves no output; a run stops when cancelled from another thread.
 */
class StreamingPipelineTest {
  private static final int ROWS = Synthetic.ROWS;
  private static final int COLS = Synthetic.COLS;
  private static final int CHUNK_ROWS = 7;
  private static final int BIG_ROWS = 100000;
  private static final long CANCEL_DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(30);
  private static final List<String> FEATURES = List.of("x0", "x1", "x2", "x3");
  /** A class name the output has to quote: it holds the delimiter and the quote. */
  private static final String YES = "yes, \"sure\"";
  private static final TrainingConfig GRADIENT_BOOSTING = Synthetic.GRADIENT_BOOSTING;

  private final Synthetic synthetic = new Synthetic();

  @TempDir Path dir;

  /** A feature value as the CSV files hold it: text that reads back as the same float. */
  private String cell(int row, int col) {
    return Float.toString(synthetic.features[row * COLS + col]);
  }

  /** Writes a CSV file: the header, then the cells values.apply(row) of each of rows rows. */
  private Path writeCsv(String name, List<String> header, int rows,
      IntFunction<List<String>> values) throws IOException {
    Path path = dir.resolve(name);
    try (BufferedWriter out = Files.newBufferedWriter(path, StandardCharsets.UTF_8)) {
      out.write(String.join(",", header));
      out.write('\n');
      for (int row = 0; row < rows; ++row) {
        out.write(String.join(",", values.apply(row)));
        out.write('\n');
      }
    }
    return path;
  }

  /** The four feature columns of a synthetic row. */
  private List<String> featureCells(int row) {
    List<String> cells = new ArrayList<>();
    for (int col = 0; col < COLS; ++col) {
      cells.add(cell(row, col));
    }
    return cells;
  }

  /** The four feature columns of a synthetic row, then its target. */
  private List<String> trainingRow(int row, String target) {
    List<String> cells = featureCells(row);
    cells.add(target);
    return cells;
  }

  /** Fits config on the synthetic rows with the target column "y" of a CSV file. */
  private Model fit(TrainingConfig config, String task, IntFunction<String> target)
      throws IOException {
    List<String> header = new ArrayList<>(FEATURES);
    header.add("y");
    Path csv = writeCsv("train.csv", header, ROWS, row -> trainingRow(row, target.apply(row)));
    CsvOptions options = CsvOptions.builder().target("y").task(task).build();
    try (Dataset data = Dataset.fromCsv(csv.toString(), options);
         TrainingEngine trainer = new TrainingEngine(config)) {
      Model model = trainer.fit(data);
      assertEquals(FEATURES, model.featureNames());
      return model;
    }
  }

  /** Two classes, "no" and YES (quoted in the training CSV, as in any CSV). */
  private Model fitClassifier() throws IOException {
    return fit(GRADIENT_BOOSTING, "classification",
        row -> synthetic.labels[row] > 0 ? "\"yes, \"\"sure\"\"\"" : "no");
  }

  /** A regression target: x0 + 2 x1. */
  private Model fitRegressor() throws IOException {
    float[] targets = synthetic.regressionTargets();
    return fit(GRADIENT_BOOSTING, "regression", row -> Float.toString(targets[row]));
  }

  /** The synthetic rows under the model's own feature names: the input to stream. */
  private Path writeInput(Model model) throws IOException {
    return writeCsv("input.csv", model.featureNames(), ROWS, this::featureCells);
  }

  /** The fields of one CSV record with '"' quotes ("" inside quotes is one quote). */
  private static List<String> fields(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int index = 0; index < line.length(); ++index) {
      char c = line.charAt(index);
      if (quoted && c == '"' && index + 1 < line.length() && line.charAt(index + 1) == '"') {
        field.append('"');
        ++index;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        fields.add(field.toString());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    assertFalse(quoted, "unterminated quote in " + line);
    fields.add(field.toString());
    return fields;
  }

  private static List<String> readLines(Path path) throws IOException {
    return Files.readAllLines(path, StandardCharsets.UTF_8);
  }

  /** Neither the output nor the file it is written through exists. */
  private static void assertNoOutput(Path output) {
    assertFalse(Files.exists(output), output + " exists");
    assertFalse(Files.exists(Path.of(output + ".partial")), output + ".partial exists");
  }

  /** The run went through in several chunks of CHUNK_ROWS rows. */
  private static void assertDoneInChunks(StreamingPipeline stream) {
    String stats = stream.stats();
    assertEquals("done", state(stats), stats);
    assertEquals(ROWS, statistic(stats, "rows"), stats);
    assertEquals((ROWS + CHUNK_ROWS - 1) / CHUNK_ROWS, statistic(stats, "chunks"), stats);
    assertTrue(statistic(stats, "chunks") > 1, stats);
  }

  /** Streams input to output; returns the output's lines: the header, then one line a row. */
  private static List<String> predictLines(
      StreamingPipeline stream, Model model, Path input, Path output) throws IOException {
    stream.predictCsv(model, input.toString(), output.toString());
    List<String> lines = readLines(output);
    assertEquals(ROWS + 1, lines.size());
    return lines;
  }

  /** The synthetic rows stream through to output, and the run is done. */
  private void assertPredictsEveryRow(StreamingPipeline stream, Model model, Path output)
      throws IOException {
    predictLines(stream, model, writeInput(model), output);
    assertEquals("done", state(stream.stats()));
  }

  /**
   * The run throws status with a message holding each of parts, writes no output and leaves the
   * pipeline failed; returns its stats.
   */
  private static String assertRunFails(
      StreamingPipeline stream, Path output, StatusCode status, Executable run, String... parts) {
    assertStatus(status, run, parts);
    assertNoOutput(output);
    String stats = stream.stats();
    assertEquals("failed", state(stats), stats);
    return stats;
  }

  @Test
  void configBuilderWritesTheStreamKeys() {
    StreamConfig config = StreamConfig.builder()
                              .chunkRows(7)
                              .memoryBudgetMb(64)
                              .maxChunksInFlight(2)
                              .nJobs(1)
                              .probabilities(true)
                              .contributions(false)
                              .delimiter(';')
                              .quote('\'')
                              .missingValues("NA", "?")
                              .build();
    assertEquals("{\"chunk_rows\":7,\"memory_budget_mb\":64,\"max_chunks_in_flight\":2,"
            + "\"n_jobs\":1,\"probabilities\":true,\"contributions\":false,"
            + "\"csv\":{\"delimiter\":\";\",\"quote\":\"'\",\"missing_values\":[\"NA\",\"?\"]}}",
        config.toJson());
    assertEquals("{}", StreamConfig.builder().build().toJson());
    try (StreamingPipeline stream = new StreamingPipeline(config)) {
      String stats = stream.stats();
      assertEquals("idle", state(stats), stats);
      assertTrue(stats.contains("\"chunk_rows\":7"), stats);
      assertTrue(stats.contains("\"memory_budget_mb\":64"), stats);
      assertTrue(stats.contains("\"max_chunks_in_flight\":2"), stats);
      assertTrue(stats.contains("\"probabilities\":true"), stats);
      assertTrue(stats.contains("\"delimiter\":\";\""), stats);
      assertTrue(stats.contains("\"missing_values\":[\"NA\",\"?\"]"), stats);
    }
  }

  @Test
  void classNamesRoundTripInChunks() throws IOException {
    try (Model model = fitClassifier(); StreamingPipeline stream = new StreamingPipeline(
                                            StreamConfig.builder().chunkRows(CHUNK_ROWS).build())) {
      List<String> classes = model.classNames();
      assertTrue(classes.contains(YES), classes.toString());
      float[] expected = model.predict(synthetic.features, ROWS, COLS);
      Path output = dir.resolve("classes.csv");
      List<String> lines = predictLines(stream, model, writeInput(model), output);
      assertEquals("prediction", lines.get(0));
      int yes = 0;
      for (int row = 0; row < ROWS; ++row) {
        String want = classes.get((int) expected[row]);
        assertEquals(List.of(want), fields(lines.get(row + 1)), "row " + row);
        yes += want.equals(YES) ? 1 : 0;
      }
      // Both classes occur, so a constant column would not pass.
      assertTrue(yes > 0 && yes < ROWS, "rows predicted '" + YES + "': " + yes);
      assertFalse(Files.exists(Path.of(output + ".partial")));
      assertDoneInChunks(stream);
    }
  }

  @Test
  void probabilitiesRoundTripExactly() throws IOException {
    try (Model model = fitClassifier();
         StreamingPipeline stream = new StreamingPipeline(
             StreamConfig.builder().chunkRows(CHUNK_ROWS).probabilities(true).build())) {
      float[] expected = model.predictProba(synthetic.features, ROWS, COLS);
      Path output = dir.resolve("proba.csv");
      List<String> lines = predictLines(stream, model, writeInput(model), output);
      assertEquals(model.classNames(), fields(lines.get(0)));
      for (int row = 0; row < ROWS; ++row) {
        List<String> cells = fields(lines.get(row + 1));
        float[] got = new float[cells.size()];
        for (int col = 0; col < got.length; ++col) {
          got[col] = Float.parseFloat(cells.get(col));
        }
        // The library writes the shortest text that reads back as the same float32.
        assertArrayEquals(Arrays.copyOfRange(expected, 2 * row, 2 * row + 2), got, "row " + row);
      }
      assertDoneInChunks(stream);
    }
  }

  @Test
  void contributionsAreTheModelsOwn() throws IOException {
    try (Model model = fitRegressor();
         StreamingPipeline stream = new StreamingPipeline(
             StreamConfig.builder().chunkRows(CHUNK_ROWS).contributions(true).build())) {
      Path input = writeInput(model);
      float[] expected;
      try (Dataset data = Dataset.fromCsv(input.toString())) {
        expected = model.contributions(data);
      }
      Path output = dir.resolve("contributions.csv");
      List<String> lines = predictLines(stream, model, input, output);
      List<String> header = new ArrayList<>(FEATURES);
      header.add("bias");
      assertEquals(header, fields(lines.get(0)));
      float[] got = new float[expected.length];
      for (int row = 0; row < ROWS; ++row) {
        List<String> cells = fields(lines.get(row + 1));
        assertEquals(COLS + 1, cells.size(), "row " + row);
        for (int col = 0; col <= COLS; ++col) {
          got[row * (COLS + 1) + col] = Float.parseFloat(cells.get(col));
        }
      }
      assertArrayEquals(expected, got);
      assertDoneInChunks(stream);
    }
    assertStatus(StatusCode.INVALID_ARGUMENT,
        ()
            -> new StreamingPipeline(
                StreamConfig.builder().probabilities(true).contributions(true).build()),
        "probabilities and contributions cannot be combined");
  }

  @Test
  void regressionValuesRoundTripAndHaveNoProbabilities() throws IOException {
    try (Model model = fitRegressor(); StreamingPipeline stream = new StreamingPipeline(
                                           StreamConfig.builder().chunkRows(CHUNK_ROWS).build());
         StreamingPipeline proba = new StreamingPipeline(
             StreamConfig.builder().chunkRows(CHUNK_ROWS).probabilities(true).build())) {
      assertEquals(0, model.nClasses());
      float[] expected = model.predict(synthetic.features, ROWS, COLS);
      // Columns are matched by name: reversed, with an extra column first, they still fit.
      List<String> header = new ArrayList<>(List.of("id"));
      for (int col = COLS - 1; col >= 0; --col) {
        header.add(FEATURES.get(col));
      }
      Path input = writeCsv("reversed.csv", header, ROWS, row -> {
        List<String> cells = new ArrayList<>(List.of("row" + row));
        for (int col = COLS - 1; col >= 0; --col) {
          cells.add(cell(row, col));
        }
        return cells;
      });
      Path output = dir.resolve("values.csv");
      List<String> lines = predictLines(stream, model, input, output);
      assertEquals("prediction", lines.get(0));
      float[] got = new float[ROWS];
      for (int row = 0; row < ROWS; ++row) {
        got[row] = Float.parseFloat(lines.get(row + 1));
      }
      assertArrayEquals(expected, got);
      assertDoneInChunks(stream);

      Path none = dir.resolve("proba.csv");
      assertRunFails(proba, none, StatusCode.INVALID_ARGUMENT,
          () -> proba.predictCsv(model, input.toString(), none.toString()), "probabilities");
    }
  }

  @Test
  void missingInputFileIsIo() throws IOException {
    try (Model model = fitClassifier(); StreamingPipeline stream = new StreamingPipeline()) {
      Path output = dir.resolve("out.csv");
      String absent = dir.resolve("absent.csv").toString();
      assertRunFails(stream, output, StatusCode.IO,
          () -> stream.predictCsv(model, absent, output.toString()), absent);
    }
  }

  @Test
  void missingColumnIsNamedAndWritesNothing() throws IOException {
    try (Model model = fitClassifier(); StreamingPipeline stream = new StreamingPipeline()) {
      Path lacking = writeCsv("lacking.csv", List.of("x0", "x2", "x3"), 5,
          row -> List.of(cell(row, 0), cell(row, 2), cell(row, 3)));
      Path output = dir.resolve("out.csv");
      String stats = assertRunFails(stream, output, StatusCode.INVALID_ARGUMENT,
          ()
              -> stream.predictCsv(model, lacking.toString(), output.toString()),
          "missing column 'x1'");
      assertTrue(stats.contains("missing column 'x1'"), stats);

      // A failed run leaves the pipeline usable.
      assertPredictsEveryRow(stream, model, output);
    }
  }

  @Test
  void badConfig() {
    assertStatus(StatusCode.INVALID_ARGUMENT,
        ()
            -> new StreamingPipeline(StreamConfig.builder().set("chunk_row", 5).build()),
        "chunk_row", "chunk_rows");
    assertStatus(StatusCode.INVALID_ARGUMENT,
        ()
            -> new StreamingPipeline(StreamConfig.builder().maxChunksInFlight(0).build()),
        "max_chunks_in_flight");
    assertStatus(StatusCode.INVALID_ARGUMENT,
        () -> new StreamingPipeline(StreamConfig.fromJson("{\"csv\":{\"target\":\"y\"}}")));
    assertStatus(StatusCode.INVALID_ARGUMENT, () -> new StreamingPipeline("{not json"));
    new StreamingPipeline((StreamConfig) null).close();
    new StreamingPipeline("").close();
  }

  @Test
  void nullArgumentsAndClosedModel() throws IOException {
    Model model = fitClassifier();
    try (StreamingPipeline stream = new StreamingPipeline()) {
      String input = writeInput(model).toString();
      Path output = dir.resolve("out.csv");
      assertStatus(
          StatusCode.INVALID_ARGUMENT, () -> stream.predictCsv(null, input, output.toString()));
      assertStatus(
          StatusCode.INVALID_ARGUMENT, () -> stream.predictCsv(model, null, output.toString()));
      assertStatus(StatusCode.INVALID_ARGUMENT, () -> stream.predictCsv(model, input, null));
      assertNoOutput(output);

      model.close();
      assertStatus(StatusCode.FAILED_PRECONDITION,
          () -> stream.predictCsv(model, input, output.toString()), "Model", "closed");
      assertNoOutput(output);
      // The pipeline itself is still open.
      assertEquals("idle", state(stream.stats()));
    } finally {
      model.close();
    }
  }

  @Test
  void closeTwiceAndUseAfterClose() throws IOException {
    try (Model model = fitClassifier()) {
      String input = writeInput(model).toString();
      Path output = dir.resolve("out.csv");
      StreamingPipeline stream = new StreamingPipeline();
      assertFalse(stream.isClosed());
      stream.close();
      stream.close();
      assertTrue(stream.isClosed());
      for (Executable use :
          new Executable[] {()
                                -> stream.predictCsv(model, input, output.toString()),
              stream::cancel, stream::stats}) {
        assertStatus(StatusCode.FAILED_PRECONDITION, use, "StreamingPipeline", "closed");
      }
      assertNoOutput(output);
    }
  }

  @Test
  void liveHandleCountFollowsThePipeline() throws InterruptedException {
    long base = LifecycleTest.settledCount();
    StreamingPipeline stream = new StreamingPipeline();
    assertEquals(base + 1, Kolosal.liveHandleCount());
    stream.close();
    assertEquals(base, Kolosal.liveHandleCount());
  }

  @Test
  void cancelFromAnotherThread() throws Exception {
    Random random = new Random(7);
    Path input = writeCsv("big.csv", FEATURES, BIG_ROWS, row -> {
      List<String> cells = new ArrayList<>();
      for (int col = 0; col < COLS; ++col) {
        cells.add(Float.toString(random.nextFloat()));
      }
      return cells;
    });
    Path output = dir.resolve("big.out.csv");
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (Model model = fitClassifier();
         StreamingPipeline stream = new StreamingPipeline(
             StreamConfig.builder().chunkRows(1).maxChunksInFlight(1).build())) {
      Future<?> run = pool.submit(() -> {
        stream.predictCsv(model, input.toString(), output.toString());
        return null;
      });
      // Wait until rows come out (the deadline only stops a hang), then cancel.
      String stats = pollStats(stream::stats,
          polled -> statistic(polled, "rows") > 0 || run.isDone(), CANCEL_DEADLINE_NANOS, 1);
      assertEquals("running", state(stats), stats);
      assertTrue(statistic(stats, "rows") > 0, stats);
      // One run at a time: a second one is refused and leaves the first alone.
      assertStatus(StatusCode.FAILED_PRECONDITION,
          ()
              -> stream.predictCsv(model, input.toString(), dir.resolve("second.csv").toString()),
          "already running");
      assertNoOutput(dir.resolve("second.csv"));
      stream.cancel();

      ExecutionException ended = assertThrows(ExecutionException.class, run::get);
      assertTrue(ended.getCause() instanceof KolosalException, ended.getCause().toString());
      assertEquals(StatusCode.CANCELLED, ((KolosalException) ended.getCause()).status(),
          ended.getCause().toString());
      stats = stream.stats();
      assertEquals("cancelled", state(stats), stats);
      assertTrue(statistic(stats, "rows") < BIG_ROWS, stats);
      assertNoOutput(output);

      // Cancelling when idle does nothing, and the next run goes through.
      stream.cancel();
      assertPredictsEveryRow(stream, model, dir.resolve("small.out.csv"));
    } finally {
      pool.shutdownNow();
    }
  }
}
