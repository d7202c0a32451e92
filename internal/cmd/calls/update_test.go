package calls

import (
	"errors"
	"strings"
	"testing"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/pkg/daily"
)

const (
	callID   = "a7bf8461-7d33-4083-9677-5cfdb4f337a5"
	domainID = "9c975848-a067-4de0-bf47-1b4179ceba4e"
)

func testFactory() *cmdutil.Factory {
	ios, _, _, _ := iostreams.Test()
	return &cmdutil.Factory{IOStreams: ios}
}

func TestNewCmdUpdate(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		uri, want string
	}{
		{"room.0@example.sip.daily.co", "sip:room.0@example.sip.daily.co"},
		{"sip:room.0@example.sip.daily.co", "sip:room.0@example.sip.daily.co"},
		{" SIP:room.0@example.sip.daily.co ", "SIP:room.0@example.sip.daily.co"},
		{"sips:room.0@example.sip.daily.co", "sips:room.0@example.sip.daily.co"},
		{"room.0@example.sip.daily.co;x-daily_display_name=Bob%20B", "sip:room.0@example.sip.daily.co;x-daily_display_name=Bob%20B"},
	} {
		var got *UpdateOptions
		cmd := NewCmdUpdate(testFactory(), func(o *UpdateOptions) error { got = o; return nil })
		if err := cmdtest.Exec(cmd, "--call-id", " "+callID, "--call-domain", strings.ToUpper(domainID), "--sip-uri", tt.uri); err != nil {
			t.Fatalf("%q: %v", tt.uri, err)
		}
		if got.CallID != callID || got.CallDomain != strings.ToUpper(domainID) || got.SIPURI != tt.want || got.Exporter != nil {
			t.Fatalf("%q: options %+v", tt.uri, got)
		}
	}
	var got *UpdateOptions
	cmd := NewCmdUpdate(testFactory(), func(o *UpdateOptions) error { got = o; return nil })
	if err := cmdtest.Exec(cmd, "--call-id", callID, "--call-domain", domainID, "--sip-uri", "r.0@h", "--jq", ".updated"); err != nil || got.Exporter == nil {
		t.Fatalf("--jq: %v", err)
	}
}

// badArgs are refused with exit 64, naming the flag, before any request.
var badArgs = []struct {
	args []string
	msg  string
}{
	{[]string{"--call-domain", domainID, "--sip-uri", "r.0@h"}, "--call-id: required (the callId of the dial-in webhook)"},
	{[]string{"--call-id", callID, "--sip-uri", "r.0@h"}, "--call-domain: required (the callDomain of the dial-in webhook)"},
	{[]string{"--call-id", callID, "--call-domain", domainID}, "--sip-uri: required (the room's SIP URI)"},
	{[]string{"--call-id", callID, "--call-domain", domainID, "--sip-uri", "  "}, "--sip-uri: required (the room's SIP URI)"},
	{nil, "--call-id: required (the callId of the dial-in webhook)"},
	{[]string{"--call-id", "12345", "--call-domain", domainID, "--sip-uri", "r.0@h"}, `--call-id: must be a UUID such as a7bf8461-7d33-4083-9677-5cfdb4f337a5, not "12345"`},
	{[]string{"--call-id", callID, "--call-domain", "acme", "--sip-uri", "r.0@h"}, `--call-domain: must be a UUID such as a7bf8461-7d33-4083-9677-5cfdb4f337a5, not "acme"`},
	{[]string{"--call-id", callID, "--call-domain", domainID, "--sip-uri", "sip:"}, `--sip-uri: must be a SIP URI user@host such as sip:room.0@example.sip.daily.co, not "sip:"`},
	{[]string{"--call-id", callID, "--call-domain", domainID, "--sip-uri", "room-only"}, `--sip-uri: must be a SIP URI user@host such as sip:room.0@example.sip.daily.co, not "sip:room-only"`},
	{[]string{"--call-id", callID, "--call-domain", domainID, "--sip-uri", "@host"}, `--sip-uri: must be a SIP URI user@host such as sip:room.0@example.sip.daily.co, not "sip:@host"`},
	{[]string{"--call-id", callID, "--call-domain", domainID, "--sip-uri", "user@"}, `--sip-uri: must be a SIP URI user@host such as sip:room.0@example.sip.daily.co, not "sip:user@"`},
	{[]string{"--call-id", callID, "--call-domain", domainID, "--sip-uri", "a b@host"}, `--sip-uri: must be a SIP URI user@host such as sip:room.0@example.sip.daily.co, not "sip:a b@host"`},
	{[]string{"--call-id", callID, "--call-domain", domainID, "--sip-uri", "<sip:r@h>"}, `--sip-uri: must be a SIP URI user@host such as sip:room.0@example.sip.daily.co, not "sip:<sip:r@h>"`},
	{[]string{"--call-id", callID, "--call-domain", domainID, "--sip-uri", "r.0@h", "extra"}, `unknown command "extra" for "update"`},
}

func TestUpdateRefusesBadInputBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	env := cmdtest.New(t)
	for _, tt := range badArgs {
		err := cmdtest.Exec(NewCmdUpdate(env.Factory, nil), tt.args...)
		var fe *cmdutil.FlagError
		if !errors.As(err, &fe) || err.Error() != tt.msg {
			t.Fatalf("%v: err = %v, want usage error %q", tt.args, err, tt.msg)
		}
	}
	if n := len(env.Server.Requests()); n != 0 {
		t.Fatalf("bad input sent %d requests", n)
	}
	if env.Out.Len()+env.ErrOut.Len() != 0 {
		t.Fatalf("output %q %q", env.Out, env.ErrOut)
	}
}

func hintOf(err error) string {
	var h *cmdutil.HintError
	if errors.As(err, &h) {
		return h.Hint()
	}
	return ""
}

func TestUpdateRunForwardingFailed(t *testing.T) {
	t.Parallel()
	// No such held call: Daily's 404 "Call Forwarding Failed", with the readiness hint.
	env := cmdtest.New(t)
	err := cmdtest.Exec(NewCmdUpdate(env.Factory, nil), "--call-id", callID, "--call-domain", env.Server.DomainID(), "--sip-uri", "room.0@h")
	var apiErr *daily.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 404 || !strings.Contains(err.Error(), "Call Forwarding Failed") {
		t.Fatalf("err = %v", err)
	}
	if hintOf(err) != forwardFailedHint {
		t.Fatalf("hint = %q", hintOf(err))
	}
	for _, want := range []string{"must be ready", "dialin-ready", "twice for one call is a bug"} {
		if !strings.Contains(forwardFailedHint, want) {
			t.Fatalf("the hint does not say %q", want)
		}
	}
	if n := env.Server.Count("POST", "/dialin/pinlessCallUpdate"); n != 1 {
		t.Fatalf("%d updates sent, want 1", n)
	}
	if env.Out.Len()+env.ErrOut.Len() != 0 {
		t.Fatalf("output %q %q", env.Out, env.ErrOut)
	}
}

func TestUpdateRunDailyErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		status   int
		wantHint string
	}{
		{400, "Daily needs callId, callDomain and sipUri; all three were sent, so check their values"},
		{503, "Daily's answer was lost, so the call may be connected already: do not repeat the update blindly"},
	} {
		env := cmdtest.New(t)
		env.Server.FailNext(tt.status, 2)
		err := cmdtest.Exec(NewCmdUpdate(env.Factory, nil), "--call-id", callID, "--call-domain", domainID, "--sip-uri", "sip:r.0@h")
		var apiErr *daily.APIError
		if !errors.As(err, &apiErr) || apiErr.Status != tt.status || hintOf(err) != tt.wantHint {
			t.Fatalf("%d: err = %v, hint %q", tt.status, err, hintOf(err))
		}
		// Never retried: the first update may have connected the call.
		if n := env.Server.Count("POST", "/dialin/pinlessCallUpdate"); n != 1 {
			t.Fatalf("%d: %d updates sent, want 1", tt.status, n)
		}
	}
}

func TestUpdateWithoutKey(t *testing.T) {
	t.Parallel()
	env := cmdtest.NewWithoutKey(t)
	err := cmdtest.Exec(NewCmdUpdate(env.Factory, nil), "--call-id", callID, "--call-domain", domainID, "--sip-uri", "r.0@h")
	var na *cmdutil.NoAuthError
	if !errors.As(err, &na) || len(env.Server.Requests()) != 0 {
		t.Fatalf("err = %v, %d requests", err, len(env.Server.Requests()))
	}
}
