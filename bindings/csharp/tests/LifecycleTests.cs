using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;
using static Kolosal.Tests.Checks;

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

  // The counting tests run one at a time (the runner has no parallel tests) and first wait
  // until the finalizers have freed what earlier tests left behind, so nothing else changes
  // the live handle count meanwhile.
  private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
  private static readonly SearchSpace Space = SearchSpace.Builder().Float("x", 0, 1).Build();

  private static void CollectGarbage() {
    GC.Collect();
    GC.WaitForPendingFinalizers();
  }

  /// <summary>Collects until the live handle count stays put, and returns it.</summary>
  private static long SettledCount() {
    Stopwatch clock = Stopwatch.StartNew();
    long count = Library.LiveHandleCount;
    for (int unchanged = 0; unchanged < 3 && clock.Elapsed < Deadline;) {
      CollectGarbage();
      long next = Library.LiveHandleCount;
      unchanged = next == count ? unchanged + 1 : 0;
      count = next;
    }
    return count;
  }

  /// <summary>Makes a handle of every type, 4 times, keeps none, and returns the count while
  /// they were held. Not inlined, so that no reference stays in the caller's frame.</summary>
  [MethodImpl(MethodImplOptions.NoInlining)]
  private static long ForgetTwentyHandles(Synthetic synthetic) {
    var forgotten = new List<NativeResource>();
    for (int round = 0; round < 4; ++round) {
      Dataset data = synthetic.Dataset();
      var engine = new TrainingEngine(TrainingConfig.Builder().Model("logistic_regression").Build());
      var optimizer = new Optimizer(Space);
      forgotten.Add(data);
      forgotten.Add(engine);
      forgotten.Add(engine.Fit(data));
      forgotten.Add(optimizer);
      forgotten.Add(optimizer.Ask());
    }
    Assert.AreEqual(20, forgotten.Count);
    long count = Library.LiveHandleCount;
    // Mono scans the stack conservatively: a stale word pointing at the list must not keep
    // all twenty alive.
    forgotten.Clear();
    return count;
  }

  [Test]
  public void LiveHandleCountFollowsEveryHandle() {
    var synthetic = new Synthetic();
    long baseline = SettledCount();
    using (Dataset data = synthetic.Dataset()) {
      Assert.AreEqual(baseline + 1, Library.LiveHandleCount);
      using (var engine = new TrainingEngine(TrainingConfig.Builder().Build())) {
        Assert.AreEqual(baseline + 2, Library.LiveHandleCount);
        using (Model model = engine.Fit(data))
        using (Model copy = Model.FromBytes(model.ToBytes())) {
          Assert.AreEqual(baseline + 4, Library.LiveHandleCount);
        }
        Assert.AreEqual(baseline + 2, Library.LiveHandleCount);
      }
      Assert.AreEqual(baseline + 1, Library.LiveHandleCount);
    }
    Assert.AreEqual(baseline, Library.LiveHandleCount);
    using (var optimizer = new Optimizer(Space)) {
      Trial trial = optimizer.Ask();
      Assert.AreEqual(baseline + 2, Library.LiveHandleCount);
      optimizer.Tell(trial, 0.5);
      trial.Dispose();
      trial.Dispose();
      Assert.AreEqual(baseline + 1, Library.LiveHandleCount);
    }
    Assert.AreEqual(baseline, Library.LiveHandleCount);
  }

  [Test]
  public void ForgottenHandlesAreFreedByTheFinalizer() {
    var synthetic = new Synthetic();
    long baseline = SettledCount();
    Assert.AreEqual(baseline + 20, ForgetTwentyHandles(synthetic));
    Stopwatch clock = Stopwatch.StartNew();
    long count = Library.LiveHandleCount;
    while (count > baseline && clock.Elapsed < Deadline) {
      CollectGarbage();
      count = Library.LiveHandleCount;
    }
    Assert.AreEqual(baseline, count, "live handles left after the finalizers ran");

    Dataset disposed = synthetic.Dataset();
    Assert.AreEqual(baseline + 1, Library.LiveHandleCount);
    disposed.Dispose();
    Assert.AreEqual(baseline, Library.LiveHandleCount, "Dispose() frees the handle at once");
  }
}

}  // namespace Kolosal.Tests
