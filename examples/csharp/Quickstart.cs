// C# quick start: train, evaluate, save, load and predict with namespace Kolosal.
// Build: mcs -r:Kolosal.dll Quickstart.cs; run: mono Quickstart.exe <data-dir>
// (libkolosal_csharp.so and libkolosal.so.0 next to Kolosal.dll or on LD_LIBRARY_PATH).
using System;
using System.IO;
using Kolosal;

public static class Quickstart {
  public static int Main(string[] args) {
    string spam = Path.Combine(args.Length > 0 ? args[0] : "../shared/data", "spam.csv");
    if (!File.Exists(spam)) {
      Console.WriteLine("skipped: " + spam + " not found");
      return 0;
    }
    Console.WriteLine("Kolosal " + Library.Version);

    TrainingConfig config =
        TrainingConfig.Builder().Model("logistic_regression").Param("C", 1.0).NJobs(2).Build();
    string modelFile = Path.Combine(Path.GetTempPath(), "spam-csharp-" + Guid.NewGuid() + ".kolosal");
    try {
      using (Dataset data = Dataset.FromCsv(spam, CsvOptions.Target("type"))) {
        var (train, test) = data.TrainTestSplit(0.25, 42);
        using (train)
        using (test)
        using (var engine = new TrainingEngine(config))
        using (Model model = engine.Fit(train)) {
          Console.WriteLine("holdout metrics: " + model.Evaluate(test));
          model.Save(modelFile);
        }

        using (Model model = Model.Load(modelFile)) {
          var classes = model.ClassNames();
          float[] proba = model.PredictProba(data);
          for (int row = 0; row < 3; ++row) {
            int best = proba[2 * row + 1] > proba[2 * row] ? 1 : 0;
            Console.WriteLine("row {0}: {1} (p={2:F3})", row, classes[best], proba[2 * row + best]);
          }
          // Arrays work too: one row of 57 features as a [1, 57] matrix.
          var oneRow = new float[1, model.NFeatures];
          Console.WriteLine("all-zero row: " + classes[(int)model.Predict(oneRow)[0]]);
        }
      }
      return 0;
    } catch (KolosalException error) {
      Console.Error.WriteLine("kolosal failed: " + error);
      return 1;
    } finally {
      File.Delete(modelFile);
    }
  }
}
