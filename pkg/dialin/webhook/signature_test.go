package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"testing"
	"time"
)

const testSecret = "c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seS0xMjM0NTY=" // base64 of a test-only key

// referenceSign is the reference's Go snippet (§8.2), kept separate from Sign on purpose.
func referenceSign(secretB64, ts string, body []byte) string {
	key, _ := base64.StdEncoding.DecodeString(secretB64)
	m := hmac.New(sha256.New, key)
	m.Write([]byte(ts + "." + string(body)))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func TestSignMatchesReferenceConstruction(t *testing.T) {
	t.Parallel()
	body := []byte(`{"To":"+14155550100","From":"+14155550199","callId":"a","callDomain":"b"}`)
	got, err := Sign(testSecret, "1724166735", body)
	if err != nil {
		t.Fatal(err)
	}
	if want := referenceSign(testSecret, "1724166735", body); got != want {
		t.Fatalf("Sign = %q, want %q", got, want)
	}
}

func TestVerify(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	body := []byte(`{"callId":"x","callDomain":"y"}`)
	sec := strconv.FormatInt(now.Unix(), 10)
	ms := strconv.FormatInt(now.UnixMilli(), 10)
	other := base64.StdEncoding.EncodeToString([]byte("another-route-secret"))
	v := &Verifier{Secrets: map[string]string{"+14155550100": testSecret, "+14155550101": other}, Now: func() time.Time { return now }}
	cases := []struct {
		name    string
		sig, ts string
		body    []byte
		want    string
		wantErr error
	}{
		{"seconds", referenceSign(testSecret, sec, body), sec, body, "+14155550100", nil},
		{"milliseconds", referenceSign(testSecret, ms, body), ms, body, "+14155550100", nil},
		{"second route", referenceSign(other, sec, body), sec, body, "+14155550101", nil},
		{"missing signature", "", sec, body, "", ErrMissingHeaders},
		{"missing timestamp", referenceSign(testSecret, sec, body), "", body, "", ErrMissingHeaders},
		{"tampered body", referenceSign(testSecret, sec, body), sec, append([]byte(" "), body...), "", ErrBadSignature},
		{"timestamp not signed one", referenceSign(testSecret, sec, body), strconv.FormatInt(now.Unix()+1, 10), body, "", ErrBadSignature},
		{"old", referenceSign(testSecret, "1700000000", body), "1700000000", body, "", ErrStale},
		{"future", referenceSign(testSecret, "1800000900", body), "1800000900", body, "", ErrStale},
		{"garbage timestamp", "x", "soon", body, "", ErrBadTimestamp},
		{"hex digest is not accepted", "deadbeef", sec, body, "", ErrBadSignature},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := v.Verify(c.sig, c.ts, c.body)
			if !errors.Is(err, c.wantErr) || got != c.want {
				t.Fatalf("Verify = %q, %v; want %q, %v", got, err, c.want, c.wantErr)
			}
		})
	}
}

func TestVerifyRequestReadsEitherHeaderPair(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	body := []byte(`{"type":"dialin.ready"}`)
	h, err := SignHeaders(testSecret, now, body)
	if err != nil {
		t.Fatal(err)
	}
	v := &Verifier{Secrets: map[string]string{"r": testSecret}, Now: func() time.Time { return now }}
	if _, err := v.VerifyRequest(h, body); err != nil {
		t.Fatalf("pinless headers: %v", err)
	}
	h.Set(EventSignatureHeader, h.Get(PinlessSignatureHeader))
	h.Set(EventTimestampHeader, h.Get(PinlessTimestampHeader))
	h.Del(PinlessSignatureHeader)
	h.Del(PinlessTimestampHeader)
	if _, err := v.VerifyRequest(h, body); err != nil {
		t.Fatalf("event headers: %v", err)
	}
}

func TestSignRejectsBadSecret(t *testing.T) {
	t.Parallel()
	if _, err := Sign("not base64!", "1", nil); !errors.Is(err, ErrBadSecret) {
		t.Fatalf("err = %v, want ErrBadSecret", err)
	}
	if ValidSecret("") || ValidSecret("%%%") || !ValidSecret(testSecret) {
		t.Fatal("ValidSecret misjudged")
	}
}
