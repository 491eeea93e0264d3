using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;
using static Kolosal.Tests.Checks;

namespace Kolosal.Tests {

/// <summary>
/// The inference engine serves models exactly as they predict themselves, compiled or not;
/// statistics, concurrent callers, and every kind of bad input.
/// </summary>
[TestFixture]
public class InferenceEngineTests {
  private const int Rows = Synthetic.Rows;
  private const int Cols = Synthetic.Cols;
  private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
  private readonly Synthetic synthetic = new Synthetic();

  // ---- helpers ----

  private Model GradientBoosting() {
    return synthetic.Fit(TrainingConfig.Builder()
                             .Model("gradient_boosting")
                             .Param("n_estimators", 30)
                             .Param("num_leaves", 8)
                             .Build(),
                         "classification", synthetic.Labels);
  }

  private Model Regression() {
    return synthetic.Fit(
        TrainingConfig.Builder().Model("gradient_boosting").Param("n_estimators", 5).Build(),
        "regression", synthetic.RegressionTargets());
  }

  /// <summary>Gradient boosting on <see cref="Synthetic.ThreeClassLabels"/>.</summary>
  private Model ThreeClasses() {
    return synthetic.Fit(TrainingConfig.Builder()
                             .Model("gradient_boosting")
                             .Param("n_estimators", 10)
                             .Param("num_leaves", 8)
                             .Build(),
                         "classification", synthetic.ThreeClassLabels());
  }

  /// <summary>The features of one row, as a 1 x Cols matrix.</summary>
  private float[] Row(int row) {
    var values = new float[Cols];
    Array.Copy(synthetic.Features, row * Cols, values, 0, Cols);
    return values;
  }

  private static float[] Slice(float[] values, int start, int count) {
    var slice = new float[count];
    Array.Copy(values, start, slice, 0, count);
    return slice;
  }

  private static int[] Bits(float[] values) {
    var bits = new int[values.Length];
    Buffer.BlockCopy(values, 0, bits, 0, values.Length * sizeof(float));
    return bits;
  }

  /// <summary>Equal bit for bit (not within a tolerance).</summary>
  private static void AssertSameBits(float[] expected, float[] actual, string what = null) {
    Assert.AreEqual(expected.Length, actual.Length, what);
    CollectionAssert.AreEqual(Bits(expected), Bits(actual), what);
  }

  /// <summary>Polls the stats until the model's state is "compiled" (or the deadline passes).</summary>
  private static string WaitUntilCompiled(InferenceEngine engine) {
    string stats = PollStats(engine.Stats, current => State(current) == "compiled", Deadline, 10);
    Assert.AreEqual("compiled", State(stats), stats);
    return stats;
  }

  /// <summary>NClasses of the model served under name, through GetModel.</summary>
  private static long ClassesOf(InferenceEngine engine, string name) {
    using (Model served = engine.GetModel(name)) {
      return served.NClasses;
    }
  }

  // ---- serving ----

  [Test]
  public void GradientBoostingMatchesTheModelBeforeAndAfterWarmup() {
    using (Model model = GradientBoosting())
    using (var engine = new InferenceEngine()) {
      float[] expected = model.Predict(synthetic.Features, Rows, Cols);
      float[] expectedProba = model.PredictProba(synthetic.Features, Rows, Cols);
      Assert.AreEqual(2 * Rows, expectedProba.Length);
      engine.AddModel("credit", model);
      long calls = 0;

      // Interpreted: 80 single-row calls stay below the default jit_min_calls (100).
      for (int row = 0; row < 40; ++row) {
        AssertSameBits(Slice(expected, row, 1), engine.Predict("credit", Row(row), 1, Cols));
        AssertSameBits(Slice(expectedProba, 2 * row, 2),
                       engine.PredictProba("credit", Row(row), 1, Cols));
        calls += 2;
      }
      AssertSameBits(expected, engine.Predict("credit", synthetic.Features, Rows, Cols));
      AssertSameBits(expectedProba, engine.PredictProba("credit", synthetic.Features, Rows, Cols));
      calls += 2;
      string stats = engine.Stats();
      Assert.AreEqual("interpreted", State(stats), stats);
      Assert.AreEqual(0, Stat(stats, "compiled_calls"));

      Assert.IsTrue(engine.Warmup("credit"));
      StringAssert.Contains("\"state\":\"compiled\"", engine.Stats());

      // Compiled: every single-row call, and a batch of jit_max_batch_rows (4) rows.
      for (int row = 0; row < Rows; ++row) {
        AssertSameBits(Slice(expected, row, 1), engine.Predict("credit", Row(row), 1, Cols),
                       "row " + row);
        AssertSameBits(Slice(expectedProba, 2 * row, 2),
                       engine.PredictProba("credit", Row(row), 1, Cols), "row " + row);
      }
      float[] four = Slice(synthetic.Features, 0, 4 * Cols);
      AssertSameBits(Slice(expectedProba, 0, 8), engine.PredictProba("credit", four, 4, Cols));
      long compiledCalls = 2 * Rows + 1;
      calls += compiledCalls;

      // Batches (interpreted) in every input shape Model takes.
      double[] asDouble = synthetic.Features.Select(value => (double)value).ToArray();
      var matrix = new float[Rows, Cols];
      Buffer.BlockCopy(synthetic.Features, 0, matrix, 0, synthetic.Features.Length * sizeof(float));
      var doubleMatrix = new double[Rows, Cols];
      Buffer.BlockCopy(asDouble, 0, doubleMatrix, 0, asDouble.Length * sizeof(double));
      AssertSameBits(expected, engine.Predict("credit", asDouble, Rows, Cols));
      AssertSameBits(expectedProba, engine.PredictProba("credit", asDouble, Rows, Cols));
      AssertSameBits(expected, engine.Predict("credit", matrix));
      AssertSameBits(expectedProba, engine.PredictProba("credit", doubleMatrix));
      var into = new float[2 * Rows];
      engine.PredictProba("credit", synthetic.Features, Rows, Cols, Layout.RowMajor, into);
      AssertSameBits(expectedProba, into);
      calls += 5;

      stats = engine.Stats();
      Assert.AreEqual("compiled", State(stats), stats);
      StringAssert.Contains("\"model_type\":\"gradient_boosting\"", stats);
      StringAssert.Contains("\"name\":\"credit\"", stats);
      Assert.AreEqual(calls, Stat(stats, "calls"), stats);
      Assert.AreEqual(compiledCalls, Stat(stats, "compiled_calls"), stats);
      Assert.AreEqual(calls - compiledCalls, Stat(stats, "interpreted_calls"), stats);
      Assert.AreEqual(1, Stat(stats, "compilations"), stats);
    }
  }

  [Test]
  public void HotModelCompilesInTheBackground() {
    using (Model model = GradientBoosting())
    using (var engine = new InferenceEngine(InferenceConfig.Builder().JitMinCalls(5).Build())) {
      float[] expectedProba = model.PredictProba(synthetic.Features, Rows, Cols);
      engine.AddModel("hot", model);
      for (int row = 0; row < 6; ++row) {
        AssertSameBits(Slice(expectedProba, 2 * row, 2),
                       engine.PredictProba("hot", Row(row), 1, Cols));
      }
      string stats = WaitUntilCompiled(engine);
      StringAssert.Contains("\"jit_min_calls\":5", stats);
      long before = Stat(stats, "compiled_calls");
      for (int row = 0; row < 10; ++row) {
        AssertSameBits(Slice(expectedProba, 2 * row, 2),
                       engine.PredictProba("hot", Row(row), 1, Cols));
      }
      stats = engine.Stats();
      Assert.AreEqual(before + 10, Stat(stats, "compiled_calls"), stats);
      Assert.AreEqual(16, Stat(stats, "calls"), stats);
    }
  }

  [Test]
  public void LinearModelIsServedInterpreted() {
    using (Model model = synthetic.Train())
    using (var engine = new InferenceEngine(InferenceConfig.Builder().JitMinCalls(1).Build())) {
      engine.AddModel("linear", model);
      float[] expectedProba = model.PredictProba(synthetic.Features, Rows, Cols);
      for (int row = 0; row < 10; ++row) {
        AssertSameBits(Slice(expectedProba, 2 * row, 2),
                       engine.PredictProba("linear", Row(row), 1, Cols));
      }
      AssertSameBits(model.Predict(synthetic.Features, Rows, Cols),
                     engine.Predict("linear", synthetic.Features, Rows, Cols));
      Assert.IsFalse(engine.Warmup("linear"));
      string stats = engine.Stats();
      Assert.AreEqual("unsupported", State(stats), stats);
      StringAssert.Contains("\"model_type\":\"logistic_regression\"", stats);
      Assert.AreEqual(11, Stat(stats, "calls"), stats);
      Assert.AreEqual(0, Stat(stats, "compiled_calls"), stats);
    }
  }

  [Test]
  public void WithTheJitOffWarmupIsFalse() {
    InferenceConfig config = InferenceConfig.Builder().EnableJitCompilation(false).Build();
    using (Model model = GradientBoosting())
    using (var engine = new InferenceEngine(config)) {
      engine.AddModel("tree", model);
      Assert.IsFalse(engine.Warmup("tree"));
      float[] expectedProba = model.PredictProba(synthetic.Features, Rows, Cols);
      AssertSameBits(Slice(expectedProba, 0, 2), engine.PredictProba("tree", Row(0), 1, Cols));
      string stats = engine.Stats();
      Assert.AreEqual("disabled", State(stats), stats);
      StringAssert.Contains("\"enable_jit_compilation\":false", stats);
    }
  }

  [Test]
  public void ConfigBuilderAndJson() {
    InferenceConfig config = InferenceConfig.Builder()
                                 .EnableJitCompilation(true)
                                 .JitMinCalls(7)
                                 .JitCacheSize(3)
                                 .JitMaxBatchRows(2)
                                 .Build();
    Assert.AreEqual("{\"enable_jit_compilation\":true,\"jit_min_calls\":7,\"jit_cache_size\":3," +
                        "\"jit_max_batch_rows\":2}",
                    config.Json);
    Assert.AreEqual("{}", InferenceConfig.Builder().Build().Json);
    using (var engine = new InferenceEngine(config)) {
      string stats = engine.Stats();
      StringAssert.Contains("\"jit_min_calls\":7", stats);
      StringAssert.Contains("\"jit_max_batch_rows\":2", stats);
      Assert.AreEqual(3, Stat(stats, "capacity"), stats);
      StringAssert.Contains("\"models\":[]", stats);
    }
    using (var engine = new InferenceEngine("{\"jit_cache_size\":5}")) {
      Assert.AreEqual(5, Stat(engine.Stats(), "capacity"));
    }
    using (var engine = new InferenceEngine((string)null)) {
      StringAssert.Contains("\"jit_min_calls\":100", engine.Stats());
    }
  }

  [Test]
  public void LoadModelFromASavedFile() {
    string path = TestData.TempPath(".kolosal");
    try {
      using (Model model = GradientBoosting())
      using (Model other = ThreeClasses())
      using (var engine = new InferenceEngine()) {
        model.Save(path);
        long handles = Library.LiveHandleCount;
        engine.LoadModel("saved", path);
        Assert.AreEqual(handles, Library.LiveHandleCount, "LoadModel keeps no model handle");
        // The engine serves what it read: a different model in the file now changes nothing.
        other.Save(path);
        float[] expectedProba = model.PredictProba(synthetic.Features, Rows, Cols);
        Assert.AreEqual(2 * Rows, expectedProba.Length);
        AssertSameBits(expectedProba, engine.PredictProba("saved", synthetic.Features, Rows, Cols));
        AssertSameBits(model.Predict(synthetic.Features, Rows, Cols),
                       engine.Predict("saved", synthetic.Features, Rows, Cols));
        Assert.IsTrue(engine.Warmup("saved"));
        for (int row = 0; row < Rows; row += 7) {
          AssertSameBits(Slice(expectedProba, 2 * row, 2),
                         engine.PredictProba("saved", Row(row), 1, Cols), "row " + row);
        }
        StringAssert.Contains("\"name\":\"saved\"", engine.Stats());
      }
    } finally {
      File.Delete(path);
    }
  }

  [Test]
  public void LoadModelLearnsTheClassCount() {
    string threePath = TestData.TempPath(".kolosal");
    string regressionPath = TestData.TempPath(".kolosal");
    try {
      using (Model three = ThreeClasses())
      using (Model regression = Regression())
      using (var engine = new InferenceEngine()) {
        three.Save(threePath);
        regression.Save(regressionPath);
        engine.LoadModel("three", threePath);
        engine.LoadModel("price", regressionPath);
        File.Delete(threePath);
        File.Delete(regressionPath);

        float[] expectedProba = three.PredictProba(synthetic.Features, Rows, Cols);
        Assert.AreEqual(3 * Rows, expectedProba.Length);
        AssertSameBits(expectedProba, engine.PredictProba("three", synthetic.Features, Rows, Cols));
        AssertSameBits(Slice(expectedProba, 3 * 5, 3),
                       engine.PredictProba("three", Row(5), 1, Cols));
        AssertSameBits(three.Predict(synthetic.Features, Rows, Cols),
                       engine.Predict("three", synthetic.Features, Rows, Cols));
        Assert.IsTrue(engine.Warmup("three"));
        AssertSameBits(Slice(expectedProba, 3 * 7, 3),
                       engine.PredictProba("three", Row(7), 1, Cols));
        Assert.AreEqual(3, ClassesOf(engine, "three"));

        AssertSameBits(regression.Predict(synthetic.Features, Rows, Cols),
                       engine.Predict("price", synthetic.Features, Rows, Cols));
        AssertStatus(StatusCode.FailedPrecondition,
                     () => engine.PredictProba("price", Row(0), 1, Cols), "regression");
        Assert.AreEqual(0, ClassesOf(engine, "price"));

        // Removed and loaded again under the same name, as another kind of model.
        engine.RemoveModel("three");
        three.Save(regressionPath);
        engine.LoadModel("three", regressionPath);
        AssertSameBits(expectedProba, engine.PredictProba("three", synthetic.Features, Rows, Cols));
      }
    } finally {
      File.Delete(threePath);
      File.Delete(regressionPath);
    }
  }

  [Test]
  public void GetModelSharesTheServedModel() {
    using (Model model = GradientBoosting()) {
      float[] expected = model.Predict(synthetic.Features, Rows, Cols);
      float[] expectedProba = model.PredictProba(synthetic.Features, Rows, Cols);
      long handles = Library.LiveHandleCount;
      Model served;
      using (var engine = new InferenceEngine()) {
        engine.AddModel("credit", model);
        served = engine.GetModel("credit");
        Assert.AreEqual(handles + 2, Library.LiveHandleCount, "the engine and the new Model");
        Assert.AreEqual(2, served.NClasses);
        Assert.AreEqual(Cols, served.NFeatures);
        CollectionAssert.AreEqual(model.ClassNames(), served.ClassNames());
        CollectionAssert.AreEqual(model.FeatureNames(), served.FeatureNames());
        Assert.AreEqual(model.Metadata(), served.Metadata());
        float[] engineProba = engine.PredictProba("credit", synthetic.Features, Rows, Cols);
        AssertSameBits(engineProba, served.PredictProba(synthetic.Features, Rows, Cols));
        AssertSameBits(expectedProba, engineProba);
        Assert.IsTrue(engine.Warmup("credit"));
        AssertSameBits(engine.PredictProba("credit", Row(3), 1, Cols),
                       served.PredictProba(Row(3), 1, Cols));
        AssertSameBits(engine.Predict("credit", synthetic.Features, Rows, Cols),
                       served.Predict(synthetic.Features, Rows, Cols));

        // Removed from the engine: the Model still predicts, and the name is gone.
        engine.RemoveModel("credit");
        AssertSameBits(expectedProba, served.PredictProba(synthetic.Features, Rows, Cols));
        AssertStatus(StatusCode.NotFound, () => engine.GetModel("credit"), "'credit'");
      }
      // ... and after the engine is disposed too.
      Assert.AreEqual(handles + 1, Library.LiveHandleCount);
      using (served) {
        AssertSameBits(expected, served.Predict(synthetic.Features, Rows, Cols));
        AssertSameBits(expectedProba, served.PredictProba(synthetic.Features, Rows, Cols));
      }
      Assert.IsTrue(served.IsDisposed);
      Assert.AreEqual(handles, Library.LiveHandleCount, "Dispose() frees the Model's handle");
      // The original model is untouched by either.
      AssertSameBits(expected, model.Predict(synthetic.Features, Rows, Cols));
    }
  }

  [Test]
  public void GetModelOfAnAbsentName() {
    using (Model model = GradientBoosting())
    using (var engine = new InferenceEngine()) {
      long handles = Library.LiveHandleCount;
      AssertStatus(StatusCode.NotFound, () => engine.GetModel("absent"),
                   "no model named 'absent'");
      Assert.AreEqual(handles, Library.LiveHandleCount, "no handle for a failed GetModel");
      engine.AddModel("present", model);
      AssertStatus(StatusCode.NotFound, () => engine.GetModel("absent"), "'absent'");
      AssertStatus(StatusCode.NotFound, () => engine.GetModel(""));
      Assert.AreEqual(2, ClassesOf(engine, "present"));
    }
  }

  [Test]
  public void ModelDisposedAfterAddModelIsStillServed() {
    Model model = GradientBoosting();
    float[] expected = model.Predict(synthetic.Features, Rows, Cols);
    float[] expectedProba = model.PredictProba(synthetic.Features, Rows, Cols);
    using (var engine = new InferenceEngine()) {
      engine.AddModel("shared", model);
      model.Dispose();
      Assert.IsTrue(model.IsDisposed);
      AssertSameBits(expected, engine.Predict("shared", synthetic.Features, Rows, Cols));
      AssertSameBits(expectedProba, engine.PredictProba("shared", synthetic.Features, Rows, Cols));
      Assert.IsTrue(engine.Warmup("shared"));
      AssertSameBits(Slice(expectedProba, 2, 2), engine.PredictProba("shared", Row(1), 1, Cols));
      // A disposed model cannot be added again.
      AssertStatus(StatusCode.FailedPrecondition, () => engine.AddModel("again", model),
                   "disposed");
    }
  }

  [Test]
  public void RemovedModelIsNotFound() {
    using (Model model = GradientBoosting())
    using (Model linear = synthetic.Train())
    using (var engine = new InferenceEngine()) {
      engine.AddModel("gone", model);
      engine.Predict("gone", Row(0), 1, Cols);
      engine.RemoveModel("gone");
      AssertStatus(StatusCode.NotFound, () => engine.Predict("gone", Row(0), 1, Cols),
                   "no model named 'gone'");
      AssertStatus(StatusCode.NotFound, () => engine.PredictProba("gone", Row(0), 1, Cols),
                   "'gone'");
      AssertStatus(StatusCode.NotFound, () => engine.Warmup("gone"), "'gone'");
      AssertStatus(StatusCode.NotFound, () => engine.RemoveModel("gone"), "'gone'");
      AssertStatus(StatusCode.NotFound, () => engine.Predict("never", Row(0), 1, Cols),
                   "no model named 'never'");
      StringAssert.Contains("\"models\":[]", engine.Stats());

      // The name is free again, for a model with other outputs.
      engine.AddModel("gone", linear);
      AssertSameBits(linear.PredictProba(synthetic.Features, Rows, Cols),
                     engine.PredictProba("gone", synthetic.Features, Rows, Cols));
    }
  }

  // ---- bad input ----

  [Test]
  public void BadConfig() {
    AssertStatus(StatusCode.InvalidArgument,
                 () => new InferenceEngine(InferenceConfig.Builder().Set("jit_min_call", 3).Build()),
                 "jit_min_call", "jit_min_calls");
    AssertStatus(StatusCode.InvalidArgument,
                 () => new InferenceEngine(InferenceConfig.Builder().JitCacheSize(0).Build()),
                 "jit_cache_size");
    AssertStatus(StatusCode.InvalidArgument,
                 () => new InferenceEngine(InferenceConfig.Builder().JitMinCalls(-1).Build()));
    AssertStatus(StatusCode.InvalidArgument, () => new InferenceEngine("{not json"));
  }

  [Test]
  public void DuplicateAndEmptyNames() {
    string path = TestData.TempPath(".kolosal");
    try {
      using (Model model = GradientBoosting())
      using (var engine = new InferenceEngine()) {
        model.Save(path);
        engine.AddModel("m", model);
        AssertStatus(StatusCode.InvalidArgument, () => engine.AddModel("m", model),
                     "already loaded");
        AssertStatus(StatusCode.InvalidArgument, () => engine.LoadModel("m", path),
                     "already loaded");
        AssertStatus(StatusCode.InvalidArgument, () => engine.AddModel("", model));
        AssertStatus(StatusCode.InvalidArgument, () => engine.LoadModel("", path));
        Assert.Throws<ArgumentNullException>(() => engine.AddModel("n", null));
        // The first model under "m" is still the one served.
        AssertSameBits(model.PredictProba(synthetic.Features, Rows, Cols),
                       engine.PredictProba("m", synthetic.Features, Rows, Cols));

        // A three-class file under the taken name changes neither the model nor its class count.
        using (Model other = ThreeClasses()) other.Save(path);
        long handles = Library.LiveHandleCount;
        AssertStatus(StatusCode.InvalidArgument, () => engine.LoadModel("m", path),
                     "already loaded", "'m'");
        Assert.AreEqual(handles, Library.LiveHandleCount);
        AssertSameBits(model.PredictProba(synthetic.Features, Rows, Cols),
                       engine.PredictProba("m", synthetic.Features, Rows, Cols));
        Assert.AreEqual(2, ClassesOf(engine, "m"));
        // ... and the same file under a free name is served with its three classes.
        engine.LoadModel("three", path);
        Assert.AreEqual(3 * Rows, engine.PredictProba("three", synthetic.Features, Rows, Cols)
                                      .Length);
      }
    } finally {
      File.Delete(path);
    }
  }

  [Test]
  public void WrongShapes() {
    using (Model model = GradientBoosting())
    using (var engine = new InferenceEngine()) {
      engine.AddModel("m", model);
      int cols = Cols - 1;
      AssertStatus(StatusCode.InvalidArgument,
                   () => engine.Predict("m", new float[2 * cols], 2, cols), cols.ToString(),
                   Cols.ToString());
      AssertStatus(StatusCode.InvalidArgument,
                   () => engine.PredictProba("m", new double[2 * cols], 2, cols));
      // An array shorter than rows x cols is refused by the binding.
      AssertStatus(StatusCode.InvalidArgument, () => engine.Predict("m", new float[7], 2, Cols),
                   "7");
      // A caller buffer too small for rows x classes.
      AssertStatus(StatusCode.InvalidArgument,
                   () => engine.PredictProba("m", synthetic.Features, Rows, Cols, Layout.RowMajor,
                                             new float[Rows]));
    }
  }

  [Test]
  public void PredictProbaOnARegressionModel() {
    using (Model model = Regression())
    using (var engine = new InferenceEngine()) {
      engine.AddModel("price", model);
      AssertSameBits(model.Predict(synthetic.Features, Rows, Cols),
                     engine.Predict("price", synthetic.Features, Rows, Cols));
      AssertStatus(StatusCode.FailedPrecondition,
                   () => engine.PredictProba("price", Row(0), 1, Cols), "regression");
    }
  }

  [Test]
  public void CorruptAndMissingModelFiles() {
    string path = TestData.TempPath(".kolosal");
    try {
      File.WriteAllBytes(path, Encoding.UTF8.GetBytes("not a model"));
      using (var engine = new InferenceEngine()) {
        long handles = Library.LiveHandleCount;
        AssertStatus(StatusCode.CorruptModel, () => engine.LoadModel("g", path));
        AssertStatus(StatusCode.Io, () => engine.LoadModel("g", "/nonexistent/m.kolosal"),
                     "/nonexistent/m.kolosal");
        StringAssert.Contains("\"models\":[]", engine.Stats());
        AssertStatus(StatusCode.NotFound, () => engine.GetModel("g"), "'g'");
        AssertStatus(StatusCode.NotFound, () => engine.PredictProba("g", Row(0), 1, Cols), "'g'");
        Assert.AreEqual(handles, Library.LiveHandleCount);
      }
    } finally {
      File.Delete(path);
    }
  }

  [Test]
  public void DisposeTwiceAndUseAfterDispose() {
    using (Model model = GradientBoosting()) {
      var engine = new InferenceEngine();
      engine.AddModel("m", model);
      Assert.IsFalse(engine.IsDisposed);
      engine.Dispose();
      engine.Dispose();
      Assert.IsTrue(engine.IsDisposed);
      AssertDisposed(() => engine.Predict("m", Row(0), 1, Cols));
      AssertDisposed(() => engine.PredictProba("m", Row(0), 1, Cols));
      AssertDisposed(() => engine.AddModel("n", model));
      AssertDisposed(() => engine.LoadModel("n", "/nonexistent/m.kolosal"));
      AssertDisposed(() => engine.GetModel("m"));
      AssertDisposed(() => engine.RemoveModel("m"));
      AssertDisposed(() => engine.Warmup("m"));
      AssertDisposed(() => engine.Stats());
      // The model itself is untouched.
      Assert.AreEqual(Rows, model.Predict(synthetic.Features, Rows, Cols).Length);
    }
  }

  // ---- threads and handles ----

  private const int Tasks = 4;
  private const int CallsPerTask = 200;

  /// <summary>Tasks x CallsPerTask single-row calls at once; returns the mismatches.</summary>
  private int PredictFromTasks(InferenceEngine engine, float[] expected, float[] expectedProba) {
    var start = new ManualResetEventSlim(false);
    var tasks = new Task<int>[Tasks];
    for (int index = 0; index < Tasks; ++index) {
      int task = index;
      tasks[index] = Task.Factory.StartNew(() => {
        start.Wait();
        int mismatches = 0;
        for (int call = 0; call < CallsPerTask; ++call) {
          int row = (call * 13 + task * 7) % Rows;
          bool same = call % 2 == 0
              ? Bits(engine.Predict("m", Row(row), 1, Cols))
                    .SequenceEqual(Bits(Slice(expected, row, 1)))
              : Bits(engine.PredictProba("m", Row(row), 1, Cols))
                    .SequenceEqual(Bits(Slice(expectedProba, 2 * row, 2)));
          if (!same) ++mismatches;
        }
        return mismatches;
      }, TaskCreationOptions.LongRunning);
    }
    start.Set();
    return tasks.Sum(task => task.Result);
  }

  [Test]
  public void FourTasksCompileWhileTheyPredict() {
    using (Model model = GradientBoosting())
    using (var engine = new InferenceEngine(InferenceConfig.Builder().JitMinCalls(20).Build())) {
      float[] expected = model.Predict(synthetic.Features, Rows, Cols);
      float[] expectedProba = model.PredictProba(synthetic.Features, Rows, Cols);
      engine.AddModel("m", model);
      // The compilation starts after 20 calls, while the tasks still call.
      Assert.AreEqual(0, PredictFromTasks(engine, expected, expectedProba));
      string stats = engine.Stats();
      Assert.AreEqual(Tasks * CallsPerTask, Stat(stats, "calls"), stats);
      // Once compiled, every call of a second round runs compiled code.
      stats = WaitUntilCompiled(engine);
      long compiledBefore = Stat(stats, "compiled_calls");
      Assert.AreEqual(0, PredictFromTasks(engine, expected, expectedProba));
      stats = engine.Stats();
      Assert.AreEqual(2 * Tasks * CallsPerTask, Stat(stats, "calls"), stats);
      Assert.AreEqual(compiledBefore + Tasks * CallsPerTask, Stat(stats, "compiled_calls"), stats);
    }
  }

  [Test]
  public void TwoTasksLoadAndRemoveOneName() {
    string twoPath = TestData.TempPath(".kolosal");
    string threePath = TestData.TempPath(".kolosal");
    try {
      using (Model two = GradientBoosting())
      using (Model three = ThreeClasses())
      using (var engine = new InferenceEngine()) {
        two.Save(twoPath);
        three.Save(threePath);
        long handles = Library.LiveHandleCount;
        var start = new ManualResetEventSlim(false);
        // Each task loads its file under "x" and removes "x" (whichever model is served), and
        // predicts in between; the last round leaves one of the two models served.
        Func<string, int, Task<int>> churn = (path, rounds) => Task.Factory.StartNew(() => {
          start.Wait();
          int loads = 0;
          for (int round = 0; round < rounds; ++round) {
            try {
              engine.LoadModel("x", path);
              ++loads;
            } catch (KolosalException error) when (error.Status == StatusCode.InvalidArgument) {
            }
            try {
              engine.Predict("x", Row(round % Rows), 1, Cols);
            } catch (KolosalException error) when (error.Status == StatusCode.NotFound) {
            }
            if (round + 1 == rounds) break;
            try {
              engine.RemoveModel("x");
            } catch (KolosalException error) when (error.Status == StatusCode.NotFound) {
            }
          }
          return loads;
        }, TaskCreationOptions.LongRunning);
        Task<int> first = churn(twoPath, 60);
        Task<int> second = churn(threePath, 60);
        start.Set();
        Assert.Greater(first.Result + second.Result, 1);

        // The engine's class count for "x" is that of the model it serves.
        using (Model served = engine.GetModel("x")) {
          float[] proba = engine.PredictProba("x", synthetic.Features, Rows, Cols);
          Assert.AreEqual(served.NClasses * Rows, proba.Length);
          AssertSameBits(served.PredictProba(synthetic.Features, Rows, Cols), proba);
          Model original = served.NClasses == 2 ? two : three;
          AssertSameBits(original.PredictProba(synthetic.Features, Rows, Cols), proba);
        }
        Assert.AreEqual(handles, Library.LiveHandleCount, "no model handle left behind");
      }
    } finally {
      File.Delete(twoPath);
      File.Delete(threePath);
    }
  }

  [Test]
  public void PredictProbaWhileTheNameChangesHands() {
    // Two tasks add and remove a 2-class and a 3-class model under one name while two others
    // call PredictProba on it. A call sized for one model that ran on the other must predict
    // again: each call gives exactly one model's probabilities, or throws.
    const string name = "swapped";
    const int rows = 3;
    const int minRounds = 200;
    const int callsPerReader = 1000;
    float[] batch = Slice(synthetic.Features, 10 * Cols, rows * Cols);
    using (Model two = GradientBoosting())
    using (Model three = ThreeClasses())
    using (var engine = new InferenceEngine(
               InferenceConfig.Builder().EnableJitCompilation(false).Build())) {
      Model[] models = { two, three };
      float[][] wants = { two.PredictProba(batch, rows, Cols),
                          three.PredictProba(batch, rows, Cols) };
      Assert.AreEqual(2 * rows, wants[0].Length);
      Assert.AreEqual(3 * rows, wants[1].Length);
      int[][] wantBits = { Bits(wants[0]), Bits(wants[1]) };

      var served = new long[2];
      Stopwatch clock = Stopwatch.StartNew();
      int readersLeft = 2;
      var start = new ManualResetEventSlim(false);
      var tasks = new List<Task>();
      for (int loader = 0; loader < 2; ++loader) {
        int first = loader;
        // At least minRounds adds and removes each, and more until the readers are done.
        tasks.Add(Task.Factory.StartNew(() => {
          start.Wait();
          for (int round = 0; round < minRounds || Volatile.Read(ref readersLeft) > 0; ++round) {
            try {
              engine.AddModel(name, models[(first + round) % 2]);
            } catch (KolosalException error) when (
                error.Status == StatusCode.InvalidArgument &&
                error.Message.Contains("already loaded")) {
            }
            try {
              engine.RemoveModel(name);
            } catch (KolosalException error) when (error.Status == StatusCode.NotFound) {
            }
          }
        }, TaskCreationOptions.LongRunning));
      }
      for (int reader = 0; reader < 2; ++reader) {
        tasks.Add(Task.Factory.StartNew(() => {
          try {
            start.Wait();
            // Past callsPerReader, calls go on until one found a model: on a loaded machine the
            // first 2000 may all miss. The deadline only stops a hang.
            for (int call = 0;
                 call < callsPerReader ||
                 (Interlocked.Read(ref served[0]) + Interlocked.Read(ref served[1]) == 0 &&
                  clock.Elapsed < TimeSpan.FromSeconds(60));
                 ++call) {
              float[] got;
              try {
                got = engine.PredictProba(name, batch, rows, Cols);
              } catch (KolosalException error) when (
                  error.Status == StatusCode.NotFound ||
                  (error.Status == StatusCode.InvalidArgument &&
                   error.Message.Contains("the output buffer holds"))) {
                // NotFound while no model is served. The output is sized when the call begins:
                // one value per row when the name is absent, two when the binary model is
                // served; when the 3-class model comes in meanwhile, it does not fit.
                continue;
              }
              int[] bits = Bits(got);
              if (bits.SequenceEqual(wantBits[0])) {
                Interlocked.Increment(ref served[0]);
              } else if (bits.SequenceEqual(wantBits[1])) {
                Interlocked.Increment(ref served[1]);
              } else {
                throw new InvalidOperationException(
                    "PredictProba gave " + string.Join(", ", got) + ", want " +
                    string.Join(", ", wants[0]) + " or " + string.Join(", ", wants[1]));
              }
            }
          } finally {
            Interlocked.Decrement(ref readersLeft);
          }
        }, TaskCreationOptions.LongRunning));
      }
      start.Set();
      try {
        Task.WaitAll(tasks.ToArray());
      } catch (AggregateException errors) {
        Assert.Fail(string.Join("\n", errors.InnerExceptions.Select(error => error.ToString())));
      }
      // Which models the calls found depends on the scheduler; some found one.
      Assert.Greater(served[0] + served[1], 0, "no call found a model");

      // Each model in turn, added last, is served with its own class count.
      for (int index = 0; index < 2; ++index) {
        engine.AddModel(name, models[index]);
        AssertSameBits(wants[index], engine.PredictProba(name, batch, rows, Cols));
        engine.RemoveModel(name);
      }
    }
  }

  /// <summary>Collects until the live handle count stays put, and returns it.</summary>
  private static long SettledCount() {
    Stopwatch clock = Stopwatch.StartNew();
    long count = Library.LiveHandleCount;
    for (int unchanged = 0; unchanged < 3 && clock.Elapsed < TimeSpan.FromSeconds(20);) {
      GC.Collect();
      GC.WaitForPendingFinalizers();
      long next = Library.LiveHandleCount;
      unchanged = next == count ? unchanged + 1 : 0;
      count = next;
    }
    return count;
  }

  /// <summary>Makes engines serving the model, keeps none, and returns the count while they were
  /// held. Not inlined, so that no reference stays in the caller's frame.</summary>
  [MethodImpl(MethodImplOptions.NoInlining)]
  private static long ForgetEngines(Model model, int count) {
    var forgotten = new List<InferenceEngine>();
    for (int index = 0; index < count; ++index) {
      var engine = new InferenceEngine();
      engine.AddModel("m", model);
      forgotten.Add(engine);
    }
    long live = Library.LiveHandleCount;
    forgotten.Clear();
    return live;
  }

  [Test]
  public void LiveHandleCountAndTheFinalizer() {
    using (Model model = GradientBoosting()) {
      long baseline = SettledCount();
      using (var engine = new InferenceEngine()) {
        Assert.AreEqual(baseline + 1, Library.LiveHandleCount);
        engine.AddModel("m", model);  // shares the model: no new handle
        Assert.AreEqual(baseline + 1, Library.LiveHandleCount);
      }
      Assert.AreEqual(baseline, Library.LiveHandleCount, "Dispose() frees the handle at once");

      Assert.AreEqual(baseline + 8, ForgetEngines(model, 8));
      Stopwatch clock = Stopwatch.StartNew();
      long live = Library.LiveHandleCount;
      while (live > baseline && clock.Elapsed < TimeSpan.FromSeconds(20)) {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        live = Library.LiveHandleCount;
      }
      Assert.AreEqual(baseline, live, "engines left after the finalizers ran");
    }
  }
}

}  // namespace Kolosal.Tests
