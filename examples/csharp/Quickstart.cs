// C# quick start: train, evaluate, save, load, predict and serve with namespace Kolosal.
// Build: mcs -r:Kolosal.dll Quickstart.cs; run: mono Quickstart.exe <data-dir>
// (libkolosal_csharp.so and libkolosal.so.0 next to Kolosal.dll or on LD_LIBRARY_PATH).
using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
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

          // Serve gradient boosting: an InferenceEngine shares a model with concurrent callers
          // and compiles a hot tree model to machine code after JitMinCalls small calls. Served
          // calls give exactly the model's own floats.
          var zeros = new float[model.NFeatures];
          TrainingConfig boosting =
              TrainingConfig.Builder().Model("gradient_boosting").NJobs(2).Build();
          using (var trainer = new TrainingEngine(boosting))
          using (Model trees = trainer.Fit(data))
          using (var server =
                     new InferenceEngine(InferenceConfig.Builder().JitMinCalls(10).Build())) {
            server.AddModel("spam", trees);
            for (int call = 0; call < 20; ++call) {
              server.PredictProba("spam", zeros, 1, zeros.Length);
            }
            bool compiled = server.Warmup("spam");
            float[] served = server.PredictProba("spam", zeros, 1, zeros.Length);
            if (!compiled || !served.SequenceEqual(trees.PredictProba(zeros, 1, zeros.Length))) {
              Console.Error.WriteLine("the engine did not serve the compiled model's floats");
              return 1;
            }
            string stats = server.Stats();
            Console.WriteLine("served: jit {0}, {1} compiled calls, p50 {2:F1} us",
                              Field(stats, "state"), Field(stats, "compiled_calls"),
                              double.Parse(Field(stats, "p50"), CultureInfo.InvariantCulture));

            // Stream the whole CSV through the model in chunks of 500 rows: memory stays bounded
            // whatever the file's size, and the predictions come out in input order.
            string predictions =
                Path.Combine(Path.GetTempPath(), "spam-csharp-" + Guid.NewGuid() + ".csv");
            try {
              using (var stream =
                         new StreamingPipeline(StreamConfig.Builder().ChunkRows(500).Build())) {
                stream.PredictCsv(trees, spam, predictions);
                string streamed = stream.Stats();
                if (Field(streamed, "rows") != data.Rows.ToString(CultureInfo.InvariantCulture)) {
                  Console.Error.WriteLine("the stream did not predict every row: " + streamed);
                  return 1;
                }
                Console.WriteLine("streamed: {0} rows in {1} chunks", Field(streamed, "rows"),
                                  Field(streamed, "chunks"));
              }
            } finally {
              File.Delete(predictions);
            }
          }
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

  /// <summary>A value of the stats JSON (one model served): "key":value or "key":"value".</summary>
  private static string Field(string json, string key) {
    Match match = Regex.Match(json, "\"" + key + "\":\"?([^\",}]+)");
    return match.Success ? match.Groups[1].Value : "?";
  }
}
