package daily_test

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

func TestPinlessCallUpdateForAnUnknownCall(t *testing.T) {
	t.Parallel()
	srv := dailytest.New(t)
	var wire bytes.Buffer
	c, _ := newClient(t, srv, daily.WithDebug(&wire))
	ctx := testContext(t)

	err := c.PinlessCallUpdate(ctx, daily.PinlessCallUpdateRequest{
		CallID: "a7bf8461-7d33-4083-9677-5cfdb4f337a5", CallDomain: "9c975848-a067-4de0-bf47-1b4179ceba4e",
		SIPURI: "room.0@dailytest.sip.dailytest.localhost"})
	var ae *daily.APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusNotFound || ae.Info != "Call Forwarding Failed" {
		t.Fatalf("err = %v, want 404 Call Forwarding Failed", err)
	}
	if !strings.Contains(wire.String(), `"sipUri":"sip:room.0@dailytest.sip.dailytest.localhost"`) {
		t.Fatalf("the sipUri sent was not normalised:\n%s", wire.String())
	}
	if n := srv.Count(http.MethodPost, "/dialin/pinlessCallUpdate"); n != 1 {
		t.Fatalf("sent %d times, want 1", n)
	}
}

func TestPinlessCallUpdateChecksFieldsBeforeSending(t *testing.T) {
	t.Parallel()
	srv := dailytest.New(t)
	c, _ := newClient(t, srv)
	ctx := testContext(t)
	for _, tc := range []struct {
		req  daily.PinlessCallUpdateRequest
		want string
	}{
		{daily.PinlessCallUpdateRequest{CallDomain: "d", SIPURI: "s"}, "callId:"},
		{daily.PinlessCallUpdateRequest{CallID: "c", SIPURI: "s"}, "callDomain:"},
		{daily.PinlessCallUpdateRequest{CallID: "c", CallDomain: "d", SIPURI: "  "}, "sipUri:"},
	} {
		if err := c.PinlessCallUpdate(ctx, tc.req); err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%+v: err = %v, want %q", tc.req, err, tc.want)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("%d requests sent", n)
	}
}
