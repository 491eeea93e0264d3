using NUnit.Framework;

namespace Kolosal.Tests {

/// <summary>A weight column: y = x on rows of weight 1; rows of weight 0 (y = 1000) must not
/// count.</summary>
[TestFixture]
public class WeightTests {
  private const int Rows = 20;

  [Test]
  public void CsvWeightColumnLeavesTheFeatures() {
    string path = System.IO.Path.GetTempFileName();
    try {
      System.IO.File.WriteAllText(path, "x,w,y\n1,1,1\n2,0.5,2\n3,2,3\n");
      var options = CsvOptions.Builder().Target("y").Task("regression").WeightColumn("w").Build();
      using (Dataset data = Dataset.FromCsv(path, options)) {
        Assert.AreEqual(1, data.Cols);
        StringAssert.Contains("\"weight_column\":\"w\"", data.Describe());
      }
    } finally {
      System.IO.File.Delete(path);
    }
  }

  private static Dataset Weighted(float[] features, float[] labels) =>
      Dataset.FromArray(features, Rows, 2, labels,
                        DatasetOptions.Builder()
                            .FeatureNames("x", "w")
                            .Task("regression")
                            .WeightColumn("w")
                            .Build());

  [Test]
  public void ZeroWeightRowsDoNotCount() {
    var features = new float[Rows * 2];
    var labels = new float[Rows];
    for (int row = 0; row < Rows; ++row) {
      features[2 * row] = row;
      features[2 * row + 1] = row % 2 == 0 ? 1.0f : 0.0f;
      labels[row] = row % 2 == 0 ? row : 1000.0f;
    }
    using (Dataset data = Weighted(features, labels))
    using (var engine =
               new TrainingEngine(TrainingConfig.Builder().Model("linear_regression").Build()))
    using (Model model = engine.Fit(data)) {
      Assert.AreEqual(1, model.NFeatures);
      Assert.AreEqual(7.5f, model.Predict(new[] { 7.5f }, 1, 1)[0], 1e-3f);
    }
    features[3] = -1.0f;
    var error = Assert.Throws<KolosalException>(() => Weighted(features, labels));
    Assert.AreEqual(StatusCode.InvalidArgument, error.Status);
    StringAssert.Contains("a weight must be finite and >= 0, got -1", error.Message);
  }
}

}  // namespace Kolosal.Tests
