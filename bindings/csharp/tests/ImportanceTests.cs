using NUnit.Framework;

namespace Kolosal.Tests {

/// <summary>
/// Feature importance and names: only f0 and f1 decide the synthetic class. SHAP contributions:
/// only a decides the class of ADecides().
/// </summary>
[TestFixture]
public class ImportanceTests {
  private static Model Fit(TrainingConfig config) {
    using (Dataset data = new Synthetic().Dataset())
    using (var engine = new TrainingEngine(config)) {
      return engine.Fit(data);
    }
  }

  [Test]
  public void StumpSplitsOnceOnADecidingFeature() {
    using (Model stump =
               Fit(TrainingConfig.Builder().Model("decision_tree").Param("max_depth", 1).Build())) {
      Assert.AreEqual(new[] { "f0", "f1", "f2", "f3" }, stump.FeatureNames());
      float[] splits = stump.FeatureImportance(ImportanceType.Split);
      Assert.AreEqual(1.0f, splits[0] + splits[1]);
      Assert.AreEqual(0.0f, splits[2]);
      Assert.AreEqual(0.0f, splits[3]);
      float[] gain = stump.FeatureImportance(ImportanceType.Gain);
      Assert.Greater(gain[0] + gain[1], 0.0f);
      using (Model loaded = Model.FromBytes(stump.ToBytes())) {
        Assert.AreEqual(gain, loaded.FeatureImportance(ImportanceType.Gain));
      }
      var error = Assert.Throws<KolosalException>(
          () => stump.FeatureImportance(ImportanceType.Coefficient));
      Assert.AreEqual(StatusCode.Unsupported, error.Status);
      StringAssert.Contains("decision_tree has no coefficient importance", error.Message);
      using (Dataset data = new Synthetic().Dataset()) {
        string permuted = stump.PermutationImportance(data, "{\"n_repeats\":3}");
        StringAssert.Contains("\"features\":[\"f0\",\"f1\",\"f2\",\"f3\"]", permuted);
        // The stump never reads f2 or f3: shuffling them costs nothing.
        StringAssert.Contains(",0.0,0.0],\"importances_std\"", permuted);
        error = Assert.Throws<KolosalException>(
            () => stump.PermutationImportance(data, "{\"metric\":\"r2\"}"));
        Assert.AreEqual(StatusCode.InvalidArgument, error.Status);
        StringAssert.Contains("is for regression", error.Message);
      }
      error = Assert.Throws<KolosalException>(() => stump.FeatureName(4));
      Assert.AreEqual(StatusCode.InvalidArgument, error.Status);
      StringAssert.Contains("out of range", error.Message);
    }
  }

  private const int Rows = 300;
  private const int Width = 4;  // a, b, c and the bias

  /// <summary>300 rows of a, b, c uniform in [-1, 1); the class is a > 0 (regression: a).</summary>
  private static Dataset ADecides(string task) {
    var random = new System.Random(7);
    var features = new float[Rows * 3];
    var labels = new float[Rows];
    for (int row = 0; row < Rows; ++row) {
      for (int col = 0; col < 3; ++col) {
        features[row * 3 + col] = (float)(random.NextDouble() * 2.0 - 1.0);
      }
      float a = features[row * 3];
      labels[row] = task == "regression" ? a : (a > 0.0f ? 1.0f : 0.0f);
    }
    var options = DatasetOptions.Builder().FeatureNames("a", "b", "c").Task(task).Build();
    return Dataset.FromArray(features, Rows, 3, labels, options);
  }

  private static Model Fit(Dataset data, TrainingConfig config) {
    using (var engine = new TrainingEngine(config)) {
      return engine.Fit(data);
    }
  }

  /// <summary>The sum of the block of (row, output): the output before its link.</summary>
  private static double BlockSum(float[] values, int row, int output, int outputs) {
    double sum = 0.0;
    int block = (row * outputs + output) * Width;
    for (int index = 0; index < Width; ++index) sum += values[block + index];
    return sum;
  }

  [Test]
  public void StumpContributionsGoToTheSplitFeature() {
    using (Dataset data = ADecides("classification"))
    using (Model stump =
               Fit(data, TrainingConfig.Builder().Model("decision_tree").Param("max_depth", 1)
                             .Build())) {
      float[] values = stump.Contributions(data);
      Assert.AreEqual(Rows * 2 * Width, values.Length);
      float[] proba = stump.PredictProba(data);
      for (int row = 0; row < Rows; ++row) {
        for (int output = 0; output < 2; ++output) {
          int block = (row * 2 + output) * Width;
          Assert.AreEqual(0.0f, values[block + 1], "b, row " + row);
          Assert.AreEqual(0.0f, values[block + 2], "c, row " + row);
          Assert.AreEqual(proba[row * 2 + output], values[block] + values[block + 3], 1e-6,
                          "a + bias, row " + row + ", class " + output);
        }
      }
      using (Dataset other = Dataset.FromArray(
                 new[] { 0.5f, 0.5f, 0.5f }, 1, 3, null,
                 DatasetOptions.Builder().FeatureNames("x", "b", "c").Build())) {
        var error = Assert.Throws<KolosalException>(() => stump.Contributions(other));
        Assert.AreEqual(StatusCode.InvalidArgument, error.Status);
        StringAssert.Contains("missing column 'a'", error.Message);
      }
    }
  }

  [Test]
  public void BoostingContributionsSumToTheLogOdds() {
    using (Dataset data = ADecides("classification"))
    using (Model boosting = Fit(data, TrainingConfig.Builder()
                                          .Model("gradient_boosting")
                                          .Param("n_estimators", 20)
                                          .Build())) {
      float[] values = boosting.Contributions(data);
      Assert.AreEqual(Rows * 2 * Width, values.Length);
      float[] proba = boosting.PredictProba(data);
      for (int row = 0; row < Rows; ++row) {
        for (int index = 0; index < Width; ++index) {
          int one = (row * 2 + 1) * Width + index;
          Assert.AreEqual(-values[one], values[one - Width], "class 0 negates class 1, row " + row);
        }
        double margin = BlockSum(values, row, 1, 2);
        Assert.AreEqual(proba[row * 2 + 1], 1.0 / (1.0 + System.Math.Exp(-margin)), 1e-5,
                        "row " + row);
      }
    }
  }

  [Test]
  public void RegressionContributionsSumToThePrediction() {
    using (Dataset data = ADecides("regression"))
    using (Model tree =
               Fit(data, TrainingConfig.Builder().Model("decision_tree").Param("max_depth", 3)
                             .Build())) {
      Assert.AreEqual(0L, tree.NClasses);
      float[] values = tree.Contributions(data);
      Assert.AreEqual(Rows * Width, values.Length);
      float[] predicted = tree.Predict(data);
      for (int row = 0; row < Rows; ++row) {
        Assert.AreEqual(predicted[row], BlockSum(values, row, 0, 1), 1e-5, "row " + row);
      }
    }
  }

  [Test]
  public void LinearCoefficientsRankTheDecidingFeatures() {
    using (Model linear = Fit(TrainingConfig.Builder().Model("logistic_regression").Build())) {
      float[] weight = linear.FeatureImportance(ImportanceType.Coefficient);
      float noise = System.Math.Max(weight[2], weight[3]);
      Assert.Greater(weight[0], 4 * noise);
      Assert.Greater(weight[1], 4 * noise);
      var error =
          Assert.Throws<KolosalException>(() => linear.FeatureImportance(ImportanceType.Gain));
      Assert.AreEqual(StatusCode.Unsupported, error.Status);
    }
  }
}

}  // namespace Kolosal.Tests
