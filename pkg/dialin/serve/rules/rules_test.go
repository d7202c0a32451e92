package rules

import (
	"reflect"
	"strings"
	"testing"
)

func TestGlob(t *testing.T) {
	t.Parallel()
	cases := []struct {
		pattern, s string
		want       bool
	}{
		{"+1415555*", "+14155550100", true},
		{"+1415555*", "+14165550100", false},
		{"*", "", true},
		{"", "", true},
		{"", "x", false},
		{"+1??", "+123", true},
		{"+1??", "+12", false},
		{"*0100", "+14155550100", true},
		{"+1*55*9", "+14155550100", false},
		{"+1*55*00", "+14155550100", true},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxbyy", false},
		{"support", "Support", false},
		{"é?", "éü", true},
		{"[abc]", "[abc]", true}, // brackets are literal
		{`a\*`, `a\zz`, true},    // backslash is literal, * still a wildcard
	}
	for _, c := range cases {
		if got := Glob(c.pattern, c.s); got != c.want {
			t.Errorf("Glob(%q, %q) = %v, want %v", c.pattern, c.s, got, c.want)
		}
	}
}

func TestGlobHostileLength(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 10_000)
	if Glob("*a*a*a*a*b", long) {
		t.Fatal("matched a string without b")
	}
	if !Glob("*a*a*a*a", long) {
		t.Fatal("did not match")
	}
}

func testRules() []Rule {
	return []Rule{
		{Name: "support", Match: Matcher{To: []string{"+1415555*"}, From: []string{"+44*", "+33*"}, SIPHeaders: map[string]string{"X-Team": "support"}}},
		{Name: "sales", Match: Matcher{To: []string{"+1415555*", "+1212*"}}},
		{Name: "vip", Match: Matcher{SIPHeaders: map[string]string{"x-vip": "*"}}},
	}
}

func TestMatchFirstWins(t *testing.T) {
	t.Parallel()
	rs := testRules()
	def := &Rule{Name: "default"}
	cases := []struct {
		call Call
		want string
	}{
		{Call{To: "+14155550100", From: "+442071234567", SIPHeaders: map[string]string{"x-team": "support"}}, "support"},
		{Call{To: "+14155550100", From: "+442071234567"}, "sales"},                                                    // header absent
		{Call{To: "+14155550100", From: "+15551234567", SIPHeaders: map[string]string{"X-Team": "support"}}, "sales"}, // from misses
		{Call{To: "+12125550100"}, "sales"},
		{Call{To: "+19995550100", SIPHeaders: map[string]string{"X-VIP": ""}}, "vip"},
		{Call{To: "+19995550100"}, "default"},
	}
	for _, c := range cases {
		r, why := Match(rs, def, c.call)
		if r == nil || r.Name != c.want {
			t.Errorf("Match(%+v) = %v (%s), want %s", c.call, r, why, c.want)
		}
		if why == "" || strings.Contains(why, "\n") {
			t.Errorf("reason %q: want one non-empty line", why)
		}
	}
}

func TestMatchReasons(t *testing.T) {
	t.Parallel()
	rs := testRules()
	r, why := Match(rs, nil, Call{To: "+19995550100", From: "evil\n$(rm -rf /)"})
	if r != nil {
		t.Fatalf("matched %s without a default", r.Name)
	}
	for _, want := range []string{"refused", "support (to \"+19995550100\" matches none of +1415555*)", "vip (SIP header x-vip is absent)"} {
		if !strings.Contains(why, want) {
			t.Errorf("reason %q lacks %q", why, want)
		}
	}
	_, why = Match(rs, nil, Call{To: "+14155550100", From: "+44207", SIPHeaders: map[string]string{"X-Team": "support"}})
	want := `rule "support" matches: to "+14155550100" matches +1415555*, from "+44207" matches +44*, SIP header X-Team "support" matches support`
	if why != want {
		t.Errorf("reason\n got %s\nwant %s", why, want)
	}
	_, why = Match(rs[:1], &Rule{Name: "d"}, Call{To: "+14155550100", From: strings.Repeat("9", 10_000)})
	if strings.Contains(why, "\n") || len(why) > 400 {
		t.Errorf("reason for a long From is not one short line: %d bytes", len(why))
	}
	if r, why := Match(nil, &Rule{Name: "d"}, Call{}); r == nil || r.Name != "d" || !strings.Contains(why, "no rules") {
		t.Errorf("no rules: %v %s", r, why)
	}
	if r, why := Match(nil, nil, Call{}); r != nil || !strings.Contains(why, "refused") {
		t.Errorf("nothing configured: %v %s", r, why)
	}
}

func TestEmptyMatcherMatchesAll(t *testing.T) {
	t.Parallel()
	m := Matcher{}
	if !m.Empty() || !m.Matches(Call{To: "anything"}) {
		t.Fatal("an empty matcher must match every call")
	}
}

func TestRoomMerge(t *testing.T) {
	t.Parallel()
	on := true
	def := Room{NumEndpoints: 1, Exp: 3600e9, Video: &on}
	got := Room{NumEndpoints: 2}.Merge(def)
	if got.NumEndpoints != 2 || got.Exp != def.Exp || !got.VideoOn() {
		t.Fatalf("merge = %+v", got)
	}
	*def.Video = false
	if !got.VideoOn() {
		t.Fatal("merge shares the default's Video pointer")
	}
	if (Room{}).VideoOn() {
		t.Fatal("video must default to off")
	}
}

func TestNeverMatching(t *testing.T) {
	t.Parallel()
	m := Matcher{
		To:   []string{"415555*", "+1415*", "*0100", "?4155550100", "4155550100@trunk.example", "sip:4155*"},
		From: []string{"44*", "+44*"},
	}
	got := m.NeverMatching()
	want := []NeverMatching{{"to", "415555*"}, {"from", "44*"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("NeverMatching() = %+v, want %+v", got, want)
	}
	// What it reports really cannot match an E.164 number, and what it passes can.
	if Glob("415555*", "+14155550100") || !Glob("+1415*", "+14155550100") {
		t.Fatal("the premise about E.164 numbers does not hold for Glob")
	}
	if got := (Matcher{To: []string{"+1*"}}).NeverMatching(); got != nil {
		t.Fatalf("clean matcher: %+v", got)
	}
}
