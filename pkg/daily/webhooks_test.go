package daily_test

import (
	"net/http"
	"testing"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

func TestWebhookLifecycle(t *testing.T) {
	t.Parallel()
	srv := dailytest.New(t)
	c, _ := newClient(t, srv)
	ctx := testContext(t)
	hook := newHookReceiver(t)

	if list := must(c.Webhooks(ctx))(t); len(list) != 0 {
		t.Fatalf("fresh domain has webhooks %+v", list)
	}
	w := must(c.CreateWebhook(ctx, daily.WebhookRequest{URL: hook.URL + "/events",
		EventTypes: []string{"dialin.ready", "dialin.stopped"}, HMAC: "c2VjcmV0LXdlYmhvb2s="}))(t)
	if w.UUID == "" || w.URL != hook.URL+"/events" || w.State != "ACTIVE" || len(w.EventTypes) != 2 {
		t.Fatalf("created %+v", w)
	}
	if hook.hits.Load() == 0 {
		t.Fatal("Daily's verification POST never reached the endpoint")
	}
	got := must(c.Webhook(ctx, w.UUID))(t)
	if got.UUID != w.UUID || got.HMAC != "c2VjcmV0LXdlYmhvb2s=" {
		t.Fatalf("get %+v", got)
	}
	list := must(c.Webhooks(ctx))(t)
	if len(list) != 1 || list[0].UUID != w.UUID {
		t.Fatalf("list %+v", list)
	}
	upd := must(c.UpdateWebhook(ctx, w.UUID, daily.WebhookRequest{URL: hook.URL + "/events", EventTypes: []string{"dialin.ready"}}))(t)
	if len(upd.EventTypes) != 1 || upd.EventTypes[0] != "dialin.ready" {
		t.Fatalf("update %+v", upd)
	}
	if err := c.DeleteWebhook(ctx, w.UUID); err != nil {
		t.Fatalf("delete (empty 200 body): %v", err)
	}
	if _, err := c.Webhook(ctx, w.UUID); !daily.IsNotFound(err) {
		t.Fatalf("after delete: err = %v", err)
	}
	if n := srv.Count(http.MethodDelete, "/webhooks/"+w.UUID); n != 1 {
		t.Fatalf("delete served %d", n)
	}
}
