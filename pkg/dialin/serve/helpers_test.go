package serve

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/dialin-project/dialin/internal/testkit"
)

// recorder is a Sink that keeps every event.
type recorder struct {
	mu     sync.Mutex
	events []Event
}

func newRecorder() *recorder { return &recorder{} }

func (r *recorder) Emit(e Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

// of returns the events of kind (for callID, unless it is "").
func (r *recorder) of(kind EventKind, callID string) []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Event
	for _, e := range r.events {
		if e.Kind == kind && (callID == "" || e.CallID == callID) {
			out = append(out, e)
		}
	}
	return out
}

func (r *recorder) kinds(callID string) []EventKind {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []EventKind
	for _, e := range r.events {
		if e.CallID == callID {
			out = append(out, e.Kind)
		}
	}
	return out
}

// quiesce shuts the engine down and waits: every webhook it took has then reached its bot,
// and nothing more can start. It is the barrier after which a test counts what did not
// happen, instead of sleeping and hoping.
func (h *harness) quiesce() {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := h.srv.Shutdown(ctx); err != nil {
		h.t.Fatalf("shutdown: %v", err)
	}
}

func (h *harness) waitEvent(kind EventKind, callID string) Event {
	h.t.Helper()
	var got []Event
	testkit.Eventually(h.t, fmt.Sprintf("event %s of %q", kind, callID), func() bool {
		got = h.events.of(kind, callID)
		return len(got) > 0
	})
	return got[0]
}

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer = testkit.SyncBuffer

// metric reads one sample of the registry, by name and label values in order.
func (h *harness) metric(name string, labels ...string) float64 {
	h.t.Helper()
	families, err := h.metrics.Registry().Gather()
	if err != nil {
		h.t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			match := len(m.GetLabel()) == len(labels)
			for i, l := range m.GetLabel() {
				match = match && l.GetValue() == labels[i]
			}
			if !match {
				continue
			}
			switch {
			case m.Counter != nil:
				return m.Counter.GetValue()
			case m.Gauge != nil:
				return m.Gauge.GetValue()
			case m.Histogram != nil:
				return float64(m.Histogram.GetSampleCount())
			}
		}
	}
	return 0
}
