// Bindings benchmark, Go side: one-row Model.Predict through package kolosal (cgo + SWIG).
// Usage: bench_go <model> <calls> <reps>; prints "<median ns> <min ns> <label>".
package main

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"time"

	"kolosal.ai/kolosal"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: bench_go <model> <calls> <reps>")
		os.Exit(2)
	}
	calls, _ := strconv.Atoi(os.Args[2])
	reps, _ := strconv.Atoi(os.Args[3])
	model, err := kolosal.LoadModel(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer model.Close()
	row := []float64{0.5, -1.25, 2.0, 0.75}
	var label float32
	perCall := make([]float64, 0, reps)
	for rep := -reps; rep < reps; rep++ { // negative reps warm up
		start := time.Now()
		for call := 0; call < calls; call++ {
			labels, err := model.Predict(row, 1, len(row))
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			label = labels[0]
		}
		if rep >= 0 {
			perCall = append(perCall, float64(time.Since(start).Nanoseconds())/float64(calls))
		}
	}
	sort.Float64s(perCall)
	fmt.Printf("%.1f %.1f %g\n", perCall[reps/2], perCall[0], label)
}
