package serveconfig

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/dialin-project/dialin/pkg/dialin/internal/yamlnode"

	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
)

// Load reads and normalizes a configuration file.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse reads a configuration from YAML (filename is only for messages) and normalizes it.
// Every problem — unknown field, wrong type, bad value — is an *Error with its line; all of
// them are returned at once, as Errors.
func Parse(filename string, data []byte) (*Config, error) {
	c, err := Read(filename, data)
	if err != nil {
		return nil, err
	}
	if err := c.Normalize(); err != nil {
		return nil, err
	}
	return c, nil
}

// Read parses a configuration from YAML without normalizing it, so that settings given
// elsewhere (serve's flags) can be applied before Normalize checks the whole. The file's
// own problems (unknown fields, wrong types) are kept and reported by Normalize together
// with the rest; only a file that cannot be read as one YAML document is an error here.
func Read(filename string, data []byte) (*Config, error) {
	c := &Config{File: filename, lines: map[string]int{}}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &Error{File: filename, Msg: "the file is empty"}
		}
		line, msg := yamlnode.SyntaxError(err)
		return nil, &Error{File: filename, Line: line, Msg: "invalid YAML: " + msg}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, &Error{File: filename, Line: extra.Line, Msg: "only one YAML document is allowed"}
	}
	top := yamlnode.Resolve(&doc)
	if top.Kind == yaml.DocumentNode && len(top.Content) == 1 {
		top = yamlnode.Resolve(top.Content[0])
	}
	p := &parser{c: c}
	p.top(top)
	return c, nil
}

// parser fills a Config from YAML nodes, recording each field's line and every problem.
type parser struct{ c *Config }

func (p *parser) bad(line int, field, format string, args ...any) {
	p.c.parsed = append(p.c.parsed, &Error{File: p.c.File, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// fields walks a mapping with yamlnode.Walk, recording each field's line.
func (p *parser) fields(n *yaml.Node, path string, known []string, fn func(key, field string, v *yaml.Node)) {
	yamlnode.Walk(n, path, known, func(key, field string, line int, v *yaml.Node) {
		p.c.lines[field] = line
		fn(key, field, v)
	}, func(line int, field, msg string) { p.bad(line, field, "%s", msg) })
}

var topFields = []string{"webhook_path", "events_path", "patch", "tokens", "max_body_bytes", "signature_window", "caps", "max_call_duration", "daily_rate_limit", "room", "pool", "rules", "default"}

func (p *parser) top(n *yaml.Node) {
	c := p.c
	p.fields(n, "", topFields, func(key, f string, v *yaml.Node) {
		switch key {
		case "webhook_path":
			p.str(f, v, &c.WebhookPath)
		case "events_path":
			p.str(f, v, &c.EventsPath)
		case "patch":
			p.str(f, v, &c.Patch)
		case "tokens":
			p.str(f, v, &c.Tokens)
		case "max_body_bytes":
			var n int
			p.int(f, v, &n)
			c.MaxBodyBytes = int64(n)
		case "signature_window":
			p.duration(f, v, &c.SignatureWindow)
		case "max_call_duration":
			p.duration(f, v, &c.MaxCallDuration)
		case "daily_rate_limit":
			p.float(f, v, &c.DailyRateLimit)
		case "caps":
			p.fields(v, f, []string{"global", "queue_timeout"}, func(k, f string, v *yaml.Node) {
				if k == "global" {
					p.int(f, v, &c.Caps.Global)
					return
				}
				p.duration(f, v, &c.Caps.QueueTimeout)
			})
		case "room":
			p.room(f, v, &c.Room)
		case "pool":
			p.pool(f, v, &c.Pool)
		case "rules":
			if v.Kind != yaml.SequenceNode {
				p.bad(v.Line, f, "must be a list of rules, got %s", yamlnode.KindName(v))
				return
			}
			for i, item := range v.Content {
				field := fmt.Sprintf("rules[%d]", i)
				c.lines[field] = item.Line
				var r rules.Rule
				p.rule(field, yamlnode.Resolve(item), &r, true)
				c.Rules = append(c.Rules, r)
			}
		case "default":
			c.Default = &rules.Rule{}
			p.rule(f, v, c.Default, false)
		}
	})
}

func (p *parser) rule(field string, n *yaml.Node, r *rules.Rule, named bool) {
	known := []string{"name", "match", "bot", "cap", "room", "pool"}
	if !named {
		known = []string{"name", "bot", "cap", "room", "pool"}
	}
	if n.Kind != yaml.MappingNode {
		p.bad(n.Line, field, "must be a mapping with %s, got %s", strings.Join(known, ", "), yamlnode.KindName(n))
		return
	}
	p.fields(n, field, known, func(key, f string, v *yaml.Node) {
		switch key {
		case "name":
			p.str(f, v, &r.Name)
		case "cap":
			p.int(f, v, &r.Cap)
		case "room":
			p.room(f, v, &r.Room)
		case "pool":
			p.pool(f, v, &r.Pool)
		case "bot":
			p.bot(f, v, &r.Bot)
		case "match":
			p.fields(v, f, []string{"to", "from", "sip_headers"}, func(k, f string, v *yaml.Node) {
				switch k {
				case "to":
					p.strList(f, v, &r.Match.To)
				case "from":
					p.strList(f, v, &r.Match.From)
				default:
					r.Match.SIPHeaders = map[string]string{}
					p.fields(v, f, nil, func(name, f string, v *yaml.Node) {
						var val string
						p.str(f, v, &val)
						r.Match.SIPHeaders[name] = val
					})
				}
			})
		}
	})
}

func (p *parser) room(field string, n *yaml.Node, r *rules.Room) {
	p.fields(n, field, []string{"num_endpoints", "exp", "video"}, func(key, f string, v *yaml.Node) {
		switch key {
		case "num_endpoints":
			p.int(f, v, &r.NumEndpoints)
		case "exp":
			p.duration(f, v, &r.Exp)
		default:
			var b bool
			if p.bool(f, v, &b) {
				r.Video = &b
			}
		}
	})
}
