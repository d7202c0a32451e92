package cmdutil

import (
	"errors"
	"testing"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/iostreams"
)

type number struct {
	Number string `json:"number"`
	Region string `json:"region,omitempty"`
	Hold   string `json:"hold_music_url,omitempty"`
}

// runJSON executes a command with AddJSONFlags and writes data through the exporter.
func runJSON(t *testing.T, data any, args ...string) (string, error, bool) {
	t.Helper()
	ios, _, out, _ := iostreams.Test()
	var exp Exporter
	ran := false
	cmd := &cobra.Command{Use: "list", RunE: func(*cobra.Command, []string) error {
		ran = true
		if exp == nil {
			_, _ = out.WriteString("table\n")
			return nil
		}
		return exp.Write(ios, data)
	}}
	AddJSONFlags(cmd, &exp)
	cmd.SetArgs(args)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.Execute()
	return out.String(), err, ran
}

func TestJSONFlags(t *testing.T) {
	t.Parallel()
	nums := []number{{Number: "+14155550100", Region: "CA", Hold: "https://x.test/a.mp3?a=1&b=2"}, {Number: "+12125550199"}}
	tests := []struct {
		name string
		data any
		args []string
		want string
	}{
		{"no flag", nums, nil, "table\n"},
		{"json indented, no HTML escaping", nums, []string{"--json"},
			"[\n  {\n    \"number\": \"+14155550100\",\n    \"region\": \"CA\",\n    \"hold_music_url\": \"https://x.test/a.mp3?a=1&b=2\"\n  },\n  {\n    \"number\": \"+12125550199\"\n  }\n]\n"},
		{"nil slice is []", []number(nil), []string{"--json"}, "[]\n"},
		{"nil map is {}", map[string]string(nil), []string{"--json"}, "{}\n"},
		{"jq strings raw", nums, []string{"--jq", ".[].number"}, "+14155550100\n+12125550199\n"},
		{"jq implies json, values compact", nums, []string{"--jq", ".[0] | {number, n: 1}"}, "{\"n\":1,\"number\":\"+14155550100\"}\n"},
		{"jq on empty list", []number(nil), []string{"--jq", "length"}, "0\n"},
		{"jq keeps big integers", map[string]int64{"id": 9007199254740993}, []string{"--jq", ".id"}, "9007199254740993\n"},
		{"jq $ENV is empty", nums, []string{"--jq", "$ENV | length"}, "0\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err, _ := runJSON(t, tt.data, tt.args...)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("stdout = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestJQErrors(t *testing.T) {
	t.Parallel()
	_, err, ran := runJSON(t, nil, "--jq", ".[")
	var fe *FlagError
	if !errors.As(err, &fe) || ran {
		t.Fatalf("bad expression: err = %v (FlagError %v), RunE ran = %v", err, fe != nil, ran)
	}
	out, err, _ := runJSON(t, []number{{Number: "+1"}}, "--jq", ".[] | .number, error(\"stop\")")
	if err == nil || errors.As(err, &fe) || out != "+1\n" {
		t.Fatalf("runtime jq error: out %q err %v", out, err)
	}
}

func TestJSONFlagsKeepPreRunE(t *testing.T) {
	t.Parallel()
	called := false
	var exp Exporter
	cmd := &cobra.Command{Use: "x", PreRunE: func(*cobra.Command, []string) error { called = true; return nil },
		RunE: func(*cobra.Command, []string) error { return nil }}
	AddJSONFlags(cmd, &exp)
	cmd.SetArgs([]string{"--json"})
	if err := cmd.Execute(); err != nil || !called || exp == nil {
		t.Fatalf("err %v, previous PreRunE called %v, exporter %v", err, called, exp)
	}
}
