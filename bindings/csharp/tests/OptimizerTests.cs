using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using NUnit.Framework;

namespace Kolosal.Tests {

/// <summary>Ask/tell from C#: the objective runs here, with no callback into the library.</summary>
[TestFixture]
public class OptimizerTests {
  /// <summary>x float, y int, k categorical; the minimum 0 is at x = 2, y = -1, k = "b".</summary>
  private static readonly SearchSpace Space =
      SearchSpace.Builder().Float("x", -5, 5).Int("y", -5, 5).Categorical("k", "a", "b", "c").Build();

  private static double Objective(Trial trial) {
    double x = trial.GetFloat("x");
    long y = trial.GetInt("y");
    return (x - 2) * (x - 2) + (y + 1) * (y + 1) + (trial.GetCategorical("k") == "b" ? 0 : 1);
  }

  /// <summary>Runs the loop until the study stops; returns the smallest value told.</summary>
  private static double RunLoop(Optimizer optimizer) {
    double min = double.PositiveInfinity;
    while (!optimizer.ShouldStop) {
      using (Trial trial = optimizer.Ask()) {
        double value = Objective(trial);
        min = Math.Min(min, value);
        optimizer.Tell(trial, value);
      }
    }
    return min;
  }

  private static void AssertError(StatusCode status, string fragment, TestDelegate call) {
    var error = Assert.Throws<KolosalException>(call);
    Assert.AreEqual(status, error.Status, error.Message);
    StringAssert.Contains(fragment, error.Message);
  }

  [Test]
  public void TunesAQuadraticToItsMinimum() {
    using (var optimizer =
               new Optimizer(Space, StudyConfig.Builder().MaxTrials(60).RandomState(1).Build())) {
      double min = RunLoop(optimizer);
      Assert.AreEqual("max_trials", optimizer.StopReason);
      Assert.AreEqual(min, optimizer.BestValue);
      Assert.Less(optimizer.BestValue, 0.1);
      StringAssert.Contains("\"k\":\"b\"", optimizer.Best());
      StringAssert.Contains("\"y\":-1", optimizer.Best());
      StringAssert.Contains("\"n_trials\":60", optimizer.History());
    }
  }

  [Test]
  public void GridCoversItsGridOnce() {
    SearchSpace grid = SearchSpace.Builder().Int("a", 0, 3).Categorical("k", "x", "y").Build();
    var seen = new HashSet<string>();
    using (var optimizer =
               new Optimizer(grid, StudyConfig.Builder().Strategy("GRID_SEARCH").Build())) {
      while (!optimizer.ShouldStop) {
        using (Trial trial = optimizer.Ask()) {
          Assert.IsTrue(seen.Add(trial.GetInt("a") + trial.GetCategorical("k")));
          optimizer.Tell(trial, trial.GetInt("a"));
        }
      }
      Assert.AreEqual("exhausted", optimizer.StopReason);
    }
    Assert.AreEqual(8, seen.Count);
  }

  [Test]
  public void ConditionsEnqueuePruningAndFailures() {
    SearchSpace space = SearchSpace.Builder()
                            .Categorical("kernel", "rbf", "linear")
                            .Float("gamma", 1e-3, 1, log: true)
                            .When("kernel", "rbf")
                            .Build();
    StudyConfig config =
        StudyConfig.Builder()
            .Set("pruner", new Dictionary<string, object> {{"name", "median"}, {"n_startup_trials", 1}})
            .Build();
    using (var optimizer = new Optimizer(space, config)) {
      optimizer.Enqueue(new Dictionary<string, object> {{"kernel", "linear"}});
      using (Trial first = optimizer.Ask()) {
        Assert.AreEqual(0, first.Number);
        Assert.IsFalse(first.HasParam("gamma"));
        Assert.AreEqual("{\"kernel\":\"linear\"}", first.Params());
        first.Report(0, 1.0);
        Assert.IsFalse(first.ShouldPrune());
        optimizer.Tell(first, 1.0);
      }
      using (Trial second = optimizer.Ask()) {
        second.Report(0, 100.0);
        Assert.IsTrue(second.ShouldPrune());
        optimizer.TellPruned(second);
      }
      using (Trial third = optimizer.Ask()) optimizer.TellFailed(third);
      StringAssert.Contains("\"PRUNED\"", optimizer.History());
      StringAssert.Contains("\"FAILED\"", optimizer.History());
    }
  }

  [Test]
  public void WarmStartAndSqliteResume() {
    string path = TestData.TempPath(".db");
    string url = "sqlite://" + path;
    string history;
    try {
      using (var optimizer = new Optimizer(
                 Space, StudyConfig.Builder().MaxTrials(5).StudyName("cs").Build(), url)) {
        RunLoop(optimizer);
        history = optimizer.History();
      }
      using (var resumed = new Optimizer(
                 Space, StudyConfig.Builder().MaxTrials(8).StudyName("cs").Build(), url)) {
        int trials = 0;
        while (!resumed.ShouldStop) {
          using (Trial trial = resumed.Ask()) {
            Assert.GreaterOrEqual(trial.Number, 5);
            resumed.Tell(trial, Objective(trial));
            ++trials;
          }
        }
        Assert.AreEqual(3, trials);
      }
      using (var fresh = new Optimizer(Space)) Assert.AreEqual(5, fresh.WarmStart(history));
    } finally {
      File.Delete(path);
    }
  }

  [Test]
  public void ErrorsCarryTheLibrarysMessage() {
    AssertError(StatusCode.InvalidArgument, "above high",
                () => new Optimizer(SearchSpace.Builder().Float("x", 2, 1).Build()));
    AssertError(StatusCode.InvalidArgument, "did you mean 'max_trials'",
                () => new Optimizer(Space, StudyConfig.Builder().Set("max_trial", 3).Build()));
    AssertError(StatusCode.InvalidArgument, "invalid JSON", () => new Optimizer("{", null, null));
    AssertError(StatusCode.Io, "nonexistent-dir",
                () => new Optimizer(Space, null, "sqlite:///nonexistent-dir/k/s.db"));
    using (var optimizer = new Optimizer(Space))
    using (var other = new Optimizer(Space)) {
      AssertError(StatusCode.FailedPrecondition, "no trial", () => {
        double unused = optimizer.BestValue;
      });
      using (Trial trial = optimizer.Ask())
      using (Trial foreign = other.Ask()) {
        AssertError(StatusCode.NotFound, "'z'", () => trial.GetFloat("z"));
        AssertError(StatusCode.InvalidArgument, "'x'", () => trial.GetInt("x"));
        AssertError(StatusCode.InvalidArgument, "another optimizer",
                    () => optimizer.Tell(foreign, 1.0));
        optimizer.Tell(trial, 1.0);
        AssertError(StatusCode.FailedPrecondition, "trial 0", () => optimizer.Tell(trial, 2.0));
        AssertError(StatusCode.FailedPrecondition, "trial 0", () => optimizer.TellPruned(trial));
      }
    }
  }

  [Test]
  public void DisposeTwiceAndUseAfterDispose() {
    var optimizer = new Optimizer(Space, StudyConfig.Builder().MaxTrials(3).Build());
    Trial trial = optimizer.Ask();
    optimizer.Dispose();
    optimizer.Dispose();
    Assert.IsTrue(optimizer.IsDisposed);
    AssertError(StatusCode.FailedPrecondition, "Optimizer is disposed", () => optimizer.Ask());
    AssertError(StatusCode.FailedPrecondition, "Optimizer is disposed", () => {
      bool unused = optimizer.ShouldStop;
    });
    // The trial keeps its study alive.
    double x = trial.GetFloat("x");
    Assert.IsTrue(x >= -5 && x <= 5);
    trial.Report(0, 1.0);
    trial.Dispose();
    trial.Dispose();
    AssertError(StatusCode.FailedPrecondition, "Trial is disposed", () => {
      long unused = trial.Number;
    });
  }

  [Test]
  public void CancelFromAnotherThread() {
    using (var optimizer = new Optimizer(Space)) {
      Assert.AreEqual("none", optimizer.StopReason);
      var thread = new Thread(optimizer.Cancel);
      thread.Start();
      thread.Join();
      Assert.IsTrue(optimizer.ShouldStop);
      Assert.AreEqual("cancelled", optimizer.StopReason);
    }
  }

  [Test]
  public void TuneAModelWithTheTrainingEngine() {
    var synthetic = new Synthetic();
    TrainingConfig training = TrainingConfig.Builder().Model("logistic_regression").CvFolds(3).Build();
    using (Dataset data = synthetic.Dataset())
    using (var engine = new TrainingEngine(training))
    using (Model model = engine.Tune(data, TuneConfig.Builder().NTrials(4).RandomState(3).Build())) {
      string metadata = model.Metadata();
      StringAssert.Contains("\"tuning\":{", metadata);
      StringAssert.Contains("\"n_trials\":4", metadata);
      StringAssert.Contains("\"metric\":\"accuracy\"", metadata);
      AssertError(StatusCode.InvalidArgument, "did you mean 'n_trials'",
                  () => engine.Tune(data, TuneConfig.Builder().Set("n_trial", 3).Build()));
      AssertError(StatusCode.Io, "nonexistent-dir",
                  () => engine.Tune(data, null, "sqlite:///nonexistent-dir/k/s.db"));
    }
  }
}

}  // namespace Kolosal.Tests
