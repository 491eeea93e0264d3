// Go quick start: read a CSV, cross-validate, train, evaluate, save, load, predict and serve.
// Usage: go run . <data-dir>   (uses <data-dir>/spam.csv)
package main

import (
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"kolosal.ai/kolosal"
)

func main() {
	dataDir := "../../../shared/data"
	if len(os.Args) > 1 {
		dataDir = os.Args[1]
	}
	csvPath := filepath.Join(dataDir, "spam.csv")
	if _, err := os.Stat(csvPath); err != nil {
		fmt.Printf("skipped: %s not found\n", csvPath)
		return
	}
	if err := run(csvPath); err != nil {
		log.Fatal(err)
	}
}

func run(csvPath string) error {
	fmt.Println("kolosal", kolosal.Version())

	// Errors are values carrying the status code and the library's message.
	if _, err := kolosal.LoadModel("missing.kolosal"); errors.Is(err, kolosal.ErrIO) {
		fmt.Println("expected error:", err)
	}

	data, err := kolosal.ReadCSV(csvPath, kolosal.CSVOptions{Target: "type"})
	if err != nil {
		return err
	}
	defer data.Close()
	train, test, err := data.TrainTestSplit(0.25, 42)
	if err != nil {
		return err
	}
	defer train.Close()
	defer test.Close()

	trainer, err := kolosal.NewTrainer(kolosal.TrainConfig{
		Model: "logistic_regression", NJobs: 2, CVFolds: 5, Metric: "accuracy"})
	if err != nil {
		return err
	}
	defer trainer.Close()
	cv, err := trainer.CrossValidate(train)
	if err != nil {
		return err
	}
	fmt.Printf("5-fold %s: %.4f +/- %.4f\n", cv.Metric, cv.Mean, cv.Std)

	model, err := trainer.Fit(train)
	if err != nil {
		return err
	}
	defer model.Close()
	metrics, err := model.Evaluate(test)
	if err != nil {
		return err
	}
	fmt.Printf("holdout accuracy: %.4f, roc_auc: %.4f\n", metrics["accuracy"], metrics["roc_auc"])

	path := filepath.Join(os.TempDir(), "spam-go.kolosal")
	if err := model.Save(path); err != nil {
		return err
	}
	loaded, err := kolosal.LoadModel(path)
	if err != nil {
		return err
	}
	defer loaded.Close()

	// Dense input: a row-major slice, rows x NFeatures() values (here one all-zero message).
	row := make([]float64, loaded.NFeatures())
	proba, err := loaded.PredictProba(row, 1, len(row))
	if err != nil {
		return err
	}
	classes, err := loaded.ClassNames()
	if err != nil {
		return err
	}
	fmt.Printf("an empty message: P(%s) = %.3f\n", classes[1], proba[1])

	// Serve gradient boosting: an InferenceEngine shares models with any number of goroutines and
	// compiles a tree model to machine code after JITMinCalls small calls. Served calls give
	// exactly the model's own floats.
	boosting, err := kolosal.NewTrainer(kolosal.TrainConfig{Model: "gradient_boosting", NJobs: 2})
	if err != nil {
		return err
	}
	defer boosting.Close()
	trees, err := boosting.Fit(train)
	if err != nil {
		return err
	}
	defer trees.Close()
	if proba, err = trees.PredictProba(row, 1, len(row)); err != nil {
		return err
	}
	engine, err := kolosal.NewInferenceEngine(kolosal.InferenceConfig{JITMinCalls: 10})
	if err != nil {
		return err
	}
	defer engine.Close()
	if err := engine.AddModel("spam", trees); err != nil {
		return err
	}
	for call := 0; call < 20; call++ {
		if _, err := engine.PredictProba("spam", row, 1, len(row)); err != nil {
			return err
		}
	}
	if _, err := engine.Warmup("spam"); err != nil {
		return err
	}
	served, err := engine.PredictProba("spam", row, 1, len(row))
	if err != nil {
		return err
	}
	for class := range proba {
		if served[class] != proba[class] {
			return fmt.Errorf("served P(%s) = %v, the model gives %v", classes[class],
				served[class], proba[class])
		}
	}
	stats, err := engine.Stats()
	if err != nil {
		return err
	}
	if spam := stats.Model("spam"); spam != nil {
		fmt.Printf("served: jit %s, %d compiled calls, p50 %.1f us\n", spam.JIT.State,
			spam.CompiledCalls, spam.LatencyUS.P50)
	}

	// Stream the whole CSV through the model in chunks of 500 rows: memory stays bounded
	// whatever the file's size, and the predictions come out in input order.
	stream, err := kolosal.NewStreamingPipeline(kolosal.StreamConfig{ChunkRows: 500})
	if err != nil {
		return err
	}
	defer stream.Close()
	predictions := filepath.Join(os.TempDir(), fmt.Sprintf("spam-go-%d.csv", os.Getpid()))
	defer os.Remove(predictions)
	if err := stream.PredictCSV(trees, csvPath, predictions); err != nil {
		return err
	}
	streamed, err := stream.Stats()
	if err != nil {
		return err
	}
	rows, err := data.NRows()
	if err != nil {
		return err
	}
	if streamed.Rows != int64(rows) {
		return fmt.Errorf("the stream predicted %d of %d rows", streamed.Rows, rows)
	}
	fmt.Printf("streamed: %d rows in %d chunks\n", streamed.Rows, streamed.Chunks)
	return nil
}
