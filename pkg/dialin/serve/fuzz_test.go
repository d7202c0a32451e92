package serve

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
	"github.com/dialin-project/dialin/pkg/dialin/webhook"
)

// FuzzWebhookHandler drives the whole webhook path (size limit, signature, decoding, test
// bodies, rule matching, claims) with arbitrary bodies and headers. Properly signed inputs
// reach the decoder and the call store; calls match no rule, so nothing reaches Daily. The
// handler must never panic, always answer one JSON reply with a known status, never accept
// an unsigned request, and answer a repeat like the first.
func FuzzWebhookHandler(f *testing.F) {
	emu := dailytest.New(f)
	secret := "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMw=="
	cfg := &serveconfig.Config{MaxBodyBytes: 4096, Rules: []rules.Rule{{Name: "never", Match: rules.Matcher{To: []string{"\x00never\x00"}}, Bot: rules.Bot{URL: "http://127.0.0.1:1/"}}}}
	srv, err := New(cfg, Deps{Client: daily.New(emu.APIKey, daily.WithBaseURL(emu.URL)), Secrets: StaticSecrets{"s": secret}, EventSecrets: StaticSecrets{"e": secret}})
	if err != nil {
		f.Fatal(err)
	}
	if err := srv.routes.load(f.Context()); err != nil {
		f.Fatal(err)
	}
	h := srv.Handler()
	for _, seed := range []string{
		`{"To":"+14155550100","From":"+1555","callId":"a-1","callDomain":"d-1"}`,
		`{"To":"+1","From":"+2","callId":"a-2","callDomain":"d","sipHeaders":{"X-A":"b","n":5}}`,
		`{"Test":"test"}`, `{"test":"test"}`, `{"To":"+14155550100"}`, `[]`, `null`, `{"callId":null}`,
		`{"callId":"x","callDomain":"y"}{}`, `{"callId":"` + string(bytes.Repeat([]byte("a"), 200)) + `","callDomain":"y"}`,
	} {
		f.Add([]byte(seed), true, "", "")
		f.Add([]byte(seed), false, "AAAA", strconv.FormatInt(time.Now().Unix(), 10))
	}
	f.Fuzz(func(t *testing.T, body []byte, sign bool, sig, ts string) {
		post := func() (int, reply) {
			req := httptest.NewRequest(http.MethodPost, "/dialin", bytes.NewReader(body))
			if sign {
				ts = strconv.FormatInt(time.Now().Unix(), 10)
				sig, _ = webhook.Sign(secret, ts, body)
			}
			req.Header.Set(webhook.PinlessSignatureHeader, sig)
			req.Header.Set(webhook.PinlessTimestampHeader, ts)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			var r reply
			if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
				t.Fatalf("answer %d is not one JSON reply: %q", rec.Code, rec.Body.String())
			}
			return rec.Code, r
		}
		code, r := post()
		switch {
		case code == 200 && (r.Status == "test" || r.Status == "refused"):
		case code == 400 || code == 401 || code == 413:
			if r.Status != "rejected" || r.Reason == "" {
				t.Fatalf("%d with %+v", code, r)
			}
		default:
			t.Fatalf("unexpected answer %d %+v", code, r)
		}
		if !sign && r.Status == "refused" {
			t.Fatalf("an unsigned request reached rule matching: %+v", r)
		}
		if r.Status == "refused" {
			if code2, r2 := post(); code2 != code || r2 != r {
				t.Fatalf("repeat answered %d %+v, first %d %+v", code2, r2, code, r)
			}
		}
	})
}
