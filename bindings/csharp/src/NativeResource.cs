using System;
using System.Runtime.InteropServices;

namespace Kolosal {

/// <summary>
/// Owns one native handle through a SafeHandle: the finalizer is the safety net for a handle
/// that was never disposed, and every call holds a reference (DangerousAddRef) for its
/// duration, so disposing while other threads still predict frees the handle only after their
/// calls return. Dispose() is idempotent; use after Dispose() throws KolosalException
/// (FailedPrecondition).
/// </summary>
public abstract class NativeResource : IDisposable {
  private sealed class Handle : SafeHandle {
    private readonly Action<IntPtr> free;

    public Handle(IntPtr value, Action<IntPtr> free) : base(IntPtr.Zero, true) {
      this.free = free;
      SetHandle(value);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle() {
      free(handle);
      return true;
    }
  }

  private readonly Handle handle;
  private readonly string kind;

  internal NativeResource(string kind, IntPtr value, Action<IntPtr> free) {
    this.kind = kind;
    handle = new Handle(value, free);
  }

  /// <summary>True once Dispose() has been called.</summary>
  public bool IsDisposed => handle.IsClosed;

  /// <summary>Releases the native handle (after any calls in flight). Safe to call twice.</summary>
  public void Dispose() {
    handle.Dispose();
  }

  /// <summary>The handle for one call; pair with Release() in a finally block.</summary>
  internal IntPtr Acquire() {
    bool added = false;
    try {
      handle.DangerousAddRef(ref added);
    } catch (ObjectDisposedException) {
      throw new KolosalException(StatusCode.FailedPrecondition, kind + " is disposed");
    }
    return handle.DangerousGetHandle();
  }

  internal void Release() {
    handle.DangerousRelease();
  }
}

}  // namespace Kolosal
