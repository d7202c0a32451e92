package webhookcmd

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/internal/iostreams"
)

var (
	secretBytes = []byte("0123456789abcdef0123456789abcdef")
	secret      = base64.StdEncoding.EncodeToString(secretBytes)
	body        = "{\"To\":\"+14155550100\",\"From\":\"+15550001111\",\"callId\":\"c1\",\"callDomain\":\"d1\"}\n"
	now         = time.Unix(1_700_000_000, 0)
)

// expected computes Daily's signature independently of the code under test.
func expected(ts, body string) string {
	m := hmac.New(sha256.New, secretBytes)
	m.Write([]byte(ts + "." + body))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

type world struct {
	dir             string
	in, out, errOut *bytes.Buffer
	f               *cmdutil.Factory
	env             map[string]string
}

func newWorld(t *testing.T) *world {
	ios, in, out, errOut := iostreams.Test()
	w := &world{dir: t.TempDir(), in: in, out: out, errOut: errOut, env: map[string]string{},
		f: &cmdutil.Factory{IOStreams: ios, Now: func() time.Time { return now }}}
	w.write(t, "secret", secret+"\n")
	w.write(t, "body.json", body)
	return w
}

func (w *world) write(t *testing.T, name, content string) string {
	p := filepath.Join(w.dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func (w *world) path(name string) string { return filepath.Join(w.dir, name) }

// run executes sign or verify with the world's environment.
func (w *world) run(verb string, args ...string) error {
	w.out.Reset()
	w.errOut.Reset()
	var cmd *cobra.Command
	if verb == "sign" {
		cmd = NewCmdSign(w.f, func(o *SignOptions) error { o.Getenv = w.getenv; return signRun(o) })
	} else {
		cmd = NewCmdVerify(w.f, func(o *VerifyOptions) error { o.Getenv = w.getenv; return verifyRun(o) })
	}
	return cmdtest.Exec(cmd, args...)
}

func (w *world) getenv(k string) string { return w.env[k] }

func TestSign(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	if err := w.run("sign", "--secret-file", w.path("secret"), w.path("body.json")); err != nil {
		t.Fatal(err)
	}
	want := "X-Pinless-Timestamp: 1700000000\nX-Pinless-Signature: " + expected("1700000000", body) + "\n"
	if w.out.String() != want {
		t.Fatalf("got %q, want %q", w.out, want)
	}

	// The body from stdin, an explicit millisecond timestamp, event headers, JSON.
	w.in.WriteString(body)
	if err := w.run("sign", "--secret-file", w.path("secret"), "--timestamp", "1700000000123", "--event", "--json"); err != nil {
		t.Fatal(err)
	}
	var got Signed
	if err := json.Unmarshal(w.out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	sig := expected("1700000000123", body)
	if got.Timestamp != "1700000000123" || got.Signature != sig || got.Headers["X-Webhook-Signature"] != sig {
		t.Fatalf("%+v", got)
	}

	// The secret from DIALIN_WEBHOOK_SECRET; never printed.
	w.env["DIALIN_WEBHOOK_SECRET"] = secret
	if err := w.run("sign", w.path("body.json")); err != nil || !strings.Contains(w.out.String(), expected("1700000000", body)) {
		t.Fatalf("%v %s", err, w.out)
	}
	if strings.Contains(w.out.String()+w.errOut.String(), secret) {
		t.Fatal("the secret was printed")
	}
}

func TestSignBadInput(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.write(t, "notbase64", "not base64!\n")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{w.path("body.json")}, "--secret-file: required (or set DIALIN_WEBHOOK_SECRET)"},
		{[]string{"--secret-file", "-"}, "--secret-file: stdin (-) already carries the body; give the body as BODY-FILE"},
		{[]string{"--secret-file", w.path("notbase64"), w.path("body.json")}, "--secret-file: not a base64 secret"},
		{[]string{"--secret-file", w.path("nothere"), w.path("body.json")}, "--secret-file: open "},
		{[]string{"--secret-file", w.path("secret"), w.path("nothere")}, "BODY-FILE: open "},
		{[]string{"--secret-file", w.path("secret"), "--timestamp", "yesterday", w.path("body.json")}, "--timestamp: must be Unix seconds or milliseconds"},
		{[]string{"--secret-file", w.path("secret"), "a", "b"}, ""},
	} {
		err := w.run("sign", tt.args...)
		var fe *cmdutil.FlagError
		if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%v: err = %v, want usage error %q", tt.args, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "not base64!") {
			t.Errorf("the secret file's content is in the error: %v", err)
		}
	}
}

func TestVerify(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ts := "1700000000"
	sig := expected(ts, body)
	if err := w.run("verify", "--secret-file", w.path("secret"), "--signature", sig, "--timestamp", ts, w.path("body.json")); err != nil || w.out.String() != "valid\n" {
		t.Fatalf("valid: %v %q", err, w.out)
	}
	// The secret on stdin, the body from a file; a timestamp in milliseconds.
	w.in.WriteString(secret)
	if err := w.run("verify", "--secret-file", "-", "--signature", expected(ts+"000", body), "--timestamp", ts+"000", w.path("body.json")); err != nil {
		t.Fatalf("ms: %v %q", err, w.out)
	}

	tampered := w.write(t, "tampered.json", strings.Replace(body, "+15550001111", "+15550009999", 1))
	old := strconv.FormatInt(now.Add(-10*time.Minute).Unix(), 10)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--signature", sig, "--timestamp", ts, tampered}, "invalid: mismatch: signature does not match\n"},
		{[]string{"--signature", sig, "--timestamp", "1700000001", w.path("body.json")}, "invalid: mismatch: signature does not match\n"},
		{[]string{"--signature", expected(old, body), "--timestamp", old, w.path("body.json")}, "invalid: stale: timestamp outside the accepted window\n"},
		{[]string{"--timestamp", ts, w.path("body.json")}, "invalid: missing: --signature and --timestamp are both needed\n"},
		{[]string{"--signature", sig, "--timestamp", "soon", w.path("body.json")}, "invalid: bad_timestamp: timestamp is not a number\n"},
	} {
		err := w.run("verify", append([]string{"--secret-file", w.path("secret")}, tt.args...)...)
		if !errors.Is(err, cmdutil.ErrSilent) || w.out.String() != tt.want {
			t.Errorf("%v: err = %v, out %q, want exit 1 and %q", tt.args, err, w.out, tt.want)
		}
		if w.errOut.Len() != 0 {
			t.Errorf("%v: stderr %q, want no hint", tt.args, w.errOut)
		}
	}
	// Only a mismatch whose signature looks like a hex digest gets the hex hint, on stderr.
	m := hmac.New(sha256.New, secretBytes)
	m.Write([]byte(ts + "." + body))
	hexSig := hex.EncodeToString(m.Sum(nil))
	for _, args := range [][]string{{}, {"--json"}} {
		err := w.run("verify", append([]string{"--secret-file", w.path("secret"), "--signature", hexSig, "--timestamp", ts, w.path("body.json")}, args...)...)
		if !errors.Is(err, cmdutil.ErrSilent) || !strings.Contains(w.out.String(), "mismatch") {
			t.Fatalf("hex %v: err = %v, out %q", args, err, w.out)
		}
		if want := "hint: Daily signs with base64 of the HMAC-SHA256, not hex (see docs/troubleshooting.md)\n"; w.errOut.String() != want {
			t.Fatalf("hex %v: stderr %q, want %q", args, w.errOut, want)
		}
	}
	// 64 characters that are not hex: no hint.
	if err := w.run("verify", "--secret-file", w.path("secret"), "--signature", strings.Repeat("z", 64), "--timestamp", ts, w.path("body.json")); !errors.Is(err, cmdutil.ErrSilent) || w.errOut.Len() != 0 {
		t.Fatalf("non-hex: err = %v, stderr %q", err, w.errOut)
	}
	// A wider window accepts the old timestamp; --json gives the verdict as data.
	if err := w.run("verify", "--secret-file", w.path("secret"), "--signature", expected(old, body), "--timestamp", old, "--window", "1h", "--json", w.path("body.json")); err != nil {
		t.Fatalf("window: %v", err)
	}
	var v Verdict
	if err := json.Unmarshal(w.out.Bytes(), &v); err != nil || !v.Valid {
		t.Fatalf("%v %+v", err, v)
	}
	if err := w.run("verify", "--secret-file", w.path("secret"), "--window", "0s", w.path("body.json")); err == nil || !strings.HasPrefix(err.Error(), "--window: ") {
		t.Fatalf("--window 0s: %v", err)
	}
}
