using NUnit.Framework;

namespace Kolosal.Tests {

/// <summary>Feature importance and names: only f0 and f1 decide the synthetic class.</summary>
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
