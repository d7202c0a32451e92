package standin

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// emulator talks to dailytest's /_emulator endpoints: the call's timeline (API key) and the
// room's participants (meeting token).
type emulator struct {
	root   string // the API URL without /v1
	key    string
	token  string
	room   string
	callID string
	http   *http.Client
}

// problem is a non-200 answer: the status and the emulator's {"error","info"} body.
type problem struct {
	status int
	kind   string
	info   string
}

func (p *problem) Error() string {
	if p.info == "" {
		return fmt.Sprintf("HTTP %d %s", p.status, p.kind)
	}
	return fmt.Sprintf("HTTP %d %s: %s", p.status, p.kind, p.info)
}

// do sends one request; out (if not nil) receives a 200 answer's JSON. Non-200 answers are a
// *problem. Credentials never appear in errors.
func (e *emulator) do(ctx context.Context, method, path, credential string, body, out any) error {
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, e.root+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+credential)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := e.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, unwrapURLError(err))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("%s %s: reading the answer: %w", method, path, err)
	}
	if resp.StatusCode != http.StatusOK {
		var eb struct{ Error, Info string }
		_ = json.Unmarshal(data, &eb)
		return &problem{status: resp.StatusCode, kind: eb.Error, info: eb.Info}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%s %s: answer is not the expected JSON: %w", method, path, err)
	}
	return nil
}

// unwrapURLError drops *url.Error's quoted URL, which is noise here (and would carry a query).
func unwrapURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

func (e *emulator) mark(ctx context.Context, name string) error {
	return e.do(ctx, http.MethodPost, "/_emulator/calls/"+url.PathEscape(e.callID)+"/mark", e.key, map[string]string{"name": name}, nil)
}

func (e *emulator) join(ctx context.Context) (string, error) {
	var a struct {
		ParticipantID string `json:"participant_id"`
	}
	if err := e.do(ctx, http.MethodPost, "/_emulator/rooms/"+e.room+"/join", e.token, nil, &a); err != nil {
		return "", err
	}
	return a.ParticipantID, nil
}

func (e *emulator) leave(ctx context.Context, participant string) error {
	return e.do(ctx, http.MethodPost, "/_emulator/rooms/"+e.room+"/leave", e.token, map[string]string{"participant_id": participant}, nil)
}

// ready long-polls for up to wait; a 408 answer is (nil, nil).
func (e *emulator) ready(ctx context.Context, wait time.Duration) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, wait+10*time.Second)
	defer cancel()
	var a struct {
		Ready []string `json:"ready"`
	}
	err := e.do(ctx, http.MethodGet, "/_emulator/rooms/"+e.room+"/ready?wait="+wait.String(), e.token, nil, &a)
	if p, ok := err.(*problem); ok && p.status == http.StatusRequestTimeout {
		return nil, nil
	}
	return a.Ready, err
}

// callState answers the call's state, waiting up to wait for one of until.
func (e *emulator) callState(ctx context.Context, wait time.Duration, until ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, wait+10*time.Second)
	defer cancel()
	var rec struct {
		State string `json:"state"`
	}
	q := url.Values{"wait": {wait.String()}, "until": {strings.Join(until, ",")}}
	err := e.do(ctx, http.MethodGet, "/_emulator/calls/"+url.PathEscape(e.callID)+"?"+q.Encode(), e.key, nil, &rec)
	return rec.State, err
}

// emulatorRoot checks that apiURL is the emulator on a loopback address and returns it
// without the /v1 suffix.
func emulatorRoot(apiURL string) (string, error) {
	u, err := url.Parse(strings.TrimSuffix(apiURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("api_url must be the emulator's absolute URL such as http://127.0.0.1:8080/v1, got %q", apiURL)
	}
	host := strings.ToLower(u.Hostname())
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return "", fmt.Errorf("api_url: the stand-in bot talks only to the emulator on a loopback host; %s is not one", u.Hostname())
	}
	u.Path = strings.TrimSuffix(u.Path, "/v1")
	u.RawQuery, u.Fragment = "", ""
	return u.String(), nil
}
