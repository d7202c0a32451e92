package daily_test

import (
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

var pool = []string{"+14155550201", "+14155550202", "+12125550203", "+12125550204"}

func TestSearchNumbersSendsOnlyTheFiltersGiven(t *testing.T) {
	t.Parallel()
	srv := dailytest.New(t, dailytest.WithAvailableNumbers(pool...))
	c, _ := newClient(t, srv)
	ctx := testContext(t)

	all := must(c.SearchNumbers(ctx, daily.NumberSearch{}))(t)
	if len(all) != len(pool) {
		t.Fatalf("found %d numbers, want %d: %+v", len(all), len(pool), all)
	}
	sf := must(c.SearchNumbers(ctx, daily.NumberSearch{AreaCode: "415"}))(t)
	if len(sf) != 2 || !strings.HasPrefix(sf[0].Number, "+1415") {
		t.Fatalf("areacode 415 found %+v", sf)
	}
	reqs := srv.Requests()
	if q := reqs[0].Query; q != "" {
		t.Errorf("unfiltered search sent query %q", q)
	}
	if q := reqs[1].Query; q != "areacode=415" {
		t.Errorf("filtered search sent query %q, want areacode=415", q)
	}
}

func TestSearchNumbersChecksFilterRulesBeforeSending(t *testing.T) {
	t.Parallel()
	srv := dailytest.New(t)
	c, _ := newClient(t, srv)
	bad := []struct {
		s    daily.NumberSearch
		want string
	}{
		{daily.NumberSearch{AreaCode: "415", Region: "CA"}, "region: cannot be combined with areacode"},
		{daily.NumberSearch{City: "Austin"}, "city: requires region"},
		{daily.NumberSearch{Region: "TX", City: "Austin", Contains: "555"}, "city: cannot be combined"},
		{daily.NumberSearch{StartsWith: "555", EndsWith: "123"}, "starts_with: cannot be combined"},
		{daily.NumberSearch{Contains: "12"}, "contains: must be 3 to 7 digits"},
		{daily.NumberSearch{EndsWith: "12345678"}, "ends_with: must be 3 to 7 digits"},
		{daily.NumberSearch{AreaCode: "41a"}, "areacode: must be 3 digits"},
		{daily.NumberSearch{Region: "California"}, "region: must be a 2-letter"},
	}
	for _, tc := range bad {
		_, err := c.SearchNumbers(testContext(t), tc.s)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: err = %v, want %q", tc.s, err, tc.want)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("%d requests sent for bad filters, want none", n)
	}
}

func TestBuyListAndReleaseNumbers(t *testing.T) {
	t.Parallel()
	srv := dailytest.New(t, dailytest.WithAvailableNumbers(pool...))
	c, _ := newClient(t, srv)
	ctx := testContext(t)

	named := must(c.BuyNumber(ctx, pool[2]))(t)
	if named.Number != pool[2] || named.ID == "" {
		t.Fatalf("bought %+v", named)
	}
	random := must(c.BuyNumber(ctx, ""))(t)
	if random.Number == "" || random.Number == pool[2] {
		t.Fatalf("random purchase = %+v", random)
	}
	owned := must(daily.Collect(c.PurchasedNumbers(ctx, daily.PurchasedNumberQuery{})))(t)
	if len(owned) != 2 {
		t.Fatalf("owned %+v, want 2", owned)
	}
	only := must(daily.Collect(c.PurchasedNumbers(ctx, daily.PurchasedNumberQuery{FilterNumber: pool[2]})))(t)
	if len(only) != 1 || only[0].ID != named.ID {
		t.Fatalf("filtered list = %+v", only)
	}

	_, err := c.ReleaseNumber(ctx, named.ID)
	if err == nil {
		t.Fatal("released a number bought today; Daily refuses within 14 days")
	}
	srv.Advance(15 * 24 * time.Hour)
	res := must(c.ReleaseNumber(ctx, named.ID))(t)
	if res.Status == "" && !res.Deleted {
		t.Fatalf("release result %+v says nothing", res)
	}
	left := must(daily.Collect(c.PurchasedNumbers(ctx, daily.PurchasedNumberQuery{})))(t)
	if len(left) != 1 || left[0].ID != random.ID {
		t.Fatalf("after release own %+v", left)
	}
}

func TestPurchasedNumbersPagesOnPaginationID(t *testing.T) {
	t.Parallel()
	srv := dailytest.New(t)
	c, _ := newClient(t, srv)
	base := time.Now().Add(-time.Hour)
	var want []string
	for i := range 5 {
		n := "+1617555030" + strconv.Itoa(i)
		srv.SeedPurchased(n, base.Add(time.Duration(i)*time.Minute))
		want = append([]string{n}, want...) // newest first
	}
	got := must(daily.Collect(c.PurchasedNumbers(testContext(t), daily.PurchasedNumberQuery{PageSize: 2})))(t)
	var numbers []string
	for _, p := range got {
		numbers = append(numbers, p.Number)
	}
	if strings.Join(numbers, ",") != strings.Join(want, ",") {
		t.Fatalf("listed %v, want %v", numbers, want)
	}
	var cursors []string
	for _, r := range srv.Requests() {
		q, _ := url.ParseQuery(r.Query)
		if q.Get("limit") != "2" {
			t.Errorf("page request %q lacks limit=2", r.Query)
		}
		cursors = append(cursors, q.Get("starting_after"))
	}
	if len(cursors) != 3 || cursors[0] != "" || cursors[1] != strconv.FormatInt(got[1].PaginationID, 10) || cursors[2] != strconv.FormatInt(got[3].PaginationID, 10) {
		t.Fatalf("cursors %q, want '', pagination_id of item 2, of item 4", cursors)
	}
}

func TestBuyIsNotRetriedAndIsChecked(t *testing.T) {
	t.Parallel()
	srv := dailytest.New(t, dailytest.WithAvailableNumbers(pool...))
	c, _ := newClient(t, srv)
	ctx := testContext(t)

	srv.FailNext(http.StatusServiceUnavailable, 1)
	_, err := c.BuyNumber(ctx, pool[0])
	var pu *daily.PurchaseUncertainError
	if !errors.As(err, &pu) || !pu.NotBought || pu.Number != pool[0] {
		t.Fatalf("err = %#v, want a PurchaseUncertainError saying it was not bought", err)
	}
	if !strings.Contains(err.Error(), "it was not bought") {
		t.Fatalf("message %q", err)
	}
	if n := srv.Count(http.MethodPost, "/buy-phone-number"); n != 1 {
		t.Fatalf("purchase sent %d times, want 1", n)
	}
	if n := srv.Count(http.MethodGet, "/purchased-phone-numbers"); n < 1 {
		t.Fatal("the purchased numbers were not checked")
	}

	srv.FailNext(http.StatusInternalServerError, 1)
	_, err = c.BuyNumber(ctx, "")
	if !errors.As(err, &pu) || pu.Number != "" || !strings.Contains(err.Error(), "dialin numbers list") {
		t.Fatalf("random purchase: err = %v, want advice to check `dialin numbers list`", err)
	}
	if n := srv.Count(http.MethodPost, "/buy-phone-number"); n != 2 {
		t.Fatalf("purchases sent %d, want 2 in all", n)
	}
	if owned := must(daily.Collect(c.PurchasedNumbers(ctx, daily.PurchasedNumberQuery{})))(t); len(owned) != 0 {
		t.Fatalf("numbers were bought: %+v", owned)
	}
}

// TestBuyWhoseAnswerIsLostFindsTheNumber puts a gateway in front of the emulator that passes
// the purchase on but loses the answer (502), as a load balancer might.
func TestBuyWhoseAnswerIsLostFindsTheNumber(t *testing.T) {
	t.Parallel()
	srv := dailytest.New(t, dailytest.WithAvailableNumbers(pool...))
	target, _ := url.Parse(srv.URL)
	proxy := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: target.Scheme, Host: target.Host})
	proxy.ModifyResponse = func(r *http.Response) error {
		if r.Request.Method == http.MethodPost && strings.HasSuffix(r.Request.URL.Path, "/buy-phone-number") {
			return errors.New("gateway lost the answer")
		}
		return nil
	}
	proxy.ErrorLog = log.New(io.Discard, "", 0)
	gw := httptest.NewServer(proxy)
	t.Cleanup(gw.Close)
	c := daily.New(srv.APIKey, daily.WithBaseURL(gw.URL+"/v1"))

	got, err := c.BuyNumber(testContext(t), pool[1])
	if err != nil {
		t.Fatalf("err = %v, want the number found among the purchased ones", err)
	}
	if got.Number != pool[1] || got.ID == "" {
		t.Fatalf("got %+v", got)
	}
	if n := srv.Count(http.MethodPost, "/buy-phone-number"); n != 1 {
		t.Fatalf("purchase sent %d times, want 1", n)
	}
}
