// Package yamlnode holds the small helpers dialin's YAML readers share (the routes file and
// serve's configuration): both decode through yaml.Node so every error can name its line.
package yamlnode

import (
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Resolve follows aliases, a bounded number of times so that a cycle cannot loop.
func Resolve(n *yaml.Node) *yaml.Node {
	for i := 0; i < 8 && n != nil && n.Kind == yaml.AliasNode; i++ {
		n = n.Alias
	}
	return n
}

// KindName says what a node is, for messages such as "must be a list, got a string".
func KindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!bool":
			return "a boolean"
		case "!!null":
			return "nothing"
		case "!!int", "!!float":
			return "a number"
		}
		return "a string"
	}
	return "an alias"
}

var syntaxLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// SyntaxError splits a YAML syntax error into its line (0 when unknown) and its message.
func SyntaxError(err error) (line int, msg string) {
	if m := syntaxLine.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		return line, m[2]
	}
	return 0, strings.TrimPrefix(err.Error(), "yaml: ")
}
