package kolosal_test

import (
	"math"
	"math/rand"
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

// contributionRows and contributionWidth are the shape of aDecides: a, b, c, then the bias.
const contributionRows, contributionWidth = 300, 4

// aDecides is 300 rows of a, b, c uniform in [-1, 1); the class is a > 0 (for regression: a).
func aDecides(t *testing.T, task string) *kolosal.Dataset {
	t.Helper()
	random := rand.New(rand.NewSource(7))
	features := make([]float64, 0, contributionRows*3)
	labels := make([]float64, contributionRows)
	for row := range labels {
		a := random.Float64()*2 - 1
		features = append(features, a, random.Float64()*2-1, random.Float64()*2-1)
		switch {
		case task == "regression":
			labels[row] = a
		case a > 0:
			labels[row] = 1
		}
	}
	return must[*kolosal.Dataset](t)(kolosal.NewDataset(features, contributionRows, 3, labels,
		kolosal.DenseOptions{FeatureNames: []string{"a", "b", "c"}, Task: task}))
}

func fitOn(t *testing.T, dataset *kolosal.Dataset, config kolosal.TrainConfig) *kolosal.Model {
	t.Helper()
	trainer := must[*kolosal.Trainer](t)(kolosal.NewTrainer(config))
	defer trainer.Close()
	return must[*kolosal.Model](t)(trainer.Fit(dataset))
}

// contributionsOf are model's contributions on dataset, checked to hold outputs blocks per row.
func contributionsOf(t *testing.T, model *kolosal.Model, dataset *kolosal.Dataset,
	outputs int) []float32 {
	t.Helper()
	values := must[[]float32](t)(model.Contributions(dataset))
	if len(values) != contributionRows*outputs*contributionWidth {
		t.Fatalf("%d values, want %d", len(values), contributionRows*outputs*contributionWidth)
	}
	return values
}

// blockSum is the sum of the block of (row, output): the output before its link.
func blockSum(values []float32, row, output, outputs int) float64 {
	sum := 0.0
	block := (row*outputs + output) * contributionWidth
	for _, value := range values[block : block+contributionWidth] {
		sum += float64(value)
	}
	return sum
}

func TestStumpContributionsGoToTheSplitFeature(t *testing.T) {
	dataset := aDecides(t, "classification")
	defer dataset.Close()
	stump := fitOn(t, dataset, kolosal.TrainConfig{Model: "decision_tree",
		Params: map[string]any{"max_depth": 1}})
	defer stump.Close()
	values := contributionsOf(t, stump, dataset, 2)
	proba := must[[]float32](t)(stump.PredictProbaDataset(dataset))
	for row := 0; row < contributionRows; row++ {
		for output := 0; output < 2; output++ {
			block := values[(row*2+output)*contributionWidth:]
			if block[1] != 0 || block[2] != 0 {
				t.Fatalf("row %d, class %d: b and c contribute %v, %v", row, output, block[1], block[2])
			}
			got, want := float64(block[0])+float64(block[3]), float64(proba[row*2+output])
			if math.Abs(got-want) > 1e-6 {
				t.Fatalf("row %d, class %d: a + bias = %v, probability %v", row, output, got, want)
			}
		}
	}
	other := must[*kolosal.Dataset](t)(kolosal.NewDataset([]float64{0.5, 0.5, 0.5}, 1, 3, nil,
		kolosal.DenseOptions{FeatureNames: []string{"x", "b", "c"}}))
	defer other.Close()
	_, err := stump.Contributions(other)
	expectError(t, err, kolosal.ErrInvalidArgument, "missing column 'a'")
}

func TestBoostingContributionsSumToTheLogOdds(t *testing.T) {
	dataset := aDecides(t, "classification")
	defer dataset.Close()
	boosting := fitOn(t, dataset, kolosal.TrainConfig{Model: "gradient_boosting",
		Params: map[string]any{"n_estimators": 20}})
	defer boosting.Close()
	values := contributionsOf(t, boosting, dataset, 2)
	proba := must[[]float32](t)(boosting.PredictProbaDataset(dataset))
	for row := 0; row < contributionRows; row++ {
		zero := values[row*2*contributionWidth:]
		one := zero[contributionWidth:]
		for index := 0; index < contributionWidth; index++ {
			if zero[index] != -one[index] {
				t.Fatalf("row %d: class 0 %v is not the negative of class 1 %v", row,
					zero[:contributionWidth], one[:contributionWidth])
			}
		}
		p := 1 / (1 + math.Exp(-blockSum(values, row, 1, 2)))
		if math.Abs(p-float64(proba[row*2+1])) > 1e-5 {
			t.Fatalf("row %d: sigmoid of the contributions %v, probability %v", row, p, proba[row*2+1])
		}
	}
}

func TestRegressionContributionsSumToThePrediction(t *testing.T) {
	dataset := aDecides(t, "regression")
	defer dataset.Close()
	tree := fitOn(t, dataset, kolosal.TrainConfig{Model: "decision_tree",
		Params: map[string]any{"max_depth": 3}})
	defer tree.Close()
	if tree.NClasses() != 0 {
		t.Fatalf("%d classes for a regression", tree.NClasses())
	}
	values := contributionsOf(t, tree, dataset, 1)
	predicted := must[[]float32](t)(tree.PredictDataset(dataset))
	for row, want := range predicted {
		if got := blockSum(values, row, 0, 1); math.Abs(got-float64(want)) > 1e-5 {
			t.Fatalf("row %d: contributions sum to %v, prediction %v", row, got, want)
		}
	}
}
