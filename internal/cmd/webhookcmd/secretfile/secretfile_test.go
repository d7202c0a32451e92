package secretfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/iostreams"
)

const secret = "c2VydmUtc2NyaXB0LXJvdXRlLXNlY3JldC0xMjM0NTY="

func TestResolve(t *testing.T) {
	t.Parallel()
	ios, in, _, _ := iostreams.Test()
	dir := t.TempDir()
	file := filepath.Join(dir, "s")
	if err := os.WriteFile(file, []byte("  "+secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{EnvWebhookSecret: "ZW52LXNlY3JldA=="}
	getenv := func(k string) string { return env[k] }

	if s, from, err := Resolve(ios, "--secret-file", file, true, EnvWebhookSecret, getenv); err != nil || s != secret || from != "--secret-file "+file {
		t.Fatalf("file: %q %q %v", s, from, err)
	}
	if s, from, err := Resolve(ios, "--secret-file", "", false, EnvWebhookSecret, getenv); err != nil || s != "ZW52LXNlY3JldA==" || from != EnvWebhookSecret {
		t.Fatalf("env: %q %q %v", s, from, err)
	}
	if s, from, err := Resolve(ios, "--secret-file", "", false, EnvEventsSecret, getenv); err != nil || s != "" || from != "" {
		t.Fatalf("neither: %q %q %v", s, from, err)
	}
	in.WriteString(secret + "\n")
	if s, _, err := Resolve(ios, "--secret-file", "-", true, EnvWebhookSecret, getenv); err != nil || s != secret {
		t.Fatalf("stdin: %q %v", s, err)
	}
}

func TestReadRefusesWhatIsNotASecret(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := iostreams.Test()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tt := range []struct {
		path, want string
	}{
		{write("big", strings.Repeat("A", 5000)), "--f: more than 4096 bytes"},
		{write("empty", "\n"), "--f: empty; it must hold the base64 secret"},
		{write("text", "hunter2 is my password"), "--f: not a base64 secret"},
		{filepath.Join(dir, "missing"), "--f: open "},
		{"", "--f: must name a file, or - for stdin"},
	} {
		_, err := Read(ios, "--f", tt.path)
		var fe *cmdutil.FlagError
		if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), tt.want) || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: err = %v, want %q", tt.path, err, tt.want)
		}
	}
}
