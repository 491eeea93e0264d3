using System.Text;
using System.Threading.Tasks;
using NUnit.Framework;

namespace Kolosal.Tests {

/// <summary>Failures surface as KolosalException with the library's status and message.</summary>
[TestFixture]
public class ErrorTests {
  private static void AssertMentions(KolosalException error, params string[] parts) {
    Assert.IsNotEmpty(error.Message);
    foreach (string part in parts) StringAssert.Contains(part, error.Message);
  }

  [Test]
  public void MissingCsvFile() {
    var error = Assert.Throws<KolosalException>(() => Dataset.FromCsv("/nonexistent/missing.csv"));
    Assert.AreEqual(StatusCode.Io, error.Status);
    Assert.AreEqual(2, error.Code);
    AssertMentions(error, "/nonexistent/missing.csv");
  }

  [Test]
  public void MissingModelFile() {
    var error = Assert.Throws<KolosalException>(() => Model.Load("/nonexistent/model.kolosal"));
    Assert.AreEqual(StatusCode.Io, error.Status);
    AssertMentions(error, "/nonexistent/model.kolosal");
  }

  [Test]
  public void BadConfigKey() {
    TrainingConfig config =
        TrainingConfig.Builder().Model("logistic_regression").Set("n_jobz", 2).Build();
    var error = Assert.Throws<KolosalException>(() => new TrainingEngine(config));
    Assert.AreEqual(StatusCode.InvalidArgument, error.Status);
    AssertMentions(error, "n_jobz", "n_jobs");
  }

  [Test]
  public void BadModelParam() {
    TrainingConfig config =
        TrainingConfig.Builder().Model("logistic_regression").Param("CC", 1.0).Build();
    var error = Assert.Throws<KolosalException>(() => new TrainingEngine(config));
    Assert.AreEqual(StatusCode.InvalidArgument, error.Status);
    AssertMentions(error, "CC");
  }

  [Test]
  public void UnknownModel() {
    var error = Assert.Throws<KolosalException>(
        () => new TrainingEngine(TrainingConfig.Builder().Model("logistic_regresion").Build()));
    Assert.AreEqual(StatusCode.InvalidArgument, error.Status);
    AssertMentions(error, "logistic_regresion", "logistic_regression");
  }

  [Test]
  public void WrongShape() {
    var synthetic = new Synthetic();
    using (Model model = synthetic.Train()) {
      int cols = Synthetic.Cols - 1;
      var error = Assert.Throws<KolosalException>(() => model.Predict(new float[10 * cols], 10, cols));
      Assert.AreEqual(StatusCode.InvalidArgument, error.Status);
      AssertMentions(error, cols.ToString(), Synthetic.Cols.ToString());
    }
  }

  [Test]
  public void ArrayShorterThanRowsTimesCols() {
    var synthetic = new Synthetic();
    using (Model model = synthetic.Train()) {
      var error = Assert.Throws<KolosalException>(() => model.Predict(new float[7], 2, Synthetic.Cols));
      Assert.AreEqual(StatusCode.InvalidArgument, error.Status);
      AssertMentions(error, "7");
    }
  }

  [Test]
  public void TooSmallOutputBuffer() {
    var synthetic = new Synthetic();
    using (Model model = synthetic.Train()) {
      var error = Assert.Throws<KolosalException>(
          () => model.PredictProba(synthetic.Features, Synthetic.Rows, Synthetic.Cols,
                                   Layout.RowMajor, new float[Synthetic.Rows]));
      Assert.AreEqual(StatusCode.InvalidArgument, error.Status);
    }
  }

  /// <summary>
  /// An output of rows x NClasses values that overflows a long, or does not fit in one array,
  /// is refused before anything is allocated, like the other argument errors.
  /// </summary>
  [Test]
  public void OutputSizeOverflow() {
    var synthetic = new Synthetic();
    using (Model model = synthetic.Train()) {
      Assert.AreEqual(2, model.NClasses);
      long rows = long.MaxValue / 2 + 1;  // x 2 classes overflows
      var error = Assert.Throws<KolosalException>(
          () => model.PredictProba(synthetic.Features, rows, Synthetic.Cols));
      Assert.AreEqual(StatusCode.InvalidArgument, error.Status);
      AssertMentions(error, rows.ToString(), "predict in batches");
      error = Assert.Throws<KolosalException>(
          () => model.PredictProba(new double[8], rows, Synthetic.Cols));
      Assert.AreEqual(StatusCode.InvalidArgument, error.Status);

      long tooManyRows = (long)int.MaxValue + 1;  // x 1 value fits a long, not one array
      error = Assert.Throws<KolosalException>(
          () => model.Predict(synthetic.Features, tooManyRows, Synthetic.Cols));
      Assert.AreEqual(StatusCode.InvalidArgument, error.Status);
      AssertMentions(error, tooManyRows.ToString(), "predict in batches");
    }
  }

  [Test]
  public void CorruptModelBytes() {
    byte[] garbage = Encoding.UTF8.GetBytes("KOLOSAL\u001agarbage");
    var error = Assert.Throws<KolosalException>(() => Model.FromBytes(garbage));
    Assert.AreEqual(StatusCode.CorruptModel, error.Status);
  }

  [Test]
  public void LabelsMissing() {
    var synthetic = new Synthetic();
    using (Dataset unlabelled = Dataset.FromArray(synthetic.Features, Synthetic.Rows, Synthetic.Cols))
    using (var engine = new TrainingEngine((string)null)) {
      var error = Assert.Throws<KolosalException>(() => engine.Fit(unlabelled));
      // A fit without labels is bad input (kolosal_c.h: INVALID_ARGUMENT); only reading the
      // labels of an unlabelled dataset is FailedPrecondition.
      Assert.AreEqual(StatusCode.InvalidArgument, error.Status, error.ToString());
      AssertMentions(error, "the training dataset has no target column");
      Assert.AreEqual(StatusCode.FailedPrecondition,
                      Assert.Throws<KolosalException>(() => unlabelled.Labels()).Status);
    }
  }

  [Test]
  public void ErrorsOnOneThreadDoNotLeakIntoAnother() {
    var tasks = new Task<string>[8];
    for (int slot = 0; slot < tasks.Length; ++slot) {
      int mine = slot;
      tasks[slot] = Task.Factory.StartNew(() => {
        for (int round = 0; round < 200; ++round) {
          try {
            Dataset.FromCsv("/nonexistent/thread" + mine + ".csv");
            return "no exception";
          } catch (KolosalException error) {
            if (!error.Message.Contains("thread" + mine + ".csv")) return error.Message;
          }
        }
        return null;
      }, TaskCreationOptions.LongRunning);
    }
    foreach (Task<string> task in tasks) Assert.IsNull(task.Result);
  }
}

}  // namespace Kolosal.Tests
