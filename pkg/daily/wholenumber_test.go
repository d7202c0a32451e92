package daily

import (
	"encoding/json"
	"strings"
	"testing"
)

// Every numeric field the client reads takes an integer, N.0, a fraction (rounded down) and
// an exponent; null leaves the field as it was; a string is an error.
func TestEveryNumericFieldTakesEverySpelling(t *testing.T) {
	type field struct {
		name   string
		decode func(string) (int64, error) // decodes a document with the field set to the number
	}
	into := func(v any, doc string, get func() int64) (int64, error) {
		err := json.Unmarshal([]byte(doc), v)
		return get(), err
	}
	fields := []field{
		{"room exp", func(n string) (int64, error) {
			var r Room
			return into(&r, `{"config":{"exp":`+n+`}}`, func() int64 { return r.Config.Exp })
		}},
		{"room nbf", func(n string) (int64, error) {
			var r Room
			return into(&r, `{"config":{"nbf":`+n+`}}`, func() int64 { return r.Config.Nbf })
		}},
		{"room eject_after_elapsed", func(n string) (int64, error) {
			var r Room
			return into(&r, `{"config":{"eject_after_elapsed":`+n+`}}`, func() int64 { return r.Config.EjectAfterElapsed })
		}},
		{"room max_participants", func(n string) (int64, error) {
			var r Room
			return into(&r, `{"config":{"max_participants":`+n+`}}`, func() int64 { return int64(r.Config.MaxParticipants) })
		}},
		{"sip num_endpoints", func(n string) (int64, error) {
			var r Room
			return into(&r, `{"config":{"sip":{"display_name":"x","num_endpoints":`+n+`}}}`, func() int64 { return int64(r.Config.SIP.NumEndpoints) })
		}},
		{"room properties exp", func(n string) (int64, error) {
			var p RoomProperties
			return into(&p, `{"exp":`+n+`}`, func() int64 { return p.Exp })
		}},
		{"token exp", func(n string) (int64, error) {
			var p MeetingTokenProperties
			return into(&p, `{"exp":`+n+`}`, func() int64 { return p.Exp })
		}},
		{"token nbf", func(n string) (int64, error) {
			var p MeetingTokenProperties
			return into(&p, `{"nbf":`+n+`}`, func() int64 { return p.Nbf })
		}},
		{"token eject_after_elapsed", func(n string) (int64, error) {
			var p MeetingTokenProperties
			return into(&p, `{"eject_after_elapsed":`+n+`}`, func() int64 { return p.EjectAfterElapsed })
		}},
		{"number pagination_id", func(n string) (int64, error) {
			var p PurchasedNumber
			return into(&p, `{"pagination_id":`+n+`}`, func() int64 { return p.PaginationID })
		}},
		{"webhook failedCount", func(n string) (int64, error) {
			var w Webhook
			return into(&w, `{"failedCount":`+n+`}`, func() int64 { return int64(w.FailedCount) })
		}},
		{"list total_count", func(n string) (int64, error) {
			var p listPage[Room]
			return into(&p, `{"total_count":`+n+`,"data":[]}`, func() int64 { return int64(p.TotalCount) })
		}},
	}
	for _, f := range fields {
		for spelling, want := range map[string]int64{
			"1796595609": 1796595609, "1796595609.0": 1796595609, "1796595609.6178238": 1796595609,
			"1.7965956096178238e9": 1796595609, "3": 3, "3.0": 3, "3.5": 3, "0": 0,
		} {
			got, err := f.decode(spelling)
			if err != nil || got != want {
				t.Errorf("%s %s: got %d, %v; want %d", f.name, spelling, got, err, want)
			}
		}
		if _, err := f.decode(`"5"`); err == nil || !strings.Contains(err.Error(), "is not a number") {
			t.Errorf("%s: a string decoded (%v)", f.name, err)
		}
		if _, err := f.decode(`1e300`); err == nil || !strings.Contains(err.Error(), "out of range") {
			t.Errorf("%s: 1e300 decoded (%v)", f.name, err)
		}
	}
}

// The other fields of the structs still decode, and an absent or null number keeps its value.
func TestWholeNumberDecodingKeepsTheOtherFields(t *testing.T) {
	var r Room
	doc := `{"id":"i","name":"n","url":"u","config":{"exp":1796595609.5,"eject_at_room_exp":true,"geo":"eu-west-2",` +
		`"sip":{"display_name":"+1555","sip_mode":"dial-in","video":true,"num_endpoints":2.0,"codecs":{"audio":["OPUS"]}},` +
		`"sip_uri":{"endpoint":"n.0@d.sip","extra_endpoints":["n.1@d.sip"]},"dialin_code":"123"}}`
	if err := json.Unmarshal([]byte(doc), &r); err != nil {
		t.Fatal(err)
	}
	c := r.Config
	if r.Name != "n" || c.Exp != 1796595609 || !c.EjectAtRoomExp || c.Geo != "eu-west-2" || c.SIP.DisplayName != "+1555" ||
		!c.SIP.Video || c.SIP.NumEndpoints != 2 || c.SIP.Codecs.Audio[0] != "OPUS" || len(c.SIPURI.Endpoints()) != 2 || c.DialinCode != "123" {
		t.Fatalf("decoded %+v / %+v", r, c)
	}
	p := MeetingTokenProperties{Exp: 7, Nbf: 8}
	if err := json.Unmarshal([]byte(`{"room_name":"r","nbf":null,"is_owner":true}`), &p); err != nil || p.Exp != 7 || p.Nbf != 8 || p.RoomName != "r" || !p.IsOwner {
		t.Fatalf("absent/null: %+v %v", p, err)
	}
	var w Webhook
	if err := json.Unmarshal([]byte(`{"uuid":"u","state":1,"failedCount":2.0,"createdAt":1735689600}`), &w); err != nil ||
		w.UUID != "u" || w.State != "ACTIVE" || w.FailedCount != 2 || w.CreatedAt != "1735689600" {
		t.Fatalf("webhook %+v %v", w, err)
	}
	var n PurchasedNumber
	if err := json.Unmarshal([]byte(`{"id":"i","number":"+1","pagination_id":3391.0,"verified":true}`), &n); err != nil ||
		n.ID != "i" || n.Number != "+1" || n.PaginationID != 3391 || !n.Verified {
		t.Fatalf("number %+v %v", n, err)
	}
}
