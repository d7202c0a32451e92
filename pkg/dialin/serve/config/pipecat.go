package config

import (
	"go.yaml.in/yaml/v3"

	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
	"github.com/dialin-project/dialin/pkg/dialin/yamlnode"
)

// selfRoomBot reads bot.pipecat {url, body, include_daily_key, codecs}, bot.pipecat_cloud
// {agent, body, include_daily_key, codecs} or bot.forward URL.
func (p *parser) selfRoomBot(field, key string, v *yaml.Node, b *rules.Bot) error {
	if key == "forward" {
		return p.str(field, v, &b.Forward)
	}
	if b.Pipecat != nil {
		return p.errf(v.Line, field, "give pipecat or pipecat_cloud, not both")
	}
	pc := &rules.Pipecat{}
	b.Pipecat = pc
	target := "url"
	if key == "pipecat_cloud" {
		target = "agent"
	}
	return p.fields(v, field, []string{target, "body", "include_daily_key", "codecs"}, func(k string, v *yaml.Node) error {
		f := field + "." + k
		switch k {
		case "url":
			return p.str(f, v, &pc.URL)
		case "agent":
			return p.str(f, v, &pc.Agent)
		case "codecs":
			return p.strList(f, v, &pc.Codecs)
		case "include_daily_key":
			include := true
			if err := p.bool(f, v, &include); err != nil {
				return err
			}
			pc.OmitDailyKey = !include
			return nil
		}
		if v.Kind != yaml.MappingNode {
			return p.errf(v.Line, f, "must be a mapping (merged into the bot's body), got %s", yamlnode.KindName(v))
		}
		return v.Decode(&pc.Body)
	})
}
