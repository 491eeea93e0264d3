package kolosal_test

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kolosal.ai/kolosal"
)

// A weight column: y = x on rows of weight 1; rows of weight 0 (y = 1000) must not count.
func TestZeroWeightRowsDoNotCount(t *testing.T) {
	const rows = 20
	features := make([]float64, 0, 2*rows)
	labels := make([]float64, 0, rows)
	for row := 0; row < rows; row++ {
		if row%2 == 0 {
			features = append(features, float64(row), 1)
			labels = append(labels, float64(row))
		} else {
			features = append(features, float64(row), 0)
			labels = append(labels, 1000)
		}
	}
	options := kolosal.DenseOptions{FeatureNames: []string{"x", "w"}, Task: "regression",
		WeightColumn: "w"}
	dataset := must[*kolosal.Dataset](t)(kolosal.NewDataset(features, rows, 2, labels, options))
	defer dataset.Close()
	trainer := must[*kolosal.Trainer](t)(kolosal.NewTrainer(kolosal.TrainConfig{Model: "linear_regression"}))
	defer trainer.Close()
	model := must[*kolosal.Model](t)(trainer.Fit(dataset))
	defer model.Close()
	if model.NFeatures() != 1 {
		t.Fatalf("the weight column is a feature: %d features", model.NFeatures())
	}
	prediction := must[[]float32](t)(model.Predict([]float64{7.5}, 1, 1))
	if math.Abs(float64(prediction[0])-7.5) > 1e-3 {
		t.Fatalf("prediction %v, want 7.5", prediction[0])
	}
	features[3] = -1
	_, err := kolosal.NewDataset(features, rows, 2, labels, options)
	expectError(t, err, kolosal.ErrInvalidArgument, "a weight must be finite and >= 0, got -1")
}

func TestCSVWeightColumnLeavesTheFeatures(t *testing.T) {
	path := filepath.Join(t.TempDir(), "weighted.csv")
	if err := os.WriteFile(path, []byte("x,w,y\n1,1,1\n2,0.5,2\n3,2,3\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	dataset := must[*kolosal.Dataset](t)(kolosal.ReadCSV(path, kolosal.CSVOptions{Target: "y",
		Task: "regression", WeightColumn: "w"}))
	defer dataset.Close()
	if cols := must[int](t)(dataset.NCols()); cols != 1 {
		t.Fatalf("%d feature columns, want 1", cols)
	}
	if description := must[string](t)(dataset.Describe()); !strings.Contains(description,
		`"weight_column":"w"`) {
		t.Fatalf("describe lacks the weight column: %s", description)
	}
}
