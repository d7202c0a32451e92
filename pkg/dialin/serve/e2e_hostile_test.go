package serve

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/dialin-project/dialin/internal/testbot"
	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/dialin/serve/launch"
	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
)

// Caller-controlled values reach the bot as literal argv, environment and stdin values, and
// never a shell: no file appears, and each value stays one argument.
func TestHostileValuesReachBotLiterally(t *testing.T) {
	t.Parallel()
	self, _ := os.Executable()
	canary := t.TempDir() + "/pwned"
	cfg := &serveconfig.Config{Default: &rules.Rule{Bot: rules.Bot{Cmd: fmt.Sprintf("'%s' --from {from} --to={to} -i {call_id}", self)}}}
	h := newHarness(t, harnessOpts{cfg: cfg})
	hostile := []string{
		"$(touch " + canary + ")",
		"`touch " + canary + "`",
		"+1; touch " + canary + " #",
		"' \" \\ {token} ${HOME} | & > <",
		"-rf",
		strings.Repeat("9", 10_000),
		"ünï 電話 🙂",
	}
	for i, v := range hostile {
		id := fmt.Sprintf("call-hostile-%d", i)
		headers := map[string]string{"X-Evil": v, "x-$(id)": "`id`"}
		to := testNumber // To must be a route's number (its secret signs the call)
		code, r := h.post("/dialin", callBody(id, to, v, headers), h.secret, "")
		if code != 200 || r.Status != "accepted" {
			t.Fatalf("value %d: %d %+v", i, code, r)
		}
		h.waitEvent(EventBotStarted, id)
		var rec testbot.Record
		testkit.Eventually(t, "the bot record of "+id, func() bool {
			for _, r := range h.records() {
				if r.Env["DIALIN_CALL_ID"] == id {
					rec = r
					return true
				}
			}
			return false
		})
		want := []string{self, "--from", v, "--to=" + to, "-i", id}
		if !reflect.DeepEqual(rec.Argv, want) {
			t.Errorf("value %d: argv %.200q", i, rec.Argv)
		}
		if rec.Env["DIALIN_FROM"] != v || rec.Env["DIALIN_TO"] != to {
			t.Errorf("value %d: env from/to %.80q %.80q", i, rec.Env["DIALIN_FROM"], rec.Env["DIALIN_TO"])
		}
		var hdrs map[string]string
		if json.Unmarshal([]byte(rec.Env["DIALIN_SIP_HEADERS"]), &hdrs); !reflect.DeepEqual(hdrs, headers) {
			t.Errorf("value %d: DIALIN_SIP_HEADERS %.80q", i, rec.Env["DIALIN_SIP_HEADERS"])
		}
		var stdin launch.CallInfo
		if err := json.Unmarshal([]byte(rec.Stdin), &stdin); err != nil || stdin.From != v || stdin.To != to || !reflect.DeepEqual(stdin.SIPHeaders, headers) {
			t.Errorf("value %d: stdin %.120q (%v)", i, rec.Stdin, err)
		}
	}
	if _, err := os.Stat(canary); !os.IsNotExist(err) {
		t.Fatal("a hostile value was run by a shell")
	}
	// every room got a short, one-line display name, the 10 KB From included
	rooms, err := daily.Collect(h.client.Rooms(context.Background(), daily.RoomQuery{}))
	if err != nil || len(rooms) != len(hostile) {
		t.Fatalf("%d rooms, %v", len(rooms), err)
	}
	for _, room := range rooms {
		if room.Config.SIP == nil || len(room.Config.SIP.DisplayName) > 64 || strings.ContainsAny(room.Config.SIP.DisplayName, "\r\n") || room.Config.SIP.SIPMode != "dial-in" {
			t.Errorf("room %s sip %+v", room.Name, room.Config.SIP)
		}
	}
}

func TestDisplayName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"+14155550100":          "+14155550100",
		"":                      "dial-in",
		" \n\t ":                "dial-in",
		"a\nb\x00c\x7f":         "abc",
		strings.Repeat("é", 40): strings.Repeat("é", 32),
		"\xff\xfe+1":            "+1",
	} {
		if got := DisplayName(in); got != want {
			t.Errorf("DisplayName(%q) = %q, want %q", in, got, want)
		}
	}
}
