package servecmd

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dialin-project/dialin/internal/cmd/doctor"
	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

// runDoctor runs `dialin doctor --number testNumber --admin ADMIN` with its own streams
// (serve writes to e's) and returns its report; a failing check is expected, so the exit
// error is not.
func runDoctor(t *testing.T, e *cmdtest.Env, adminURL string) string {
	t.Helper()
	f := *e.Factory
	ios, _, out, _ := iostreams.Test()
	f.IOStreams = ios
	_ = cmdtest.Exec(doctor.NewCmdDoctor(&f, nil), "--number", testNumber, "--admin", adminURL)
	return out.String()
}

// TestDoctorComparesServesSecretWithTheRoute: doctor --admin passes while serve holds the
// route's hmac, and fails with the fix once the route's hmac changed on Daily and serve
// (which rereads the secrets every 5 minutes) still holds the old one; then, with
// DIALIN_WEBHOOK_SECRET set to another secret, it names the static secret. No secret is printed.
func TestDoctorComparesServesSecretWithTheRoute(t *testing.T) {
	t.Parallel()
	e := cmdtest.New(t, dailytest.WithoutRateLimit())
	secret, rotated, static := testSecret("route"), testSecret("rotated"), testSecret("static")
	routeTo(t, e, "127.0.0.1:9", secret)
	ready := filepath.Join(t.TempDir(), "serve.env")
	r1 := startServe(t, e, nil, "--addr", "127.0.0.1:0", "--ready-file", ready, "--bot-cmd", botCmd(t, ""))
	adminURL := readReadyFile(t, ready)[readyAdminURLVar]

	out := runDoctor(t, e, adminURL)
	if !strings.Contains(out, "✓ "+testNumber+" hmac: serve verifies with the route's hmac (route hmac, fingerprint ") {
		t.Fatalf("serve holds the route's hmac, doctor says:\n%s", out)
	}

	client := daily.New(e.Server.APIKey, daily.WithBaseURL(e.Server.URL))
	entry := daily.PinlessDialinEntry{PhoneNumber: testNumber, RoomCreationAPI: "http://127.0.0.1:9/dialin", HMAC: rotated}
	if _, err := client.SetPinlessDialin(context.Background(), []daily.PinlessDialinEntry{entry}); err != nil {
		t.Fatal(err)
	}
	out2 := runDoctor(t, e, adminURL)
	if !strings.Contains(out2, "✗ "+testNumber+" hmac: serve holds another secret for this number") ||
		!strings.Contains(out2, "fix: wait for serve's secret refresh") {
		t.Fatalf("serve holds the old hmac, doctor says:\n%s", out2)
	}

	ready2 := filepath.Join(t.TempDir(), "serve.env")
	r2 := startServe(t, e, map[string]string{"DIALIN_WEBHOOK_SECRET": static}, "--addr", "127.0.0.1:0", "--ready-file", ready2, "--bot-cmd", botCmd(t, ""))
	out3 := runDoctor(t, e, readReadyFile(t, ready2)[readyAdminURLVar])
	if !strings.Contains(out3, "✗ "+testNumber+" hmac: serve verifies with a static secret") {
		t.Fatalf("serve holds DIALIN_WEBHOOK_SECRET, doctor says:\n%s", out3)
	}
	noSecrets(t, out+out2+out3+r1.errOut.String()+r2.errOut.String(), secret, rotated, static)
}
