package routes

import (
	"errors"
	"strings"
	"testing"

	"github.com/dialin-project/dialin/pkg/daily"
)

func TestValidateAcceptsAGoodArray(t *testing.T) {
	t.Parallel()
	owned := map[string]bool{"+14155550100": true, "+14155550101": true}
	if err := Validate(entries(t, liveJSON), ValidateOptions{OwnedNumbers: owned}); err != nil {
		t.Fatal(err)
	}
}

func TestValidateNamesEntryFieldAndRule(t *testing.T) {
	t.Parallel()
	short := "c2hvcnQ=" // "short": valid base64, 5 bytes
	cases := []struct {
		name  string
		entry daily.PinlessDialinEntry
		opts  ValidateOptions
		want  string
	}{
		{"not E.164", daily.PinlessDialinEntry{PhoneNumber: "4155550100", RoomCreationAPI: "https://a.example.com"}, ValidateOptions{},
			"route 4155550100: phone_number: not a valid E.164 number (expected like +14155550100)"},
		{"missing url", daily.PinlessDialinEntry{PhoneNumber: "+14155550100"}, ValidateOptions{},
			"route +14155550100: room_creation_api: required: the webhook Daily calls for each incoming call"},
		{"relative url", daily.PinlessDialinEntry{PhoneNumber: "+14155550100", RoomCreationAPI: "/dialin"}, ValidateOptions{},
			`route +14155550100: room_creation_api: must be an absolute https URL (got "/dialin")`},
		{"http", daily.PinlessDialinEntry{PhoneNumber: "+14155550100", RoomCreationAPI: "http://a.example.com/x"}, ValidateOptions{},
			"route +14155550100: room_creation_api: must use https (--allow-http accepts http for loopback hosts)"},
		{"http not loopback", daily.PinlessDialinEntry{PhoneNumber: "+14155550100", RoomCreationAPI: "http://a.example.com/x"}, ValidateOptions{AllowHTTP: true},
			"route +14155550100: room_creation_api: http is allowed for loopback hosts only (localhost, 127.0.0.1, ::1)"},
		{"ftp", daily.PinlessDialinEntry{PhoneNumber: "+14155550100", RoomCreationAPI: "ftp://a.example.com/x"}, ValidateOptions{},
			`route +14155550100: room_creation_api: must be an absolute https URL (got scheme "ftp")`},
		{"password redacted", daily.PinlessDialinEntry{PhoneNumber: "+14155550100", RoomCreationAPI: "https://u:hunter2@/x"}, ValidateOptions{},
			`route +14155550100: room_creation_api: must be an absolute https URL (got "https://u:xxxxx@/x")`},
		{"hmac not base64", daily.PinlessDialinEntry{PhoneNumber: "+14155550100", RoomCreationAPI: "https://a.example.com", HMAC: "base64-encoded-secret"}, ValidateOptions{},
			"route +14155550100: hmac: not valid base64 (standard alphabet, with = padding); `dialin routes set --generate-hmac` makes one"},
		{"hmac short", daily.PinlessDialinEntry{PhoneNumber: "+14155550100", RoomCreationAPI: "https://a.example.com", HMAC: short}, ValidateOptions{},
			"route +14155550100: hmac: decodes to 5 bytes; use at least 16 random bytes"},
		{"hold music http", daily.PinlessDialinEntry{PhoneNumber: "+14155550100", RoomCreationAPI: "https://a.example.com", HoldMusicURL: "http://cdn.example.com/a.mp3"}, ValidateOptions{},
			"route +14155550100: hold_music_url: must use https (--allow-http accepts http for loopback hosts)"},
		{"hold music wav", daily.PinlessDialinEntry{PhoneNumber: "+14155550100", RoomCreationAPI: "https://a.example.com", HoldMusicURL: "https://cdn.example.com/a.wav?x=.mp3"}, ValidateOptions{},
			"route +14155550100: hold_music_url: must be an MP3 file (a URL whose path ends in .mp3)"},
		{"blank timeout", daily.PinlessDialinEntry{PhoneNumber: "+14155550100", RoomCreationAPI: "https://a.example.com", TimeoutConfig: &daily.TimeoutConfig{Message: " "}}, ValidateOptions{},
			"route +14155550100: timeout_config.message: must not be blank (leave timeout_config out for Daily's default message)"},
		{"long timeout", daily.PinlessDialinEntry{PhoneNumber: "+14155550100", RoomCreationAPI: "https://a.example.com", TimeoutConfig: &daily.TimeoutConfig{Message: strings.Repeat("a", 501)}}, ValidateOptions{},
			"route +14155550100: timeout_config.message: longer than 500 characters"},
		{"SIP without name", daily.PinlessDialinEntry{RoomCreationAPI: "https://a.example.com"}, ValidateOptions{},
			"route #1: name_prefix: a SIP-interconnect entry (no phone_number) needs a name_prefix"},
		{"name with space", daily.PinlessDialinEntry{PhoneNumber: "+14155550100", RoomCreationAPI: "https://a.example.com", NamePrefix: "my line"}, ValidateOptions{},
			"route +14155550100: name_prefix: must not contain spaces or control characters (it becomes part of SIP addresses)"},
		{"not owned", daily.PinlessDialinEntry{PhoneNumber: "+14155550100", RoomCreationAPI: "https://a.example.com"}, ValidateOptions{OwnedNumbers: map[string]bool{}},
			"route +14155550100: phone_number: the domain does not own this number (see `dialin numbers list`; --force to write it anyway)"},
	}
	for _, c := range cases {
		err := Validate([]daily.PinlessDialinEntry{c.entry}, c.opts)
		var ve *ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("%s: got %v, want a *ValidationError", c.name, err)
			continue
		}
		if err.Error() != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, err, c.want)
		}
		noSecrets(t, c.name, err.Error())
	}
}

func TestValidateAcceptsWhatTheRulesAllow(t *testing.T) {
	t.Parallel()
	ok := []daily.PinlessDialinEntry{
		{PhoneNumber: "+14155550100", RoomCreationAPI: "http://127.0.0.1:8080/dialin", HoldMusicURL: "https://cdn.example.com/HOLD.MP3?sig=1"},
		{PhoneNumber: "+14155550101", RoomCreationAPI: "http://localhost/dialin"},
		{PhoneNumber: "+14155550102", RoomCreationAPI: "http://[::1]:9/dialin"},
		{PhoneNumber: "+14155550103", RoomCreationAPI: "https://a.example.com", HMAC: secretA, TimeoutConfig: &daily.TimeoutConfig{Message: "Bye"}},
	}
	if err := Validate(ok, ValidateOptions{AllowHTTP: true}); err != nil {
		t.Fatal(err)
	}
	notOwned := []daily.PinlessDialinEntry{{PhoneNumber: "+14155550100", RoomCreationAPI: "https://a.example.com"}}
	if err := Validate(notOwned, ValidateOptions{OwnedNumbers: map[string]bool{}, Force: true}); err != nil {
		t.Errorf("Force should accept a number not owned: %v", err)
	}
}

func TestValidateReportsEveryProblemAndDuplicates(t *testing.T) {
	t.Parallel()
	es := []daily.PinlessDialinEntry{
		{PhoneNumber: "+14155550100", RoomCreationAPI: "https://a.example.com"},
		{PhoneNumber: "+14155550100", RoomCreationAPI: "http://b.example.com", HMAC: "!"},
		{NamePrefix: "trunk", RoomCreationAPI: "https://c.example.com"},
		{NamePrefix: "trunk", RoomCreationAPI: "https://d.example.com"},
	}
	err := Validate(es, ValidateOptions{})
	got := ValidationErrors(err)
	want := []string{
		"route +14155550100: phone_number: the number is already in entry #1; a number can be in one entry only",
		"route +14155550100: room_creation_api: must use https (--allow-http accepts http for loopback hosts)",
		"route +14155550100: hmac: not valid base64 (standard alphabet, with = padding); `dialin routes set --generate-hmac` makes one",
		"route sip:trunk: name_prefix: another SIP entry (#3) has the same name prefix",
	}
	if len(got) != len(want) {
		t.Fatalf("got %d problems:\n%v", len(got), err)
	}
	for i := range want {
		if got[i].Error() != want[i] {
			t.Errorf("problem %d:\n got %s\nwant %s", i, got[i], want[i])
		}
	}
}

func TestValidateOnlyJudgesTheChangedEntries(t *testing.T) {
	t.Parallel()
	es := []daily.PinlessDialinEntry{
		{PhoneNumber: "+14155550100", RoomCreationAPI: "http://legacy.example.com", HMAC: "weird"}, // someone else's
		{PhoneNumber: "+14155550101", RoomCreationAPI: "https://a.example.com"},
	}
	only := map[Key]bool{NumberKey("+14155550101"): true}
	if err := Validate(es, ValidateOptions{Only: only}); err != nil {
		t.Errorf("an entry outside Only was judged: %v", err)
	}
	es = append(es, daily.PinlessDialinEntry{PhoneNumber: "+14155550101", RoomCreationAPI: "https://b.example.com"})
	if err := Validate(es, ValidateOptions{Only: only}); err == nil || !strings.Contains(err.Error(), "already in entry #2") {
		t.Errorf("a duplicate of a changed entry was not reported: %v", err)
	}
}
