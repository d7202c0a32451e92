package yamlnode

import (
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestKindNameAndResolve(t *testing.T) {
	t.Parallel()
	var doc yaml.Node
	src := "a: &x [1, 2]\nb: *x\nc: true\nd: ~\ne: 3\nf: text\ng: {k: v}\n"
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	m := doc.Content[0]
	want := map[string]string{"a": "a list", "b": "a list", "c": "a boolean", "d": "nothing", "e": "a number", "f": "a string", "g": "a mapping"}
	for i := 0; i < len(m.Content); i += 2 {
		k := m.Content[i].Value
		if got := KindName(Resolve(m.Content[i+1])); got != want[k] {
			t.Errorf("%s: %q, want %q", k, got, want[k])
		}
	}
	if got := KindName(m.Content[3]); got != "an alias" {
		t.Errorf("unresolved alias: %q", got)
	}
}

func TestSyntaxError(t *testing.T) {
	t.Parallel()
	var v any
	err := yaml.Unmarshal([]byte("a: 1\nb: [\n"), &v)
	line, msg := SyntaxError(err)
	if line != 2 || msg != "did not find expected node content" {
		t.Fatalf("SyntaxError = %d, %q (from %v)", line, msg, err)
	}
}

// TestWalk: every mistake in a mapping's keys is reported with its line, and the walk goes
// on to the good keys after it.
func TestWalk(t *testing.T) {
	var doc yaml.Node
	src := "a: 1\nbogus: 2\na: 3\n<<: {x: 1}\nb: {c: 4}\n"
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	var visited, problems []string
	Walk(doc.Content[0], "top", []string{"a", "b"}, func(key, field string, line int, v *yaml.Node) {
		visited = append(visited, field+"@"+strconv.Itoa(line))
	}, func(line int, field, msg string) {
		problems = append(problems, strconv.Itoa(line)+": "+field+": "+msg)
	})
	wantVisited := []string{"top.a@1", "top.b@5"}
	wantProblems := []string{
		"2: top.bogus: unknown field (known: a, b)",
		"3: top.a: given twice",
		"4: top.<<: merge keys are not supported; write the fields out",
	}
	if strings.Join(visited, ",") != strings.Join(wantVisited, ",") || strings.Join(problems, "\n") != strings.Join(wantProblems, "\n") {
		t.Fatalf("visited %v\nproblems %q", visited, problems)
	}
	var notMap []string
	Walk(doc.Content[0].Content[1], "top.a", nil, func(string, string, int, *yaml.Node) { t.Fatal("visited a scalar") },
		func(line int, field, msg string) { notMap = append(notMap, field+": "+msg) })
	if len(notMap) != 1 || notMap[0] != "top.a: must be a mapping, got a number" {
		t.Fatalf("not a mapping: %q", notMap)
	}
}
