package launch

import (
	"reflect"
	"strings"
	"testing"
)

func TestTemplateExpand(t *testing.T) {
	t.Parallel()
	tm, err := ParseTemplate(`bot -u {room_url} --to={to} "from: {from}" {unknown-ish} {"k": 1} {} {sip_uri}{call_id} literal`)
	if err != nil {
		t.Fatal(err)
	}
	got := tm.Expand(CallInfo{RoomURL: "https://d.daily.co/r", To: "+1415", From: "+44", SIPURI: "s@h", CallID: "c1"})
	want := []string{"bot", "-u", "https://d.daily.co/r", "--to=+1415", "from: +44", "{unknown-ish}", "{k:", "1}", "{}", "s@hc1", "literal"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Expand =\n %q\nwant\n %q", got, want)
	}
	if !tm.Uses("from") || tm.Uses("token") {
		t.Fatal("Uses is wrong")
	}
}

func TestTemplateErrors(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"bot -u {roomurl}":     "argument 3: unknown placeholder {roomurl}; known: {room_url} {token}",
		"{token} -x":           "program name",
		"bot{call_id}":         "program name",
		"bot -x 'unterminated": "never closed",
	} {
		_, err := ParseTemplate(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseTemplate(%q) = %v, want %q", in, err, want)
		}
	}
	if _, err := TemplateFromArgs(nil); err == nil {
		t.Error("TemplateFromArgs(nil): no error")
	}
	if _, err := TemplateFromArgs([]string{""}); err == nil {
		t.Error("TemplateFromArgs(\"\"): no error")
	}
}

// hostile values stay one literal argument each, and are never expanded again.
func TestTemplateHostileValues(t *testing.T) {
	t.Parallel()
	tm, err := ParseTemplate("bot {from} --to {to} -i {call_id} x{from}y")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range hostileValues() {
		got := tm.Expand(CallInfo{From: v, To: v, CallID: "{from}"})
		want := []string{"bot", argSafe(v), "--to", argSafe(v), "-i", "{from}", "x" + argSafe(v) + "y"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("value %.40q: got %q", v, got)
		}
	}
}

func hostileValues() []string {
	return []string{
		"$(touch /tmp/pwned)", "`id`", "a; rm -rf /", "a && b || c", "x\ny\rz", "'\"\\", "{token}",
		"$HOME ${PATH} $((1+1))", "> /etc/passwd", "-t", "--", "", " leading and trailing ",
		"nul\x00byte", strings.Repeat("A", 10_000), "ünïcødé 電話 🙂",
	}
}

func TestCallInfoJSON(t *testing.T) {
	t.Parallel()
	line := string(CallInfo{CallID: "c", From: "a\nb"}.JSON())
	if strings.Count(line, "\n") != 1 || !strings.HasSuffix(line, "\n") {
		t.Fatalf("not one line: %q", line)
	}
	for _, key := range []string{`"room_url":""`, `"token":""`, `"call_id":"c"`, `"call_domain":""`, `"sip_uri":""`, `"from":"a\nb"`, `"to":""`, `"sip_headers":{}`} {
		if !strings.Contains(line, key) {
			t.Errorf("%s lacks %s", line, key)
		}
	}
}
