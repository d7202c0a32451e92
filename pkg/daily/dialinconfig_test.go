package daily_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

func TestDialinConfigLifecycle(t *testing.T) {
	t.Parallel()
	srv := dailytest.New(t)
	c, _ := newClient(t, srv)
	ctx := testContext(t)
	hook := newHookReceiver(t)
	number := "+14155550301"
	srv.SeedPurchased(number, time.Now())

	if _, err := c.CreateDialinConfig(ctx, daily.DialinConfigRequest{PhoneNumber: number}); err == nil || !strings.HasPrefix(err.Error(), "dial-in config type:") {
		t.Fatalf("missing type: err = %v", err)
	}
	created := must(c.CreateDialinConfig(ctx, daily.DialinConfigRequest{
		Type: "pinless_dialin", PhoneNumber: number, NamePrefix: "support",
		RoomCreationAPI: hook.URL + "/dialin", TimeoutConfig: &daily.TimeoutConfig{Message: "nobody home"},
	}))(t)
	if created.ID == "" || created.Type != "pinless_dialin" || created.Config.PhoneNumber != number ||
		created.Config.TimeoutConfig == nil || created.Config.TimeoutConfig.Message != "nobody home" {
		t.Fatalf("created %+v", created)
	}

	got := must(c.DialinConfig(ctx, created.ID))(t)
	if got.Config.NamePrefix != "support" || got.Config.SIPURI == nil || *got.Config.SIPURI == "" {
		t.Fatalf("get %+v", got)
	}
	upd := must(c.UpdateDialinConfig(ctx, created.ID, daily.DialinConfigRequest{Type: "pin_dialin", NamePrefix: "sales"}))(t)
	if upd.Config.NamePrefix != "sales" || upd.Type != "pinless_dialin" {
		t.Fatalf("update %+v (type must not be sent, name must change)", upd)
	}
	if err := c.DeleteDialinConfig(ctx, created.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DialinConfig(ctx, created.ID); !daily.IsNotFound(err) {
		t.Fatalf("after delete: err = %v", err)
	}
	if err := c.DeleteDialinConfig(ctx, created.ID); !daily.IsNotFound(err) {
		t.Fatalf("second delete: err = %v", err)
	}
}

func TestDialinConfigsPagesAndFilters(t *testing.T) {
	t.Parallel()
	srv := dailytest.New(t)
	c, _ := newClient(t, srv)
	ctx := testContext(t)
	hook := newHookReceiver(t)
	for i := range 5 {
		must(c.CreateDialinConfig(ctx, daily.DialinConfigRequest{Type: "pinless_dialin",
			NamePrefix: "sip-" + string(rune('a'+i)), RoomCreationAPI: hook.URL}))(t)
	}
	srv.ResetRequests()
	all := must(daily.Collect(c.DialinConfigs(ctx, daily.DialinConfigQuery{Limit: 2})))(t)
	if len(all) != 5 {
		t.Fatalf("listed %d, want 5", len(all))
	}
	seen := map[string]bool{}
	for _, d := range all {
		if seen[d.ID] {
			t.Fatalf("%s listed twice", d.ID)
		}
		seen[d.ID] = true
	}
	reqs := srv.Requests()
	if len(reqs) != 3 {
		t.Fatalf("%d page requests, want 3", len(reqs))
	}
	if q, _ := url.ParseQuery(reqs[2].Query); q.Get("starting_after") != all[3].ID {
		t.Fatalf("third page query %q, want starting_after=%s", reqs[2].Query, all[3].ID)
	}

	one := must(daily.Collect(c.DialinConfigs(ctx, daily.DialinConfigQuery{NamePrefix: "sip-c", Type: "pinless_dialin"})))(t)
	if len(one) != 1 || one[0].Config.NamePrefix != "sip-c" {
		t.Fatalf("filtered %+v", one)
	}
	last := srv.Requests()[len(srv.Requests())-1]
	if q, _ := url.ParseQuery(last.Query); q.Get("name_prefix") != "sip-c" || q.Get("type") != "pinless_dialin" || q.Has("phone_number") {
		t.Fatalf("filter query %q", last.Query)
	}
}
