package routes

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/dialin-project/dialin/pkg/dialin/internal/yamlnode"
	"github.com/dialin-project/dialin/pkg/dialin/phone"
)

var (
	topFields   = []string{"version", "managed_prefix", "allow_http", "unset_hmac", "routes"}
	routeFields = []string{"number", "sip", "url", "pipecat_cloud", "name_prefix", "hmac", "hold_music_url", "timeout_message"}
)

func (p *specParser) parseTop(doc *yaml.Node) (*Spec, error) {
	root := doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = yamlnode.Resolve(root.Content[0])
	}
	if root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null" {
		return nil, p.errf(root.Line, "", "the file is empty; expected a \"routes:\" list")
	}
	if root.Kind != yaml.MappingNode {
		return nil, p.errf(root.Line, "", "expected a mapping with a \"routes:\" list, got %s", yamlnode.KindName(root))
	}
	spec := &Spec{}
	var routesNode *yaml.Node
	err := p.fields(root, "", topFields, func(key string, line int, v *yaml.Node) error {
		switch key {
		case "version":
			if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!int" || v.Value != fmt.Sprint(SpecVersion) {
				return p.errf(v.Line, key, "must be %d", SpecVersion)
			}
		case "managed_prefix":
			s, err := p.str(key, v)
			if err != nil {
				return err
			}
			if s == "" {
				return p.errf(v.Line, key, "must not be empty (leave it out to let --prune delete nothing)")
			}
			spec.ManagedPrefix = s
		case "allow_http":
			if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!bool" {
				return p.errf(v.Line, key, "must be true or false")
			}
			spec.AllowHTTP = v.Value == "true"
		case "unset_hmac":
			switch v.Value {
			case "keep":
				p.keepUnsetHMAC = true
			case "error":
			default:
				return p.errf(v.Line, key, "must be keep (an hmac whose variable is not set keeps the live secret) or error")
			}
		case "routes":
			routesNode = v
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if routesNode == nil {
		return nil, p.errf(root.Line, "routes", "missing; list the desired routes (an empty list is \"routes: []\")")
	}
	if routesNode.Kind == yaml.ScalarNode && routesNode.ShortTag() == "!!null" {
		return spec, nil
	}
	if routesNode.Kind != yaml.SequenceNode {
		return nil, p.errf(routesNode.Line, "routes", "must be a list, got %s", yamlnode.KindName(routesNode))
	}
	seen := map[Key]int{}
	for i, item := range routesNode.Content {
		path := fmt.Sprintf("routes[%d]", i)
		r, err := p.parseRoute(path, yamlnode.Resolve(item))
		if err != nil {
			return nil, err
		}
		if prev, dup := seen[r.Key]; dup {
			field := path + ".number"
			if r.Key.IsSIP() {
				field = path + ".sip"
			}
			return nil, p.errf(r.Line, field, "%s is already routed by routes[%d]; a number (or SIP name) can appear once", r.Key, prev)
		}
		seen[r.Key] = i
		if spec.ManagedPrefix != "" && !strings.HasPrefix(r.NamePrefix, spec.ManagedPrefix) {
			return nil, p.errf(r.lineOf("name_prefix"), path+".name_prefix",
				"must start with managed_prefix %q, so that --prune can tell this route is managed by this file", spec.ManagedPrefix)
		}
		spec.Routes = append(spec.Routes, r)
	}
	return spec, nil
}

func (r SpecRoute) lineOf(field string) int {
	if l, ok := r.Lines[field]; ok {
		return l
	}
	return r.Line
}

func (p *specParser) parseRoute(path string, n *yaml.Node) (SpecRoute, error) {
	r := SpecRoute{Line: n.Line, Lines: map[string]int{}}
	if n.Kind != yaml.MappingNode {
		return r, p.errf(n.Line, path, "must be a mapping with number (or sip) and url, got %s", yamlnode.KindName(n))
	}
	var number, sip string
	var hasNamePrefix bool
	err := p.fields(n, path, routeFields, func(key string, line int, v *yaml.Node) error {
		r.Lines[key] = line
		field := path + "." + key
		if key == "hmac" && p.keepUnsetHMAC && p.unsetRef(v) {
			return nil // unset_hmac: keep — the live secret stays (HMAC nil)
		}
		s, err := p.str(field, v)
		if err != nil {
			return err
		}
		switch key {
		case "number":
			if number, err = phone.Normalize(s, ""); err != nil {
				return p.errf(v.Line, field, "%s", err)
			}
		case "sip":
			if s == "" || strings.ContainsAny(s, " \t@:") {
				return p.errf(v.Line, field, "must be the SIP entry's name prefix (no spaces, \"@\" or \":\")")
			}
			sip = s
		case "url":
			r.URL = s
		case "pipecat_cloud":
			if r.URL, err = PipecatCloudWebhookURL(s); err != nil {
				return p.errf(v.Line, field, "%s", err)
			}
		case "name_prefix":
			r.NamePrefix, hasNamePrefix = s, true
		case "hmac":
			if s == "" {
				return p.errf(v.Line, field, "is empty (leave hmac out to keep the live secret)")
			}
			r.HMAC = &s
		case "hold_music_url":
			r.HoldMusicURL = s
		case "timeout_message":
			r.TimeoutMessage = s
		}
		return nil
	})
	if err != nil {
		return r, err
	}
	if _, both := r.Lines["pipecat_cloud"]; both && r.Lines["url"] != 0 {
		return r, p.errf(r.Lines["pipecat_cloud"], path+".pipecat_cloud", "give url or pipecat_cloud, not both")
	}
	switch {
	case number != "" && sip != "":
		return r, p.errf(r.Lines["sip"], path+".sip", "give number or sip, not both")
	case number == "" && sip == "":
		return r, p.errf(n.Line, path+".number", "missing: each route needs number (or sip for a SIP-interconnect entry)")
	case sip != "":
		if hasNamePrefix && r.NamePrefix != sip {
			return r, p.errf(r.Lines["name_prefix"], path+".name_prefix", "a SIP entry's name prefix is its sip name %q; leave name_prefix out", sip)
		}
		r.Key, r.NamePrefix = SIPKey(sip), sip
	default:
		r.Key = NumberKey(number)
	}
	if strings.TrimSpace(r.URL) == "" {
		return r, p.errf(r.lineOf("url"), path+".url", "missing: the webhook Daily calls for this route (or pipecat_cloud: ORG/AGENT)")
	}
	return r, nil
}
