package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/dialin-project/dialin/pkg/dialin/yamlnode"

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
// Every problem — unknown field, wrong type, bad value — is an *Error with its line.
func Parse(filename string, data []byte) (*Config, error) {
	c := &Config{File: filename, lines: map[string]int{}}
	p := &parser{c: c}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &Error{File: filename, Msg: "the file is empty"}
		}
		return nil, p.yamlErr(err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, &Error{File: filename, Line: extra.Line, Msg: "only one YAML document is allowed"}
	}
	top := yamlnode.Resolve(&doc)
	if top.Kind == yaml.DocumentNode && len(top.Content) == 1 {
		top = yamlnode.Resolve(top.Content[0])
	}
	if err := p.top(top); err != nil {
		return nil, err
	}
	if err := c.Normalize(); err != nil {
		return nil, err
	}
	return c, nil
}

type parser struct{ c *Config }

func (p *parser) errf(line int, field, format string, args ...any) *Error {
	return &Error{File: p.c.File, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) yamlErr(err error) *Error {
	line, msg := yamlnode.SyntaxError(err)
	return p.errf(line, "", "invalid YAML: %s", msg)
}

func (p *parser) top(n *yaml.Node) error {
	known := []string{"webhook_path", "events_path", "patch", "tokens", "max_body_bytes", "signature_window", "caps", "max_call_duration", "room", "pool", "rules", "default"}
	c := p.c
	return p.fields(n, "", known, func(key string, v *yaml.Node) error {
		switch key {
		case "webhook_path":
			return p.str(key, v, &c.WebhookPath)
		case "events_path":
			return p.str(key, v, &c.EventsPath)
		case "patch":
			return p.str(key, v, &c.Patch)
		case "tokens":
			return p.str(key, v, &c.Tokens)
		case "max_body_bytes":
			var n int
			err := p.int(key, v, &n)
			c.MaxBodyBytes = int64(n)
			return err
		case "signature_window":
			return p.duration(key, v, &c.SignatureWindow)
		case "max_call_duration":
			return p.duration(key, v, &c.MaxCallDuration)
		case "caps":
			return p.fields(v, key, []string{"global", "queue_timeout"}, func(k string, v *yaml.Node) error {
				if k == "global" {
					return p.int("caps.global", v, &c.Caps.Global)
				}
				return p.duration("caps.queue_timeout", v, &c.Caps.QueueTimeout)
			})
		case "room":
			return p.room(key, v, &c.Room)
		case "pool":
			return p.pool(key, v, &c.Pool)
		case "rules":
			if v.Kind != yaml.SequenceNode {
				return p.errf(v.Line, key, "must be a list of rules, got %s", yamlnode.KindName(v))
			}
			for i, item := range v.Content {
				field := fmt.Sprintf("rules[%d]", i)
				c.lines[field] = item.Line
				var r rules.Rule
				if err := p.rule(field, yamlnode.Resolve(item), &r, true); err != nil {
					return err
				}
				c.Rules = append(c.Rules, r)
			}
			return nil
		case "default":
			c.Default = &rules.Rule{}
			return p.rule(key, v, c.Default, false)
		}
		return nil
	})
}

func (p *parser) rule(field string, n *yaml.Node, r *rules.Rule, named bool) error {
	known := []string{"name", "match", "bot", "cap", "room", "pool"}
	if !named {
		known = []string{"name", "bot", "cap", "room", "pool"}
	}
	if n.Kind != yaml.MappingNode {
		return p.errf(n.Line, field, "must be a mapping with %s, got %s", strings.Join(known, ", "), yamlnode.KindName(n))
	}
	return p.fields(n, field, known, func(key string, v *yaml.Node) error {
		f := field + "." + key
		switch key {
		case "name":
			return p.str(f, v, &r.Name)
		case "cap":
			return p.int(f, v, &r.Cap)
		case "room":
			return p.room(f, v, &r.Room)
		case "pool":
			return p.pool(f, v, &r.Pool)
		case "bot":
			return p.fields(v, f, botFields, func(k string, v *yaml.Node) error {
				switch k {
				case "cmd":
					return p.str(f+".cmd", v, &r.Bot.Cmd)
				case "url":
					return p.str(f+".url", v, &r.Bot.URL)
				case "timeout":
					return p.duration(f+".timeout", v, &r.Bot.Timeout)
				case "pipecat", "pipecat_cloud", "forward":
					return p.selfRoomBot(f+"."+k, k, v, &r.Bot)
				}
				return p.warmBot(f+"."+k, v, &r.Bot)
			})
		case "match":
			return p.fields(v, f, []string{"to", "from", "sip_headers"}, func(k string, v *yaml.Node) error {
				switch k {
				case "to":
					return p.strList(f+".to", v, &r.Match.To)
				case "from":
					return p.strList(f+".from", v, &r.Match.From)
				}
				r.Match.SIPHeaders = map[string]string{}
				return p.fields(v, f+".sip_headers", nil, func(name string, v *yaml.Node) error {
					var val string
					err := p.str(f+".sip_headers."+name, v, &val)
					r.Match.SIPHeaders[name] = val
					return err
				})
			})
		}
		return nil
	})
}

func (p *parser) room(field string, n *yaml.Node, r *rules.Room) error {
	return p.fields(n, field, []string{"num_endpoints", "exp", "video"}, func(key string, v *yaml.Node) error {
		f := field + "." + key
		switch key {
		case "num_endpoints":
			return p.int(f, v, &r.NumEndpoints)
		case "exp":
			return p.duration(f, v, &r.Exp)
		}
		var b bool
		if err := p.bool(f, v, &b); err != nil {
			return err
		}
		r.Video = &b
		return nil
	})
}
