// Bindings benchmark, C# side: one-row Model.Predict(double[], 1, cols) through namespace
// Kolosal (P/Invoke + SWIG, Mono). Usage: mono bench_csharp.exe model calls reps; prints
// "median-ns min-ns label". The warm-up rounds also let the JIT compile the loop.
using System;
using System.Diagnostics;
using System.Globalization;

public static class BenchPredict {
  public static int Main(string[] args) {
    string path = args[0];
    long calls = long.Parse(args[1], CultureInfo.InvariantCulture);
    int reps = int.Parse(args[2], CultureInfo.InvariantCulture);
    double[] row = {0.5, -1.25, 2.0, 0.75};
    double[] perCall = new double[reps];
    float label = -1;
    using (Kolosal.Model model = Kolosal.Model.Load(path)) {
      for (int rep = -reps; rep < reps; ++rep) { // negative reps warm up
        Stopwatch watch = Stopwatch.StartNew();
        for (long call = 0; call < calls; ++call) {
          label = model.Predict(row, 1, row.Length)[0];
        }
        double nanoseconds = watch.ElapsedTicks * (1e9 / Stopwatch.Frequency);
        if (rep >= 0) perCall[rep] = nanoseconds / calls;
      }
    }
    Array.Sort(perCall);
    Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0:F1} {1:F1} {2}",
                                    perCall[reps / 2], perCall[0], label));
    return 0;
  }
}
