package testkit

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"testing"
)

// CheckCPUProfile fails t unless path holds a CPU profile as runtime/pprof writes it: a
// gzip stream (pprof's format) that decompresses to a protocol buffer naming the "cpu"
// sample type in "nanoseconds". It reads the file as `go tool pprof` would, without the
// pprof module.
func CheckCPUProfile(t testing.TB, path string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("CPU profile: %v", err)
	}
	if len(raw) < 2 || raw[0] != 0x1f || raw[1] != 0x8b {
		t.Fatalf("CPU profile %s: %d bytes, not gzip (pprof's format)", path, len(raw))
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("CPU profile %s: %v", path, err)
	}
	proto, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("CPU profile %s: %v", path, err)
	}
	for _, s := range []string{"samples", "cpu", "nanoseconds"} { // its string table
		if !bytes.Contains(proto, []byte(s)) {
			t.Fatalf("CPU profile %s: %d bytes of protocol buffer without %q", path, len(proto), s)
		}
	}
}
