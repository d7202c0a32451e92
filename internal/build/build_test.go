package build

import (
	"runtime/debug"
	"testing"
)

func TestResolve(t *testing.T) {
	bi := &debug.BuildInfo{
		Main:     debug.Module{Version: "v1.4.0"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.time", Value: "2026-01-02T03:04:05Z"}},
	}
	tests := []struct {
		name string
		in   Info
		bi   *debug.BuildInfo
		want Info
	}{
		{"ldflags win", Info{"v2.0.0", "fff", "2026-05-05"}, bi, Info{"v2.0.0", "fff", "2026-05-05"}},
		{"fallback to build info", Info{Version: "dev"}, bi, Info{"v1.4.0", "abc123", "2026-01-02T03:04:05Z"}},
		{"devel module keeps dev", Info{Version: "dev"}, &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, Info{Version: "dev"}},
		{"no build info", Info{Version: "dev"}, nil, Info{Version: "dev"}},
		{"empty version becomes dev", Info{}, &debug.BuildInfo{}, Info{Version: "dev"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := resolve(tt.in, tt.bi); got != tt.want {
				t.Fatalf("resolve = %+v, want %+v", got, tt.want)
			}
		})
	}
}
