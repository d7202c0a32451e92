package bench

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

// benchNumber is the number the calls dial.
const benchNumber = "+14155550100"

// emu is one system's emulator: a fresh Daily with one number routed to the system.
type emu struct {
	s      *dailytest.Server
	client *daily.Client
}

func startEmulator(cfg Config, hold time.Duration) (*emu, error) {
	opts := []dailytest.Option{dailytest.WithLatency(cfg.Latency), dailytest.WithReadyDelay(cfg.ReadyDelay), dailytest.WithHoldTimeout(hold)}
	if !cfg.DailyLimits {
		opts = append(opts, dailytest.WithoutRateLimit())
	}
	s, err := dailytest.Start("127.0.0.1:0", opts...)
	if err != nil {
		return nil, fmt.Errorf("starting the emulator: %w", err)
	}
	s.SeedPurchased(benchNumber, time.Now().Add(-30*24*time.Hour))
	return &emu{s: s, client: daily.New(s.APIKey, daily.WithBaseURL(s.URL), daily.WithoutRateLimit())}, nil
}

// parkedRouteURL is where the route points until the system listens: not loopback, so the
// emulator sends it no verification POST.
const parkedRouteURL = "https://bench.invalid/dialin"

// newRouteSecret is a fresh hmac secret for the route, base64.
func newRouteSecret() string {
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	return base64.StdEncoding.EncodeToString(key)
}

// route points the number's pinless route at url, signed with secret.
func (e *emu) route(ctx context.Context, url, secret string) error {
	_, err := e.client.SetPinlessDialin(ctx, []daily.PinlessDialinEntry{{PhoneNumber: benchNumber, RoomCreationAPI: url, HMAC: secret}})
	return err
}

func (e *emu) close() { e.s.Close() }

// freePort returns a loopback port nothing listens on now, for the seed runner, which takes
// only --port (serve binds port 0 itself and tells its URL in its ready file).
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

var httpClient = &http.Client{Timeout: 5 * time.Second}

// get answers whether url answers 200.
func get(url string) bool {
	resp, err := httpClient.Get(url)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode == http.StatusOK
}

// scrape sums the series of each named metric in a Prometheus text page; a name may select
// the series with one label value, as in calls_total{outcome="bot_started"}.
func scrape(url string, names ...string) (map[string]float64, error) {
	resp, err := httpClient.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		name, rest, _ := strings.Cut(line, " ")
		labels := ""
		if i := strings.IndexByte(line, '{'); i >= 0 && i < len(name) {
			j := strings.LastIndexByte(line, '}')
			name, labels, rest = line[:i], line[i+1:j], line[j+1:]
		}
		for _, n := range names {
			// A name may select one label: calls_total{outcome="bot_started"}.
			want, sel, _ := strings.Cut(strings.TrimSuffix(n, "}"), "{")
			if want == name && (sel == "" || strings.Contains(","+labels+",", ","+sel+",")) {
				v, _ := strconv.ParseFloat(strings.TrimSpace(rest), 64)
				out[n] += v
			}
		}
	}
	return out, sc.Err()
}
