package kolosal

import (
	"fmt"
	"unsafe"

	"kolosal.ai/kolosal/internal/capi"
)

// Float is the element type of a dense matrix: float32 or float64.
type Float interface{ ~float32 | ~float64 }

// matrix describes a row-major slice to the C ABI without copying it.
type matrix struct {
	data  unsafe.Pointer
	dtype capi.Enum_SS_kolosal_dtype
	rows  int64
	cols  int64
}

func dtypeOf[T Float]() capi.Enum_SS_kolosal_dtype {
	var zero T
	if unsafe.Sizeof(zero) == 4 {
		return capi.KOLOSAL_FLOAT32
	}
	return capi.KOLOSAL_FLOAT64
}

// denseMatrix checks that data holds exactly rows x cols values, so the library never reads
// past the slice; the shape itself (columns the model expects, ...) is the library's to check.
func denseMatrix[T Float](data []T, rows, cols int) (matrix, error) {
	if rows < 0 || cols < 0 {
		return matrix{}, invalidArgument(fmt.Sprintf("negative shape %d x %d", rows, cols))
	}
	if len(data) != rows*cols {
		return matrix{}, invalidArgument(fmt.Sprintf(
			"%d values cannot be %d rows x %d columns", len(data), rows, cols))
	}
	return matrix{data: firstElement(data), dtype: dtypeOf[T](), rows: int64(rows),
		cols: int64(cols)}, nil
}

// firstElement is &slice[0]. An empty slice still gets a valid address (never read), so the
// library sees rows == 0 or a zero capacity rather than a NULL pointer.
func firstElement[T any](slice []T) unsafe.Pointer {
	if len(slice) == 0 {
		return unsafe.Pointer(new(T))
	}
	return unsafe.Pointer(&slice[0])
}

// firstFloat32 is the output-buffer form of firstElement.
func firstFloat32(slice []float32) *float32 {
	if len(slice) == 0 {
		return new(float32)
	}
	return &slice[0]
}
