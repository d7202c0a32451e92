package serve

import (
	"strings"
	"testing"

	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
)

// TestPatchServeWithoutSubscriptionNamesTheCommand: with patch: serve and no /webhooks
// subscription, serve is not ready, and says which command makes it so, with its events path.
func TestPatchServeWithoutSubscriptionNamesTheCommand(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{cfg: &serveconfig.Config{Patch: serveconfig.PatchServe, EventsPath: "/daily-events"}})
	ok, why := h.srv.Ready()
	if ok || !strings.Contains(why, "run `dialin webhooks create --url https://<public host>/daily-events`, or give --events-secret-file") {
		t.Fatalf("ready %v: %s", ok, why)
	}
}
