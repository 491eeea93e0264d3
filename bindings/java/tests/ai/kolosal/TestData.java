package ai.kolosal;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/** Paths handed over by CTest, and the spam data and reference predictions. */
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
}
