package dailytest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeServe stands in for dialin serve: it checks the dial-in webhook's signature on its own,
// answers 200 and then, like a bot, creates a room and a token, reports bot_started, joins,
// waits for ready and patches the call, all over raw HTTP.
type fakeServe struct {
	s       *Server
	mu      sync.Mutex
	hooks   []received
	botErrs chan error
}

func (f *fakeServe) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var in struct {
		CallID, CallDomain string
		Test               string
	}
	_ = json.Unmarshal(body, &in)
	ts, sig := r.Header.Get("X-Pinless-Timestamp"), r.Header.Get("X-Pinless-Signature")
	if !validSignature(testRouteSecret, ts, body, sig) {
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	w.WriteHeader(http.StatusOK)
	if in.Test != "" {
		return
	}
	f.mu.Lock()
	f.hooks = append(f.hooks, received{body: body, header: r.Header.Clone()})
	f.mu.Unlock()
	go func() { f.botErrs <- f.bot(in.CallID, in.CallDomain) }()
}

// bot runs the bot's side of a call; it waits until the emulator has recorded the webhook's
// answer so that the timeline's order is the canonical one.
func (f *fakeServe) bot(callID, domain string) error {
	base := strings.TrimSuffix(f.s.URL, "/v1")
	deadline := time.Now().Add(5 * time.Second)
	for rec, _ := f.s.Call(callID); ; rec, _ = f.s.Call(callID) {
		if _, ok := rec.At("webhook_answered"); ok {
			break
		}
		if time.Now().After(deadline) {
			return errors.New("webhook_answered never recorded")
		}
		time.Sleep(2 * time.Millisecond)
	}
	room := "call-" + callID[:8]
	key := "Bearer " + f.s.APIKey
	steps := []struct {
		method, url, auth string
		body              any
	}{
		{"POST", f.s.URL + "/rooms", key, map[string]any{"name": room, "properties": map[string]any{
			"sip": map[string]any{"display_name": "Caller", "sip_mode": "dial-in", "num_endpoints": 1}}}},
		{"POST", f.s.URL + "/meeting-tokens", key, map[string]any{"properties": map[string]any{"room_name": room}}},
		{"POST", base + "/_emulator/calls/" + callID + "/mark", key, map[string]any{"name": "bot_started"}},
		{"POST", base + "/_emulator/rooms/" + room + "/join", "", nil},
		{"GET", base + "/_emulator/rooms/" + room + "/ready?wait=5s", "", nil},
		{"POST", f.s.URL + "/dialin/pinlessCallUpdate", key, nil},
	}
	var token, endpoint string
	for i, st := range steps {
		if st.auth == "" {
			st.auth = "Bearer " + token
		}
		if i == len(steps)-1 {
			st.body = map[string]any{"callId": callID, "callDomain": domain, "sipUri": endpoint}
		}
		res, err := rawCall(st.method, st.url, st.auth, st.body)
		if err != nil || res.status != http.StatusOK {
			return fmt.Errorf("%s %s: %v %d %s", st.method, st.url, err, res.status, res.body)
		}
		var out struct {
			Token string   `json:"token"`
			Ready []string `json:"ready"`
		}
		_ = json.Unmarshal(res.body, &out)
		if out.Token != "" {
			token = out.Token
		}
		if len(out.Ready) > 0 {
			endpoint = out.Ready[0]
		}
	}
	return nil
}

// rawCall is send without a *testing.T, for goroutines.
func rawCall(method, url, auth string, body any) (apiResult, error) {
	var rd io.Reader
	if body != nil {
		data, _ := json.Marshal(body)
		rd = strings.NewReader(string(data))
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return apiResult{}, err
	}
	req.Header.Set("Authorization", auth)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return apiResult{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return apiResult{status: resp.StatusCode, body: data}, err
}

func TestGoodCallTimeline(t *testing.T) {
	t.Parallel()
	s := New(t, WithoutRateLimit(), WithReadyDelay(20*time.Millisecond))
	f := &fakeServe{s: s, botErrs: make(chan error, 1)}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	num := routeTo(t, s, srv.URL+"/dialin")

	id := place(t, s, CallSpec{To: num, From: "+15550001111", SIPHeaders: map[string]string{"X-Note": "a<b&c"}})
	if err := <-f.botErrs; err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	rec, err := s.WaitCall(ctx, id, CallConnected, CallLost, CallDropped)
	if err != nil || rec.State != CallConnected || rec.Room != "call-"+id[:8] || rec.Domain != s.DomainID() {
		t.Fatalf("call %+v: %v", rec, err)
	}
	if _, err := s.Hangup(id); err != nil {
		t.Fatal(err)
	}
	rec = wantState(t, s, id, CallEnded)
	want := "received,webhook_sent,webhook_answered,room_created,bot_started,bot_joined,ready,updated,connected,ended"
	if got := strings.Join(markNames(rec), ","); got != want {
		t.Fatalf("timeline\n%s\nwant\n%s", got, want)
	}
	for i := 1; i < len(rec.Timeline); i++ {
		if rec.Timeline[i].At.Before(rec.Timeline[i-1].At) {
			t.Fatalf("mark %s is before %s", rec.Timeline[i].Name, rec.Timeline[i-1].Name)
		}
	}
	ready, _ := rec.At("ready")
	joined, _ := rec.At("bot_joined")
	if ready.Sub(joined) < 20*time.Millisecond {
		t.Fatalf("ready %s after the join, want at least the ready delay", ready.Sub(joined))
	}
	if rec.Timeline[2].Detail != "200" || !strings.HasPrefix(rec.Timeline[7].Detail, "sip:call-") {
		t.Fatalf("details %+v", rec.Timeline)
	}

	f.mu.Lock()
	hook := f.hooks[0]
	f.mu.Unlock()
	wantBody := `{"To":"` + num + `","From":"+15550001111","callId":"` + id + `","callDomain":"` + s.DomainID() + `","sipHeaders":{"X-Note":"a<b&c"}}`
	if string(hook.body) != wantBody {
		t.Fatalf("webhook body\n%s\nwant\n%s", hook.body, wantBody)
	}
	if ts, err := strconv.ParseInt(hook.header.Get("X-Pinless-Timestamp"), 10, 64); err != nil || ts > time.Now().Unix()+1 || ts < time.Now().Unix()-60 {
		t.Fatalf("X-Pinless-Timestamp %q is not Unix seconds of now", hook.header.Get("X-Pinless-Timestamp"))
	}
}
