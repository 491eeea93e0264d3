using System;
using System.Globalization;
using System.IO;
using System.Linq;
using NUnit.Framework;

namespace Kolosal.Tests {

/// <summary>Paths handed over by CTest, the spam data and the C++ reference predictions.</summary>
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
}

/// <summary>A small seeded classification problem that needs no dataset files.</summary>
internal sealed class Synthetic {
  public const int Rows = 300;
  public const int Cols = 4;

  public readonly float[] Features = new float[Rows * Cols];
  public readonly float[] Labels = new float[Rows];

  public Synthetic() {
    var random = new Random(42);
    for (int row = 0; row < Rows; ++row) {
      for (int col = 0; col < Cols; ++col) Features[row * Cols + col] = (float)random.NextDouble();
      Labels[row] = Features[row * Cols] + Features[row * Cols + 1] > 1.0f ? 1.0f : 0.0f;
    }
  }

  public Dataset Dataset() {
    return Kolosal.Dataset.FromArray(Features, Rows, Cols, Labels,
                                     DatasetOptions.Builder().Task("classification").Build());
  }

  public Model Train() {
    using (Dataset data = Dataset())
    using (var engine =
               new TrainingEngine(TrainingConfig.Builder().Model("logistic_regression").Build())) {
      return engine.Fit(data);
    }
  }
}

}  // namespace Kolosal.Tests
