package doctor

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/dialin-project/dialin/internal/cmd/servecmd/escape"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/dialin/serve"
	"github.com/dialin-project/dialin/pkg/dialin/serve/admin"
	"github.com/dialin-project/dialin/pkg/dialin/webhook"
)

// checkHMAC asks serve's admin listener (--admin) for the fingerprint of the secret serve
// would verify n's webhooks with, and compares it with the fingerprint of the route's hmac
// on Daily: neither secret leaves its side. Without --admin the line says how to check it.
func (d *doctor) checkHMAC(ctx context.Context, n string, e *daily.PinlessDialinEntry) {
	name := n + " hmac"
	if d.o.Admin == "" {
		d.add(name, Skip, "not checked: pass --admin URL (serve's admin listener, such as http://"+admin.DefaultAddr+") to compare the secret serve holds with the route's hmac", "")
		return
	}
	if e.HMAC == "" {
		d.add(name, Fail, "the route has no hmac: Daily sends unsigned webhooks, which serve refuses", "dialin routes set --number "+n+" (a route without an hmac gets one)")
		return
	}
	ctx, cancel := context.WithTimeout(ctx, AnswerWithin)
	defer cancel()
	u := d.o.Admin + "/api/routes/" + url.PathEscape(n) + "/secret-fingerprint"
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if d.o.AdminToken != "" {
		req.Header.Set("Authorization", "Bearer "+d.o.AdminToken)
	}
	resp, err := d.http.Do(req)
	if err != nil {
		d.add(name, Fail, fmt.Sprintf("%s: no answer within %s: %v", u, AnswerWithin, unwrapURL(err)), "start serve with its admin listener (--admin-addr), or check --admin")
		return
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	var a admin.SecretAnswer
	if json.Unmarshal(b, &a) != nil || a.Source == "" {
		d.add(name, Fail, fmt.Sprintf("%s answered %d: %s", u, resp.StatusCode, escape.Printable(string(b), 200)),
			"check --admin: it is serve's admin listener (an older serve lacks this endpoint); from another host set "+admin.TokenEnv)
		return
	}
	want := webhook.SecretFingerprint(e.HMAC)
	switch {
	case a.Source == serve.SecretSourceOff:
		d.add(name, Fail, "serve does not verify signatures (--insecure-skip-verify)", "restart serve without --insecure-skip-verify")
	case a.Fingerprint == want:
		d.add(name, OK, "serve verifies with the route's hmac ("+a.Source+", fingerprint "+want+")", "")
	case a.Source == serve.SecretSourceNone:
		d.add(name, Fail, "serve holds no secret for this number: it refuses Daily's webhooks",
			"wait for serve's secret refresh, or restart serve; check serve reads the routes of this domain (its API key)")
	case a.Source == serve.SecretSourceStatic:
		d.add(name, Fail, "serve verifies with a static secret (fingerprint "+a.Fingerprint+") that is not the route's hmac (fingerprint "+want+")",
			"set DIALIN_WEBHOOK_SECRET (or --webhook-secret-file) to the route's hmac, or unset it so serve reads the routes' hmacs; then restart serve")
	default:
		d.add(name, Fail, "serve holds another secret for this number (fingerprint "+a.Fingerprint+", the route's is "+want+")",
			"wait for serve's secret refresh (it rereads the routes every few minutes), or restart serve")
	}
}
