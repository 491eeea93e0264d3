using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using NUnit.Framework;
using static Kolosal.Tests.Checks;

namespace Kolosal.Tests {

/// <summary>
/// Streaming prediction writes exactly what the model predicts in memory, chunk after chunk;
/// statistics, cancellation from another task, and every kind of bad input.
/// </summary>
[TestFixture]
public class StreamingPipelineTests {
  private const int Rows = Synthetic.Rows;
  private const int Cols = Synthetic.Cols;
  private const int ChunkRows = 7;
  private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
  private readonly Synthetic synthetic = new Synthetic();
  private readonly List<string> temporaryFiles = new List<string>();

  [TearDown]
  public void DeleteTemporaryFiles() {
    foreach (string path in temporaryFiles) {
      File.Delete(path);
      File.Delete(path + ".partial");
    }
    temporaryFiles.Clear();
  }

  // ---- helpers ----

  /// <summary>The class names of the CSV-trained model; a comma and quotes need quoting.</summary>
  private static readonly string[] LabelNames = { "no", "yes, \"sure\"" };

  /// <summary>In a column list for <see cref="WriteCsv"/>: a text column no model uses.</summary>
  private const int Note = -1;
  /// <summary>In a column list for <see cref="WriteCsv"/>: the class name of the label.</summary>
  private const int Label = -2;

  /// <summary>What <see cref="GradientBoosting"/> and <see cref="FitFromCsv"/> train.</summary>
  private static readonly TrainingConfig Boosting = TrainingConfig.Builder()
                                                        .Model("gradient_boosting")
                                                        .Param("n_estimators", 20)
                                                        .Param("num_leaves", 8)
                                                        .Build();

  private Model GradientBoosting() {
    return synthetic.Fit(Boosting, "classification", synthetic.Labels);
  }

  /// <summary>A random forest on <see cref="Synthetic.ThreeClassLabels"/>.</summary>
  private Model ThreeClasses() {
    return synthetic.Fit(TrainingConfig.Builder()
                             .Model("random_forest")
                             .Param("n_estimators", 10)
                             .RandomState(7)
                             .Build(),
                         "classification", synthetic.ThreeClassLabels());
  }

  private Model Regression() {
    return synthetic.Fit(
        TrainingConfig.Builder().Model("gradient_boosting").Param("n_estimators", 10).Build(),
        "regression", synthetic.RegressionTargets());
  }

  /// <summary>A path in the temp folder, deleted (with its ".partial") after the test.</summary>
  private string TempPath(string suffix) {
    string path = TestData.TempPath(suffix);
    temporaryFiles.Add(path);
    return path;
  }

  /// <summary>One CSV field in quotes, as the library writes class names.</summary>
  private static string Quote(string field) => "\"" + field.Replace("\"", "\"\"") + "\"";

  /// <summary>The text of a quoted CSV field; fails on a field that is not quoted.</summary>
  private static string Unquote(string field) {
    Assert.IsTrue(field.Length >= 2 && field[0] == '"' && field[field.Length - 1] == '"',
                  "not a quoted field: " + field);
    return field.Substring(1, field.Length - 2).Replace("\"\"", "\"");
  }

  /// <summary>Nine significant digits: the text reads back as the same float32.</summary>
  private static string Number(float value) => value.ToString("G9", CultureInfo.InvariantCulture);

  private static float ParseFloat(string text) => float.Parse(text, CultureInfo.InvariantCulture);

  /// <summary>
  /// A CSV of <paramref name="rows"/> rows of the synthetic features (cycled), one column per
  /// name: columns[i] is the feature column under names[i], or <see cref="Note"/> or
  /// <see cref="Label"/>.
  /// </summary>
  private string WriteCsv(IReadOnlyList<string> names, int[] columns, int rows,
                          char delimiter = ',') {
    string path = TempPath(".csv");
    var text = new StringBuilder();
    text.Append(string.Join(delimiter.ToString(), names)).Append('\n');
    var fields = new string[columns.Length];
    for (int row = 0; row < rows; ++row) {
      for (int idx = 0; idx < columns.Length; ++idx) fields[idx] = Field(columns[idx], row);
      text.Append(string.Join(delimiter.ToString(), fields)).Append('\n');
    }
    File.WriteAllText(path, text.ToString());
    return path;
  }

  /// <summary>The CSV field of one column (as in <see cref="WriteCsv"/>) of row (cycled).</summary>
  private string Field(int column, int row) {
    int source = row % Rows;
    if (column == Note) return "note " + row;
    if (column == Label) return Quote(LabelNames[(int)synthetic.Labels[source]]);
    return Number(synthetic.Features[source * Cols + column]);
  }

  /// <summary>The model's input columns in training order, under its own feature names.</summary>
  private string WriteModelCsv(Model model, int rows) {
    Assert.AreEqual(Cols, model.NFeatures);
    return WriteCsv(model.FeatureNames(), Enumerable.Range(0, Cols).ToArray(), rows);
  }

  /// <summary>
  /// Gradient boosting trained from a CSV with a header ("a".."d" and a "label" column whose
  /// values are <see cref="LabelNames"/>), so the model's feature and class names come from it.
  /// </summary>
  private Model FitFromCsv() {
    string path = WriteCsv(new[] { "a", "b", "c", "d", "label" }, new[] { 0, 1, 2, 3, Label },
                           Rows);
    using (Dataset data = Dataset.FromCsv(path, CsvOptions.Target("label")))
    using (var trainer = new TrainingEngine(Boosting)) {
      return trainer.Fit(data);
    }
  }

  /// <summary>The lines of the output, without the header, after checking the header.</summary>
  private static string[] ReadOutput(string path, string header) {
    Assert.IsTrue(File.Exists(path), "no output " + path);
    Assert.IsFalse(File.Exists(path + ".partial"), ".partial left beside " + path);
    string[] lines = File.ReadAllLines(path);
    Assert.Greater(lines.Length, 0, "empty output");
    Assert.AreEqual(header, lines[0]);
    return lines.Skip(1).ToArray();
  }

  /// <summary>The class name of each row's predicted class index.</summary>
  private static string[] PredictedClasses(Model model, float[] predictions) {
    IReadOnlyList<string> names = model.ClassNames();
    return predictions.Select(index => names[(int)index]).ToArray();
  }

  private static int Bits(float value) => BitConverter.ToInt32(BitConverter.GetBytes(value), 0);

  /// <summary>Each line's numbers, equal bit for bit to expected (row-major).</summary>
  private static void AssertSameNumbers(float[] expected, string[] lines, int perRow) {
    Assert.AreEqual(expected.Length, lines.Length * perRow, "values");
    for (int row = 0; row < lines.Length; ++row) {
      string[] cells = lines[row].Split(',');
      Assert.AreEqual(perRow, cells.Length, "line " + row + ": " + lines[row]);
      for (int idx = 0; idx < perRow; ++idx) {
        float want = expected[row * perRow + idx];
        Assert.AreEqual(Bits(want), Bits(ParseFloat(cells[idx])),
                        "row " + row + " column " + idx + ": " + cells[idx] + ", want " +
                            want.ToString("R", CultureInfo.InvariantCulture));
      }
    }
  }

  /// <summary>The stats of a finished run over all Rows rows, in more than one chunk.</summary>
  private static string AssertDone(StreamingPipeline stream) {
    string stats = stream.Stats();
    Assert.AreEqual("done", State(stats), stats);
    Assert.AreEqual(Rows, Stat(stats, "rows"), stats);
    Assert.Greater(Stat(stats, "chunks"), 1, stats);
    return stats;
  }

  /// <summary>Neither output nor its ".partial" exists: a run that fails writes nothing.</summary>
  private static void AssertNoOutput(string output) {
    Assert.IsFalse(File.Exists(output), output + " exists");
    Assert.IsFalse(File.Exists(output + ".partial"), output + ".partial exists");
  }

  /// <summary>
  /// run fails with status, its error and the stream's stats mention what went wrong, and it
  /// writes nothing to output.
  /// </summary>
  private static void AssertRunFails(StreamingPipeline stream, StatusCode status, TestDelegate run,
                                     string output, string mention) {
    AssertStatus(status, run, mention);
    AssertNoOutput(output);
    string stats = stream.Stats();
    Assert.AreEqual("failed", State(stats), stats);
    StringAssert.Contains(mention, stats);
  }

  private static StreamingPipeline SmallChunks(bool probabilities = false) {
    return new StreamingPipeline(StreamConfig.Builder()
                                     .ChunkRows(ChunkRows)
                                     .MaxChunksInFlight(3)
                                     .NJobs(2)
                                     .Probabilities(probabilities)
                                     .Build());
  }

  // ---- predictions ----

  [Test]
  public void ClassNamesMatchTheModelRowByRow() {
    using (Model model = FitFromCsv())
    using (StreamingPipeline stream = SmallChunks()) {
      CollectionAssert.AreEqual(new[] { "a", "b", "c", "d" }, model.FeatureNames());
      CollectionAssert.AreEquivalent(LabelNames, model.ClassNames());
      string input = WriteModelCsv(model, Rows);
      string output = TempPath(".out.csv");
      StringAssert.Contains("\"state\":\"idle\"", stream.Stats());

      stream.PredictCsv(model, input, output);

      string[] expected = PredictedClasses(model, model.Predict(synthetic.Features, Rows, Cols));
      Assert.AreEqual(2, expected.Distinct().Count(), "both classes are predicted");
      string[] lines = ReadOutput(output, "prediction");
      Assert.AreEqual(Rows, lines.Length);
      for (int row = 0; row < Rows; ++row) {
        Assert.AreEqual(expected[row], Unquote(lines[row]), "row " + row);
      }
      string stats = AssertDone(stream);
      Assert.AreEqual((Rows + ChunkRows - 1) / ChunkRows, Stat(stats, "chunks"), stats);
      Assert.AreEqual(new FileInfo(input).Length, Stat(stats, "input_bytes"), stats);
      Assert.LessOrEqual(Stat(stats, "peak_chunks_in_flight"), 3, stats);
      StringAssert.Contains("\"chunk_rows\":" + ChunkRows, stats);
      StringAssert.Contains("\"error\":\"\"", stats);

      // A second run of the same stream over a file in another order, with an extra column.
      string shuffled = WriteCsv(new[] { "note", "d", "b", "a", "c" },
                                 new[] { Note, 3, 1, 0, 2 }, Rows);
      string second = TempPath(".out.csv");
      stream.PredictCsv(model, shuffled, second);
      CollectionAssert.AreEqual(File.ReadAllLines(output), File.ReadAllLines(second));
    }
  }

  [Test]
  public void ProbabilitiesMatchPredictProbaBitForBit() {
    foreach (Func<Model> fit in new Func<Model>[] { GradientBoosting, ThreeClasses, FitFromCsv }) {
      using (Model model = fit())
      using (StreamingPipeline stream = SmallChunks(probabilities: true)) {
        string input = WriteModelCsv(model, Rows);
        string output = TempPath(".out.csv");
        stream.PredictCsv(model, input, output);

        int classes = (int)model.NClasses;
        string header = string.Join(",", model.ClassNames().Select(Quote));
        string[] lines = ReadOutput(output, header);
        float[] expected = model.PredictProba(synthetic.Features, Rows, Cols);
        AssertSameNumbers(expected, lines, classes);
        StringAssert.Contains("\"probabilities\":true", AssertDone(stream));
      }
    }
  }

  [Test]
  public void RegressionValuesRoundTrip() {
    using (Model model = Regression())
    using (StreamingPipeline stream = SmallChunks()) {
      Assert.AreEqual(0, model.NClasses);
      string input = WriteModelCsv(model, Rows);
      string output = TempPath(".out.csv");
      stream.PredictCsv(model, input, output);
      float[] expected = model.Predict(synthetic.Features, Rows, Cols);
      Assert.Greater(expected.Distinct().Count(), 2, "the values differ between rows");
      AssertSameNumbers(expected, ReadOutput(output, "prediction"), 1);
      Assert.AreEqual(Rows, Stat(stream.Stats(), "rows"));

      // Probabilities need a classification model.
      using (StreamingPipeline probabilities = SmallChunks(probabilities: true)) {
        string refused = TempPath(".out.csv");
        AssertRunFails(probabilities, StatusCode.InvalidArgument,
                       () => probabilities.PredictCsv(model, input, refused), refused,
                       "classification model");
      }
    }
  }

  [Test]
  public void ContributionsMatchTheModelBitForBit() {
    foreach (Func<Model> fit in new Func<Model>[] { Regression, FitFromCsv }) {
      using (Model model = fit())
      using (var stream = new StreamingPipeline(
                 StreamConfig.Builder().ChunkRows(ChunkRows).Contributions(true).Build())) {
        string input = WriteModelCsv(model, Rows);
        string output = TempPath(".out.csv");
        stream.PredictCsv(model, input, output);

        bool classification = model.NClasses > 0;
        IEnumerable<string> outputs = classification ? model.ClassNames() : new[] { "" };
        string header = string.Join(
            ",", outputs.SelectMany(name => model.FeatureNames().Append("bias").Select(
                column => Quote(classification ? name + ":" + column : column))));
        float[] expected;
        using (Dataset data = Dataset.FromCsv(input)) expected = model.Contributions(data);
        AssertSameNumbers(expected, ReadOutput(output, header), expected.Length / Rows);
        AssertDone(stream);
      }
    }
    AssertStatus(StatusCode.InvalidArgument,
                 () => new StreamingPipeline(
                     StreamConfig.Builder().Probabilities(true).Contributions(true).Build()),
                 "probabilities and contributions cannot be combined");
  }

  [Test]
  public void ConfigBuilderAndCsvOptions() {
    StreamConfig config = StreamConfig.Builder()
                              .ChunkRows(5)
                              .MemoryBudgetMb(64)
                              .MaxChunksInFlight(2)
                              .NJobs(1)
                              .Probabilities(false)
                              .Contributions(false)
                              .Delimiter(';')
                              .MissingValues("NA", "?")
                              .Build();
    Assert.AreEqual("{\"chunk_rows\":5,\"memory_budget_mb\":64,\"max_chunks_in_flight\":2," +
                        "\"n_jobs\":1,\"probabilities\":false,\"contributions\":false," +
                        "\"csv\":{\"delimiter\":\";\"," +
                        "\"missing_values\":[\"NA\",\"?\"]}}",
                    config.Json);
    Assert.AreEqual("{}", StreamConfig.Builder().Build().Json);
    using (Model model = GradientBoosting())
    using (var stream = new StreamingPipeline(config)) {
      string stats = stream.Stats();
      Assert.AreEqual("idle", State(stats), stats);
      Assert.AreEqual(64, Stat(stats, "memory_budget_mb"), stats);
      Assert.AreEqual(2, Stat(stats, "max_chunks_in_flight"), stats);
      StringAssert.Contains("\"delimiter\":\";\"", stats);

      // The input is read with ';' as the delimiter.
      string input = WriteCsv(model.FeatureNames(), Enumerable.Range(0, Cols).ToArray(), Rows,
                              ';');
      string output = TempPath(".out.csv");
      stream.PredictCsv(model, input, output);
      string[] expected = PredictedClasses(model, model.Predict(synthetic.Features, Rows, Cols));
      CollectionAssert.AreEqual(expected.Select(Quote).ToArray(),
                                ReadOutput(output, "prediction"));
      stats = stream.Stats();
      Assert.AreEqual(Rows / 5, Stat(stats, "chunks"), stats);
      Assert.LessOrEqual(Stat(stats, "peak_chunks_in_flight"), 2, stats);
    }
    using (var stream = new StreamingPipeline("{\"chunk_rows\":11}")) {
      Assert.AreEqual(11, Stat(stream.Stats(), "chunk_rows"));
    }
    using (var stream = new StreamingPipeline()) {
      string stats = stream.Stats();
      Assert.AreEqual(0, Stat(stats, "chunk_rows"), stats);
      Assert.AreEqual(256, Stat(stats, "memory_budget_mb"), stats);
      Assert.AreEqual(4, Stat(stats, "max_chunks_in_flight"), stats);
    }
  }

  // ---- bad input ----

  [Test]
  public void BadConfig() {
    AssertStatus(StatusCode.InvalidArgument,
                 () => new StreamingPipeline(StreamConfig.Builder().Set("chunk_row", 5).Build()),
                 "chunk_row", "chunk_rows");
    AssertStatus(StatusCode.InvalidArgument,
                 () => new StreamingPipeline(StreamConfig.Builder().Csv("delimeter", ";").Build()),
                 "delimeter", "delimiter");
    AssertStatus(StatusCode.InvalidArgument,
                 () => new StreamingPipeline(StreamConfig.Builder().NJobs(-1).Build()), "n_jobs");
    AssertStatus(StatusCode.InvalidArgument,
                 () => new StreamingPipeline(StreamConfig.Builder().MaxChunksInFlight(0).Build()),
                 "max_chunks_in_flight");
    AssertStatus(StatusCode.InvalidArgument,
                 () => new StreamingPipeline(StreamConfig.Builder().Csv("target", "y").Build()));
    AssertStatus(StatusCode.InvalidArgument, () => new StreamingPipeline("{not json"));
  }

  [Test]
  public void MissingInputFile() {
    using (Model model = GradientBoosting())
    using (var stream = new StreamingPipeline()) {
      string output = TempPath(".out.csv");
      AssertRunFails(stream, StatusCode.Io,
                     () => stream.PredictCsv(model, "/nonexistent/in.csv", output), output,
                     "/nonexistent/in.csv");
    }
  }

  [Test]
  public void MissingModelColumn() {
    using (Model model = FitFromCsv())
    using (var stream = SmallChunks()) {
      string lacking = WriteCsv(new[] { "a", "c", "d", "note" }, new[] { 0, 2, 3, Note }, Rows);
      string output = TempPath(".out.csv");
      AssertRunFails(stream, StatusCode.InvalidArgument,
                     () => stream.PredictCsv(model, lacking, output), output,
                     "missing column 'b'");

      // The stream runs again after a failure.
      string input = WriteModelCsv(model, Rows);
      stream.PredictCsv(model, input, output);
      Assert.AreEqual(Rows, ReadOutput(output, "prediction").Length);
      Assert.AreEqual("done", State(stream.Stats()));
    }
  }

  [Test]
  public void NullArguments() {
    using (Model model = GradientBoosting())
    using (var stream = new StreamingPipeline()) {
      string input = WriteModelCsv(model, 10);
      string output = TempPath(".out.csv");
      Assert.Throws<ArgumentNullException>(() => stream.PredictCsv(null, input, output));
      AssertStatus(StatusCode.InvalidArgument, () => stream.PredictCsv(model, null, output));
      AssertStatus(StatusCode.InvalidArgument, () => stream.PredictCsv(model, input, null));
      Assert.IsFalse(File.Exists(output));
      stream.PredictCsv(model, input, output);
      Assert.AreEqual(10, ReadOutput(output, "prediction").Length);
    }
  }

  [Test]
  public void DisposeTwiceAndUseAfterDispose() {
    using (Model model = GradientBoosting()) {
      string input = WriteModelCsv(model, 10);
      string output = TempPath(".out.csv");
      long handles = Library.LiveHandleCount;
      var stream = new StreamingPipeline();
      Assert.AreEqual(handles + 1, Library.LiveHandleCount);
      Assert.IsFalse(stream.IsDisposed);
      stream.Cancel();  // idle: nothing to stop
      stream.Dispose();
      stream.Dispose();
      Assert.IsTrue(stream.IsDisposed);
      Assert.AreEqual(handles, Library.LiveHandleCount, "Dispose() frees the handle at once");
      AssertDisposed(() => stream.PredictCsv(model, input, output));
      AssertDisposed(() => stream.Cancel());
      AssertDisposed(() => stream.Stats());
      Assert.IsFalse(File.Exists(output));

      // A disposed model is refused by a live stream.
      Model disposed = GradientBoosting();
      disposed.Dispose();
      using (var live = new StreamingPipeline()) {
        AssertDisposed(() => live.PredictCsv(disposed, input, output));
        Assert.AreEqual("idle", State(live.Stats()));
      }
      Assert.IsFalse(File.Exists(output));
    }
  }

  // ---- threads ----

  [Test]
  public void CancelFromAnotherTask() {
    const int bigRows = 100000;
    using (Model model = GradientBoosting())
    using (var stream = new StreamingPipeline(
               StreamConfig.Builder().ChunkRows(1).MaxChunksInFlight(1).Build())) {
      string input = WriteModelCsv(model, bigRows);
      string output = TempPath(".out.csv");
      Task run = Task.Factory.StartNew(() => stream.PredictCsv(model, input, output),
                                       TaskCreationOptions.LongRunning);

      // Wait until rows come out (the deadline only stops a hang), then cancel.
      string stats = PollStats(
          stream.Stats,
          current => (State(current) == "running" && Stat(current, "rows") > 0) || run.IsCompleted,
          Deadline, 1);
      Assert.AreEqual("running", State(stats), stats);
      Assert.Greater(Stat(stats, "rows"), 0, stats);
      // One run at a time per stream.
      string other = TempPath(".out.csv");
      AssertStatus(StatusCode.FailedPrecondition, () => stream.PredictCsv(model, input, other));
      Assert.IsFalse(File.Exists(other));
      stream.Cancel();

      var error = Assert.Throws<AggregateException>(() => run.Wait(Deadline));
      var cancelled = error.InnerException as KolosalException;
      Assert.IsNotNull(cancelled, error.ToString());
      Assert.AreEqual(StatusCode.Cancelled, cancelled.Status, cancelled.ToString());
      stats = stream.Stats();
      Assert.AreEqual("cancelled", State(stats), stats);
      Assert.Less(Stat(stats, "rows"), bigRows, stats);
      AssertNoOutput(output);
      stream.Cancel();  // idle again: a no-op
      Assert.AreEqual("cancelled", State(stream.Stats()));
    }
  }
}

}  // namespace Kolosal.Tests
