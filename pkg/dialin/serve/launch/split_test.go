package launch

import (
	"reflect"
	"strings"
	"testing"
)

func TestSplit(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want []string
	}{
		{"python3 -m bot -u {room_url} -t {token}", []string{"python3", "-m", "bot", "-u", "{room_url}", "-t", "{token}"}},
		{"  a\t b \n c  ", []string{"a", "b", "c"}},
		{`a 'b c' "d e"`, []string{"a", "b c", "d e"}},
		{`'it''s'`, []string{"its"}},
		{`"it's"`, []string{"it's"}},
		{`'say "hi"'`, []string{`say "hi"`}},
		{`"a \"q\" \\ \$HOME \` + "`x`" + `"`, []string{`a "q" \ $HOME ` + "`x`"}},
		{`"a\nb"`, []string{`a\nb`}}, // a backslash before other characters stays in "…"
		{`a\ b`, []string{"a b"}},
		{`a\'b`, []string{"a'b"}},
		{`'a\b'`, []string{`a\b`}},
		{"a \\\n b", []string{"a", "b"}},
		{"a\\\nb", []string{"ab"}},
		{`'' ""`, []string{"", ""}},
		{`x=''`, []string{"x="}},
		{`'$(rm -rf /)' "a;b|c&d>e<f" \$HOME \; \|`, []string{"$(rm -rf /)", "a;b|c&d>e<f", "$HOME", ";", "|"}},
		{`--json={"a": 1}`, []string{`--json={a:`, "1}"}}, // as a shell would: the quotes go
		{`--json='{"a": 1}'`, []string{`--json={"a": 1}`}},
		{`a~b '~' ./~x`, []string{"a~b", "~", "./~x"}},
		{"héllo wörld", []string{"héllo", "wörld"}},
	}
	for _, c := range cases {
		got, err := Split(c.in)
		if err != nil {
			t.Errorf("Split(%q): %v", c.in, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("Split(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestSplitErrors(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"":               "empty",
		"   \n\t":        "empty",
		`a 'b`:           "single quote at character 3 is never closed",
		`a "b`:           "double quote at character 3 is never closed",
		`a "b\"`:         "never closed",
		`a \`:            "lone backslash",
		`bot > log.txt`:  `unquoted '>' at character 5`,
		`bot | tee x`:    `unquoted '|'`,
		`bot; rm x`:      `unquoted ';'`,
		`bot && x`:       `unquoted '&'`,
		`bot $HOME`:      `unquoted '$'`,
		"bot `id`":       "unquoted '`'",
		`bot $(id)`:      `unquoted '$'`,
		`(bot)`:          `unquoted '('`,
		`~/bot.py`:       "unquoted ~ at character 1",
		`python3 ~/b.py`: "unquoted ~ at character 9",
	}
	for in, want := range cases {
		_, err := Split(in)
		if err == nil {
			t.Errorf("Split(%q): no error, want %q", in, want)
			continue
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Split(%q) = %v, want it to contain %q", in, err, want)
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("Split(%q): error is not one line", in)
		}
	}
}

// The seed's command line must split as is.
func TestSplitSeedCommand(t *testing.T) {
	t.Parallel()
	got, err := Split("python3 -m bot -u {room_url} -t {token} -i {call_id} -d {call_domain} -s {sip_uri}")
	if err != nil || len(got) != 13 {
		t.Fatalf("Split = %q, %v", got, err)
	}
}
