package yamlnode

import (
	"errors"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestFieldsWalksKnownKeysAndRefusesTheRest(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ doc, want string }{
		{"a: 1\nb: 2\n", ""},
		{"a: 1\nc: 2\n", "2: top.c: unknown field (known: a, b)"},
		{"a: 1\na: 2\n", "2: top.a: given twice"},
		{"x: &x {a: 1}\n<<: *x\n", "1: top.x: unknown field (known: a, b)"},
		{"<<: {a: 1}\n", "1: top.<<: merge keys are not supported; write the fields out"},
		{"? [a]\n: 1\n", "1: top: keys must be plain names"},
		{"- a\n", "1: top: must be a mapping, got a list"},
	} {
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(tt.doc), &doc); err != nil {
			t.Fatal(err)
		}
		var got []string
		err := Fields(doc.Content[0], "top", []string{"a", "b"}, func(key, field string, line int, v *yaml.Node) error {
			got = append(got, field)
			return nil
		})
		var fe *FieldError
		switch {
		case tt.want == "" && (err != nil || len(got) != 2 || got[0] != "top.a" || got[1] != "top.b"):
			t.Errorf("%q: %v, %v", tt.doc, got, err)
		case tt.want != "" && (!errors.As(err, &fe) || err.Error() != tt.want):
			t.Errorf("%q: err = %v, want %s", tt.doc, err, tt.want)
		}
	}
}
