using System;
using Kolosal.Native;

namespace Kolosal {

/// <summary>
/// One trial of an <see cref="Optimizer"/> (kolosal_trial): its number and parameters, and the
/// intermediate values it reports for pruning. Thread-safe. It keeps its study alive, so it
/// stays usable after the optimizer is disposed. Disposing it frees the handle only: tell the
/// optimizer how the trial ended first. Use after Dispose() throws KolosalException
/// (FailedPrecondition).
/// </summary>
public sealed class Trial : NativeResource {
  internal Trial(IntPtr handle) : base("Trial", handle, KolosalC.kolosal_trial_free) {}

  /// <summary>The trial's number in its study (0, 1, ...; distinct across processes).</summary>
  public long Number => Call(KolosalC.kolosal_trial_number);

  /// <summary>True when the parameter exists and its conditions hold in this trial.</summary>
  public bool HasParam(string name) =>
      Call(handle => KolosalC.kolosal_trial_has_param(handle, name)) != 0;

  /// <summary>A float (or int) parameter; NotFound for an unknown or inactive one.</summary>
  public double GetFloat(string name) =>
      Call(handle => KolosalC.kolosal_trial_get_float(handle, name));

  /// <summary>An int parameter.</summary>
  public long GetInt(string name) => Call(handle => KolosalC.kolosal_trial_get_int(handle, name));

  /// <summary>A categorical choice as text (numbers and booleans as their JSON text).</summary>
  public string GetCategorical(string name) =>
      Call(handle => KolosalC.kolosal_trial_get_categorical(handle, name));

  /// <summary>The active parameters as JSON: {"x": 1.5, "n": 3, "kernel": "rbf"}.</summary>
  public string Params() => Call(KolosalC.kolosal_trial_params);

  /// <summary>Records an intermediate objective value at <paramref name="step"/> (>= 0).</summary>
  public void Report(long step, double value) {
    Call(handle => {
      KolosalC.kolosal_trial_report(handle, step, value);
      return 0;
    });
  }

  /// <summary>True when the pruner says to stop now (then call Optimizer.TellPruned).</summary>
  public bool ShouldPrune() => Call(KolosalC.kolosal_trial_should_prune) != 0;

  private T Call<T>(Func<IntPtr, T> call) {
    IntPtr handle = Acquire();
    try {
      return call(handle);
    } finally {
      Release();
    }
  }
}

}  // namespace Kolosal
