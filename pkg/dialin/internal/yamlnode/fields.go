package yamlnode

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// FieldError is a problem with one key of a mapping, for the caller to wrap in its own
// file:line error type.
type FieldError struct {
	Line  int
	Field string // the dotted path of the field ("routes[0].url"), or of the mapping
	Msg   string
}

func (e *FieldError) Error() string { return fmt.Sprintf("%d: %s: %s", e.Line, e.Field, e.Msg) }

// Fields walks a mapping in document order and calls fn for each key, with the key's dotted
// path (path.key), its line and its value (aliases resolved). It refuses, as a *FieldError,
// a key that is not plain text, a key not in known (known nil: any key), a merge key, a key
// given twice, and an alias chain too deep. An error from fn is returned as is.
func Fields(n *yaml.Node, path string, known []string, fn func(key, field string, keyLine int, v *yaml.Node) error) error {
	if n.Kind != yaml.MappingNode {
		return &FieldError{Line: n.Line, Field: path, Msg: "must be a mapping, got " + KindName(n)}
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], Resolve(n.Content[i+1])
		field := k.Value
		if path != "" {
			field = path + "." + k.Value
		}
		switch {
		case k.Kind != yaml.ScalarNode:
			return &FieldError{Line: k.Line, Field: path, Msg: "keys must be plain names"}
		case known != nil && !slices.Contains(known, k.Value) && k.Value == "<<":
			return &FieldError{Line: k.Line, Field: field, Msg: "merge keys are not supported; write the fields out"}
		case known != nil && !slices.Contains(known, k.Value):
			return &FieldError{Line: k.Line, Field: field, Msg: "unknown field (known: " + strings.Join(known, ", ") + ")"}
		case seen[k.Value]:
			return &FieldError{Line: k.Line, Field: field, Msg: "given twice"}
		case v == nil:
			return &FieldError{Line: k.Line, Field: field, Msg: "alias chain too deep"}
		}
		seen[k.Value] = true
		if err := fn(k.Value, field, k.Line, v); err != nil {
			return err
		}
	}
	return nil
}
