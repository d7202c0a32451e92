package routes

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestUpsertUpdatesOnlyTheGivenFieldsAndKeepsEveryOtherEntryByteForByte(t *testing.T) {
	t.Parallel()
	cur := entries(t, liveJSON)
	raws := rawOf(t, liveJSON)
	next, c, err := Upsert(cur, EntryChange{Key: Key{Number: "+1 (415) 555-0101"}, URL: ptr("https://new.example.com/dialin")})
	if err != nil {
		t.Fatal(err)
	}
	if c.Action != ActionUpdate || c.Key != "+14155550101" {
		t.Fatalf("change = %+v", c)
	}
	if len(c.Fields) != 1 || c.Fields[0] != (FieldChange{Field: FieldURL, Old: "https://b.example.com/dialin", New: "https://new.example.com/dialin"}) {
		t.Errorf("fields = %+v", c.Fields)
	}
	if len(next) != 3 || marshal(t, next[0]) != raws[0] || marshal(t, next[2]) != raws[2] {
		t.Errorf("untouched entries changed:\n%s\n%s", marshal(t, next[0]), marshal(t, next[2]))
	}
	e := next[1]
	if e.HMAC != secretB || e.SIPURI != "static--1@x.sip.example" || e.HoldMusicURL != "https://cdn.example.com/hold.mp3" || e.TimeoutConfig.Message != "Sorry" {
		t.Errorf("updated entry lost a field it was not asked to change: %+v", e)
	}
	if marshal(t, cur[1]) != raws[1] {
		t.Error("Upsert modified its input")
	}
}

func TestUpsertKeepsUnknownFieldsOfTheEntryItChanges(t *testing.T) {
	t.Parallel()
	cur := entries(t, liveJSON)
	next, _, err := Upsert(cur, EntryChange{Key: NumberKey("+14155550100"), HoldMusicURL: ptr("https://cdn.example.com/x.mp3")})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(marshal(t, next[0])), &m); err != nil {
		t.Fatal(err)
	}
	if string(m["x_future"]) != `{"b":2,"a":[1,2]}` || string(m["hold_music_url"]) != `"https://cdn.example.com/x.mp3"` {
		t.Errorf("entry = %s", marshal(t, next[0]))
	}
}

func TestUpsertAddsANewEntryAtTheEnd(t *testing.T) {
	t.Parallel()
	cur := entries(t, liveJSON)
	next, c, err := Upsert(cur, EntryChange{Key: Key{Number: "14155550199"}, URL: ptr("https://d.example.com/dialin"), NamePrefix: ptr("d")})
	if err != nil {
		t.Fatal(err)
	}
	if c.Action != ActionAdd || len(next) != 4 || next[3].PhoneNumber != "+14155550199" || next[3].HMAC != "" {
		t.Fatalf("change %+v, next %d entries, last %+v", c, len(next), next[3])
	}
	if f := c.Field(FieldHMAC); f == nil || f.New != SensitiveGenerated {
		t.Errorf("a new entry without hmac should say Daily generates one: %+v", c.Fields)
	}
}

func TestUpsertGeneratesASecretOnlyWhenAsked(t *testing.T) {
	t.Parallel()
	cur := entries(t, liveJSON)
	next, c, err := Upsert(cur, EntryChange{Key: NumberKey("+14155550100"), GenerateHMAC: true})
	if err != nil {
		t.Fatal(err)
	}
	key, err := base64.StdEncoding.DecodeString(c.GeneratedHMAC)
	if err != nil || len(key) != 32 || next[0].HMAC != c.GeneratedHMAC {
		t.Fatalf("generated %d bytes, err %v", len(key), err)
	}
	f := c.Field(FieldHMAC)
	if f == nil || f.Old != SensitiveSet || f.New != SensitiveChanged || !f.Sensitive {
		t.Errorf("hmac change = %+v", f)
	}
	js, _ := json.Marshal(c)
	noSecrets(t, "change JSON", string(js))
	if strings.Contains(string(js), c.GeneratedHMAC) {
		t.Errorf("change JSON shows the generated secret: %s", js)
	}
	if _, _, err := Upsert(cur, EntryChange{Key: NumberKey("+14155550100"), GenerateHMAC: true, HMAC: ptr(secretA)}); err == nil {
		t.Error("hmac and GenerateHMAC together should be refused")
	}
}

func TestUpsertWithNothingNewIsUnchanged(t *testing.T) {
	t.Parallel()
	cur := entries(t, liveJSON)
	next, c, err := Upsert(cur, EntryChange{Key: NumberKey("+14155550101"), URL: ptr("https://b.example.com/dialin"), TimeoutMessage: ptr("Sorry")})
	if err != nil {
		t.Fatal(err)
	}
	if c.Action != ActionUnchanged || c.Changed() || !sameArray(next, cur) || Hash(next) != Hash(cur) {
		t.Errorf("change = %+v", c)
	}
}

func TestUpsertRemovesOptionalFieldsGivenEmpty(t *testing.T) {
	t.Parallel()
	cur := entries(t, liveJSON)
	next, c, err := Upsert(cur, EntryChange{Key: NumberKey("+14155550101"), TimeoutMessage: ptr(""), HoldMusicURL: ptr("")})
	if err != nil {
		t.Fatal(err)
	}
	if next[1].TimeoutConfig != nil || next[1].HoldMusicURL != "" || next[1].HMAC != secretB {
		t.Errorf("entry = %+v", next[1])
	}
	if f := c.Field(FieldTimeoutMessage); f == nil || f.Old != "Sorry" || f.New != "" {
		t.Errorf("timeout change = %+v", f)
	}
	if cur[1].TimeoutConfig == nil || cur[1].TimeoutConfig.Message != "Sorry" {
		t.Error("Upsert modified the input's timeout_config")
	}
}

func TestUpsertRefusesBadRequests(t *testing.T) {
	t.Parallel()
	cur := entries(t, liveJSON)
	cases := map[string]EntryChange{
		"new entry without url":   {Key: NumberKey("+14155550199")},
		"url removed":             {Key: NumberKey("+14155550100"), URL: ptr("")},
		"no key":                  {URL: ptr("https://x.example.com")},
		"both keys":               {Key: Key{Number: "+14155550100", SIPName: "x"}},
		"bad number":              {Key: Key{Number: "abc"}, URL: ptr("https://x.example.com")},
		"renaming a SIP entry":    {Key: SIPKey("ci-trunk"), NamePrefix: ptr("other")},
		"secret and generate one": {Key: NumberKey("+14155550100"), HMAC: ptr(secretA), GenerateHMAC: true},
	}
	for name, ch := range cases {
		if _, _, err := Upsert(cur, ch); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestUpsertSIPEntryByName(t *testing.T) {
	t.Parallel()
	cur := entries(t, liveJSON)
	next, c, err := Upsert(cur, EntryChange{Key: SIPKey("ci-trunk"), URL: ptr("https://c2.example.com/sip")})
	if err != nil || c.Action != ActionUpdate || c.Key != "sip:ci-trunk" || next[2].RoomCreationAPI != "https://c2.example.com/sip" || next[2].HMAC != secretC {
		t.Fatalf("change %+v, err %v", c, err)
	}
	next, c, err = Upsert(cur, EntryChange{Key: SIPKey("sales"), URL: ptr("https://s.example.com/sip")})
	if err != nil || c.Action != ActionAdd || next[3].NamePrefix != "sales" || next[3].PhoneNumber != "" {
		t.Fatalf("add SIP: %+v, %v", c, err)
	}
}

func TestRemoveKeepsTheRest(t *testing.T) {
	t.Parallel()
	cur := entries(t, liveJSON)
	raws := rawOf(t, liveJSON)
	next, c, err := Remove(cur, Key{Number: "+14155550101"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Action != ActionRemove || len(next) != 2 || marshal(t, next[0]) != raws[0] || marshal(t, next[1]) != raws[2] {
		t.Errorf("remove: %+v, %d left", c, len(next))
	}
	if _, _, err := Remove(cur, SIPKey("nope")); !errors.Is(err, ErrNotFound) {
		t.Errorf("remove of a missing key: %v", err)
	}
	if _, _, err := Remove(cur, SIPKey("ci-trunk")); err != nil {
		t.Errorf("remove SIP entry: %v", err)
	}
}

func TestParseKey(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Key{
		"+1 (415) 555-0100": {Number: "+14155550100"},
		"4155550100":        {Number: "+14155550100"},
		"sip:sales":         {SIPName: "sales"},
	} {
		got, err := ParseKey(in, "US")
		if err != nil || got != want {
			t.Errorf("ParseKey(%q) = %+v, %v", in, got, err)
		}
	}
	if _, err := ParseKey("sip:", "US"); err == nil {
		t.Error("sip: without a name accepted")
	}
}

func TestChangeScopeIsTheWrittenEntry(t *testing.T) {
	t.Parallel()
	cur := entries(t, liveJSON)
	_, c, _ := Upsert(cur, EntryChange{Key: Key{Number: "+1 415 555 0101"}, URL: ptr("http://x.example.com")})
	next, _, _ := Upsert(cur, EntryChange{Key: Key{Number: "+1 415 555 0101"}, URL: ptr("http://x.example.com")})
	next[0].RoomCreationAPI = "http://not-judged.example.com" // someone else's entry
	if err := Validate(next, ValidateOptions{Only: c.Scope()}); err == nil || len(ValidationErrors(err)) != 1 {
		t.Errorf("scope %v: %v", c.Scope(), err)
	}
	_, r, _ := Remove(cur, NumberKey("+14155550100"))
	if len(r.Scope()) != 0 {
		t.Errorf("a removal has scope %v", r.Scope())
	}
}
