package tunnel

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"
)

const fakeToken = "2abcDEFsecretNGROKtoken_0123456789"

func TestNgrokTokenComesFromTheEnvironment(t *testing.T) {
	t.Parallel()
	env := map[string]string{EnvNgrokAuthtoken: "  " + fakeToken + "\n"}
	n, err := NgrokFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if n.Authtoken != fakeToken {
		t.Fatalf("authtoken %q, want it trimmed", n.Authtoken)
	}
	_, err = NgrokFromEnv(func(string) string { return "" })
	if err == nil || !strings.Contains(err.Error(), "NGROK_AUTHTOKEN is not set") || !strings.Contains(err.Error(), "--public-url") {
		t.Fatalf("no token: got %v, want the variable and the alternative named", err)
	}
	if _, err := (&Ngrok{}).Open(context.Background(), "http://127.0.0.1:1"); err == nil {
		t.Fatal("Open without a token succeeded")
	}
}

// TestNgrokFailureNeverShowsTheToken: the agent connects to a loopback server that hangs up
// on it (nothing leaves the machine) and keeps retrying; once it has been hung up on, the
// caller gives up; Open fails, and its error does not carry the token.
func TestNgrokFailureNeverShowsTheToken(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	accepted := make(chan struct{}, 16)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
			select {
			case accepted <- struct{}{}:
			default:
			}
			cancel() // reached: stop waiting for a retry to succeed
		}
	}()
	n := &Ngrok{Authtoken: fakeToken, connectURL: ln.Addr().String()}
	tun, err := n.Open(ctx, "http://127.0.0.1:1")
	if err == nil {
		tun.Close()
		t.Fatal("Open succeeded against a server that hangs up")
	}
	select {
	case <-accepted:
	default:
		t.Fatalf("the agent never reached the loopback server: %v", err)
	}
	if strings.Contains(err.Error(), fakeToken) {
		t.Fatalf("the error shows the token: %v", err)
	}
	if !strings.HasPrefix(err.Error(), "ngrok: ") {
		t.Fatalf("error %q does not say it is ngrok's", err)
	}
}

func TestScrubCutsTheToken(t *testing.T) {
	t.Parallel()
	n := &Ngrok{Authtoken: fakeToken}
	got := n.scrub(errString("authentication failed for token " + fakeToken + " (ERR_NGROK_105)"))
	if strings.Contains(got.Error(), fakeToken) || !strings.Contains(got.Error(), "[redacted] (ERR_NGROK_105)") {
		t.Fatalf("scrubbed: %q", got)
	}
}

type errString string

func (e errString) Error() string { return string(e) }
