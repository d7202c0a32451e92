package serve

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/daily"
)

// A route secret rotated after start-up (a route change without hmac) is picked up on the
// first signature that matches no known secret.
func TestRotatedSecretPickedUpOnMiss(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{deps: func(d *Deps) { d.MissRefresh = time.Millisecond }})
	ctx := context.Background()
	fresh := newSecret(t, "rotated")
	// (The route's URL points elsewhere so that Daily's verification POST does not refresh
	// the secrets first: the call itself must.)
	if _, err := h.client.SetPinlessDialin(ctx, []daily.PinlessDialinEntry{{PhoneNumber: testNumber, RoomCreationAPI: "http://127.0.0.1:1/dialin", HMAC: fresh}}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	code, r := h.post("/dialin", callBody("call-rot", testNumber, "+1", nil), fresh, "")
	if code != 200 || r.Status != "accepted" {
		t.Fatalf("call signed with the rotated secret: %d %+v", code, r)
	}
	// the old secret is gone from Daily, and so from serve
	time.Sleep(5 * time.Millisecond)
	if code, _ := h.post("/dialin", callBody("call-old", testNumber, "+1", nil), h.secret, ""); code != 401 {
		t.Fatalf("old secret still accepted: %d", code)
	}
}

// countingSource counts reads of a fixed set of secrets.
type countingSource struct {
	StaticSecrets
	reads atomic.Int32
}

func (c *countingSource) Secrets(ctx context.Context) (map[string]string, error) {
	c.reads.Add(1)
	return c.StaticSecrets.Secrets(ctx)
}

func TestMissRefreshIsRateLimited(t *testing.T) {
	t.Parallel()
	src := &countingSource{StaticSecrets: StaticSecrets{"override": newSecret(t, "s")}}
	h := newHarness(t, harnessOpts{noRoutes: true, deps: func(d *Deps) { d.Secrets = src; d.MissRefresh = time.Hour }})
	if src.reads.Load() != 1 {
		t.Fatalf("%d reads at start", src.reads.Load())
	}
	for range 10 {
		h.post("/dialin", callBody("c", testNumber, "+1", nil), newSecret(t, "wrong"), "")
	}
	if n := src.reads.Load(); n != 2 {
		t.Fatalf("%d reads after 10 misses, want 2 (start + one miss)", n)
	}
	// the override secret is what verifies
	if code, r := h.post("/dialin", callBody("c-ok", testNumber, "+1", nil), src.StaticSecrets["override"], ""); code != 200 || r.Status != "accepted" {
		t.Fatalf("override secret: %d %+v", code, r)
	}
}

func TestPeriodicRefresh(t *testing.T) {
	t.Parallel()
	src := &countingSource{StaticSecrets: StaticSecrets{"override": newSecret(t, "s")}}
	newHarness(t, harnessOpts{noRoutes: true, deps: func(d *Deps) { d.Secrets = src; d.SecretRefresh = 10 * time.Millisecond }})
	testkit.Eventually(t, "periodic reloads", func() bool { return src.reads.Load() >= 4 })
}

// Daily unreachable at start-up: Start reports it, serve is not ready, and it becomes ready
// (and takes calls) once a periodic reload works.
func TestStartWhileDailyFails(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOpts{noStart: true, noRoutes: true, deps: func(d *Deps) { d.SecretRefresh = 20 * time.Millisecond; d.MissRefresh = time.Hour }})
	h.routeElsewhere()
	h.emu.FailNext(503, 4) // every attempt of the first read (the client retries a GET)
	if err := h.srv.Start(context.Background()); err == nil || !strings.Contains(err.Error(), "reading the routes' secrets") {
		t.Fatalf("Start = %v", err)
	}
	if ok, why := h.srv.Ready(); ok || !strings.Contains(why, "no route secrets") {
		t.Fatalf("ready %v %q", ok, why)
	}
	testkit.Eventually(t, "ready after a reload", func() bool { ok, _ := h.srv.Ready(); return ok })
	if code, r := h.post("/dialin", callBody("after-outage", testNumber, "+1", nil), h.secret, ""); code != 200 || r.Status != "accepted" {
		t.Fatalf("%d %+v", code, r)
	}
}
