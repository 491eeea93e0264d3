// Go tuning example: an ask/tell loop over a function written in Go (no callback into the
// library), then tuning a model's hyperparameters by cross-validation.
// Usage: go run . <data-dir>   (uses <data-dir>/sonar.csv for the model)
package main

import (
	"encoding/json"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"kolosal.ai/kolosal"
)

func main() {
	if err := tuneFunction(); err != nil {
		log.Fatal(err)
	}
	dataDir := "../../../../shared/data"
	if len(os.Args) > 1 {
		dataDir = os.Args[1]
	}
	csvPath := filepath.Join(dataDir, "sonar.csv")
	if _, err := os.Stat(csvPath); err != nil {
		fmt.Printf("skipped the model tuning: %s not found\n", csvPath)
		return
	}
	if err := tuneModel(csvPath); err != nil {
		log.Fatal(err)
	}
}

// tuneFunction minimises (x-2)^2 + (y+1)^2 (+1 unless k is "b") with ask and tell.
func tuneFunction() error {
	space := kolosal.SearchSpace{Params: []kolosal.Param{
		kolosal.FloatParam("x", -5, 5),
		kolosal.IntParam("y", -5, 5),
		kolosal.CategoricalParam("k", "a", "b", "c"),
	}}
	optimizer, err := kolosal.NewOptimizer(space, kolosal.StudyConfig{MaxTrials: 60, RandomState: 1}, "")
	if err != nil {
		return err
	}
	defer optimizer.Close()
	for {
		stop, err := optimizer.ShouldStop()
		if err != nil || stop {
			break
		}
		trial, err := optimizer.Ask()
		if err != nil {
			return err
		}
		value, err := objective(trial)
		if err == nil {
			err = optimizer.Tell(trial, value)
		}
		trial.Close()
		if err != nil {
			return err
		}
	}
	reason, _ := optimizer.StopReason()
	best, err := optimizer.Best()
	if err != nil {
		return err
	}
	fmt.Printf("stopped: %s\nbest: trial %d, value %.4f, params %v\n", reason, best.Number,
		best.Value, best.Params)
	return nil
}

func objective(trial *kolosal.Trial) (float64, error) {
	x, err := trial.Float("x")
	if err != nil {
		return 0, err
	}
	y, err := trial.Int("y")
	if err != nil {
		return 0, err
	}
	k, err := trial.Categorical("k")
	if err != nil {
		return 0, err
	}
	value := (x-2)*(x-2) + float64((y+1)*(y+1))
	if k != "b" {
		value++
	}
	return value, nil
}

// tuneModel tunes logistic regression on sonar.csv by 3-fold cross-validation.
func tuneModel(csvPath string) error {
	data, err := kolosal.ReadCSV(csvPath, kolosal.CSVOptions{Target: "Class"})
	if err != nil {
		return err
	}
	defer data.Close()
	trainer, err := kolosal.NewTrainer(kolosal.TrainConfig{Model: "logistic_regression", CVFolds: 3})
	if err != nil {
		return err
	}
	defer trainer.Close()
	if err := trainer.SetProgress(func(fraction float64, stage string) bool {
		if stage == "tuning" {
			fmt.Printf("tuning: %.0f%%\n", 100*fraction)
		}
		return false
	}); err != nil {
		return err
	}
	model, err := trainer.Tune(data, kolosal.TuneConfig{NTrials: 5}, "")
	if err != nil {
		return err
	}
	defer model.Close()
	metadata, err := model.Metadata()
	if err != nil {
		return err
	}
	var parsed struct {
		Tuning struct {
			BestParams map[string]any `json:"best_params"`
			BestScore  float64        `json:"best_score"`
			Metric     string         `json:"metric"`
		} `json:"tuning"`
	}
	if err := json.Unmarshal([]byte(metadata), &parsed); err != nil {
		return err
	}
	fmt.Printf("best cv %s %.4f with %v\n", parsed.Tuning.Metric, parsed.Tuning.BestScore,
		parsed.Tuning.BestParams)
	return nil
}
