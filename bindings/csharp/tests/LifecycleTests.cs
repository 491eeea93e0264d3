using System;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;

namespace Kolosal.Tests {

/// <summary>Eight tasks predict on one model; dispose is idempotent and safe under use.</summary>
[TestFixture]
public class ConcurrencyAndLifecycleTests {
  private const int Tasks = 8;
  private const int Rounds = 50;

  private static void PredictFromTasks(Func<float[]> predict, float[] expected) {
    var start = new ManualResetEventSlim(false);
    var tasks = new Task<int>[Tasks];
    for (int index = 0; index < Tasks; ++index) {
      tasks[index] = Task.Factory.StartNew(() => {
        start.Wait();
        for (int round = 0; round < Rounds; ++round) Assert.AreEqual(expected, predict());
        return Rounds;
      }, TaskCreationOptions.LongRunning);
    }
    start.Set();
    int total = 0;
    foreach (Task<int> task in tasks) total += task.Result;
    Assert.AreEqual(Tasks * Rounds, total);
  }

  [Test]
  public void EightTasksOnOneSyntheticModel() {
    var synthetic = new Synthetic();
    using (Model model = synthetic.Train()) {
      float[] expected = model.PredictProba(synthetic.Features, Synthetic.Rows, Synthetic.Cols);
      PredictFromTasks(
          () => model.PredictProba(synthetic.Features, Synthetic.Rows, Synthetic.Cols), expected);
    }
  }

  [Test]
  public void EightTasksOnTheSpamModel() {
    float[] expected = TestData.ReferenceProba();
    double[] features = TestData.SpamFeatures();
    long rows = features.Length / TestData.SpamCols;
    using (Model model = Model.Load(TestData.ReferenceModel())) {
      PredictFromTasks(() => model.PredictProba(features, rows, TestData.SpamCols), expected);
    }
  }

  [Test]
  public void DisposingWhileOtherTasksPredictIsSafe() {
    var synthetic = new Synthetic();
    Model model = synthetic.Train();
    float[] expected = model.PredictProba(synthetic.Features, Synthetic.Rows, Synthetic.Cols);
    var running = new CountdownEvent(Tasks);
    var tasks = new Task<int>[Tasks];
    for (int index = 0; index < Tasks; ++index) {
      tasks[index] = Task.Factory.StartNew(() => {
        running.Signal();
        int ok = 0;
        while (true) {
          try {
            Assert.AreEqual(expected,
                            model.PredictProba(synthetic.Features, Synthetic.Rows, Synthetic.Cols));
            ++ok;
          } catch (KolosalException disposed) {
            Assert.AreEqual(StatusCode.FailedPrecondition, disposed.Status);
            return ok;
          }
        }
      }, TaskCreationOptions.LongRunning);
    }
    running.Wait();
    Thread.Sleep(20);
    model.Dispose();
    foreach (Task<int> task in tasks) Assert.GreaterOrEqual(task.Result, 0);
  }

  private static void AssertDisposed(TestDelegate use) {
    var error = Assert.Throws<KolosalException>(use);
    Assert.AreEqual(StatusCode.FailedPrecondition, error.Status);
    StringAssert.Contains("disposed", error.Message);
  }

  [Test]
  public void ModelDisposeTwiceAndUseAfterDispose() {
    var synthetic = new Synthetic();
    Model model = synthetic.Train();
    Assert.IsFalse(model.IsDisposed);
    model.Dispose();
    model.Dispose();
    Assert.IsTrue(model.IsDisposed);
    AssertDisposed(() => model.Predict(synthetic.Features, Synthetic.Rows, Synthetic.Cols));
    AssertDisposed(() => { long unused = model.NFeatures; });
    AssertDisposed(() => model.ToBytes());
    AssertDisposed(() => model.Save("/tmp/never.kolosal"));
  }

  [Test]
  public void DatasetAndEngineDisposeTwiceAndUseAfterDispose() {
    var synthetic = new Synthetic();
    Dataset data = synthetic.Dataset();
    var engine = new TrainingEngine(TrainingConfig.Builder().Build());
    data.Dispose();
    data.Dispose();
    AssertDisposed(() => { long unused = data.Rows; });
    AssertDisposed(() => engine.Fit(data));
    engine.Dispose();
    engine.Dispose();
    using (Dataset fresh = synthetic.Dataset()) {
      AssertDisposed(() => engine.Fit(fresh));
      AssertDisposed(() => engine.Cancel());
    }
  }

  [Test]
  public void ForgottenHandlesAreFreedByTheFinalizer() {
    var synthetic = new Synthetic();
    for (int round = 0; round < 50; ++round) synthetic.Dataset();  // never disposed
    GC.Collect();
    GC.WaitForPendingFinalizers();
    using (Dataset data = synthetic.Dataset()) Assert.AreEqual(Synthetic.Rows, data.Rows);
  }
}

}  // namespace Kolosal.Tests
