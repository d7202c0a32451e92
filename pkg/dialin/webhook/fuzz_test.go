package webhook

import (
	"testing"
	"time"
)

// FuzzDecodeAndVerify feeds arbitrary bodies and headers to the decoder and verifier: they must
// never panic, a body that verifies must be the one signed, and a decoded call has plain ids.
func FuzzDecodeAndVerify(f *testing.F) {
	f.Add([]byte(`{"To":"+1","From":"+2","callId":"a","callDomain":"b"}`), "1800000000", "sig")
	f.Add([]byte(`{"Test":"test"}`), "1800000000000", "")
	f.Add([]byte(`{"callId":"a","callDomain":"b","sipHeaders":{"k":1}}`), "-1", "x")
	now := time.Unix(1_800_000_000, 0)
	v := &Verifier{Secrets: map[string]string{"r": testSecret}, Now: func() time.Time { return now }}
	f.Fuzz(func(t *testing.T, body []byte, ts, sig string) {
		if c, test, err := DecodeCall(body); err == nil && !test {
			if checkID("callId", c.CallID) != nil || checkID("callDomain", c.CallDomain) != nil {
				t.Fatalf("decoded call with bad ids: %+v", c)
			}
		}
		if _, err := v.Verify(sig, ts, body); err == nil {
			want, _ := Sign(testSecret, ts, body)
			if want != sig {
				t.Fatalf("verified a signature that is not the body's")
			}
		}
		good, _ := Sign(testSecret, "1800000000", body)
		if _, err := v.Verify(good, "1800000000", body); err != nil {
			t.Fatalf("a correct signature failed: %v", err)
		}
	})
}
