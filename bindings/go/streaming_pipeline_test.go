package kolosal_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"kolosal.ai/kolosal"
)

// The streaming pipeline's tests: a CSV predicted in chunks gives exactly the model's own
// predictions, and a failed or cancelled run leaves no output file.

const (
	streamChunkRows = 7                // several chunks for servedRows rows
	streamBigRows   = 100000           // rows of the file that the cancellation tests stop
	streamDeadline  = 30 * time.Second // only stops a hang
)

// streamFeatures are the column names the stream tests train with.
var streamFeatures = []string{"income", "debt", "age"}

// fitStreamed trains gradient boosting with params on servedProblem with named columns; task
// is "classification" or "regression". It returns the model and the row-major features.
func fitStreamed(t *testing.T, task string, params map[string]any) (*kolosal.Model, []float64) {
	t.Helper()
	model, features := fitServedWith(t, "gradient_boosting", params,
		kolosal.DenseOptions{FeatureNames: streamFeatures, Task: task})
	if names := must[[]string](t)(model.FeatureNames()); strings.Join(names, ",") !=
		strings.Join(streamFeatures, ",") {
		t.Fatalf("the model's features are %v, want %v", names, streamFeatures)
	}
	return model, features
}

// writeStreamInput writes rows rows of features (cycling through its rows) as a CSV with the
// given delimiter. The columns are the model's in reverse order plus an unused "note" column,
// so the stream must match them by name; columns lists which features to write.
func writeStreamInput(t *testing.T, path string, features []float64, rows int,
	delimiter string, columns []int) {
	t.Helper()
	var text strings.Builder
	header := []string{"note"}
	for index := len(columns) - 1; index >= 0; index-- {
		header = append(header, streamFeatures[columns[index]])
	}
	text.WriteString(strings.Join(header, delimiter) + "\n")
	for row := 0; row < rows; row++ {
		fields := []string{"n" + strconv.Itoa(row)}
		values := servedRow(features, row%servedRows)
		for index := len(columns) - 1; index >= 0; index-- {
			fields = append(fields, strconv.FormatFloat(values[columns[index]], 'g', -1, 64))
		}
		text.WriteString(strings.Join(fields, delimiter) + "\n")
	}
	if err := os.WriteFile(path, []byte(text.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}

var allStreamColumns = []int{0, 1, 2}

// streamFixture is a model trained by fitStreamed (closed when the test ends) and input, a CSV
// of its features with every column, in the temporary folder dir.
type streamFixture struct {
	model      *kolosal.Model
	features   []float64
	dir, input string
}

// newStreamFixture trains a task model with params and writes rows rows of its features to
// dir/input.csv, separated by delimiter.
func newStreamFixture(t *testing.T, task string, params map[string]any, rows int,
	delimiter string) *streamFixture {
	t.Helper()
	model, features := fitStreamed(t, task, params)
	t.Cleanup(func() { model.Close() })
	dir := t.TempDir()
	fixture := &streamFixture{model: model, features: features, dir: dir,
		input: filepath.Join(dir, "input.csv")}
	writeStreamInput(t, fixture.input, features, rows, delimiter, allStreamColumns)
	return fixture
}

// predictTo streams the fixture's input through stream into dir/name, which it returns; the run
// must succeed.
func (f *streamFixture) predictTo(t *testing.T, stream *kolosal.StreamingPipeline,
	name string) string {
	t.Helper()
	output := filepath.Join(f.dir, name)
	if err := stream.PredictCSV(f.model, f.input, output); err != nil {
		t.Fatal(err)
	}
	return output
}

func newStream(t *testing.T, config any) *kolosal.StreamingPipeline {
	t.Helper()
	return must[*kolosal.StreamingPipeline](t)(kolosal.NewStreamingPipeline(config))
}

// expectNoOutput checks that a failed run left neither the output nor its partial file.
func expectNoOutput(t *testing.T, output string) {
	t.Helper()
	for _, path := range []string{output, output + ".partial"} {
		if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("%s exists after a failed run (stat: %v)", path, err)
		}
	}
}

// expectFailed checks that the stream's last run failed with an error that mentions
// messagePart.
func expectFailed(t *testing.T, stream *kolosal.StreamingPipeline, messagePart string) {
	t.Helper()
	if stats := must[*kolosal.StreamStats](t)(stream.Stats()); stats.State != "failed" ||
		!strings.Contains(stats.Error, messagePart) {
		t.Fatalf("stats after the failed run: %+v", stats)
	}
}

// expectDone checks the stats of a finished run of rows rows in chunks of streamChunkRows.
func expectDone(t *testing.T, stream *kolosal.StreamingPipeline, rows int) *kolosal.StreamStats {
	t.Helper()
	stats := must[*kolosal.StreamStats](t)(stream.Stats())
	wantChunks := int64((rows + streamChunkRows - 1) / streamChunkRows)
	if stats.State != "done" || stats.Rows != int64(rows) || stats.Chunks != wantChunks ||
		stats.Chunks <= 1 || stats.Error != "" {
		t.Fatalf("stats after the run: %+v, want done, %d rows in %d chunks", stats, rows,
			wantChunks)
	}
	if stats.BytesRead != stats.InputBytes || stats.InputBytes <= 0 ||
		stats.Options.ChunkRows != streamChunkRows {
		t.Fatalf("stats after the run: %+v", stats)
	}
	return stats
}

// Class names, read back from the output, are the model's predictions row by row; with
// Probabilities the columns are named by the classes and hold the model's float32 values
// exactly.
func TestStreamingPipelineMatchesTheModel(t *testing.T) {
	fixture := newStreamFixture(t, "classification", smallParams, servedRows, ",")
	model, features := fixture.model, fixture.features

	stream := newStream(t, kolosal.StreamConfig{ChunkRows: streamChunkRows})
	defer stream.Close()
	if stats := must[*kolosal.StreamStats](t)(stream.Stats()); stats.State != "idle" ||
		stats.Rows != 0 {
		t.Fatalf("stats before any run: %+v", stats)
	}
	output := fixture.predictTo(t, stream, "labels.csv")
	labels := must[[]float32](t)(model.Predict(features, servedRows, servedCols))
	records := readCSV(t, output)
	if len(records) != servedRows+1 || strings.Join(records[0], ",") != "prediction" {
		t.Fatalf("output has %d records, header %v", len(records), records[0])
	}
	seen := map[string]bool{}
	for row, label := range labels {
		want := must[string](t)(model.ClassName(int(label)))
		if got := records[row+1]; len(got) != 1 || got[0] != want {
			t.Fatalf("row %d: %v, want %q", row, got, want)
		}
		seen[want] = true
	}
	if len(seen) != 2 {
		t.Fatalf("the rows predict only %v", seen)
	}
	stats := expectDone(t, stream, servedRows)
	if stats.Options.Probabilities || stats.Options.MaxChunksInFlight != 4 ||
		stats.Options.CSV == nil || stats.Options.CSV.Delimiter != "," {
		t.Fatalf("options %+v", stats.Options)
	}

	probaStream := newStream(t, map[string]any{"chunk_rows": streamChunkRows,
		"probabilities": true})
	defer probaStream.Close()
	records = readCSV(t, fixture.predictTo(t, probaStream, "proba.csv"))
	if header := strings.Join(records[0], ","); header !=
		strings.Join(must[[]string](t)(model.ClassNames()), ",") {
		t.Fatalf("probability columns %q", header)
	}
	assertIdentical(t, "streamed probabilities", parseFloat32s(t, records[1:]),
		must[[]float32](t)(model.PredictProba(features, servedRows, servedCols)))
	if stats := expectDone(t, probaStream, servedRows); !stats.Options.Probabilities {
		t.Fatalf("options %+v", stats.Options)
	}
}

// A regression model's values round trip exactly, here from a ';'-separated file; it has no
// probabilities to stream.
func TestStreamingPipelineRegression(t *testing.T) {
	fixture := newStreamFixture(t, "regression", smallParams, servedRows, ";")
	model, features := fixture.model, fixture.features

	stream := newStream(t, kolosal.StreamConfig{ChunkRows: streamChunkRows, NJobs: 2,
		CSV: &kolosal.StreamCSVOptions{Delimiter: ";"}})
	defer stream.Close()
	records := readCSV(t, fixture.predictTo(t, stream, "values.csv"))
	if len(records) == 0 || strings.Join(records[0], ",") != "prediction" {
		t.Fatalf("output header %v", records)
	}
	assertIdentical(t, "streamed values", parseFloat32s(t, records[1:]),
		must[[]float32](t)(model.Predict(features, servedRows, servedCols)))
	stats := expectDone(t, stream, servedRows)
	if stats.Options.NJobs != 2 || stats.Options.CSV == nil || stats.Options.CSV.Delimiter != ";" {
		t.Fatalf("options %+v", stats.Options)
	}

	probaStream := newStream(t, kolosal.StreamConfig{ChunkRows: streamChunkRows,
		Probabilities: true, CSV: &kolosal.StreamCSVOptions{Delimiter: ";"}})
	defer probaStream.Close()
	probaOutput := filepath.Join(fixture.dir, "proba.csv")
	expectError(t, probaStream.PredictCSV(model, fixture.input, probaOutput),
		kolosal.ErrInvalidArgument, "probabilities need a classification model")
	expectNoOutput(t, probaOutput)
	expectFailed(t, probaStream, "classification")
}

// Streamed contributions are Model.Contributions on the same file, value for value; the input's
// columns are in another order than the model's, and the output names the model's.
func TestStreamingPipelineContributions(t *testing.T) {
	fixture := newStreamFixture(t, "regression", smallParams, servedRows, ",")
	stream := newStream(t, kolosal.StreamConfig{ChunkRows: streamChunkRows, Contributions: true})
	defer stream.Close()
	records := readCSV(t, fixture.predictTo(t, stream, "contributions.csv"))
	if header := strings.Join(records[0], ","); header != "income,debt,age,bias" {
		t.Fatalf("contribution columns %q", header)
	}
	dataset := must[*kolosal.Dataset](t)(kolosal.ReadCSV(fixture.input, nil))
	defer dataset.Close()
	assertIdentical(t, "streamed contributions", parseFloat32s(t, records[1:]),
		must[[]float32](t)(fixture.model.Contributions(dataset)))
	if stats := expectDone(t, stream, servedRows); !stats.Options.Contributions {
		t.Fatalf("options %+v", stats.Options)
	}
	_, err := kolosal.NewStreamingPipeline(kolosal.StreamConfig{Probabilities: true,
		Contributions: true})
	expectError(t, err, kolosal.ErrInvalidArgument,
		"probabilities and contributions cannot be combined")
}

func TestStreamingPipelineErrors(t *testing.T) {
	_, err := kolosal.NewStreamingPipeline(`{"chunk_row": 7}`)
	expectError(t, err, kolosal.ErrInvalidArgument, "chunk_rows")
	_, err = kolosal.NewStreamingPipeline(map[string]any{"max_chunks_in_flight": 0})
	expectError(t, err, kolosal.ErrInvalidArgument, "max_chunks_in_flight")
	_, err = kolosal.NewStreamingPipeline(`{"csv": {"target": "y"}}`)
	expectError(t, err, kolosal.ErrInvalidArgument, "target")
	_, err = kolosal.NewStreamingPipeline(`{not json`)
	expectError(t, err, kolosal.ErrInvalidArgument, "")

	fixture := newStreamFixture(t, "classification", smallParams, servedRows, ",")
	model, input, dir := fixture.model, fixture.input, fixture.dir
	stream := newStream(t, kolosal.StreamConfig{ChunkRows: streamChunkRows})
	defer stream.Close()

	missing := filepath.Join(dir, "absent.csv")
	output := filepath.Join(dir, "out.csv")
	expectError(t, stream.PredictCSV(model, missing, output), kolosal.ErrIO, missing)
	expectNoOutput(t, output)

	// Without its "debt" column the file cannot be predicted; the message names the column.
	lacking := filepath.Join(dir, "lacking.csv")
	writeStreamInput(t, lacking, fixture.features, servedRows, ",", []int{0, 2})
	expectError(t, stream.PredictCSV(model, lacking, output), kolosal.ErrInvalidArgument,
		"missing column 'debt'")
	expectNoOutput(t, output)
	expectFailed(t, stream, "debt")

	// The stream is usable again after a failure.
	fixture.predictTo(t, stream, "out.csv")
	expectDone(t, stream, servedRows)

	expectError(t, stream.PredictCSV(nil, input, output), kolosal.ErrInvalidArgument,
		"model is nil")
	closedModel, _ := fitStreamed(t, "regression", smallParams)
	closedModel.Close()
	expectError(t, stream.PredictCSV(closedModel, input, output), kolosal.ErrFailedPrecondition,
		"model is closed")
}

// Close is safe twice and frees the handle; every method afterwards is a FailedPrecondition
// error, as for the other handles.
func TestStreamingPipelineCloseTwiceAndUseAfterClose(t *testing.T) {
	fixture := newStreamFixture(t, "classification", smallParams, servedRows, ",")
	base := settledCount(t)
	stream := newStream(t, nil)
	expectLiveHandles(t, base+1, "NewStreamingPipeline")
	expectClosedTwice(t, stream, base, "the stream")

	const closed = "streaming pipeline is closed"
	output := filepath.Join(fixture.dir, "out.csv")
	expectError(t, stream.PredictCSV(fixture.model, fixture.input, output),
		kolosal.ErrFailedPrecondition, closed)
	expectNoOutput(t, output)
	expectError(t, stream.Cancel(), kolosal.ErrFailedPrecondition, closed)
	_, err := stream.Stats()
	expectError(t, err, kolosal.ErrFailedPrecondition, closed)
	_, err = stream.StatsJSON()
	expectError(t, err, kolosal.ErrFailedPrecondition, closed)
}

// bigRun is a stream of small chunks, one in flight at a time, over a file of streamBigRows
// rows, predicted by a model of many trees: slow enough (about half a second in all) to be
// stopped while it runs.
type bigRun struct {
	*streamFixture
	stream *kolosal.StreamingPipeline
	output string
}

func newBigRun(t *testing.T) *bigRun {
	t.Helper()
	fixture := newStreamFixture(t, "classification",
		map[string]any{"n_estimators": 300, "num_leaves": 8}, streamBigRows, ",")
	run := &bigRun{streamFixture: fixture, output: filepath.Join(fixture.dir, "big_out.csv")}
	run.stream = newStream(t, `{"chunk_rows":1,"max_chunks_in_flight":1}`)
	t.Cleanup(func() { run.stream.Close() })
	return run
}

// start runs predict on another goroutine and returns once the stream has written rows, with
// the channel that receives predict's error.
func (r *bigRun) start(t *testing.T, predict func() error) chan error {
	t.Helper()
	result := make(chan error, 1)
	go func() { result <- predict() }()
	deadline := time.Now().Add(streamDeadline)
	for {
		stats := must[*kolosal.StreamStats](t)(r.stream.Stats())
		if stats.State == "running" && stats.Rows > 0 {
			return result
		}
		select {
		case err := <-result:
			t.Fatalf("the run ended (%v) before it could be cancelled: %+v", err, stats)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no row written after %v: %+v", streamDeadline, stats)
		}
		time.Sleep(time.Millisecond)
	}
}

// expectCancelled waits for the run's error and checks that the run was cancelled part way
// and left no output.
func (r *bigRun) expectCancelled(t *testing.T, result chan error, messagePart string) {
	t.Helper()
	select {
	case err := <-result:
		expectError(t, err, kolosal.ErrCancelled, messagePart)
	case <-time.After(streamDeadline):
		t.Fatalf("the run did not end %v after it was cancelled", streamDeadline)
	}
	stats := must[*kolosal.StreamStats](t)(r.stream.Stats())
	if stats.State != "cancelled" || stats.Rows <= 0 || stats.Rows >= streamBigRows {
		t.Fatalf("stats after the cancel: %+v", stats)
	}
	expectNoOutput(t, r.output)
}

// Cancel from another goroutine stops a run part way: Cancelled, no output file. Meanwhile a
// second run of the same stream is refused.
func TestStreamingPipelineCancel(t *testing.T) {
	run := newBigRun(t)
	result := run.start(t, func() error {
		return run.stream.PredictCSV(run.model, run.input, run.output)
	})
	other := run.output + ".other.csv"
	expectError(t, run.stream.PredictCSV(run.model, run.input, other),
		kolosal.ErrFailedPrecondition, "already running")
	expectNoOutput(t, other)
	if err := run.stream.Cancel(); err != nil {
		t.Fatal(err)
	}
	run.expectCancelled(t, result, "")
}

// A context that is done cancels the run it was given, and a run whose context is already
// done does not start.
func TestStreamingPipelineContext(t *testing.T) {
	run := newBigRun(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	result := run.start(t, func() error {
		return run.stream.PredictCSVContext(ctx, run.model, run.input, run.output)
	})
	cancel()
	run.expectCancelled(t, result, "")

	before := must[*kolosal.StreamStats](t)(run.stream.Stats())
	expectError(t, run.stream.PredictCSVContext(ctx, run.model, run.input, run.output),
		kolosal.ErrCancelled, "context canceled")
	expectNoOutput(t, run.output)
	if after := must[*kolosal.StreamStats](t)(run.stream.Stats()); !reflect.DeepEqual(after, before) {
		t.Fatalf("a run with a done context changed the stats from %+v to %+v", before, after)
	}
}
