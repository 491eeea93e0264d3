// C# tuning example: an ask/tell loop over a function written in C# (no callback into the
// library), then tuning a model's hyperparameters by cross-validation.
// Build: mcs -r:Kolosal.dll Tune.cs; run: mono Tune.exe <data-dir>
using System;
using System.IO;
using Kolosal;

public static class Tune {
  public static int Main(string[] args) {
    SearchSpace space =
        SearchSpace.Builder().Float("x", -5, 5).Int("y", -5, 5).Categorical("k", "a", "b", "c").Build();
    using (var optimizer =
               new Optimizer(space, StudyConfig.Builder().MaxTrials(60).RandomState(1).Build())) {
      while (!optimizer.ShouldStop) {
        using (Trial trial = optimizer.Ask()) {
          double x = trial.GetFloat("x");
          long y = trial.GetInt("y");
          double value = (x - 2) * (x - 2) + (y + 1) * (y + 1) +
                         (trial.GetCategorical("k") == "b" ? 0 : 1);
          optimizer.Tell(trial, value);
        }
      }
      Console.WriteLine("stopped: " + optimizer.StopReason);
      Console.WriteLine("best: " + optimizer.Best());
    }

    string sonar = Path.Combine(args.Length > 0 ? args[0] : "../shared/data", "sonar.csv");
    if (!File.Exists(sonar)) {
      Console.WriteLine("skipped the model tuning: " + sonar + " not found");
      return 0;
    }
    TrainingConfig training = TrainingConfig.Builder().Model("logistic_regression").CvFolds(3).Build();
    try {
      using (Dataset data = Dataset.FromCsv(sonar, CsvOptions.Builder().Target("Class").Build()))
      using (var engine = new TrainingEngine(training)) {
        engine.SetProgress((fraction, stage) => {
          if (stage == "tuning") Console.WriteLine("tuning: {0:P0}", fraction);
          return false;
        });
        using (Model model = engine.Tune(data, TuneConfig.Builder().NTrials(5).Build())) {
          string metadata = model.Metadata();
          int start = metadata.IndexOf("\"best_params\"", StringComparison.Ordinal);
          Console.WriteLine(metadata.Substring(start, metadata.IndexOf('}', start) + 1 - start));
          Console.WriteLine("training metrics: " + model.Evaluate(data));
        }
      }
    } catch (KolosalException error) {
      Console.Error.WriteLine(error.Status + ": " + error.Message);
      return 1;
    }
    return 0;
  }
}
