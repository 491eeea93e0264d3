using System;
using System.Runtime.InteropServices;

namespace Kolosal {

/// <summary>
/// Called during <see cref="TrainingEngine.Fit"/> and <see cref="TrainingEngine.CrossValidate"/>,
/// on the thread that runs them, with the fraction done (0 to 1) and a stage name. Return true
/// to cancel (the call then throws KolosalException with Cancelled).
/// </summary>
public delegate bool ProgressHandler(double fraction, string stage);

}  // namespace Kolosal

namespace Kolosal.Native {

/// <summary>The C callback type kolosal_progress_fn, as a delegate.</summary>
[UnmanagedFunctionPointer(CallingConvention.Cdecl)]
public delegate int ProgressCallback(double fraction, string stage, IntPtr userData);

}  // namespace Kolosal.Native
