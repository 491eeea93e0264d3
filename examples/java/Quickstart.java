// Java quick start: train, evaluate, save, load, predict and serve with package ai.kolosal.
// Run: java -cp kolosal.jar Quickstart.java <data-dir>   (Java 11+ runs a source file directly)
import ai.kolosal.CsvOptions;
import ai.kolosal.Dataset;
import ai.kolosal.InferenceConfig;
import ai.kolosal.InferenceEngine;
import ai.kolosal.Kolosal;
import ai.kolosal.KolosalException;
import ai.kolosal.Model;
import ai.kolosal.StreamConfig;
import ai.kolosal.StreamingPipeline;
import ai.kolosal.TrainingConfig;
import ai.kolosal.TrainingEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

        // Serve gradient boosting: an InferenceEngine shares a model with concurrent callers and
        // compiles a hot tree model to machine code after jitMinCalls small calls. Served calls
        // give exactly the model's own floats.
        TrainingConfig boosting =
            TrainingConfig.builder().model("gradient_boosting").nJobs(2).build();
        try (TrainingEngine trainer = new TrainingEngine(boosting);
             Model trees = trainer.fit(data);
             InferenceEngine server =
                 new InferenceEngine(InferenceConfig.builder().jitMinCalls(10).build())) {
          server.addModel("spam", trees);
          for (int call = 0; call < 20; ++call) {
            server.predictProba("spam", oneRow, 1, oneRow.length);
          }
          boolean compiled = server.warmup("spam");
          float[] served = server.predictProba("spam", oneRow, 1, oneRow.length);
          if (!compiled || !Arrays.equals(served, trees.predictProba(oneRow, 1, oneRow.length))) {
            throw new IllegalStateException("the engine did not serve the compiled model's floats");
          }
          String stats = server.stats();
          System.out.printf("served: jit %s, %s compiled calls, p50 %s us%n",
              field(stats, "state"), field(stats, "compiled_calls"), field(stats, "p50"));

          // Stream the whole CSV through the model in chunks of 500 rows: memory stays bounded
          // whatever the file's size, and the predictions come out in input order.
          Path predictions = Files.createTempFile("spam-java-", ".csv");
          try (StreamingPipeline stream =
                   new StreamingPipeline(StreamConfig.builder().chunkRows(500).build())) {
            stream.predictCsv(trees, spam.toString(), predictions.toString());
            String streamed = stream.stats();
            if (!field(streamed, "rows").equals(Long.toString(data.rows()))) {
              throw new IllegalStateException("the stream did not predict every row: " + streamed);
            }
            System.out.printf("streamed: %s rows in %s chunks%n", field(streamed, "rows"),
                field(streamed, "chunks"));
          } finally {
            Files.deleteIfExists(predictions);
          }
        }
      }
    } catch (KolosalException error) {
      System.err.println("kolosal failed: " + error);
      System.exit(1);
    } finally {
      Files.deleteIfExists(modelFile);
    }
  }

  /** A value of the stats JSON (one model served): "key":value or "key":"value". */
  private static String field(String json, String key) {
    Matcher match = Pattern.compile("\"" + key + "\":\"?([^\",}]+)").matcher(json);
    return match.find() ? match.group(1) : "?";
  }
}
