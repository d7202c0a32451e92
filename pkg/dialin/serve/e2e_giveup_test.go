package serve

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
)

// A Shutdown that gives up has named every call it drops by the time it returns (a forced
// stop exits right after): a call waiting for a slot is refused with its event, and a call
// whose bot started but whose patch (patch: serve) never came is reported as dropped.
func TestShutdownGivingUpNamesEveryDroppedCall(t *testing.T) {
	cfg := &serveconfig.Config{Patch: serveconfig.PatchServe, Caps: serveconfig.Caps{Global: 1, QueueTimeout: time.Minute}}
	h := newHarness(t, harnessOpts{cfg: cfg, botEnv: []string{"SERVE_TESTBOT_SLEEP=30s"}})
	h.post("/dialin", callBody("wait-patch", testNumber, "+1", nil), h.secret, "")
	h.waitEvent(EventBotStarted, "wait-patch")
	h.post("/dialin", callBody("wait-slot", testNumber, "+1", nil), h.secret, "")
	h.waitEvent(EventQueued, "wait-slot")
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := h.srv.Shutdown(ctx); err != context.DeadlineExceeded {
		t.Fatalf("Shutdown = %v, want the deadline", err)
	}
	// Read the moment Shutdown returns, not eventually.
	if es := h.events.of(EventRefused, "wait-slot"); len(es) != 1 || es[0].Reason != "serve is shutting down" {
		t.Errorf("the queued call's refusal when Shutdown returned: %+v", es)
	}
	if es := h.events.of(EventFailed, "wait-patch"); len(es) != 1 || !strings.HasPrefix(es[0].Reason, "dropped: serve stopped before patching") {
		t.Errorf("the unpatched call when Shutdown returned: %+v", es)
	}
}
