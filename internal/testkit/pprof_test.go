package testkit

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"testing"
)

// CheckCPUProfile accepts what runtime/pprof writes and refuses an empty file, a file that is
// not gzip, and gzip that holds no CPU profile.
func TestCheckCPUProfile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	real := filepath.Join(dir, "real.pprof")
	f, err := os.Create(real)
	if err != nil {
		t.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		t.Fatal(err)
	}
	pprof.StopCPUProfile()
	f.Close()
	CheckCPUProfile(t, real)

	var notProfile bytes.Buffer
	zw := gzip.NewWriter(&notProfile)
	_, _ = zw.Write([]byte("hello"))
	zw.Close()
	for name, c := range map[string]struct {
		content []byte
		want    string
	}{
		"empty":       {nil, "0 bytes, not gzip"},
		"text":        {[]byte("profile"), "7 bytes, not gzip"},
		"not-profile": {notProfile.Bytes(), `without "samples"`},
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, c.content, 0o600); err != nil {
			t.Fatal(err)
		}
		ft := &fatalRecorder{TB: t}
		done := make(chan struct{})
		go func() { // Fatalf ends the goroutine, as it would end a test
			defer close(done)
			CheckCPUProfile(ft, path)
		}()
		<-done
		if !strings.Contains(ft.msg, c.want) {
			t.Errorf("%s: message %q, want %q", name, ft.msg, c.want)
		}
	}
}
