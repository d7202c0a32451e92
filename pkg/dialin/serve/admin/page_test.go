package admin

import (
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/pkg/dialin/serve/history"
)

// TestCallRowEscapesCallerValues: a caller's From, To and reasons are the caller's data; the
// page shows them as text, never as markup; a failed step is marked in words, not only in
// colour; bars stay within the hold time.
func TestCallRowEscapesCallerValues(t *testing.T) {
	t.Parallel()
	c := history.Call{CallID: "c1", From: `<script>alert(1)</script>`, To: `"><img src=x onerror=alert(2)>`, ReceivedAt: time.Now(),
		Outcome: history.Failed, FailedStep: "bot_started", Reason: "starting the bot: <b>boom</b>", HoldMs: 300,
		Steps: []history.Step{{Kind: "received"}, {Kind: "admitted", SinceMs: 100}, {Kind: "failed", SinceMs: 300, Detail: "<i>x</i>"}}}
	var b strings.Builder
	if err := pageTmpl.ExecuteTemplate(&b, "call", viewOf(c)); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, bad := range []string{"<script>", "<img", "<b>", "<i>"} {
		if strings.Contains(out, bad) {
			t.Fatalf("%s reached the page as markup:\n%s", bad, out)
		}
	}
	for _, want := range []string{"&lt;script&gt;", "✗ failed at bot_started:", `class="step failed" data-kind="failed"`, "✗ failed</span>",
		"margin-left:33.3%;width:66.7%"} {
		if !strings.Contains(out, want) {
			t.Errorf("row lacks %q:\n%s", want, out)
		}
	}
}
