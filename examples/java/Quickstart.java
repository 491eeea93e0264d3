// Java quick start: train, evaluate, save, load and predict with package ai.kolosal.
// Run: java -cp kolosal.jar Quickstart.java <data-dir>   (Java 11+ runs a source file directly)
import ai.kolosal.CsvOptions;
import ai.kolosal.Dataset;
import ai.kolosal.Kolosal;
import ai.kolosal.KolosalException;
import ai.kolosal.Model;
import ai.kolosal.TrainingConfig;
import ai.kolosal.TrainingEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

public final class Quickstart {
  public static void main(String[] args) throws IOException {
    Path spam = Paths.get(args.length > 0 ? args[0] : "../shared/data", "spam.csv");
    if (!Files.isRegularFile(spam)) {
      System.out.println("skipped: " + spam + " not found");
      return;
    }
    System.out.println("Kolosal " + Kolosal.version());

    TrainingConfig config =
        TrainingConfig.builder().model("logistic_regression").param("C", 1.0).nJobs(2).build();
    Path modelFile = Files.createTempFile("spam-java-", ".kolosal");
    try (Dataset data = Dataset.fromCsv(spam.toString(), CsvOptions.target("type"))) {
      Dataset[] parts = data.trainTestSplit(0.25, 42);
      try (Dataset train = parts[0];
           Dataset test = parts[1];
           TrainingEngine engine = new TrainingEngine(config);
           Model model = engine.fit(train)) {
        System.out.println("holdout metrics: " + model.evaluate(test));
        model.save(modelFile.toString());
      }

      try (Model model = Model.load(modelFile.toString())) {
        List<String> classes = model.classNames();
        float[] proba = model.predictProba(data);
        for (int row = 0; row < 3; ++row) {
          int best = proba[2 * row + 1] > proba[2 * row] ? 1 : 0;
          System.out.printf("row %d: %s (p=%.3f)%n", row, classes.get(best),
              proba[2 * row + best]);
        }
        // Arrays work too: one row of 57 features, row-major.
        float[] oneRow = new float[(int) model.nFeatures()];
        System.out.println("all-zero row: " + classes.get((int) model.predict(oneRow, 1,
            oneRow.length)[0]));
      }
    } catch (KolosalException error) {
      System.err.println("kolosal failed: " + error);
      System.exit(1);
    } finally {
      Files.deleteIfExists(modelFile);
    }
  }
}
