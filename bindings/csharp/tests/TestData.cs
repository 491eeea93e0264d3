using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using NUnit.Framework;

namespace Kolosal.Tests {

/// <summary>
/// Paths handed over by CTest, the spam data and the C++ reference predictions, and temporary
/// paths.
/// </summary>
internal static class TestData {
  public const int SpamCols = 57;

  public static string DataDir =>
      Environment.GetEnvironmentVariable("KOLOSAL_DATA_DIR") ?? "../shared/data";

  public static string ReferenceDir =>
      Environment.GetEnvironmentVariable("KOLOSAL_REFERENCE_DIR") ?? "reference";

  /// <summary>spam.csv, or ignores the test (with the reason) when the datasets are absent.</summary>
  public static string SpamCsv() {
    string path = Path.Combine(DataDir, "spam.csv");
    if (!File.Exists(path)) Assert.Ignore("datasets not found: " + path + " (skipping)");
    return path;
  }

  public static string ReferenceModel() {
    SpamCsv();
    string path = Path.Combine(ReferenceDir, "spam.kolosal");
    if (!File.Exists(path)) Assert.Ignore("reference model not found: " + path);
    return path;
  }

  /// <summary>kolosal predict --proba output, row-major.</summary>
  public static float[] ReferenceProba() {
    string path = Path.Combine(ReferenceDir, "spam_proba.csv");
    if (!File.Exists(path)) Assert.Ignore("reference predictions not found: " + path);
    return File.ReadLines(path)
        .Skip(1)
        .SelectMany(line => line.Split(','))
        .Select(cell => float.Parse(cell, CultureInfo.InvariantCulture))
        .ToArray();
  }

  /// <summary>The 57 numeric feature columns of spam.csv, row-major.</summary>
  public static double[] SpamFeatures() {
    return File.ReadLines(SpamCsv())
        .Skip(1)
        .SelectMany(line => line.Split(',').Take(SpamCols))
        .Select(cell => double.Parse(cell, CultureInfo.InvariantCulture))
        .ToArray();
  }

  /// <summary>A new path in the temp folder, ending in suffix; nothing is created there.</summary>
  public static string TempPath(string suffix) {
    return Path.Combine(Path.GetTempPath(), "kolosal-csharp-" + Guid.NewGuid() + suffix);
  }
}

/// <summary>
/// Checks that several fixtures share: the status of a failed call, and the fields of a Stats()
/// JSON, read once or polled. A fixture imports them with
/// <c>using static Kolosal.Tests.Checks;</c>.
/// </summary>
internal static class Checks {
  /// <summary>call throws a KolosalException with status; its message names each mention.</summary>
  public static KolosalException AssertStatus(StatusCode status, TestDelegate call,
                                              params string[] mentions) {
    var error = Assert.Throws<KolosalException>(call);
    Assert.AreEqual(status, error.Status, error.ToString());
    foreach (string part in mentions) StringAssert.Contains(part, error.Message);
    return error;
  }

  /// <summary>use throws FailedPrecondition because its object was disposed.</summary>
  public static void AssertDisposed(TestDelegate use) {
    AssertStatus(StatusCode.FailedPrecondition, use, "disposed");
  }

  /// <summary>An integer field of a Stats() JSON (the first one of that name).</summary>
  public static long Stat(string stats, string key) {
    Match match = Regex.Match(stats, "\"" + key + "\":(\\d+)");
    Assert.IsTrue(match.Success, key + " not in " + stats);
    return long.Parse(match.Groups[1].Value);
  }

  /// <summary>
  /// The first "state" of a Stats() JSON: a stream's run, or the JIT state of an inference
  /// engine's first model.
  /// </summary>
  public static string State(string stats) {
    Match match = Regex.Match(stats, "\"state\":\"([a-z]+)\"");
    Assert.IsTrue(match.Success, "no state in " + stats);
    return match.Groups[1].Value;
  }

  /// <summary>
  /// Reads the stats every pollMillis until done holds for them or the deadline has passed (the
  /// deadline only stops a hang); returns the stats read last, for the caller to check.
  /// </summary>
  public static string PollStats(Func<string> readStats, Func<string, bool> done,
                                 TimeSpan deadline, int pollMillis) {
    Stopwatch clock = Stopwatch.StartNew();
    string stats = readStats();
    while (!done(stats) && clock.Elapsed < deadline) {
      Thread.Sleep(pollMillis);
      stats = readStats();
    }
    return stats;
  }
}

/// <summary>A small seeded classification problem that needs no dataset files.</summary>
internal sealed class Synthetic {
  public const int Rows = 300;
  public const int Cols = 4;

  public readonly float[] Features = new float[Rows * Cols];
  /// <summary>Two classes: 1 where the sum of the first two columns is above 1.</summary>
  public readonly float[] Labels = new float[Rows];

  public Synthetic() {
    var random = new Random(42);
    for (int row = 0; row < Rows; ++row) {
      for (int col = 0; col < Cols; ++col) Features[row * Cols + col] = (float)random.NextDouble();
      Labels[row] = Features[row * Cols] + Features[row * Cols + 1] > 1.0f ? 1.0f : 0.0f;
    }
  }

  public Dataset Dataset() {
    return Dataset(Labels, "classification");
  }

  /// <summary>These features with the given labels (or regression targets) for task.</summary>
  public Dataset Dataset(float[] labels, string task) {
    return Kolosal.Dataset.FromArray(Features, Rows, Cols, labels,
                                     DatasetOptions.Builder().Task(task).Build());
  }

  /// <summary>Logistic regression on <see cref="Labels"/>.</summary>
  public Model Train() {
    return Fit(TrainingConfig.Builder().Model("logistic_regression").Build(), "classification",
               Labels);
  }

  /// <summary>A model trained with config on <see cref="Dataset(float[], string)"/>.</summary>
  public Model Fit(TrainingConfig config, string task, float[] labels) {
    using (Dataset data = Dataset(labels, task))
    using (var trainer = new TrainingEngine(config)) {
      return trainer.Fit(data);
    }
  }

  /// <summary>Three classes by the sum of the first two columns: below 0.7, 1.3 or above.</summary>
  public float[] ThreeClassLabels() {
    return Enumerable.Range(0, Rows)
        .Select(row => Features[row * Cols] + Features[row * Cols + 1])
        .Select(sum => sum < 0.7f ? 0.0f : sum < 1.3f ? 1.0f : 2.0f)
        .ToArray();
  }

  /// <summary>A regression target for each row: the first column plus twice the second.</summary>
  public float[] RegressionTargets() {
    return Enumerable.Range(0, Rows)
        .Select(row => Features[row * Cols] + 2.0f * Features[row * Cols + 1])
        .ToArray();
  }
}

}  // namespace Kolosal.Tests
