package doctor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dialin-project/dialin/internal/cmd/servecmd/escape"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/dialin/routes"
	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
	"github.com/dialin-project/dialin/pkg/dialin/webhook"
)

// MaxHoldMusicBytes is the largest hold music file Daily plays.
const MaxHoldMusicBytes = 10 << 20

type doctor struct {
	o      *Options
	client *daily.Client
	http   *http.Client
	out    []Check
}

func (d *doctor) add(name string, st Status, detail, fix string) {
	d.out = append(d.out, Check{Name: name, Status: st, Detail: detail, Fix: fix})
}

// run makes every check; a failure that makes the next checks meaningless skips them.
func (d *doctor) run(ctx context.Context) []Check {
	dom, err := d.client.Domain(ctx)
	switch {
	case daily.IsAuth(err):
		d.add("key", Fail, "Daily refuses the API key", "dialin auth login (or set DAILY_API_KEY)")
		return d.out
	case err != nil:
		d.add("key", Fail, "Daily could not be asked: "+err.Error(), "check DAILY_API_URL and the network, then run doctor again")
		return d.out
	}
	d.add("key", OK, fmt.Sprintf("valid, for domain %s", dom.Name), "")
	entries, err := dom.PinlessDialin()
	if err != nil {
		d.add("routes", Fail, "the domain's pinless_dialin array cannot be read: "+err.Error(), "dialin routes list shows what Daily holds")
		return d.out
	}
	owned, err := routes.OwnedNumbers(ctx, d.client)
	if err != nil {
		d.add("numbers", Fail, "the purchased numbers cannot be listed: "+err.Error(), "dialin numbers list")
		return d.out
	}
	numbers := []string{d.o.Number}
	if d.o.Number == "" {
		numbers = nil
		for _, e := range entries {
			if k := routes.KeyOf(e); !k.IsSIP() {
				numbers = append(numbers, k.Number)
			}
		}
		if len(numbers) == 0 {
			d.add("routes", Fail, "no number has a route", "dialin routes set --number NUMBER --url https://<serve host>/dialin")
		}
	}
	var hosts []string
	for _, n := range numbers {
		if e := d.checkNumber(ctx, n, owned, entries); e != nil {
			if u, err := url.Parse(e.RoomCreationAPI); err == nil {
				hosts = append(hosts, u.Host)
			}
		}
	}
	if d.o.Serve != "" {
		d.checkServe(ctx)
		u, _ := url.Parse(d.o.Serve)
		hosts = []string{u.Host}
	}
	if d.o.Patch == serveconfig.PatchServe {
		d.checkEvents(ctx, hosts)
	}
	return d.out
}

// checkNumber checks one number and returns its route (nil when it has none).
func (d *doctor) checkNumber(ctx context.Context, n string, owned map[string]bool, entries []daily.PinlessDialinEntry) *daily.PinlessDialinEntry {
	if owned[n] {
		d.add(n+" owned", OK, "purchased by this domain", "")
	} else {
		d.add(n+" owned", Fail, "not among the domain's purchased numbers", "dialin numbers list shows them; buy it with: dialin numbers buy "+n)
	}
	var e *daily.PinlessDialinEntry
	for i := range entries {
		if routes.KeyOf(entries[i]) == routes.NumberKey(n) {
			e = &entries[i]
			break
		}
	}
	if e == nil {
		d.add(n+" routed", Fail, "no route: Daily has no webhook to call", "dialin routes set --number "+n+" --url https://<serve host>/dialin")
		return nil
	}
	d.add(n+" routed", OK, "webhook "+e.RoomCreationAPI, "")
	d.checkAnswers(ctx, n, e)
	d.checkHMAC(ctx, n, e)
	d.checkHoldMusic(ctx, n, e)
	if e.TimeoutConfig != nil && strings.TrimSpace(e.TimeoutConfig.Message) != "" {
		d.add(n+" timeout message", OK, escape.Quote(e.TimeoutConfig.Message, 64), "")
	} else {
		d.add(n+" timeout message", Fail, "not set: a caller no bot takes in time hears Daily's default and is cut off",
			"dialin routes set --number "+n+" --timeout-message 'Sorry, nobody can take your call right now. Please call again later.'")
	}
	return e
}

// checkAnswers posts Daily's verification body, signed with the route's hmac as Daily signs
// it, and wants a 2xx within AnswerWithin.
func (d *doctor) checkAnswers(ctx context.Context, n string, e *daily.PinlessDialinEntry) {
	name, fix := n+" webhook answers", "start serve where "+e.RoomCreationAPI+" leads (dialin serve, or dialin dev for this machine), or point the route at it: dialin routes set --number "+n+" --url https://<serve host>/dialin"
	body := []byte(`{"Test":"test","To":"` + n + `"}`)
	ctx, cancel := context.WithTimeout(ctx, AnswerWithin)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.RoomCreationAPI, strings.NewReader(string(body)))
	if err != nil {
		d.add(name, Fail, "the route's URL is not usable: "+err.Error(), fix)
		return
	}
	req.Header.Set("Content-Type", "application/json")
	if e.HMAC != "" {
		if h, err := webhook.SignHeaders(e.HMAC, time.Now(), body); err == nil {
			for k, v := range h {
				req.Header[k] = v
			}
		}
	}
	start := time.Now()
	resp, err := d.http.Do(req)
	if err != nil {
		d.add(name, Fail, fmt.Sprintf("no answer within %s: %v", AnswerWithin, unwrapURL(err)), fix)
		return
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	took := time.Since(start).Round(time.Millisecond)
	if resp.StatusCode/100 != 2 {
		d.add(name, Fail, fmt.Sprintf("answered %d to Daily's verification body (want 2xx)", resp.StatusCode), fix)
		return
	}
	d.add(name, OK, fmt.Sprintf("answered %d in %s", resp.StatusCode, took), "")
}

// checkHoldMusic checks the rule (https, .mp3) and then the file itself with a HEAD.
func (d *doctor) checkHoldMusic(ctx context.Context, n string, e *daily.PinlessDialinEntry) {
	name := n + " hold music"
	fix := "host an https MP3 under 10 MB, then: dialin routes set --number " + n + " --hold-music-url https://…/hold.mp3"
	if e.HoldMusicURL == "" {
		d.add(name, OK, "Daily's default", "")
		return
	}
	if err := routes.Validate([]daily.PinlessDialinEntry{*e}, routes.ValidateOptions{}); err != nil {
		for _, ve := range routes.ValidationErrors(err) {
			if ve.Field == routes.FieldHoldMusicURL {
				d.add(name, Fail, ve.Rule, fix)
				return
			}
		}
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, e.HoldMusicURL, nil)
	if err != nil {
		d.add(name, Fail, err.Error(), fix)
		return
	}
	resp, err := d.http.Do(req)
	if err != nil {
		d.add(name, Fail, "HEAD failed: "+unwrapURL(err).Error(), fix)
		return
	}
	resp.Body.Close()
	size, _ := strconv.ParseInt(resp.Header.Get("Content-Length"), 10, 64)
	ct := strings.ToLower(resp.Header.Get("Content-Type"))
	switch {
	case resp.StatusCode/100 != 2:
		d.add(name, Fail, fmt.Sprintf("HEAD answered %d", resp.StatusCode), fix)
	case size > MaxHoldMusicBytes:
		d.add(name, Fail, fmt.Sprintf("%.1f MB; Daily plays files up to 10 MB", float64(size)/(1<<20)), fix)
	case ct != "" && !strings.HasPrefix(ct, "audio/mpeg") && !strings.HasPrefix(ct, "audio/mp3") && !strings.HasPrefix(ct, "application/octet-stream"):
		d.add(name, Fail, "served as "+ct+", not audio/mpeg", fix)
	default:
		detail := "an https MP3"
		if size > 0 {
			detail += fmt.Sprintf(" of %.1f MB", float64(size)/(1<<20))
		}
		d.add(name, OK, detail, "")
	}
}

// checkServe asks serve whether it is ready.
func (d *doctor) checkServe(ctx context.Context) {
	name, fix := "serve ready", "read serve's log; it says what it waits for"
	ctx, cancel := context.WithTimeout(ctx, AnswerWithin)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, d.o.Serve+"/readyz", nil)
	resp, err := d.http.Do(req)
	if err != nil {
		d.add(name, Fail, fmt.Sprintf("%s/readyz: no answer within %s: %v", d.o.Serve, AnswerWithin, unwrapURL(err)), "start serve, or check --serve")
		return
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		d.add(name, Fail, fmt.Sprintf("/readyz answered %d: %s", resp.StatusCode, escape.Printable(strings.TrimSpace(string(b)), 400)), fix)
		return
	}
	d.add(name, OK, d.o.Serve+"/readyz answered 200", "")
}

// checkEvents checks the subscription that serve's patch: serve needs: it exists, is
// active, sends dialin.ready, and goes to serve's host (hosts: where the routes or --serve
// point).
func (d *doctor) checkEvents(ctx context.Context, hosts []string) {
	name := "events subscription"
	host := "<serve host>"
	if len(hosts) > 0 {
		host = hosts[0]
	}
	hooks, err := d.client.Webhooks(ctx)
	if err != nil {
		d.add(name, Fail, "cannot be read: "+err.Error(), "dialin webhooks list")
		return
	}
	if len(hooks) == 0 {
		d.add(name, Fail, "none: with --patch serve, serve never hears dialin.ready and no caller leaves hold",
			"with serve running: dialin webhooks create --url https://"+host+"/events")
		return
	}
	w := hooks[0]
	u, _ := url.Parse(w.URL)
	switch {
	case w.State != "" && w.State != "ACTIVE":
		d.add(name, Fail, fmt.Sprintf("%s is %s: Daily sends it nothing", w.URL, w.State), "with serve running: dialin webhooks update "+w.UUID+" --yes")
	case !slices.Contains(w.EventTypes, "dialin.ready"):
		d.add(name, Fail, fmt.Sprintf("%s does not get dialin.ready (events: %s)", w.URL, strings.Join(w.EventTypes, ",")),
			"dialin webhooks update "+w.UUID+" --events dialin.ready,dialin.connected,dialin.stopped --yes")
	case len(hosts) > 0 && (u == nil || !slices.Contains(hosts, u.Host)):
		d.add(name, Fail, fmt.Sprintf("goes to %s, not to serve (%s)", w.URL, host), "dialin webhooks update "+w.UUID+" --url https://"+host+"/events --yes")
	default:
		d.add(name, OK, fmt.Sprintf("%s gets %s", w.URL, strings.Join(w.EventTypes, ",")), "")
	}
}

// unwrapURL drops *url.Error's "Post \"…\":" prefix, which the line already says.
func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err
	}
	return err
}
