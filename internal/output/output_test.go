package output

import (
	"regexp"
	"strings"
	"testing"

	"github.com/dialin-project/dialin/internal/iostreams"
)

func TestTable(t *testing.T) {
	t.Parallel()
	build := func(tty bool) string {
		ios, _, out, errOut := iostreams.Test()
		ios.SetStdoutTTY(tty)
		tbl := NewTable(ios, "number", "region", "id")
		tbl.Row("+14155550100", "CA", "pn_1")
		tbl.Row("+12125550199", "New\tYork\nNY", "pn_22")
		tbl.Row("+13125550111") // missing cells stay empty
		if err := tbl.Render(); err != nil {
			t.Fatal(err)
		}
		if errOut.Len() != 0 {
			t.Fatalf("table wrote to stderr: %q", errOut)
		}
		return out.String()
	}
	t.Run("terminal", func(t *testing.T) {
		want := "" +
			"NUMBER         REGION        ID\n" +
			"+14155550100   CA            pn_1\n" +
			"+12125550199   New York NY   pn_22\n" +
			"+13125550111\n"
		if got := build(true); got != want {
			t.Fatalf("terminal table =\n%q\nwant\n%q", got, want)
		}
	})
	t.Run("piped", func(t *testing.T) {
		want := "+14155550100\tCA\tpn_1\n+12125550199\tNew York NY\tpn_22\n+13125550111\t\t\n"
		if got := build(false); got != want {
			t.Fatalf("TSV = %q, want %q", got, want)
		}
	})
}

func TestTableTerminalExact(t *testing.T) {
	t.Parallel()
	ios, _, out, _ := iostreams.Test()
	ios.SetStdoutTTY(true)
	tbl := NewTable(ios, "Name", "webhook_url")
	tbl.Row("support", "https://example.test/dialin")
	tbl.Row("sales-long-name", "")
	if err := tbl.Render(); err != nil {
		t.Fatal(err)
	}
	want := "" +
		"NAME              WEBHOOK_URL\n" +
		"support           https://example.test/dialin\n" +
		"sales-long-name\n"
	if out.String() != want {
		t.Fatalf("table =\n%q\nwant\n%q", out.String(), want)
	}
}

func TestColorScheme(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := iostreams.Test()
	cs := NewColorScheme(ios)
	if got := cs.Green("ok") + cs.Bold("b") + cs.SuccessIcon(); got != "okb✓" {
		t.Fatalf("colour off but got %q", got)
	}
	ios.SetColorEnabled(true)
	cs = NewColorScheme(ios)
	if got := cs.Red("gone"); got != "\x1b[31mgone\x1b[0m" {
		t.Fatalf("Red = %q", got)
	}
	if got := cs.Yellow("a\tb"); !strings.Contains(got, "a\tb") {
		t.Fatalf("tab converted: %q", got)
	}
	if !NewErrColorScheme(ios).Enabled() {
		t.Fatal("stderr scheme should follow SetColorEnabled")
	}
}

func TestColouredCellsAlign(t *testing.T) {
	t.Parallel()
	ios, _, out, _ := iostreams.Test()
	ios.SetStdoutTTY(true)
	ios.SetColorEnabled(true)
	cs := NewColorScheme(ios)
	tbl := NewTable(ios, "a", "b")
	tbl.Row(cs.Green("x"), "1")
	tbl.Row("yyy", "2")
	if err := tbl.Render(); err != nil {
		t.Fatal(err)
	}
	plain := regexp.MustCompile("\x1b\\[[0-9;]*m").ReplaceAllString(out.String(), "")
	if plain != "A     B\nx     1\nyyy   2\n" || !strings.Contains(out.String(), "\x1b[32mx") {
		t.Fatalf("colour codes broke alignment: %q", out.String())
	}
}

func TestSecret(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"k", "sk_live_abcdefghijklmnop", "0123456789abcdef0123456789abcdef0123456789abcdef"} {
		got := Secret(s)
		if got != secretMask {
			t.Fatalf("Secret(%d chars) = %q", len(s), got)
		}
		for _, r := range s {
			if strings.ContainsRune(got, r) {
				t.Fatalf("mask reveals %q", r)
			}
		}
	}
	if Secret("") != "" {
		t.Fatal("empty secret should stay empty")
	}
}
