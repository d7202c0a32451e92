package numberscmd

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/pkg/daily"
)

func TestBuyPartialFailure(t *testing.T) {
	t.Parallel()
	env, _ := newEnv(t)
	// +13035550100 is not in the pool: Daily refuses it (422) and the next number is still bought.
	err := cmdtest.Exec(NewCmdBuy(env.Factory, nil), "+14155550100", "+13035550100", "+14155550101", "--yes")
	var fe *cmdutil.FlagError
	if err == nil || errors.As(err, &fe) || err.Error() != "bought 2 of 3 numbers; not bought: +13035550100" {
		t.Fatalf("err = %v, want exit 1 naming the number not bought", err)
	}
	owned := ownedNumbers(t, env)
	want := "+14155550100\t" + owned["+14155550100"] + "\n+14155550101\t" + owned["+14155550101"] + "\n"
	if env.Out.String() != want || len(owned) != 2 {
		t.Fatalf("stdout %q, want %q", env.Out, want)
	}
	if !strings.Contains(env.ErrOut.String(), "✗ +13035550100: daily: POST /buy-phone-number: 422 ") {
		t.Fatalf("stderr = %q", env.ErrOut)
	}
}

func TestBuyNeverRetriesAnUncertainPurchase(t *testing.T) {
	t.Parallel()
	env, _ := newEnv(t)
	err := cmdtest.Exec(NewCmdBuy(env.Factory, failFirstPurchase(env, 503)), "+14155550100", "+14155550101", "+14155550102", "--yes")
	if n := env.Server.Count("POST", "/buy-phone-number"); n != 1 {
		t.Fatalf("%d purchase requests after a 503, want exactly 1 (no retry, no next number)", n)
	}
	if err == nil || err.Error() != "bought 0 of 3 numbers; not bought: +14155550100, +14155550101, +14155550102" {
		t.Fatalf("err = %v", err)
	}
	stderr := env.ErrOut.String()
	for _, want := range []string{
		"✗ +14155550100: buying +14155550100 failed (daily: POST /buy-phone-number: 503 ",
		"checked the purchased numbers: it was not bought\n",
		"✗ +14155550101: not attempted\n", "✗ +14155550102: not attempted\n"} {
		if !strings.Contains(stderr, want) {
			t.Fatalf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if len(ownedNumbers(t, env)) != 0 {
		t.Fatal("a number was bought")
	}
}

func TestBuyRandomUncertain(t *testing.T) {
	t.Parallel()
	env, _ := newEnv(t)
	env.Server.FailNext(502, 1)
	err := cmdtest.Exec(NewCmdBuy(env.Factory, nil), "--random", "--yes", "--json")
	var uncertain *daily.PurchaseUncertainError
	var hinted interface{ Hint() string }
	if !errors.As(err, &uncertain) || !errors.As(err, &hinted) ||
		hinted.Hint() != "Daily may have bought it: run `dialin numbers list` and check before buying again" {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "check `dialin numbers list` before buying again") || env.Out.String() != "[]\n" {
		t.Fatalf("err %v, stdout %q", err, env.Out)
	}
	if n := env.Server.Count("POST", "/buy-phone-number"); n != 1 {
		t.Fatalf("%d purchase requests", n)
	}
}

func TestBuyWithoutKey(t *testing.T) {
	t.Parallel()
	env := cmdtest.NewWithoutKey(t)
	env.IO.SetStdinTTY(true)
	env.IO.SetStdoutTTY(true)
	err := cmdtest.Exec(NewCmdBuy(env.Factory, nil), "+14155550100")
	var na *cmdutil.NoAuthError
	if !errors.As(err, &na) || strings.Contains(env.ErrOut.String(), "[y/N]") {
		t.Fatalf("err = %v (stderr %q): want NoAuthError before any prompt", err, env.ErrOut)
	}
	env.WantNoRequests(t)
}

// failFirstPurchase is a runF whose client makes Daily answer the first POST
// /buy-phone-number with status (the requests before it, such as the ownership check, pass).
func failFirstPurchase(env *cmdtest.Env, status int) func(*BuyOptions) error {
	return func(o *BuyOptions) error {
		var once sync.Once
		rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/buy-phone-number") {
				once.Do(func() { env.Server.FailNext(status, 1) })
			}
			return http.DefaultTransport.RoundTrip(r)
		})
		c := daily.New(env.Server.APIKey, daily.WithBaseURL(env.Server.URL), daily.WithHTTPClient(&http.Client{Transport: rt}))
		o.DailyClient = func() (*daily.Client, error) { return c, nil }
		return buyRun(context.Background(), o)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Buying a number the domain already owns is refused before any purchase: before, a 503
// on the purchase was followed by a look-up that found the number and printed "✓ Bought".
func TestBuyRefusesANumberAlreadyOwned(t *testing.T) {
	env, _ := newEnv(t)
	c := env.Client(t)
	if _, err := c.BuyNumber(context.Background(), "+14155550100"); err != nil {
		t.Fatal(err)
	}
	reset(env)
	err := cmdtest.Exec(NewCmdBuy(env.Factory, failFirstPurchase(env, 503)), "+14155550100", "--yes")
	cmdtest.WantUsageError(t, err, "")
	if !strings.HasPrefix(err.Error(), "NUMBER: already owned by this domain: +14155550100 (id ") {
		t.Fatalf("err = %v", err)
	}
	if n := env.Server.Count("POST", "/buy-phone-number"); n != 0 {
		t.Fatalf("%d purchase requests, want none", n)
	}
	if strings.Contains(env.ErrOut.String(), "Bought") || env.Out.String() != "" {
		t.Fatalf("stdout %q, stderr %q", env.Out, env.ErrOut)
	}
}

// TestBuyUnavailableSaysWhatToDo: Daily's 422 is reported with its status once and the hint
// the error printer shows names the search command.
func TestBuyUnavailableSaysWhatToDo(t *testing.T) {
	env, _ := newEnv(t)
	err := cmdtest.Exec(NewCmdBuy(env.Factory, nil), "+13035550100", "--yes")
	if err == nil || strings.Count(err.Error(), "Unprocessable Entity") != 1 || strings.Count(err.Error(), "422") != 1 {
		t.Fatalf("err = %v", err)
	}
	if h := cmdutil.APIHint(err); !strings.Contains(h, "`dialin numbers search`") {
		t.Fatalf("hint %q", h)
	}
}
