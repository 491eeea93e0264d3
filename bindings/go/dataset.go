package kolosal

import (
	"runtime"
	"unsafe"

	"kolosal.ai/kolosal/internal/capi"
)

// Dataset is a table of features, optionally with labels (kolosal_dataset). It is immutable
// and safe to read from many goroutines.
type Dataset struct {
	h handle
}

func newDataset(ptr uintptr) *Dataset {
	dataset := &Dataset{h: handle{ptr: ptr, kind: "dataset"}}
	runtime.SetFinalizer(dataset, (*Dataset).Close)
	return dataset
}

// ReadCSV reads a CSV file. options: nil, CSVOptions, a JSON string or a map; without a
// target the dataset has no labels (for prediction).
func ReadCSV(path string, options any) (*Dataset, error) {
	optionsJSON, err := configJSON(options)
	if err != nil {
		return nil, err
	}
	var ptr uintptr
	if err := capi.Kolosal_dataset_from_csv(path, optionsJSON, &ptr); err != nil {
		return nil, err
	}
	return newDataset(ptr), nil
}

// NewDataset copies a row-major rows x cols matrix (NaN = missing) and optional labels (nil,
// or rows values: class indices or regression targets) into a dataset. options: nil,
// DenseOptions, a JSON string or a map.
func NewDataset[T Float](data []T, rows, cols int, labels []T, options any) (*Dataset, error) {
	features, err := denseMatrix(data, rows, cols)
	if err != nil {
		return nil, err
	}
	if labels != nil && len(labels) != rows {
		return nil, invalidArgument("labels must have one value per row")
	}
	optionsJSON, err := configJSON(options)
	if err != nil {
		return nil, err
	}
	var labelsPtr unsafe.Pointer // NULL: no labels
	if labels != nil {
		labelsPtr = firstElement(labels)
	}
	var ptr uintptr
	err = capi.Kolosal_dataset_from_dense(features.data, features.dtype, features.rows,
		features.cols, capi.KOLOSAL_ROW_MAJOR, labelsPtr, features.dtype, optionsJSON, &ptr)
	runtime.KeepAlive(data)
	runtime.KeepAlive(labels)
	if err != nil {
		return nil, err
	}
	return newDataset(ptr), nil
}

// Close frees the dataset. Safe to call twice; waits for calls running on it.
func (d *Dataset) Close() error {
	d.h.close(capi.Kolosal_dataset_free)
	runtime.SetFinalizer(d, nil)
	return nil
}

// NRows is the number of rows.
func (d *Dataset) NRows() (int, error) {
	return d.int64Property(capi.Kolosal_dataset_n_rows)
}

// NCols is the number of feature columns (the target is not counted).
func (d *Dataset) NCols() (int, error) {
	return d.int64Property(capi.Kolosal_dataset_n_cols)
}

func (d *Dataset) int64Property(get func(uintptr, *int64) error) (int, error) {
	ptr, err := d.h.acquire()
	if err != nil {
		return 0, err
	}
	defer d.h.release()
	var value int64
	if err := get(ptr, &value); err != nil {
		return 0, err
	}
	return int(value), nil
}

// Describe is a JSON description: rows, columns (name, type, missing count, categories),
// task and classes.
func (d *Dataset) Describe() (string, error) {
	ptr, err := d.h.acquire()
	if err != nil {
		return "", err
	}
	defer d.h.release()
	var description string
	if err := capi.Kolosal_dataset_describe(ptr, &description); err != nil {
		return "", err
	}
	return description, nil
}

// Labels are the class indices (classification) or target values (regression).
func (d *Dataset) Labels() ([]float32, error) {
	rows, err := d.NRows()
	if err != nil {
		return nil, err
	}
	ptr, err := d.h.acquire()
	if err != nil {
		return nil, err
	}
	defer d.h.release()
	labels := make([]float32, rows)
	if err := capi.Kolosal_dataset_labels(ptr, firstFloat32(labels), int64(len(labels))); err != nil {
		return nil, err
	}
	return labels, nil
}

// TrainTestSplit is a seeded split, stratified for classification; testFraction is in (0, 1).
func (d *Dataset) TrainTestSplit(testFraction float64, seed uint64) (train, test *Dataset,
	err error) {
	ptr, err := d.h.acquire()
	if err != nil {
		return nil, nil, err
	}
	defer d.h.release()
	var trainPtr, testPtr uintptr
	if err := capi.Kolosal_dataset_train_test_split(ptr, testFraction, seed, &trainPtr,
		&testPtr); err != nil {
		return nil, nil, err
	}
	return newDataset(trainPtr), newDataset(testPtr), nil
}
