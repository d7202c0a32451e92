package launch_test

import (
	"context"
	"errors"
	"net/http"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/pkg/dialin/serve/launch"
)

// Forward passes Daily's webhook, body and signature headers unchanged, to the runner's own
// /daily-dialin-webhook, which connects the call.
func TestForwardToTheRunnersDialinWebhookConnects(t *testing.T) {
	t.Parallel()
	c := newCalls(t)
	_, _, url := runner(t, c.s)
	signatures := make(chan string, 1)
	_, frontURL := serveCounted(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		signatures <- r.Header.Get("X-Pinless-Signature") + " " + r.Header.Get("X-Pinless-Timestamp")
		http.Redirect(w, r, url+"/daily-dialin-webhook", http.StatusTemporaryRedirect)
	}))
	// The redirect is not followed (a forward never follows one): first prove that, then
	// forward to the runner itself.
	f, err := launch.NewForward(launch.ForwardConfig{URL: frontURL, Backoff: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	call := c.place(t)
	var se *launch.StatusError
	if _, err := f.Start(context.Background(), call); !errors.As(err, &se) || se.Status != http.StatusTemporaryRedirect {
		t.Fatalf("redirect: %v", err)
	}
	if got, want := <-signatures, call.Header.Get("X-Pinless-Signature")+" "+call.Header.Get("X-Pinless-Timestamp"); got != want || strings.TrimSpace(got) == "" {
		t.Fatalf("forwarded headers %q, want Daily's %q", got, want)
	}
	f, err = launch.NewForward(launch.ForwardConfig{URL: url + "/daily-dialin-webhook"})
	if err != nil {
		t.Fatal(err)
	}
	started, err := f.Start(context.Background(), call)
	if err != nil {
		t.Fatal(err)
	}
	rec := c.wait(t, call.CallID, "connected", "lost", "dropped")
	if rec.State != "connected" || rec.Room != path.Base(started.Room) || started.Status != 200 {
		t.Fatalf("call %s in %q; started %+v", rec.State, rec.Room, started)
	}
}

func TestNewForwardRefusesPlainHTTPBeyondLoopback(t *testing.T) {
	t.Parallel()
	if _, err := launch.NewForward(launch.ForwardConfig{URL: "http://hooks.example.com/dialin"}); err == nil ||
		!strings.Contains(err.Error(), "plain http is allowed only to a loopback host") {
		t.Fatalf("NewForward = %v", err)
	}
	if _, err := launch.NewForward(launch.ForwardConfig{URL: "https://api.pipecat.daily.co/v1/public/webhooks/org/agent/dialin"}); err != nil {
		t.Fatal(err)
	}
}
