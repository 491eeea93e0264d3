using NUnit.Framework;

namespace Kolosal.Tests {

/// <summary>The builders write the JSON the C ABI documents: keys in the order set.</summary>
[TestFixture]
public class ConfigTests {
  [Test]
  public void TrainingConfigNestsParamsAndPreprocessing() {
    var config = TrainingConfig.Builder()
                     .Model("ridge")
                     .Param("alpha", 0.5)
                     .NJobs(2)
                     .Preprocessing("scaler", "robust")
                     .Build();
    Assert.AreEqual("{\"model\":\"ridge\",\"n_jobs\":2,\"params\":{\"alpha\":0.5}," +
                        "\"preprocessing\":{\"scaler\":\"robust\"}}",
                    config.Json);
    Assert.AreEqual("{\"model\":\"ridge\"}",
                    TrainingConfig.Builder().Model("ridge").Build().Json);
    Assert.AreEqual("{}", TrainingConfig.Builder().Build().Json);
  }

  [Test]
  public void CsvOptionsNestColumnTypes() {
    var options =
        CsvOptions.Builder().Target("y").ColumnType("zip", "categorical").MaxRows(10).Build();
    Assert.AreEqual(
        "{\"target\":\"y\",\"max_rows\":10,\"column_types\":{\"zip\":\"categorical\"}}",
        options.Json);
  }

  [Test]
  public void SetOverwritesAKeyInPlace() {
    var config = StudyConfig.Builder().MaxTrials(5).RandomState(1).Set("max_trials", 9).Build();
    Assert.AreEqual("{\"max_trials\":9,\"random_state\":1}", config.Json);
    Assert.AreEqual(config.Json, config.ToString());
  }

  [Test]
  public void DatasetOptionsWithoutKeysUseTheLibraryDefaults() {
    var options = DatasetOptions.Builder().Layout(Layout.ColMajor).Build();
    Assert.IsNull(options.Json);
    Assert.AreEqual(Layout.ColMajor, options.Layout);
    Assert.AreEqual("{\"target_name\":\"y\"}",
                    DatasetOptions.Builder().TargetName("y").Build().Json);
  }
}

}  // namespace Kolosal.Tests
