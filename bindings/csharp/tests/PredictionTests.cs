using System;
using System.IO;
using System.Linq;
using NUnit.Framework;

namespace Kolosal.Tests {

/// <summary>The model the C++ CLI trained predicts here exactly what the CLI printed.</summary>
[TestFixture]
public class ReferencePredictionTests {
  [Test]
  public void DatasetPredictionsEqualTheCli() {
    float[] expected = TestData.ReferenceProba();
    using (Model model = Model.Load(TestData.ReferenceModel()))
    using (Dataset data = Dataset.FromCsv(TestData.SpamCsv())) {
      Assert.AreEqual(4601, data.Rows);
      Assert.AreEqual(expected, model.PredictProba(data));
    }
  }

  [Test]
  public void ArrayPredictionsEqualTheCli() {
    float[] expected = TestData.ReferenceProba();
    double[] features = TestData.SpamFeatures();
    long rows = features.Length / TestData.SpamCols;
    using (Model model = Model.Load(TestData.ReferenceModel())) {
      Assert.AreEqual(TestData.SpamCols, model.NFeatures);
      Assert.AreEqual(expected, model.PredictProba(features, rows, TestData.SpamCols));

      var matrix = new double[rows, TestData.SpamCols];
      Buffer.BlockCopy(features, 0, matrix, 0, features.Length * sizeof(double));
      Assert.AreEqual(expected, model.PredictProba(matrix));
    }
  }

  [Test]
  public void ClassPredictionsAreTheMostLikelyClass() {
    float[] proba = TestData.ReferenceProba();
    using (Model model = Model.Load(TestData.ReferenceModel()))
    using (Dataset data = Dataset.FromCsv(TestData.SpamCsv())) {
      float[] predicted = model.Predict(data);
      for (int row = 0; row < predicted.Length; ++row) {
        Assert.AreEqual(proba[2 * row + 1] > proba[2 * row] ? 1.0f : 0.0f, predicted[row],
                        "row " + row);
      }
    }
  }
}

/// <summary>Training in C#: fit, predict, save, load, predict again, all identical.</summary>
[TestFixture]
public class TrainingTests {
  private static readonly TrainingConfig Logistic =
      TrainingConfig.Builder().Model("logistic_regression").Build();

  [Test]
  public void SpamTrainSaveLoadPredict() {
    string path = TestData.TempPath(".kolosal");
    try {
      using (Dataset data = Dataset.FromCsv(TestData.SpamCsv(), CsvOptions.Target("type")))
      using (var engine = new TrainingEngine(Logistic))
      using (Model model = engine.Fit(data)) {
        Assert.AreEqual(4601, data.Rows);
        Assert.AreEqual(57, data.Cols);
        CollectionAssert.AreEqual(new[] {"nonspam", "spam"}, model.ClassNames());
        float[] proba = model.PredictProba(data);
        // Same data and configuration as the CLI's reference model: the same probabilities.
        Assert.AreEqual(TestData.ReferenceProba(), proba);

        model.Save(path);
        using (Model loaded = Model.Load(path)) {
          Assert.AreEqual(proba, loaded.PredictProba(data));
          Assert.AreEqual(model.Predict(data), loaded.Predict(data));
        }
        byte[] bytes = model.ToBytes();
        Assert.AreEqual(File.ReadAllBytes(path), bytes);
        using (Model fromBytes = Model.FromBytes(bytes)) {
          Assert.AreEqual(proba, fromBytes.PredictProba(data));
        }
        StringAssert.Contains("\"accuracy\"", model.Evaluate(data));
      }
    } finally {
      File.Delete(path);
    }
  }

  [Test]
  public void ArraysTrainAndRoundTrip() {
    var synthetic = new Synthetic();
    using (Model model = synthetic.Train()) {
      Assert.AreEqual(Synthetic.Cols, model.NFeatures);
      Assert.AreEqual(2, model.NClasses);
      float[] proba = model.PredictProba(synthetic.Features, Synthetic.Rows, Synthetic.Cols);
      Assert.AreEqual(2 * Synthetic.Rows, proba.Length);
      float[] labels = model.Predict(synthetic.Features, Synthetic.Rows, Synthetic.Cols);
      int correct = labels.Where((label, row) => label == synthetic.Labels[row]).Count();
      Assert.GreaterOrEqual(correct, 0.9 * Synthetic.Rows);

      double[] asDouble = synthetic.Features.Select(value => (double)value).ToArray();
      Assert.AreEqual(proba, model.PredictProba(asDouble, Synthetic.Rows, Synthetic.Cols));

      var into = new float[2 * Synthetic.Rows];
      model.PredictProba(synthetic.Features, Synthetic.Rows, Synthetic.Cols, Layout.RowMajor,
                         into);
      Assert.AreEqual(proba, into);

      using (Model copy = Model.FromBytes(model.ToBytes())) {
        Assert.AreEqual(proba, copy.PredictProba(synthetic.Features, Synthetic.Rows,
                                                 Synthetic.Cols));
      }
      StringAssert.Contains("logistic_regression", model.Metadata());
    }
  }

  [Test]
  public void ColumnMajorEqualsRowMajor() {
    var synthetic = new Synthetic();
    var columnMajor = new float[synthetic.Features.Length];
    for (int row = 0; row < Synthetic.Rows; ++row) {
      for (int col = 0; col < Synthetic.Cols; ++col) {
        columnMajor[col * Synthetic.Rows + row] = synthetic.Features[row * Synthetic.Cols + col];
      }
    }
    using (Model model = synthetic.Train()) {
      var output = new float[2 * Synthetic.Rows];
      model.PredictProba(columnMajor, Synthetic.Rows, Synthetic.Cols, Layout.ColMajor, output);
      Assert.AreEqual(model.PredictProba(synthetic.Features, Synthetic.Rows, Synthetic.Cols),
                      output);
    }
  }

  [Test]
  public void DatasetAccessorsAndSplit() {
    var synthetic = new Synthetic();
    using (Dataset data = synthetic.Dataset()) {
      Assert.AreEqual(Synthetic.Rows, data.Rows);
      Assert.AreEqual(Synthetic.Cols, data.Cols);
      Assert.AreEqual(synthetic.Labels, data.Labels());
      StringAssert.Contains("classification", data.Describe());
      var (train, test) = data.TrainTestSplit(0.25, 7);
      using (train)
      using (test) {
        Assert.AreEqual(Synthetic.Rows, train.Rows + test.Rows);
        Assert.Greater(test.Rows, 0);
        Assert.Greater(train.Rows, test.Rows);
      }
    }
  }

  [Test]
  public void CrossValidation() {
    var synthetic = new Synthetic();
    TrainingConfig config = TrainingConfig.Builder()
                                .Model("logistic_regression")
                                .Param("C", 1.0)
                                .CvFolds(3)
                                .Metric("accuracy")
                                .NJobs(2)
                                .Build();
    using (Dataset data = synthetic.Dataset())
    using (var engine = new TrainingEngine(config)) {
      string result = engine.CrossValidate(data);
      StringAssert.Contains("\"fold_scores\"", result);
      StringAssert.Contains("\"mean\"", result);
    }
  }

  [Test]
  public void VersionAndBuildInfo() {
    StringAssert.IsMatch(@"^\d+\.\d+\.\d+", Library.Version);
    StringAssert.Contains(Library.Version, Library.BuildInfo);
    Assert.AreEqual("INVALID_ARGUMENT", Library.StatusName(StatusCode.InvalidArgument));
    Assert.AreEqual("FAILED_PRECONDITION", Library.StatusName(StatusCode.FailedPrecondition));
  }
}

}  // namespace Kolosal.Tests
