package ai.kolosal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The builders write the JSON the C ABI documents: keys in the order set, empty maps left out. */
class ConfigTest {
  @Test
  void trainingConfigNestsParamsAndPreprocessing() {
    TrainingConfig config = TrainingConfig.builder()
                                .model("ridge")
                                .param("alpha", 0.5)
                                .nJobs(2)
                                .preprocessing("scaler", "robust")
                                .build();
    assertEquals("{\"model\":\"ridge\",\"n_jobs\":2,\"params\":{\"alpha\":0.5},"
            + "\"preprocessing\":{\"scaler\":\"robust\"}}",
        config.toJson());
    assertEquals("{\"model\":\"ridge\"}", TrainingConfig.builder().model("ridge").build().toJson());
  }

  @Test
  void csvOptionsNestColumnTypes() {
    CsvOptions options =
        CsvOptions.builder().target("y").columnType("zip", "categorical").maxRows(10).build();
    assertEquals("{\"target\":\"y\",\"max_rows\":10,\"column_types\":{\"zip\":\"categorical\"}}",
        options.toJson());
  }

  @Test
  void setOverwritesAKeyInPlace() {
    StudyConfig config =
        StudyConfig.builder().maxTrials(5).randomState(1).set("max_trials", 9).build();
    assertEquals("{\"max_trials\":9,\"random_state\":1}", config.toJson());
    assertEquals(config.toJson(), config.toString());
  }

  @Test
  void tuneConfigEmbedsTheSearchSpace() {
    SearchSpace space = SearchSpace.builder().intParam("n", 1, 3).build();
    TuneConfig config = TuneConfig.builder().nTrials(4).searchSpace(space).build();
    assertEquals("{\"n_trials\":4,\"search_space\":{\"params\":[{\"name\":\"n\",\"type\":\"int\","
            + "\"low\":1,\"high\":3}]}}",
        config.toJson());
  }

  @Test
  void datasetOptionsKeepTheLayoutOutOfTheJson() {
    DatasetOptions options =
        DatasetOptions.builder().targetName("y").layout(Layout.COL_MAJOR).build();
    assertEquals("{\"target_name\":\"y\"}", options.toJson());
    assertEquals(Layout.COL_MAJOR, options.layout());
  }
}
