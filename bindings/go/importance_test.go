package kolosal_test

import (
	"reflect"
	"testing"

	"kolosal.ai/kolosal"
)

// fitDense fits config on denseProblem, whose class only x0 and x1 decide.
func fitDense(t *testing.T, config kolosal.TrainConfig) *kolosal.Model {
	t.Helper()
	features, labels := denseProblem(400)
	dataset := must[*kolosal.Dataset](t)(kolosal.NewDataset(features, 400, denseCols, labels,
		kolosal.DenseOptions{Task: "classification"}))
	defer dataset.Close()
	trainer := must[*kolosal.Trainer](t)(kolosal.NewTrainer(config))
	defer trainer.Close()
	return must[*kolosal.Model](t)(trainer.Fit(dataset))
}

func TestStumpSplitsOnceOnADecidingFeature(t *testing.T) {
	stump := fitDense(t, kolosal.TrainConfig{Model: "decision_tree",
		Params: map[string]any{"max_depth": 1}})
	defer stump.Close()
	if names := must[[]string](t)(stump.FeatureNames()); !reflect.DeepEqual(names,
		[]string{"f0", "f1", "f2"}) {
		t.Fatalf("feature names %v", names)
	}
	splits := must[[]float32](t)(stump.FeatureImportance(kolosal.ImportanceSplit))
	if splits[0]+splits[1] != 1 || splits[2] != 0 {
		t.Fatalf("split counts %v", splits)
	}
	gain := must[[]float32](t)(stump.FeatureImportance(kolosal.ImportanceGain))
	if gain[0]+gain[1] <= 0 || gain[2] != 0 {
		t.Fatalf("gains %v", gain)
	}
	loaded := must[*kolosal.Model](t)(kolosal.LoadModelBytes(must[[]byte](t)(stump.MarshalBinary())))
	defer loaded.Close()
	if again := must[[]float32](t)(loaded.FeatureImportance(kolosal.ImportanceGain)); !reflect.DeepEqual(again, gain) {
		t.Fatalf("gains after a round trip %v, want %v", again, gain)
	}
	features, labels := denseProblem(400)
	dataset := must[*kolosal.Dataset](t)(kolosal.NewDataset(features, 400, denseCols, labels,
		kolosal.DenseOptions{Task: "classification"}))
	defer dataset.Close()
	permuted := must[*kolosal.PermutationImportance](t)(stump.PermutationImportance(dataset,
		kolosal.PermutationImportanceConfig{NRepeats: 3}))
	if permuted.Metric != "accuracy" || !reflect.DeepEqual(permuted.Features,
		[]string{"f0", "f1", "f2"}) || len(permuted.ImportancesMean) != 3 {
		t.Fatalf("permutation importance %+v", permuted)
	}
	// The stump never reads f2: shuffling it costs nothing.
	if permuted.ImportancesMean[2] != 0 || permuted.ImportancesMean[0]+permuted.ImportancesMean[1] <= 0 {
		t.Fatalf("importances %v", permuted.ImportancesMean)
	}
	_, err := stump.PermutationImportance(dataset, `{"metric": "r2"}`)
	expectError(t, err, kolosal.ErrInvalidArgument, "is for regression")
	_, err = stump.FeatureImportance(kolosal.ImportanceCoefficient)
	expectError(t, err, kolosal.ErrUnsupported, "decision_tree has no coefficient importance")
	_, err = stump.FeatureName(3)
	expectError(t, err, kolosal.ErrInvalidArgument, "out of range")
}

func TestLinearCoefficientsRankTheDecidingFeatures(t *testing.T) {
	linear := fitDense(t, kolosal.TrainConfig{Model: "logistic_regression"})
	defer linear.Close()
	weight := must[[]float32](t)(linear.FeatureImportance(kolosal.ImportanceCoefficient))
	if weight[0] <= 4*weight[2] || weight[1] <= 4*weight[2] {
		t.Fatalf("coefficients %v", weight)
	}
	_, err := linear.FeatureImportance(kolosal.ImportanceGain)
	expectError(t, err, kolosal.ErrUnsupported, "use COEFFICIENT for linear models")
	linear.Close()
	_, err = linear.FeatureImportance(kolosal.ImportanceCoefficient)
	expectError(t, err, kolosal.ErrFailedPrecondition, "model is closed")
}
