package yamlnode

import (
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Join makes a field path: Join("caps", "global") is "caps.global"; Join("", "patch") is "patch".
func Join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// Walk visits the keys of the mapping n, the field at path, in file order. Each key must be a
// plain name, one of known (nil: any name), and given once; merge keys (<<) are refused, as
// are alias chains too deep to follow. A key that breaks one of these rules, or n when it is
// not a mapping, goes to bad with its line, its field path and the rule; the walk goes on
// with the next key, so a reader can report every mistake of a file at once. visit gets the
// good keys with their field path, the key's line and the value (aliases followed).
func Walk(n *yaml.Node, path string, known []string, visit func(key, field string, line int, v *yaml.Node), bad func(line int, field, msg string)) {
	if n.Kind != yaml.MappingNode {
		bad(n.Line, path, "must be a mapping, got "+KindName(n))
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], Resolve(n.Content[i+1])
		field := Join(path, k.Value)
		switch {
		case k.Kind != yaml.ScalarNode:
			bad(k.Line, path, "keys must be plain names")
		case known != nil && !slices.Contains(known, k.Value) && k.Value == "<<":
			bad(k.Line, field, "merge keys are not supported; write the fields out")
		case known != nil && !slices.Contains(known, k.Value):
			bad(k.Line, field, "unknown field (known: "+strings.Join(known, ", ")+")")
		case seen[k.Value]:
			bad(k.Line, field, "given twice")
		case v == nil:
			seen[k.Value] = true
			bad(k.Line, field, "alias chain too deep")
		default:
			seen[k.Value] = true
			visit(k.Value, field, k.Line, v)
		}
	}
}
