package kolosal

import (
	"context"
	"encoding/json"
	"runtime"

	"kolosal.ai/kolosal/internal/capi"
)

// StreamingPipeline predicts CSV files of any size with a Model (kolosal_stream): records are
// read in chunks, predicted in parallel and written in input order. At most MaxChunksInFlight
// chunks exist at once and the chunk size adapts to a memory budget, so peak memory depends on
// the chunk size and not on the file size. It runs one PredictCSV at a time; Cancel and Stats
// may be called from any goroutine meanwhile.
type StreamingPipeline struct {
	h handle
}

// StreamConfig is the configuration of NewStreamingPipeline. Zero values are left out, so the
// library's defaults apply.
type StreamConfig struct {
	ChunkRows         int64 `json:"chunk_rows,omitempty"`           // 0: sized to the memory budget
	MemoryBudgetMB    int64 `json:"memory_budget_mb,omitempty"`     // 0: the default, 256
	MaxChunksInFlight int64 `json:"max_chunks_in_flight,omitempty"` // 0: the default, 4
	NJobs             int64 `json:"n_jobs,omitempty"`               // 0: all cores
	// Probabilities writes one probability column per class, named by the class, instead of a
	// "prediction" column. A regression model refuses it.
	Probabilities bool `json:"probabilities,omitempty"`
	// Contributions writes SHAP contributions instead: for each output, one column per input
	// column and "bias" ("class:column" for classification), the values of Model.Contributions.
	// It cannot be combined with Probabilities.
	Contributions bool              `json:"contributions,omitempty"`
	CSV           *StreamCSVOptions `json:"csv,omitempty"`
}

// StreamCSVOptions say how a StreamingPipeline reads its input. The file always has a header
// row; columns are matched to the model's features by name and extra columns are ignored.
type StreamCSVOptions struct {
	Delimiter     string   `json:"delimiter,omitempty"` // one character; "" is ","
	Quote         string   `json:"quote,omitempty"`     // one character; "" is '"'
	MissingValues []string `json:"missing_values,omitempty"`
}

// StreamStats describe the current or last run of a StreamingPipeline
// (StreamingPipeline.Stats).
type StreamStats struct {
	State              string       `json:"state"` // "idle", "running", "done", "cancelled" or "failed"
	Rows               int64        `json:"rows"`  // rows written so far
	Chunks             int64        `json:"chunks"`
	BytesRead          int64        `json:"bytes_read"`
	InputBytes         int64        `json:"input_bytes"` // the input file's size
	ChunkBytes         int64        `json:"chunk_bytes"` // the adaptive chunk size, 0 with ChunkRows
	PeakChunksInFlight int64        `json:"peak_chunks_in_flight"`
	PeakMemoryMB       float64      `json:"peak_memory_mb"` // growth of the resident set
	Seconds            float64      `json:"seconds"`
	RowsPerSecond      float64      `json:"rows_per_second"`
	Error              string       `json:"error"`   // why the run failed or stopped, "" otherwise
	Options            StreamConfig `json:"options"` // every option, defaults included
}

// NewStreamingPipeline creates a stream. config: nil, a StreamConfig, a map or JSON text; an
// unknown key is an error that suggests the nearest valid one.
func NewStreamingPipeline(config any) (*StreamingPipeline, error) {
	configText, err := configJSON(config)
	if err != nil {
		return nil, err
	}
	var ptr uintptr
	if err := capi.Kolosal_stream_create(configText, &ptr); err != nil {
		return nil, err
	}
	stream := &StreamingPipeline{h: handle{ptr: ptr, kind: "streaming pipeline"}}
	runtime.SetFinalizer(stream, (*StreamingPipeline).Close)
	return stream, nil
}

// Close frees the stream, waiting for a running PredictCSV to end (Cancel first to end it
// soon). Safe to call twice.
func (s *StreamingPipeline) Close() error {
	s.h.close(capi.Kolosal_stream_free)
	runtime.SetFinalizer(s, nil)
	return nil
}

// PredictCSV predicts every row of the CSV file inputPath with model and writes a CSV to
// outputPath: a "prediction" column (class names or values), or with Probabilities one column
// per class. It blocks until done. The output appears only when the run succeeds (it is
// written to outputPath + ".partial" first). A column the model needs and the file lacks, or a
// bad record, is an InvalidArgument error naming it, as is Probabilities with a regression
// model; an unreadable or unwritable file is an IO error; Cancel gives a Cancelled error; a run
// already going on in this stream a FailedPrecondition error.
func (s *StreamingPipeline) PredictCSV(model *Model, inputPath, outputPath string) error {
	return s.PredictCSVContext(context.Background(), model, inputPath, outputPath)
}

// PredictCSVContext is PredictCSV, cancelled (error code Cancelled) when ctx is done.
func (s *StreamingPipeline) PredictCSVContext(ctx context.Context, model *Model, inputPath,
	outputPath string) error {
	if model == nil {
		return invalidArgument("model is nil")
	}
	ptr, err := s.h.acquire()
	if err != nil {
		return err
	}
	defer s.h.release()
	modelPtr, err := model.h.acquire()
	if err != nil {
		return err
	}
	defer model.h.release()
	if err := ctx.Err(); err != nil {
		return &Error{Code: StatusCancelled, Message: err.Error()}
	}
	stopWatching := cancelWhenDone(ctx, func() { _ = capi.Kolosal_stream_cancel(ptr) })
	err = capi.Kolosal_stream_predict_csv(ptr, modelPtr, inputPath, outputPath)
	stopWatching()
	return err
}

// Cancel stops the run in progress, which then returns a Cancelled error and leaves no output
// file. A no-op when no run is going on. Safe from any goroutine.
func (s *StreamingPipeline) Cancel() error {
	ptr, err := s.h.acquire()
	if err != nil {
		return err
	}
	defer s.h.release()
	return capi.Kolosal_stream_cancel(ptr)
}

// Stats are the statistics of the current or last run, and the stream's options. Safe from any
// goroutine, also while a run is going on.
func (s *StreamingPipeline) Stats() (*StreamStats, error) {
	text, err := s.StatsJSON()
	if err != nil {
		return nil, err
	}
	stats := &StreamStats{}
	if err := json.Unmarshal([]byte(text), stats); err != nil {
		return nil, &Error{Code: StatusInternal, Message: "stream stats: " + err.Error()}
	}
	return stats, nil
}

// StatsJSON is Stats as the library's JSON text.
func (s *StreamingPipeline) StatsJSON() (string, error) {
	ptr, err := s.h.acquire()
	if err != nil {
		return "", err
	}
	defer s.h.release()
	var text string
	if err := capi.Kolosal_stream_stats(ptr, &text); err != nil {
		return "", err
	}
	return text, nil
}
