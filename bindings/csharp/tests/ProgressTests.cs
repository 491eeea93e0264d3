using System;
using System.Collections.Generic;
using System.Threading;
using NUnit.Framework;

namespace Kolosal.Tests {

/// <summary>The progress handler: reports, cancels, and passes its own exceptions through.</summary>
[TestFixture]
public class ProgressTests {
  private static readonly TrainingConfig Logistic =
      TrainingConfig.Builder().Model("logistic_regression").Build();

  [Test]
  public void ReportsFractionsOnTheCallingThread() {
    var synthetic = new Synthetic();
    var fractions = new List<double>();
    var stages = new List<string>();
    int caller = Thread.CurrentThread.ManagedThreadId;
    using (Dataset data = synthetic.Dataset())
    using (var engine = new TrainingEngine(Logistic)) {
      engine.SetProgress((fraction, stage) => {
        Assert.AreEqual(caller, Thread.CurrentThread.ManagedThreadId);
        fractions.Add(fraction);
        stages.Add(stage);
        return false;
      });
      engine.Fit(data).Dispose();
    }
    Assert.IsNotEmpty(fractions);
    foreach (double fraction in fractions) Assert.That(fraction >= 0.0 && fraction <= 1.0);
    Assert.IsNotEmpty(stages[0]);
  }

  [Test]
  public void ReturningTrueCancels() {
    var synthetic = new Synthetic();
    using (Dataset data = synthetic.Dataset())
    using (var engine = new TrainingEngine(Logistic)) {
      engine.SetProgress((fraction, stage) => true);
      Assert.AreEqual(StatusCode.Cancelled,
                      Assert.Throws<KolosalException>(() => engine.Fit(data)).Status);
      engine.SetProgress(null);  // cleared, the engine fits again
      engine.Fit(data).Dispose();
    }
  }

  [Test]
  public void CancelFromTheHandlerCancels() {
    var synthetic = new Synthetic();
    using (Dataset data = synthetic.Dataset())
    using (var engine = new TrainingEngine(Logistic)) {
      engine.SetProgress((fraction, stage) => {
        engine.Cancel();
        return false;
      });
      Assert.AreEqual(StatusCode.Cancelled,
                      Assert.Throws<KolosalException>(() => engine.Fit(data)).Status);
    }
  }

  [Test]
  public void AThrowingHandlerCancelsAndItsExceptionSurfaces() {
    var synthetic = new Synthetic();
    using (Dataset data = synthetic.Dataset())
    using (var engine = new TrainingEngine(Logistic)) {
      engine.SetProgress((fraction, stage) => throw new InvalidOperationException("handler failed"));
      var error = Assert.Throws<InvalidOperationException>(() => engine.Fit(data));
      Assert.AreEqual("handler failed", error.Message);
      engine.SetProgress(null);
      engine.Fit(data).Dispose();
    }
  }
}

}  // namespace Kolosal.Tests
