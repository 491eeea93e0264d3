package ai.kolosal;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/**
 * Owns one native handle. Every use goes through {@link #acquire()} / {@link #release()}, which
 * count the calls in flight: close() marks the handle closed at once (later uses throw
 * KolosalException FAILED_PRECONDITION) and frees it when the last call in flight returns, so
 * closing while other threads still predict is safe. close() is idempotent. A Cleaner frees
 * handles that were never closed, as a safety net; close them (try-with-resources) anyway.
 */
abstract class NativeResource implements AutoCloseable {
  private static final Cleaner CLEANER = Cleaner.create();
  private static final int CLOSED = Integer.MIN_VALUE;

  /** Holds what the Cleaner needs; must not refer back to the resource. */
  private static final class Releaser implements Runnable {
    final long handle;
    final LongConsumer free;

    Releaser(long handle, LongConsumer free) {
      this.handle = handle;
      this.free = free;
    }

    @Override
    public void run() {
      free.accept(handle);
    }
  }

  /** Calls in flight in the low bits; the sign bit once closed. */
  private final AtomicInteger state = new AtomicInteger();
  private final Releaser releaser;
  private final Cleaner.Cleanable cleanable;
  private final String kind;

  NativeResource(String kind, long handle, LongConsumer free) {
    this.kind = kind;
    this.releaser = new Releaser(handle, free);
    this.cleanable = CLEANER.register(this, releaser);
  }

  /** The handle for one call; pair with release() in a finally block. */
  final long acquire() {
    while (true) {
      int current = state.get();
      if (current < 0) {
        throw new KolosalException(StatusCode.FAILED_PRECONDITION, kind + " is closed");
      }
      if (state.compareAndSet(current, current + 1)) {
        return releaser.handle;
      }
    }
  }

  final void release() {
    if (state.decrementAndGet() == CLOSED) {
      cleanable.clean();
    }
  }

  /** True once close() has been called. */
  public final boolean isClosed() {
    return state.get() < 0;
  }

  /** Releases the native handle (after any calls in flight). Safe to call more than once. */
  @Override
  public final void close() {
    while (true) {
      int current = state.get();
      if (current < 0) {
        return;
      }
      if (state.compareAndSet(current, current | CLOSED)) {
        if (current == 0) {
          cleanable.clean();
        }
        return;
      }
    }
  }
}
