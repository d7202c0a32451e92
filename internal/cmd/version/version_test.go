package version

import (
	"encoding/json"
	"errors"
	"runtime"
	"testing"

	"github.com/dialin-project/dialin/internal/build"
	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/internal/iostreams"
)

func TestNewCmdVersion(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := iostreams.Test()
	f := &cmdutil.Factory{IOStreams: ios}
	tests := []struct {
		args     []string
		wantJSON bool
		wantErr  bool
	}{
		{nil, false, false},
		{[]string{"--json"}, true, false},
		{[]string{"--jq", ".version"}, true, false},
		{[]string{"extra"}, false, true},
		{[]string{"--jq", "{"}, false, true},
	}
	for _, tt := range tests {
		var got *Options
		err := cmdtest.Exec(NewCmdVersion(f, func(o *Options) error { got = o; return nil }), tt.args...)
		if tt.wantErr {
			var fe *cmdutil.FlagError
			if !errors.As(err, &fe) || got != nil {
				t.Errorf("%v: err = %v, ran = %v; want a usage error before running", tt.args, err, got != nil)
			}
			continue
		}
		if err != nil || (got.Exporter != nil) != tt.wantJSON {
			t.Errorf("%v: err %v, exporter set %v", tt.args, err, got != nil && got.Exporter != nil)
		}
	}
}

func TestRun(t *testing.T) {
	t.Parallel()
	info := build.Info{Version: "v1.2.3", Commit: "0123456789abcdef", Date: "2026-01-02T03:04:05Z"}
	for _, tty := range []bool{true, false} {
		ios, _, out, errOut := iostreams.Test()
		ios.SetStdoutTTY(tty)
		if err := run(&Options{IO: ios, Info: info}); err != nil {
			t.Fatal(err)
		}
		if want := "dialin version v1.2.3 (commit 0123456789ab, built 2026-01-02T03:04:05Z)\n"; out.String() != want || errOut.Len() != 0 {
			t.Fatalf("tty=%v: stdout %q stderr %q", tty, out, errOut)
		}
	}
	ios, _, out, _ := iostreams.Test()
	if err := run(&Options{IO: ios, Info: info, Exporter: cmdutil.NewJSONExporter()}); err != nil {
		t.Fatal(err)
	}
	var got map[string]string
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got["version"] != "v1.2.3" || got["commit"] != "0123456789abcdef" || got["go"] != runtime.Version() || got["platform"] != runtime.GOOS+"/"+runtime.GOARCH {
		t.Fatalf("json = %v", got)
	}
}

func TestFormat(t *testing.T) {
	t.Parallel()
	tests := map[build.Info]string{
		{Version: "dev"}:                    "dialin version dev",
		{Version: "dev", Commit: "abc"}:     "dialin version dev (commit abc)",
		{Version: "v1", Date: "2026-01-01"}: "dialin version v1 (built 2026-01-01)",
	}
	for in, want := range tests {
		if got := Format(in); got != want {
			t.Errorf("Format(%+v) = %q, want %q", in, got, want)
		}
	}
}
