package yamlnode

import (
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
