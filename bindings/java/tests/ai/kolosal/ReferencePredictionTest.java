package ai.kolosal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import org.junit.jupiter.api.Test;

/** The model the C++ CLI trained, loaded here, predicts exactly what the CLI printed. */
class ReferencePredictionTest {
  @Test
  void datasetPredictionsEqualTheCli() throws IOException {
    float[] expected = TestData.referenceProba();
    try (Model model = Model.load(TestData.referenceModel());
         Dataset data = Dataset.fromCsv(TestData.spamCsv())) {
      assertEquals(4601, data.rows());
      assertArrayEquals(expected, model.predictProba(data));
    }
  }

  @Test
  void arrayPredictionsEqualTheCli() throws IOException {
    float[] expected = TestData.referenceProba();
    double[] features = TestData.spamFeatures();
    int cols = TestData.spamCols();
    int rows = features.length / cols;
    try (Model model = Model.load(TestData.referenceModel())) {
      assertEquals(cols, model.nFeatures());
      assertArrayEquals(expected, model.predictProba(features, rows, cols));

      DoubleBuffer direct = ByteBuffer.allocateDirect(features.length * Double.BYTES)
                                .order(ByteOrder.nativeOrder())
                                .asDoubleBuffer();
      direct.put(features).flip();
      assertArrayEquals(expected, model.predictProba(direct, rows, cols));
    }
  }

  @Test
  void classPredictionsAreTheMostLikelyClass() throws IOException {
    float[] proba = TestData.referenceProba();
    try (Model model = Model.load(TestData.referenceModel());
         Dataset data = Dataset.fromCsv(TestData.spamCsv())) {
      float[] predicted = model.predict(data);
      for (int row = 0; row < predicted.length; ++row) {
        float expected = proba[2 * row + 1] > proba[2 * row] ? 1.0f : 0.0f;
        assertEquals(expected, predicted[row], "row " + row);
      }
    }
  }
}
