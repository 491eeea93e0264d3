package ai.kolosal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.function.Executable;

/**
 * Paths handed over by CTest, the spam data and reference predictions, and the checks of
 * statistics and errors that several tests share.
 */
final class TestData {
  private TestData() {}

  static Path dataDir() {
    return Paths.get(System.getProperty("kolosal.data.dir", "../shared/data"));
  }

  static Path referenceDir() {
    return Paths.get(System.getProperty("kolosal.reference.dir", "reference"));
  }

  /** spam.csv, or skips the test (with the reason) when the datasets are absent. */
  static String spamCsv() {
    Path path = dataDir().resolve("spam.csv");
    assumeTrue(Files.isRegularFile(path), "datasets not found: " + path + " (skipping)");
    return path.toString();
  }

  /** The C++ reference model (kolosal train), or skips. */
  static String referenceModel() {
    spamCsv();
    Path path = referenceDir().resolve("spam.kolosal");
    assumeTrue(Files.isRegularFile(path), "reference model not found: " + path + " (skipping)");
    return path.toString();
  }

  /** The C++ reference probabilities (kolosal predict --proba), row-major, or skips. */
  static float[] referenceProba() throws IOException {
    Path path = referenceDir().resolve("spam_proba.csv");
    assumeTrue(Files.isRegularFile(path), "reference predictions not found: " + path);
    List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
    int width = lines.get(0).split(",").length;
    float[] values = new float[(lines.size() - 1) * width];
    int next = 0;
    for (String line : lines.subList(1, lines.size())) {
      for (String cell : line.split(",")) {
        values[next++] = Float.parseFloat(cell);
      }
    }
    return values;
  }

  /** The 57 numeric feature columns of spam.csv as a row-major double matrix. */
  static double[] spamFeatures() throws IOException {
    List<String> lines = Files.readAllLines(Paths.get(spamCsv()), StandardCharsets.UTF_8);
    int cols = spamCols();
    double[] values = new double[(lines.size() - 1) * cols];
    int next = 0;
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",");
      for (int col = 0; col < cols; ++col) {
        values[next++] = Double.parseDouble(cells[col]);
      }
    }
    return values;
  }

  static int spamCols() {
    return 57;
  }

  /** A numeric statistic of a stats() JSON ("rows", "calls", ...). */
  static long statistic(String stats, String key) {
    Matcher match = Pattern.compile("\"" + key + "\":(\\d+)").matcher(stats);
    assertTrue(match.find(), key + " not in " + stats);
    return Long.parseLong(match.group(1));
  }

  /** The first "state" of a stats() JSON: a pipeline's run, or an engine's one model's JIT. */
  static String state(String stats) {
    Matcher match = Pattern.compile("\"state\":\"(\\w+)\"").matcher(stats);
    assertTrue(match.find(), "no state in " + stats);
    return match.group(1);
  }

  /**
   * Reads stats every pollMillis until done holds or timeoutNanos have passed (the deadline
   * only stops a hang); returns the last stats read, for the caller to check.
   */
  static String pollStats(Supplier<String> stats, Predicate<String> done, long timeoutNanos,
      long pollMillis) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutNanos;
    String last = stats.get();
    while (!done.test(last) && System.nanoTime() < deadline) {
      Thread.sleep(pollMillis);
      last = stats.get();
    }
    return last;
  }

  /** call throws a KolosalException with status whose message contains each of parts. */
  static void assertStatus(StatusCode status, Executable call, String... parts) {
    KolosalException error = assertThrows(KolosalException.class, call);
    assertEquals(status, error.status(), error.toString());
    for (String part : parts) {
      assertTrue(error.getMessage().contains(part), error.getMessage());
    }
  }
}
