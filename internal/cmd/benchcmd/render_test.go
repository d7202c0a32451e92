package benchcmd

import (
	"strings"
	"testing"

	"github.com/dialin-project/dialin/internal/bench"
	"github.com/dialin-project/dialin/internal/iostreams"
)

// TestRenderPipedKeepsHeaders: piped, each of the report's tables starts with its header
// line, so the numbers say what they are (three bare tables could not be told apart).
func TestRenderPipedKeepsHeaders(t *testing.T) {
	share := bench.Quantiles{P50: 1, P95: 2, P99: 3, Max: 4}
	rep := &bench.Report{
		Systems: []bench.System{{Name: bench.SystemServe, Calls: 2, Connected: 2, ServeMS: &share}, {Name: bench.SystemSeed, Calls: 2, Connected: 2}},
		Phases:  []bench.Phase{{System: bench.SystemServe, Name: "steady", Calls: 2, Connected: 2}, {System: bench.SystemSeed, Name: "steady", Calls: 2, Connected: 2}},
	}
	ios, _, out, _ := iostreams.Test()
	if err := render(ios, rep); err != nil {
		t.Fatal(err)
	}
	tables := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n\n")
	wantHeaders := []string{"system\tphase\tcalls\t", "serve's own share\tphase\tp50\t", "ratio to seed-runner\thandoff p50\t"}
	if len(tables) != len(wantHeaders) {
		t.Fatalf("%d tables, want %d:\n%s", len(tables), len(wantHeaders), out)
	}
	for i, want := range wantHeaders {
		if !strings.HasPrefix(tables[i], want) {
			t.Errorf("table %d starts %q, want %q", i+1, strings.SplitN(tables[i], "\n", 2)[0], want)
		}
	}
}
