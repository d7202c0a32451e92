package routes

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"

	"go.yaml.in/yaml/v3"

	"github.com/dialin-project/dialin/pkg/dialin/internal/yamlnode"
)

// ParseSpec reads a routes file. filename is only used in messages. env looks up ${NAME}
// references (os.LookupEnv in the CLI); nil means no variable is set. Every problem of
// shape — unknown field, wrong type, missing url, unset variable, a number twice — is a
// *SpecError naming file, line and field; the first one found is returned.
func ParseSpec(filename string, data []byte, env func(string) (string, bool)) (*Spec, error) {
	p := &specParser{file: filename, env: env}
	if p.env == nil {
		p.env = func(string) (string, bool) { return "", false }
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, p.errf(0, "", "the file is empty; expected a \"routes:\" list")
		}
		return nil, p.yamlErr(err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, p.errf(extra.Line, "", "only one YAML document is allowed")
	}
	spec, err := p.parseTop(&doc)
	if err != nil {
		return nil, err
	}
	spec.File = filename
	return spec, nil
}

type specParser struct {
	file string
	env  func(string) (string, bool)
	// keepUnsetHMAC is unset_hmac: keep — an hmac that is exactly ${NAME} with NAME not set
	// keeps the live secret instead of being an error.
	keepUnsetHMAC bool
}

// unsetRef reports whether v is exactly one ${NAME} reference to a variable that is not set.
func (p *specParser) unsetRef(v *yaml.Node) bool {
	if v.Kind != yaml.ScalarNode {
		return false
	}
	m := envRef.FindStringSubmatch(v.Value)
	if m == nil || m[0] != v.Value || !envName.MatchString(m[1]) {
		return false
	}
	_, set := p.env(m[1])
	return !set
}

func (p *specParser) errf(line int, field, format string, args ...any) *SpecError {
	return &SpecError{File: p.file, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)}
}

func (p *specParser) yamlErr(err error) *SpecError {
	line, msg := yamlnode.SyntaxError(err)
	return p.errf(line, "", "invalid YAML: %s", msg)
}

// fields walks a mapping with yamlnode.Fields, its problems as *SpecError.
func (p *specParser) fields(n *yaml.Node, path string, known []string, fn func(key string, keyLine int, v *yaml.Node) error) error {
	err := yamlnode.Fields(n, path, known, func(key, _ string, keyLine int, v *yaml.Node) error {
		return fn(key, keyLine, v)
	})
	var fe *yamlnode.FieldError
	if errors.As(err, &fe) {
		return p.errf(fe.Line, fe.Field, "%s", fe.Msg)
	}
	return err
}

// str reads a scalar as text, expanding ${NAME}. Numbers are taken as written, so that an
// unquoted +14155550100 works; booleans, nulls, lists and mappings are refused.
func (p *specParser) str(field string, v *yaml.Node) (string, error) {
	if v.Kind != yaml.ScalarNode || v.ShortTag() == "!!bool" || v.ShortTag() == "!!null" {
		return "", p.errf(v.Line, field, "must be a string, got %s", yamlnode.KindName(v))
	}
	s, err := expandEnv(v.Value, p.env)
	if err != nil {
		return "", p.errf(v.Line, field, "%s", err)
	}
	return s, nil
}

var envRef = regexp.MustCompile(`\$\$\{|\$\{([^}]*)\}|\$\{`)
var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// expandEnv replaces ${NAME} with the variable's value; an unset variable is an error.
func expandEnv(s string, env func(string) (string, bool)) (string, error) {
	var firstErr error
	out := envRef.ReplaceAllStringFunc(s, func(m string) string {
		if m == "$${" {
			return "${"
		}
		sub := envRef.FindStringSubmatch(m)
		name := sub[1]
		if m == "${" || !envName.MatchString(name) {
			if firstErr == nil {
				firstErr = fmt.Errorf("%q is not a valid ${NAME} reference (write $${ for a literal ${)", m)
			}
			return m
		}
		v, ok := env(name)
		if !ok && firstErr == nil {
			firstErr = fmt.Errorf("environment variable %s is not set", name)
		}
		return v
	})
	return out, firstErr
}
