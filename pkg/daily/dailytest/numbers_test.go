package dailytest

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestSeededPoolIsDeterministicAndVaried(t *testing.T) {
	t.Parallel()
	a, b := seededInventory(), seededInventory()
	if !reflect.DeepEqual(a, b) {
		t.Fatal("seeded pool differs between runs")
	}
	if len(a) < 300 {
		t.Fatalf("pool has %d numbers, want several hundred", len(a))
	}
	regions := map[string]int{}
	for _, n := range a {
		if !validE164(n.number) || !strings.HasPrefix(n.number, "+1") {
			t.Fatalf("pool number %q is not a US E.164 number", n.number)
		}
		regions[n.region]++
	}
	for _, r := range []string{"CA", "NY", "FL", "TX", "WA"} {
		if regions[r] == 0 {
			t.Fatalf("no numbers in %s", r)
		}
	}
}

func TestSearchFilters(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t)
	cases := []struct {
		query string
		check func(number, region string) bool
	}{
		{"", func(string, string) bool { return true }},
		{"areacode=415", func(n, _ string) bool { return strings.HasPrefix(n, "+1415") }},
		{"region=ny", func(_, r string) bool { return r == "NY" }},
		{"region=FL&city=miami", func(n, r string) bool { return r == "FL" && strings.HasPrefix(n, "+1305") }},
		{"region=CA&city=Palo%20Alto", func(n, _ string) bool { return strings.HasPrefix(n, "+1650") }},
		{"starts_with=512", func(n, _ string) bool { return strings.HasPrefix(n, "+1512") }},
	}
	for _, c := range cases {
		m := ok(t, s, "GET", "/list-available-numbers?"+c.query, nil)
		data := list(m, "data")
		if len(data) == 0 || len(data) > maxSearchResults || int(m["total_count"].(float64)) != len(data) {
			t.Fatalf("%q: %d results, total_count %v", c.query, len(data), m["total_count"])
		}
		for _, d := range data {
			item := obj(d)
			if !c.check(item["phoneNumber"].(string), item["region"].(string)) {
				t.Fatalf("%q returned %v", c.query, item)
			}
		}
	}
	// contains and ends_with use digits taken from a real pool number.
	pick := s.inventory[7].number
	for _, q := range []string{"contains=" + pick[5:10], "ends_with=" + pick[len(pick)-4:]} {
		m := ok(t, s, "GET", "/list-available-numbers?"+q, nil)
		found := false
		for _, d := range list(m, "data") {
			found = found || obj(d)["phoneNumber"] == pick
		}
		if !found {
			t.Fatalf("%s did not find %s", q, pick)
		}
	}
}

func TestSearchFilterRules(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t)
	bad := map[string]string{
		"region=CA&areacode=415":              "region cannot be combined with areacode",
		"city=Miami":                          "city requires region",
		"city=Miami&region=FL&contains=305":   "city cannot be combined with contains",
		"city=Austin&region=TX&ends_with=123": "city cannot be combined with ends_with",
		"starts_with=415&contains=555":        "cannot be combined",
		"starts_with=415&ends_with=555":       "cannot be combined",
		"contains=12":                         "contains must be 3 to 7 digits",
		"ends_with=12345678":                  "ends_with must be 3 to 7 digits",
		"starts_with=41a":                     "starts_with must be 3 to 7 digits",
		"areacode=41":                         "areacode must be 3 digits",
		"region=California":                   "region must be a 2-letter",
	}
	for q, info := range bad {
		wantError(t, api(t, s, "GET", "/list-available-numbers?"+q, nil), http.StatusBadRequest, "invalid-request-error", info)
	}
}

func TestBuySpecificAndRandom(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t)
	want := s.inventory[0].number
	m := ok(t, s, "POST", "/buy-phone-number", map[string]string{"number": want})
	if m["number"] != want || len(m["id"].(string)) != 36 {
		t.Fatalf("buy answered %v", m)
	}
	for _, d := range list(ok(t, s, "GET", "/list-available-numbers?starts_with="+want[2:9], nil), "data") {
		if obj(d)["phoneNumber"] == want {
			t.Fatal("a bought number is still offered")
		}
	}
	res := api(t, s, "POST", "/buy-phone-number", map[string]string{"number": want})
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("second buy: %d %s", res.status, res.body)
	}
	body := res.json(t)
	errs := list(body, "errors")
	if body["status"] != float64(422) || len(errs) != 1 || !strings.Contains(obj(errs[0])["detail"].(string), "already purchased") {
		t.Fatalf("422 body = %s", res.body)
	}
	for _, n := range []string{"+19999999999", "4155550100"} {
		if res := api(t, s, "POST", "/buy-phone-number", map[string]string{"number": n}); res.status != 422 {
			t.Fatalf("buying %s: %d", n, res.status)
		}
	}
	random := ok(t, s, "POST", "/buy-phone-number", nil)
	if areaOf(random["number"].(string)).region != "CA" {
		t.Fatalf("random purchase %v is not Californian", random["number"])
	}
}

func TestBuyFromEmptyPool(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t, WithAvailableNumbers("+12065550100"))
	ok(t, s, "POST", "/buy-phone-number", map[string]string{})
	res := api(t, s, "POST", "/buy-phone-number", map[string]string{})
	if res.status != 422 || !strings.Contains(string(res.body), "no numbers are available") {
		t.Fatalf("empty pool: %d %s", res.status, res.body)
	}
	if m := ok(t, s, "GET", "/list-available-numbers", nil); len(list(m, "data")) != 0 {
		t.Fatalf("pool not empty: %v", m)
	}
}

func TestWithAvailableNumbersKnowsRegions(t *testing.T) {
	t.Parallel()
	s, _ := newTest(t, WithAvailableNumbers("+14155550100", "+13055550100", "+442071838750"))
	m := ok(t, s, "GET", "/list-available-numbers?region=FL", nil)
	if d := list(m, "data"); len(d) != 1 || obj(d[0])["phoneNumber"] != "+13055550100" {
		t.Fatalf("region=FL: %v", m)
	}
}

func TestPurchasedNumbersPagination(t *testing.T) {
	t.Parallel()
	s, clock := newTest(t)
	var bought []string // oldest first
	for range 60 {
		bought = append(bought, ok(t, s, "POST", "/buy-phone-number", nil)["number"].(string))
		clock.Advance(time.Second)
	}
	first := ok(t, s, "GET", "/purchased-phone-numbers", nil)
	data := list(first, "data")
	if first["total_count"] != float64(60) || len(data) != 50 {
		t.Fatalf("first page: total %v, %d items (max is 50)", first["total_count"], len(data))
	}
	n0 := obj(data[0])
	if n0["number"] != bought[59] || n0["type"] != "purchased_phone_number" || n0["status"] != "verified" || n0["verified"] != true {
		t.Fatalf("newest first, Daily's shape: %v", n0)
	}
	cursor := fmt.Sprint(int64(obj(data[49])["pagination_id"].(float64)))
	second := list(ok(t, s, "GET", "/purchased-phone-numbers?starting_after="+cursor, nil), "data")
	if len(second) != 10 || obj(second[9])["number"] != bought[0] {
		t.Fatalf("second page has %d items", len(second))
	}
	oldest := list(ok(t, s, "GET", "/purchased-phone-numbers?limit=5&ending_before=OLDEST", nil), "data")
	if len(oldest) != 5 || obj(oldest[4])["number"] != bought[0] || obj(oldest[0])["number"] != bought[4] {
		t.Fatalf("ending_before=OLDEST: %v", oldest)
	}
	id := obj(data[0])["id"].(string)
	wantError(t, api(t, s, "GET", "/purchased-phone-numbers?starting_after="+id, nil), 400, "invalid-request-error", "starting_after")
	f := ok(t, s, "GET", "/purchased-phone-numbers?filter_number="+bought[3][2:], nil)
	if f["total_count"] != float64(1) {
		t.Fatalf("filter_number: %v", f)
	}
	if f := ok(t, s, "GET", "/purchased-phone-numbers?filter_name=nobody", nil); f["total_count"] != float64(0) {
		t.Fatalf("filter_name: %v", f)
	}
}

func TestReleaseHonoursTheFourteenDayLock(t *testing.T) {
	t.Parallel()
	s, clock := newTest(t)
	id := ok(t, s, "POST", "/buy-phone-number", nil)["id"].(string)
	wantError(t, api(t, s, "DELETE", "/release-phone-number/"+id, nil), 400, "invalid-request-error", "within 14 days")
	clock.Advance(14*24*time.Hour - time.Second)
	wantError(t, api(t, s, "DELETE", "/release-phone-number/"+id, nil), 400, "invalid-request-error", "14 days")
	clock.Advance(time.Second)
	if m := ok(t, s, "DELETE", "/release-phone-number/"+id, nil); m["status"] != "ok" {
		t.Fatalf("release answered %v", m)
	}
	wantError(t, api(t, s, "DELETE", "/release-phone-number/"+id, nil), 404, "not-found", id)
	if m := ok(t, s, "GET", "/purchased-phone-numbers", nil); m["total_count"] != float64(0) {
		t.Fatalf("released number still listed: %v", m)
	}
}

func TestSeedPurchased(t *testing.T) {
	t.Parallel()
	s, clock := newTest(t)
	n := s.inventory[3].number
	id := s.SeedPurchased(n, clock.Now().Add(-30*24*time.Hour))
	if again := s.SeedPurchased(n, clock.Now()); again != id {
		t.Fatal("seeding an owned number must return its id")
	}
	m := ok(t, s, "GET", "/purchased-phone-numbers", nil)
	if d := list(m, "data"); len(d) != 1 || obj(d[0])["id"] != id || obj(d[0])["created_date"] != "2026-01-30T12:00:00.000Z" {
		t.Fatalf("purchased: %v", m)
	}
	if res := api(t, s, "POST", "/buy-phone-number", map[string]string{"number": n}); res.status != 422 {
		t.Fatalf("a seeded number must leave the pool: %d", res.status)
	}
	ok(t, s, "DELETE", "/release-phone-number/"+id, nil) // bought 30 days ago: no lock
}
