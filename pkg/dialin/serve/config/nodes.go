package config

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/dialin-project/dialin/pkg/dialin/yamlnode"
)

// fields walks a mapping, refusing unknown keys (known nil: any key), recording each field's
// line, and calls fn for each.
func (p *parser) fields(n *yaml.Node, path string, known []string, fn func(key string, v *yaml.Node) error) error {
	if n.Kind != yaml.MappingNode {
		return p.errf(n.Line, path, "must be a mapping, got %s", yamlnode.KindName(n))
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], yamlnode.Resolve(n.Content[i+1])
		field := k.Value
		if path != "" {
			field = path + "." + k.Value
		}
		if k.Kind != yaml.ScalarNode {
			return p.errf(k.Line, path, "keys must be plain names")
		}
		if known != nil && !slices.Contains(known, k.Value) {
			if k.Value == "<<" {
				return p.errf(k.Line, field, "merge keys are not supported; write the fields out")
			}
			return p.errf(k.Line, field, "unknown field (known: %s)", strings.Join(known, ", "))
		}
		if seen[k.Value] {
			return p.errf(k.Line, field, "given twice")
		}
		seen[k.Value] = true
		if v == nil {
			return p.errf(k.Line, field, "alias chain too deep")
		}
		p.c.lines[field] = k.Line
		if err := fn(k.Value, v); err != nil {
			return err
		}
	}
	return nil
}

// str reads a scalar as text; numbers are taken as written (an unquoted +14155550100 works).
func (p *parser) str(field string, v *yaml.Node, dst *string) error {
	if v.Kind != yaml.ScalarNode || v.ShortTag() == "!!bool" || v.ShortTag() == "!!null" {
		return p.errf(v.Line, field, "must be a string, got %s", yamlnode.KindName(v))
	}
	*dst = v.Value
	return nil
}

// strList reads a list of strings, or one string as a list of one.
func (p *parser) strList(field string, v *yaml.Node, dst *[]string) error {
	if v.Kind == yaml.ScalarNode {
		var s string
		if err := p.str(field, v, &s); err != nil {
			return err
		}
		*dst = []string{s}
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		return p.errf(v.Line, field, "must be a string or a list of strings, got %s", yamlnode.KindName(v))
	}
	for i, item := range v.Content {
		var s string
		if err := p.str(fmt.Sprintf("%s[%d]", field, i), yamlnode.Resolve(item), &s); err != nil {
			return err
		}
		*dst = append(*dst, s)
	}
	return nil
}

func (p *parser) int(field string, v *yaml.Node, dst *int) error {
	n, err := strconv.Atoi(v.Value)
	if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!int" || err != nil {
		return p.errf(v.Line, field, "must be a whole number, got %s", describe(v))
	}
	*dst = n
	return nil
}

func (p *parser) bool(field string, v *yaml.Node, dst *bool) error {
	if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!bool" {
		return p.errf(v.Line, field, "must be true or false, got %s", describe(v))
	}
	*dst = v.Value == "true" || v.Value == "True" || v.Value == "TRUE"
	return nil
}

// duration reads a Go duration such as 30s, 5m or 1h30m. A bare number is refused: its unit
// would be a guess.
func (p *parser) duration(field string, v *yaml.Node, dst *time.Duration) error {
	if v.Kind != yaml.ScalarNode || v.ShortTag() == "!!int" || v.ShortTag() == "!!float" {
		return p.errf(v.Line, field, "must be a duration with a unit, such as 30s, 5m or 1h, got %s", describe(v))
	}
	d, err := time.ParseDuration(v.Value)
	if err != nil {
		return p.errf(v.Line, field, "must be a duration with a unit, such as 30s, 5m or 1h, got %q", v.Value)
	}
	*dst = d
	return nil
}

func describe(v *yaml.Node) string {
	if v.Kind == yaml.ScalarNode && v.ShortTag() != "!!null" {
		return fmt.Sprintf("%s %q", yamlnode.KindName(v), v.Value)
	}
	return yamlnode.KindName(v)
}
