import ai.kolosal.Model;
import java.util.Arrays;

/**
 * Bindings benchmark, Java side: one-row {@code Model.predict(double[], 1, cols)} through
 * package ai.kolosal (JNI + SWIG). Usage: BenchPredict model calls reps; prints
 * "median-ns min-ns label". The warm-up rounds also let the JIT compile the loop.
 */
public final class BenchPredict {
  private BenchPredict() {}

  public static void main(String[] args) {
    String path = args[0];
    long calls = Long.parseLong(args[1]);
    int reps = Integer.parseInt(args[2]);
    double[] row = {0.5, -1.25, 2.0, 0.75};
    double[] perCall = new double[reps];
    float label = -1;
    try (Model model = Model.load(path)) {
      for (int rep = -reps; rep < reps; ++rep) { // negative reps warm up
        long start = System.nanoTime();
        for (long call = 0; call < calls; ++call) {
          label = model.predict(row, 1, row.length)[0];
        }
        if (rep >= 0) perCall[rep] = (double) (System.nanoTime() - start) / calls;
      }
    }
    Arrays.sort(perCall);
    System.out.printf("%.1f %.1f %s%n", perCall[reps / 2], perCall[0], fmt(label));
  }

  private static String fmt(float value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Float.toString(value);
  }
}
