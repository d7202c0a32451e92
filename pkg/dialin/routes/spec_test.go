package routes

import (
	"errors"
	"strings"
	"testing"
)

const goodSpec = `# routes for CI
version: 1
managed_prefix: ci-
routes:
  - number: +1 (415) 555-0100
    url: https://bots.example.com/dialin
    name_prefix: ci-support
    hmac: ${SUPPORT_HMAC}
    hold_music_url: https://cdn.example.com/hold.mp3
    timeout_message: "Sorry, nobody is free."
  - number: +14155550102     # unquoted: YAML reads a number, dialin takes it as written
    url: https://${BOT_HOST}/dialin
    name_prefix: ci-sales
  - sip: ci-trunk
    url: https://bots.example.com/sip
`

func env(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
}

func TestParseSpecReadsRoutes(t *testing.T) {
	t.Parallel()
	s, err := ParseSpec("routes.yaml", []byte(goodSpec), env(map[string]string{"SUPPORT_HMAC": secretA, "BOT_HOST": "b.example.com"}))
	if err != nil {
		t.Fatal(err)
	}
	if s.ManagedPrefix != "ci-" || len(s.Routes) != 3 || s.File != "routes.yaml" {
		t.Fatalf("spec = %+v", s)
	}
	r := s.Routes[0]
	if r.Key != NumberKey("+14155550100") || r.URL != "https://bots.example.com/dialin" || r.HMAC == nil || *r.HMAC != secretA ||
		r.HoldMusicURL != "https://cdn.example.com/hold.mp3" || r.TimeoutMessage != "Sorry, nobody is free." || r.Line != 5 || r.Lines["hmac"] != 8 {
		t.Errorf("route 0 = %+v", r)
	}
	if r := s.Routes[1]; r.Key.Number != "+14155550102" || r.URL != "https://b.example.com/dialin" || r.HMAC != nil {
		t.Errorf("route 1 = %+v", r)
	}
	if r := s.Routes[2]; r.Key != SIPKey("ci-trunk") || r.NamePrefix != "ci-trunk" {
		t.Errorf("route 2 = %+v", r)
	}
	if err := s.Validate(ValidateOptions{}); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestParseSpecErrorsNameFileLineAndField(t *testing.T) {
	t.Parallel()
	all := env(map[string]string{"SET": "x"})
	cases := []struct{ name, yaml, want string }{
		{"empty", "", "f.yaml: the file is empty; expected a \"routes:\" list"},
		{"comment only", "# nothing\n", "f.yaml: the file is empty; expected a \"routes:\" list"},
		{"not a mapping", "- a\n", "f.yaml:1: expected a mapping with a \"routes:\" list, got a list"},
		{"no routes", "version: 1\n", "f.yaml:1: routes: missing; list the desired routes (an empty list is \"routes: []\")"},
		{"bad version", "version: 2\nroutes: []\n", "f.yaml:1: version: must be 1"},
		{"unknown top", "routes: []\nprune: true\n", "f.yaml:2: prune: unknown field (known: version, managed_prefix, allow_http, unset_hmac, routes)"},
		{"routes not list", "routes: {a: 1}\n", "f.yaml:1: routes: must be a list, got a mapping"},
		{"route not mapping", "routes:\n  - +14155550100\n", "f.yaml:2: routes[0]: must be a mapping with number (or sip) and url, got a number"},
		{"unknown field", "routes:\n  - number: \"+14155550100\"\n    urll: https://x.example.com\n",
			"f.yaml:3: routes[0].urll: unknown field (known: number, sip, url, pipecat_cloud, name_prefix, hmac, hold_music_url, timeout_message)"},
		{"missing url", "routes:\n  - number: \"+14155550100\"\n", "f.yaml:2: routes[0].url: missing: the webhook Daily calls for this route (or pipecat_cloud: ORG/AGENT)"},
		{"missing key", "routes:\n  - url: https://x.example.com\n", "f.yaml:2: routes[0].number: missing: each route needs number (or sip for a SIP-interconnect entry)"},
		{"both keys", "routes:\n  - number: \"+14155550100\"\n    sip: a\n    url: https://x\n", "f.yaml:3: routes[0].sip: give number or sip, not both"},
		{"wrong type", "routes:\n  - number: \"+14155550100\"\n    url: [a]\n", "f.yaml:3: routes[0].url: must be a string, got a list"},
		{"bool", "routes:\n  - number: \"+14155550100\"\n    url: https://x\n    name_prefix: true\n", "f.yaml:4: routes[0].name_prefix: must be a string, got a boolean"},
		{"null", "routes:\n  - number: \"+14155550100\"\n    url:\n", "f.yaml:3: routes[0].url: must be a string, got nothing"},
		{"bad number", "routes:\n  - number: \"555\"\n    url: https://x\n",
			`f.yaml:2: routes[0].number: phone number "555": not a valid E.164 number; give the country code with a leading + (expected like +14155550100)`},
		{"unset env", "routes:\n  - number: \"+14155550100\"\n    url: https://x\n    hmac: ${SUPPORT_HMAC}\n",
			"f.yaml:4: routes[0].hmac: environment variable SUPPORT_HMAC is not set"},
		{"bad env ref", "routes:\n  - number: \"+14155550100\"\n    url: https://${bad-name}/x\n",
			`f.yaml:3: routes[0].url: "${bad-name}" is not a valid ${NAME} reference (write $${ for a literal ${)`},
		{"duplicate number", "routes:\n  - number: \"+14155550100\"\n    url: https://x\n  - number: 14155550100\n    url: https://y\n",
			"f.yaml:4: routes[1].number: +14155550100 is already routed by routes[0]; a number (or SIP name) can appear once"},
		{"field twice", "routes:\n  - number: \"+14155550100\"\n    url: https://x\n    url: https://y\n", "f.yaml:4: routes[0].url: given twice"},
		{"not managed", "managed_prefix: ci-\nroutes:\n  - number: \"+14155550100\"\n    url: https://x\n    name_prefix: prod\n",
			`f.yaml:5: routes[0].name_prefix: must start with managed_prefix "ci-", so that --prune can tell this route is managed by this file`},
		{"SIP name mismatch", "routes:\n  - sip: a\n    name_prefix: b\n    url: https://x\n", `f.yaml:3: routes[0].name_prefix: a SIP entry's name prefix is its sip name "a"; leave name_prefix out`},
		{"bad yaml", "routes:\n  - number: \"+1\n", "f.yaml:2: invalid YAML: found unexpected end of stream"},
		{"two docs", "routes: []\n---\nroutes: []\n", "f.yaml:2: only one YAML document is allowed"},
		{"merge key", "routes:\n  - <<: {url: x}\n", "f.yaml:2: routes[0].<<: merge keys are not supported; write the fields out"},
	}
	for _, c := range cases {
		_, err := ParseSpec("f.yaml", []byte(c.yaml), all)
		var se *SpecError
		if !errors.As(err, &se) {
			t.Errorf("%s: got %v, want *SpecError", c.name, err)
			continue
		}
		if err.Error() != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, err, c.want)
		}
	}
}

func TestParseSpecEnvExpansion(t *testing.T) {
	t.Parallel()
	s, err := ParseSpec("f", []byte("routes:\n  - sip: t\n    url: https://x.example.com/$${literal}/${EMPTY}\n"), env(map[string]string{"EMPTY": ""}))
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Routes[0].URL; got != "https://x.example.com/${literal}/" {
		t.Errorf("url = %q", got)
	}
	if s, err := ParseSpec("f", []byte("routes:\n"), nil); err != nil || len(s.Routes) != 0 {
		t.Errorf("empty routes: %v", err)
	}
}

func TestSpecValidatePointsAtTheLine(t *testing.T) {
	t.Parallel()
	s, err := ParseSpec("f.yaml", []byte("routes:\n  - number: \"+14155550100\"\n    url: http://x.example.com\n    hmac: ${H}\n"), env(map[string]string{"H": "not-base64!"}))
	if err != nil {
		t.Fatal(err)
	}
	err = s.Validate(ValidateOptions{})
	want := "f.yaml:3: routes[0].url: must use https (--allow-http accepts http for loopback hosts)\n" +
		"f.yaml:4: routes[0].hmac: not valid base64 (standard alphabet, with = padding); `dialin routes set --generate-hmac` makes one"
	if err == nil || err.Error() != want {
		t.Fatalf("got:\n%v\nwant:\n%s", err, want)
	}
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Field != FieldURL {
		t.Errorf("a spec rule error should wrap the *ValidationError: %#v", ve)
	}
	if strings.Contains(err.Error(), "not-base64!") {
		t.Error("the secret shows in the error")
	}
}

func FuzzParseSpec(f *testing.F) {
	f.Add([]byte(goodSpec))
	f.Add([]byte("routes:\n  - sip: a\n    url: x\n"))
	f.Add([]byte("routes: &a [*a]\n"))
	f.Add([]byte("a: &x {b: *x}\nroutes: []\n"))
	f.Add([]byte("routes:\n  - {number: 1, url: ${X}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseSpec("fuzz.yaml", data, env(map[string]string{"X": "y", "SUPPORT_HMAC": secretA, "BOT_HOST": "h"}))
		if err != nil {
			var se *SpecError
			if !errors.As(err, &se) {
				t.Fatalf("error is not a *SpecError: %v", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error is not one line: %q", err)
			}
			return
		}
		seen := map[Key]bool{}
		for _, r := range s.Routes {
			if r.URL == "" || (r.Key.Number == "") == (r.Key.SIPName == "") || seen[r.Key] {
				t.Fatalf("accepted a bad route: %+v", r)
			}
			seen[r.Key] = true
		}
		_ = Plan(nil, s, true)
	})
}
