package dailytest

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/testkit"
)

// received is one request a test webhook server got.
type received struct {
	body   []byte
	header http.Header
}

// webhookReceiver is a loopback server that records requests and answers status.
func webhookReceiver(t *testing.T, status int) (*httptest.Server, func() []received) {
	t.Helper()
	var mu sync.Mutex
	var got []received
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, received{body: body, header: r.Header.Clone()})
		mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []received {
		mu.Lock()
		defer mu.Unlock()
		return append([]received(nil), got...)
	}
}

// checkSignature verifies Daily's construction independently of the emulator's code.
func checkSignature(t *testing.T, secret, ts string, body []byte, sig string) {
	t.Helper()
	key, err := base64.StdEncoding.DecodeString(secret)
	if err != nil {
		t.Fatal(err)
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(ts + "." + string(body)))
	if want := base64.StdEncoding.EncodeToString(m.Sum(nil)); sig != want {
		t.Fatalf("signature %q, want %q", sig, want)
	}
}

func TestPinlessVerificationIsSignedAndSentToLoopback(t *testing.T) {
	t.Parallel()
	s, clock := newTest(t)
	srv, got := webhookReceiver(t, http.StatusOK)
	num := buy(t, s, 1)[0]
	secret := base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))
	setRoutes(t, s,
		map[string]any{"phone_number": num, "room_creation_api": srv.URL + "/dialin", "hmac": secret},
		map[string]any{"name_prefix": "far", "room_creation_api": "https://example.com/dialin"})
	testkit.Eventually(t, "the verification POST", func() bool { return len(got()) == 1 })
	req := got()[0]
	if string(req.body) != `{"Test":"test","To":"`+num+`"}` {
		t.Fatalf("body %s", req.body)
	}
	ts := req.header.Get("X-Pinless-Timestamp")
	if ts != "1772366400" || clock.Now().Unix() != 1772366400 {
		t.Fatalf("timestamp %q, want Unix seconds of the server clock", ts)
	}
	checkSignature(t, secret, ts, req.body, req.header.Get("X-Pinless-Signature"))

	testkit.Eventually(t, "two recorded deliveries", func() bool { return len(s.Deliveries()) == 2 })
	var skipped, sent int
	for _, d := range s.Deliveries() {
		switch {
		case d.Skipped && d.URL == "https://example.com/dialin" && d.Status == 0:
			skipped++
		case !d.Skipped && d.Status == 200 && d.Kind == "pinless-verification":
			sent++
		}
	}
	if skipped != 1 || sent != 1 {
		t.Fatalf("deliveries %+v", s.Deliveries())
	}
}

func TestVerificationFailureDoesNotBlockTheWrite(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t)
	srv, got := webhookReceiver(t, http.StatusInternalServerError)
	num := buy(t, s, 1)[0]
	if n := len(setRoutes(t, s, map[string]any{"phone_number": num, "room_creation_api": srv.URL})); n != 1 {
		t.Fatalf("write not saved: %d entries", n)
	}
	testkit.Eventually(t, "the verification POST", func() bool { return len(got()) == 1 })
}

func TestLoopbackDetection(t *testing.T) {
	t.Parallel()
	for host, want := range map[string]bool{
		"localhost": true, "LOCALHOST.": true, "127.0.0.1": true, "127.8.9.10": true, "::1": true,
		"example.com": false, "10.0.0.1": false, "192.0.2.1": false, "localhost.example.com": false, "": false,
	} {
		if got := isLoopbackHost(host); got != want {
			t.Errorf("isLoopbackHost(%q) = %v", host, got)
		}
	}
}

func TestOutboundClientRefusesNonLoopbackAddresses(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := s.post(ctx, "http://192.0.2.1:9/x", []byte("{}"), nil, time.Second)
	if err == nil || !strings.Contains(err.Error(), "loopback addresses only") {
		t.Fatalf("err = %v", err)
	}
}

func TestOutboundClientDoesNotFollowRedirects(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t)
	srv := httptest.NewServer(http.RedirectHandler("http://192.0.2.1/elsewhere", http.StatusTemporaryRedirect))
	defer srv.Close()
	status, err := s.post(context.Background(), srv.URL, []byte("{}"), nil, time.Second)
	if err != nil || status != http.StatusTemporaryRedirect {
		t.Fatalf("status %d err %v", status, err)
	}
}
