using System;
using System.Collections;
using Kolosal.Native;

namespace Kolosal {

/// <summary>
/// A hyperparameter optimization study with an ask/tell interface (kolosal_optimizer): ask for
/// a <see cref="Trial"/>, evaluate the objective in C#, tell the result; no callback crosses
/// into the library.
/// <code>
/// using (var optimizer = new Optimizer(space, StudyConfig.Builder().MaxTrials(50).Build())) {
///   while (!optimizer.ShouldStop) {
///     using (Trial trial = optimizer.Ask()) {
///       double x = trial.GetFloat("x");
///       optimizer.Tell(trial, (x - 2) * (x - 2));
///     }
///   }
///   Console.WriteLine(optimizer.BestValue + " " + optimizer.Best());
/// }
/// </code>
/// Every member is thread-safe; Cancel() is meant for another thread. With a storage URL
/// ("sqlite:///abs/path.db", "postgresql://user@host:port/db") the study outlives the process
/// and is shared with other optimizers of the same study name. Dispose() twice is safe; use
/// after it throws KolosalException (FailedPrecondition). Trials stay usable after their
/// optimizer is disposed.
/// </summary>
public sealed class Optimizer : NativeResource {
  /// <summary>A study in the given storage (null = in memory), resumed when it exists there.</summary>
  public Optimizer(SearchSpace space, StudyConfig config = null, string storageUrl = null)
      : this(space?.Json, config?.Json, storageUrl) {}

  /// <summary>A study from JSON text: the space, the config (null = defaults), the storage.</summary>
  public Optimizer(string spaceJson, string configJson, string storageUrl)
      : base("Optimizer", KolosalC.kolosal_optimizer_create(spaceJson, configJson, storageUrl),
             KolosalC.kolosal_optimizer_free) {}

  /// <summary>Starts a trial: an enqueued parameter set first, else the sampler's proposal.</summary>
  public Trial Ask() => Call(handle => new Trial(KolosalC.kolosal_optimizer_ask(handle)));

  /// <summary>Ends a running trial as COMPLETE with its objective value (NaN fails it).</summary>
  public void Tell(Trial trial, double value) {
    WithTrial(trial, (handle, trialHandle) =>
                         KolosalC.kolosal_optimizer_tell(handle, trialHandle, value));
  }

  /// <summary>Ends a running trial as PRUNED (after Trial.ShouldPrune() said so).</summary>
  public void TellPruned(Trial trial) => WithTrial(trial, KolosalC.kolosal_optimizer_tell_pruned);

  /// <summary>Ends a running trial as FAILED.</summary>
  public void TellFailed(Trial trial) => WithTrial(trial, KolosalC.kolosal_optimizer_tell_failed);

  /// <summary>Queues a parameter set (name to value; missing ones are sampled) to ask first.</summary>
  public void Enqueue(IDictionary parameters) => Enqueue(Json.Write(parameters));

  /// <summary>Queues a parameter set given as JSON text.</summary>
  public void Enqueue(string parametersJson) {
    Call(handle => {
      KolosalC.kolosal_optimizer_enqueue(handle, parametersJson);
      return 0;
    });
  }

  /// <summary>Adds the finished trials of an earlier study (History() JSON); returns how many.</summary>
  public long WarmStart(string historyJson) =>
      Call(handle => KolosalC.kolosal_optimizer_warm_start(handle, historyJson));

  /// <summary>The best completed value (FailedPrecondition while none has completed).</summary>
  public double BestValue => Call(KolosalC.kolosal_optimizer_best_value);

  /// <summary>The best completed trial as JSON: {"number", "value", "params": {...}}.</summary>
  public string Best() => Call(KolosalC.kolosal_optimizer_best);

  /// <summary>The study's history as JSON (best_params, best_value, best_trial, trials, ...).</summary>
  public string History() => Call(KolosalC.kolosal_optimizer_history);

  /// <summary>True once the study is over (max_trials, timeout, convergence, exhausted, cancelled).</summary>
  public bool ShouldStop => Call(KolosalC.kolosal_optimizer_should_stop) != 0;

  /// <summary>"none", "max_trials", "timeout", "converged", "cancelled" or "exhausted".</summary>
  public string StopReason => Call(KolosalC.kolosal_optimizer_stop_reason);

  /// <summary>Marks the study cancelled (ShouldStop turns true). Thread-safe.</summary>
  public void Cancel() {
    Call(handle => {
      KolosalC.kolosal_optimizer_cancel(handle);
      return 0;
    });
  }

  private T Call<T>(Func<IntPtr, T> call) {
    IntPtr handle = Acquire();
    try {
      return call(handle);
    } finally {
      Release();
    }
  }

  private void WithTrial(Trial trial, Action<IntPtr, IntPtr> call) {
    if (trial == null) throw new ArgumentNullException(nameof(trial));
    IntPtr handle = Acquire();
    try {
      IntPtr trialHandle = trial.Acquire();
      try {
        call(handle, trialHandle);
      } finally {
        trial.Release();
      }
    } finally {
      Release();
    }
  }
}

}  // namespace Kolosal
