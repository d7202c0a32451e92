package calls

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/pkg/dialin/serve/admin"
	"github.com/dialin-project/dialin/pkg/dialin/serve/history"
)

// serveURLEnv is the admin URL a `dialin serve --ready-file` writes: sourcing that file
// points `dialin calls` at that serve.
const serveURLEnv = "DIALIN_SERVE_ADMIN_URL"

// addServeFlag adds --serve: the admin listener of the serve to ask.
func addServeFlag(cmd *cobra.Command, target *string) {
	def := "http://" + admin.DefaultAddr
	if v := os.Getenv(serveURLEnv); v != "" {
		def = v
	}
	cmd.Flags().StringVar(target, "serve", def, "The admin `URL` of `dialin serve` (its --admin-addr; default $"+serveURLEnv+" if set)")
}

// adminClient talks to serve's admin API, with the bearer token from DIALIN_ADMIN_TOKEN
// when it is set (needed only from another host).
type adminClient struct {
	base  string
	token string
	http  *http.Client
}

func newAdminClient(base string) (*adminClient, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, cmdutil.FlagErrorf("--serve: an http(s) URL such as http://%s, not %q", admin.DefaultAddr, base)
	}
	return &adminClient{base: strings.TrimRight(base, "/"), token: os.Getenv(admin.TokenEnv), http: &http.Client{}}, nil
}

func (c *adminClient) do(ctx context.Context, method, path string, body any, out any) error {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	resp, err := c.send(ctx, method, path, rd)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(out)
}

// send makes the request; an answer other than 200 is an error with serve's reason.
func (c *adminClient) send(ctx context.Context, method, path string, body io.Reader) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return nil, err
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if method == http.MethodPost {
		req.Header.Set(admin.ReplayHeader, "1")
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, cmdutil.WithHint(fmt.Errorf("cannot reach dialin serve's admin listener at %s: %w", c.base, err),
			"start `dialin serve` (its admin listener is on "+admin.DefaultAddr+" unless --admin-addr says otherwise), or point --serve at it")
	}
	if resp.StatusCode == http.StatusOK {
		return resp, nil
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 8<<10))
	var e struct {
		Error string `json:"error"`
	}
	msg := strings.TrimSpace(string(raw))
	if json.Unmarshal(raw, &e) == nil && e.Error != "" {
		msg = e.Error
	}
	return nil, fmt.Errorf("%s answered %s: %s", c.base+path, resp.Status, msg)
}

func (c *adminClient) call(ctx context.Context, id string) (history.Call, error) {
	var call history.Call
	err := c.do(ctx, http.MethodGet, "/api/calls/"+url.PathEscape(id), nil, &call)
	return call, err
}

// events reads the server-sent stream, calling fn for each update until ctx ends, the
// stream ends, or fn returns false.
func (c *adminClient) events(ctx context.Context, path string, fn func(history.Update) bool) error {
	resp, err := c.send(ctx, http.MethodGet, path, nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		data, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		var u history.Update
		if json.Unmarshal([]byte(data), &u) == nil && !fn(u) {
			return nil
		}
	}
	if ctx.Err() != nil {
		return nil
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("the live events from %s ended: %w", c.base, err)
	}
	return nil
}
