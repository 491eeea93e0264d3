package kolosal

import "sync"

// handle guards a C handle: calls hold the read lock while they use it, so Close (which
// takes the write lock) waits for them and no call ever sees a freed handle.
type handle struct {
	mu   sync.RWMutex
	ptr  uintptr
	kind string
}

// acquire returns the C handle with the read lock held (undo with release), or an error once
// the handle is closed.
func (h *handle) acquire() (uintptr, error) {
	h.mu.RLock()
	if h.ptr == 0 {
		h.mu.RUnlock()
		return 0, &Error{Code: StatusFailedPrecondition, Message: h.kind + " is closed"}
	}
	return h.ptr, nil
}

func (h *handle) release() { h.mu.RUnlock() }

// close frees the handle once; later calls do nothing.
func (h *handle) close(free func(uintptr)) {
	h.mu.Lock()
	ptr := h.ptr
	h.ptr = 0
	h.mu.Unlock()
	if ptr != 0 {
		free(ptr)
	}
}
