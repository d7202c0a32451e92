package serveconfig

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/dialin-project/dialin/pkg/dialin/internal/yamlnode"
)

// The scalar readers set *dst and report true, or record the problem and report false.

// str reads a scalar as text; numbers are taken as written (an unquoted +14155550100 works).
func (p *parser) str(field string, v *yaml.Node, dst *string) bool {
	if v.Kind != yaml.ScalarNode || v.ShortTag() == "!!bool" || v.ShortTag() == "!!null" {
		p.bad(v.Line, field, "must be a string, got %s", yamlnode.KindName(v))
		return false
	}
	*dst = v.Value
	return true
}

// strList reads a list of strings, or one string as a list of one.
func (p *parser) strList(field string, v *yaml.Node, dst *[]string) {
	if v.Kind == yaml.ScalarNode {
		var s string
		if p.str(field, v, &s) {
			*dst = []string{s}
		}
		return
	}
	if v.Kind != yaml.SequenceNode {
		p.bad(v.Line, field, "must be a string or a list of strings, got %s", yamlnode.KindName(v))
		return
	}
	for i, item := range v.Content {
		var s string
		if p.str(fmt.Sprintf("%s[%d]", field, i), yamlnode.Resolve(item), &s) {
			*dst = append(*dst, s)
		}
	}
}

func (p *parser) int(field string, v *yaml.Node, dst *int) {
	n, err := strconv.Atoi(v.Value)
	if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!int" || err != nil {
		p.bad(v.Line, field, "must be a whole number, got %s", describe(v))
		return
	}
	*dst = n
}

// float reads a number (an integer is a number too).
func (p *parser) float(field string, v *yaml.Node, dst *float64) {
	f, err := strconv.ParseFloat(v.Value, 64)
	if v.Kind != yaml.ScalarNode || (v.ShortTag() != "!!int" && v.ShortTag() != "!!float") || err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		p.bad(v.Line, field, "must be a number, got %s", describe(v))
		return
	}
	*dst = f
}

func (p *parser) bool(field string, v *yaml.Node, dst *bool) bool {
	if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!bool" {
		p.bad(v.Line, field, "must be true or false, got %s", describe(v))
		return false
	}
	*dst = v.Value == "true" || v.Value == "True" || v.Value == "TRUE"
	return true
}

// duration reads a Go duration such as 30s, 5m or 1h30m. A bare number is refused: its unit
// would be a guess.
func (p *parser) duration(field string, v *yaml.Node, dst *time.Duration) {
	if v.Kind != yaml.ScalarNode || v.ShortTag() == "!!int" || v.ShortTag() == "!!float" {
		p.bad(v.Line, field, "must be a duration with a unit, such as 30s, 5m or 1h, got %s", describe(v))
		return
	}
	d, err := time.ParseDuration(v.Value)
	if err != nil {
		p.bad(v.Line, field, "must be a duration with a unit, such as 30s, 5m or 1h, got %q", v.Value)
		return
	}
	*dst = d
}

func describe(v *yaml.Node) string {
	if v.Kind == yaml.ScalarNode && v.ShortTag() != "!!null" {
		return fmt.Sprintf("%s %q", yamlnode.KindName(v), v.Value)
	}
	return yamlnode.KindName(v)
}

// autoOrInt reads a field that is Auto or a whole number (pool.rooms, bot.warm).
func (p *parser) autoOrInt(field string, v *yaml.Node, auto *bool, n *int) {
	switch {
	case v.Kind == yaml.ScalarNode && v.ShortTag() == "!!str" && v.Value == Auto:
		*auto = true
	case v.Kind == yaml.ScalarNode && v.ShortTag() != "!!int":
		p.bad(v.Line, field, "must be auto or a whole number, got %s", describe(v))
	default:
		p.int(field, v, n)
	}
}
