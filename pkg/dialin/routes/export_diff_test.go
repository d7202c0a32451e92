package routes

import (
	"errors"
	"strings"
	"testing"
)

func TestExportWithEnvPlaceholdersPlansWithoutChanges(t *testing.T) {
	t.Parallel()
	live := entries(t, liveJSON)
	out, err := ExportSpec(live, ExportOptions{HMACEnv: HMACEnvName})
	if err != nil {
		t.Fatal(err)
	}
	noSecrets(t, "export", string(out))
	for _, name := range []string{"DIALIN_HMAC_14155550100", "DIALIN_HMAC_14155550101", "DIALIN_HMAC_SIP_CI_TRUNK"} {
		if !strings.Contains(string(out), "${"+name+"}") {
			t.Errorf("no placeholder %s in\n%s", name, out)
		}
	}
	if _, err := ParseSpec("routes.yaml", out, nil); err == nil || !strings.Contains(err.Error(), "DIALIN_HMAC_14155550100") {
		t.Fatalf("an unset secret variable must stop the plan: err = %v", err)
	}
	env := map[string]string{"DIALIN_HMAC_14155550100": secretA, "DIALIN_HMAC_14155550101": secretB, "DIALIN_HMAC_SIP_CI_TRUNK": secretC}
	s, err := ParseSpec("routes.yaml", out, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	if p := Plan(live, s, true); p.HasChanges() {
		t.Fatalf("plan of the export with its secrets set has changes: %+v", p.Summary)
	}
	env["DIALIN_HMAC_14155550101"] = secretC // a rotated secret in CI is a change
	s, _ = ParseSpec("routes.yaml", out, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	p := Plan(live, s, false)
	if p.Summary.Change != 1 || p.Changes[1].Field(FieldHMAC) == nil {
		t.Fatalf("summary %+v", p.Summary)
	}
}

func TestHMACEnvName(t *testing.T) {
	t.Parallel()
	for k, want := range map[Key]string{
		NumberKey("+14155550100"): "DIALIN_HMAC_14155550100",
		SIPKey("ci-trunk.eu"):     "DIALIN_HMAC_SIP_CI_TRUNK_EU",
	} {
		if got := HMACEnvName(k); got != want {
			t.Errorf("%s: %s, want %s", k, got, want)
		}
	}
}

func TestDiffForRestore(t *testing.T) {
	t.Parallel()
	live := entries(t, liveJSON)
	saved := entries(t, liveJSON)
	saved[0].RoomCreationAPI = "https://old.example.com/dialin"
	saved = append(saved[:1], saved[2]) // the backup lacks +14155550101 ...
	current := append(live[:0:0], live[0], live[1])
	// ... and the live routes lack sip:ci-trunk.
	p := Diff(current, saved)
	if s := p.Summary; s.Add != 1 || s.Change != 1 || s.Remove != 1 || s.Unchanged != 0 {
		t.Fatalf("summary %+v", s)
	}
	if p.BaseHash != Hash(current) || Hash(p.Desired) != Hash(saved) {
		t.Error("Diff must plan exactly the desired array against the current one")
	}
	if p.Changes[0].Field(FieldURL) == nil || p.Changes[1].Action != ActionRemove || p.Changes[2].Key != "sip:ci-trunk" {
		t.Errorf("changes %+v", p.Changes)
	}
	if same := Diff(live, live); same.HasChanges() || same.Summary.Unchanged != 3 {
		t.Errorf("diff of an array with itself: %+v", same.Summary)
	}
}

func TestEntryChangeValidateChecksOnlyWhatIsSet(t *testing.T) {
	t.Parallel()
	ok := []EntryChange{
		{Key: NumberKey("+14155550100")},
		{Key: NumberKey("+14155550100"), URL: ptr("https://a.example.com/x"), HMAC: ptr(secretA)},
		{Key: SIPKey("trunk"), HoldMusicURL: ptr(""), TimeoutMessage: ptr("")},
	}
	for _, c := range ok {
		if err := c.Validate(ValidateOptions{}); err != nil {
			t.Errorf("%+v: %v", c, err)
		}
	}
	if err := (EntryChange{Key: NumberKey("+14155550100"), URL: ptr("http://127.0.0.1:8080/x")}).Validate(ValidateOptions{AllowHTTP: true}); err != nil {
		t.Errorf("loopback http with AllowHTTP: %v", err)
	}
	bad := map[string]EntryChange{
		"route +14155550100: room_creation_api: must use https":                   {Key: NumberKey("+14155550100"), URL: ptr("http://a.example.com/x")},
		"route +14155550100: room_creation_api: cannot be empty":                  {Key: NumberKey("+14155550100"), URL: ptr("")},
		"route +14155550100: hmac: not valid base64":                              {Key: NumberKey("+14155550100"), HMAC: ptr("not base64!")},
		"route sip:trunk: hold_music_url: must be an MP3 file":                    {Key: SIPKey("trunk"), HoldMusicURL: ptr("https://cdn.example.com/a.wav")},
		"route sip:my trunk: name_prefix: must not contain spaces":                {Key: SIPKey("my trunk")},
		"route +14155550100: timeout_config.message: must not be blank":           {Key: NumberKey("+14155550100"), TimeoutMessage: ptr("  ")},
		"route +14155550100: name_prefix: must not contain spaces or control":     {Key: NumberKey("+14155550100"), NamePrefix: ptr("a b")},
		"route +14155550100: hmac: decodes to 3 bytes; use at least 16 random by": {Key: NumberKey("+14155550100"), HMAC: ptr("YWJj")},
	}
	for want, c := range bad {
		err := c.Validate(ValidateOptions{})
		var ve *ValidationError
		if !errors.As(err, &ve) || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%+v: err = %v, want %q", c, err, want)
		}
		noSecrets(t, "error", errString(err))
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
