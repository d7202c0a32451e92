package daily_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

func TestRoomLifecycle(t *testing.T) {
	t.Parallel()
	srv := dailytest.New(t)
	c, _ := newClient(t, srv)
	ctx := testContext(t)
	exp := time.Now().Add(time.Hour).Unix()

	room := must(c.CreateRoom(ctx, daily.CreateRoomRequest{Name: "call-1", Properties: daily.RoomProperties{
		Exp: exp, EjectAtRoomExp: true,
		SIP: &daily.SIPProperties{DisplayName: "+15551234567", SIPMode: "dial-in", NumEndpoints: 2},
	}}))(t)
	if room.Name != "call-1" || room.ID == "" || !strings.HasSuffix(room.URL, "/call-1") {
		t.Fatalf("created %+v", room)
	}
	eps := room.Config.SIPURI.Endpoints()
	if len(eps) != 2 || !strings.HasPrefix(eps[0], "sip:") || !strings.HasPrefix(eps[1], "sip:") {
		t.Fatalf("endpoints %v, want two with the sip: prefix", eps)
	}
	if room.Config.SIP == nil || room.Config.SIP.SIPMode != "dial-in" || room.Config.Exp != exp {
		t.Fatalf("config %+v", room.Config)
	}

	got := must(c.Room(ctx, "call-1"))(t)
	if got.ID != room.ID {
		t.Fatalf("get = %+v", got)
	}
	upd := must(c.UpdateRoom(ctx, "call-1", daily.RoomProperties{MaxParticipants: 3}))(t)
	if upd.Config.MaxParticipants != 3 {
		t.Fatalf("update = %+v", upd.Config)
	}

	_, err := c.CreateRoom(ctx, daily.CreateRoomRequest{Name: "call-1"})
	var ae *daily.APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusBadRequest || !strings.Contains(ae.Info, "already exists") {
		t.Fatalf("duplicate: err = %v", err)
	}

	if err := c.DeleteRoom(ctx, "call-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Room(ctx, "call-1"); !daily.IsNotFound(err) {
		t.Fatalf("after delete: err = %v", err)
	}
	if err := c.DeleteRoom(ctx, "call-1"); !daily.IsNotFound(err) {
		t.Fatalf("second delete: err = %v, want not found", err)
	}
}

func TestRoomNameChecksBeforeSending(t *testing.T) {
	t.Parallel()
	srv := dailytest.New(t)
	c, _ := newClient(t, srv)
	ctx := testContext(t)
	for _, name := range []string{"has space", "slash/y", strings.Repeat("a", 129)} {
		if _, err := c.CreateRoom(ctx, daily.CreateRoomRequest{Name: name}); err == nil || !strings.HasPrefix(err.Error(), "room name:") {
			t.Errorf("%q: err = %v", name, err)
		}
	}
	if _, err := c.CreateRoom(ctx, daily.CreateRoomRequest{Properties: daily.RoomProperties{SIP: &daily.SIPProperties{SIPMode: "dial-out"}}}); err == nil {
		t.Error("sip_mode dial-out accepted")
	}
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("%d requests sent", n)
	}
}

func TestRoomsPagesOnRoomID(t *testing.T) {
	t.Parallel()
	srv := dailytest.New(t)
	c, _ := newClient(t, srv)
	ctx := testContext(t)
	made := map[string]bool{}
	for i := range 5 {
		r := must(c.CreateRoom(ctx, daily.CreateRoomRequest{Name: fmt.Sprintf("room-%d", i)}))(t)
		made[r.Name] = true
	}
	srv.ResetRequests()
	got := must(daily.Collect(c.Rooms(ctx, daily.RoomQuery{Limit: 2})))(t)
	if len(got) != 5 {
		t.Fatalf("listed %d rooms, want 5", len(got))
	}
	for _, r := range got {
		if !made[r.Name] {
			t.Fatalf("listed %q twice or unknown", r.Name)
		}
		delete(made, r.Name)
	}
	reqs := srv.Requests()
	if len(reqs) != 3 {
		t.Fatalf("%d page requests, want 3", len(reqs))
	}
	q, _ := url.ParseQuery(reqs[1].Query)
	if q.Get("starting_after") != got[1].ID || q.Get("limit") != "2" {
		t.Fatalf("second page query %q, want starting_after=%s&limit=2", reqs[1].Query, got[1].ID)
	}

	// Stopping early stops the requests.
	srv.ResetRequests()
	for range c.Rooms(ctx, daily.RoomQuery{Limit: 2}) {
		break
	}
	if n := len(srv.Requests()); n != 1 {
		t.Fatalf("breaking after one room made %d requests", n)
	}
}
