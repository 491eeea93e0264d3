// Java tuning example: an ask/tell loop over a function written in Java (no callback into the
// library), then tuning a model's hyperparameters by cross-validation.
// Run: java -cp kolosal.jar Tune.java <data-dir>   (Java 11+ runs a source file directly)
import ai.kolosal.CsvOptions;
import ai.kolosal.Dataset;
import ai.kolosal.Model;
import ai.kolosal.Optimizer;
import ai.kolosal.SearchSpace;
import ai.kolosal.StudyConfig;
import ai.kolosal.TrainingConfig;
import ai.kolosal.TrainingEngine;
import ai.kolosal.Trial;
import ai.kolosal.TuneConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

public final class Tune {
  public static void main(String[] args) {
    SearchSpace space = SearchSpace.builder()
        .floatParam("x", -5, 5)
        .intParam("y", -5, 5)
        .categorical("k", "a", "b", "c")
        .build();
    StudyConfig config = StudyConfig.builder().maxTrials(60).randomState(1).build();
    try (Optimizer optimizer = new Optimizer(space, config)) {
      while (!optimizer.shouldStop()) {
        try (Trial trial = optimizer.ask()) {
          double x = trial.getFloat("x");
          long y = trial.getInt("y");
          double value = (x - 2) * (x - 2) + (y + 1) * (y + 1)
              + (trial.getCategorical("k").equals("b") ? 0 : 1);
          optimizer.tell(trial, value);
        }
      }
      System.out.println("stopped: " + optimizer.stopReason());
      System.out.println("best: " + optimizer.best());
    }

    Path sonar = Paths.get(args.length > 0 ? args[0] : "../shared/data", "sonar.csv");
    if (!Files.isRegularFile(sonar)) {
      System.out.println("skipped the model tuning: " + sonar + " not found");
      return;
    }
    TrainingConfig training =
        TrainingConfig.builder().model("logistic_regression").cvFolds(3).build();
    try (Dataset data = Dataset.fromCsv(sonar.toString(), CsvOptions.target("Class"));
         TrainingEngine engine = new TrainingEngine(training)) {
      engine.setProgressListener((fraction, stage) -> {
        if (stage.equals("tuning")) {
          System.out.printf("tuning: %.0f%%%n", 100 * fraction);
        }
        return false;
      });
      try (Model model = engine.tune(data, TuneConfig.builder().nTrials(5).build())) {
        String metadata = model.metadata();
        int start = metadata.indexOf("\"best_params\"");
        System.out.println(metadata.substring(start, metadata.indexOf('}', start) + 1));
        System.out.println("training metrics: " + model.evaluate(data));
      }
    }
  }
}
