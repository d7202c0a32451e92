package config

import (
	"time"

	"github.com/dialin-project/dialin/pkg/dialin/serve/launch"
	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
)

// checkSelfRoomBot checks a bot that makes its own room: pipecat (Pipecat's runner),
// pipecat_cloud (an agent) or forward (an existing dial-in handler). Their URLs carry keys
// or Daily's signed webhook, so plain http is allowed to a loopback host only.
func (c *Config) checkSelfRoomBot(field string, b rules.Bot) error {
	if b.Warm != 0 {
		return c.errf(field+".bot.warm", "applies to cmd bots only")
	}
	if err := c.between(field+".bot.timeout", b.Timeout, 0, 2*time.Minute); err != nil {
		return err
	}
	if b.Forward != "" {
		if _, err := launch.NewForward(launch.ForwardConfig{URL: b.Forward}); err != nil {
			return c.errf(field+".bot.forward", "%v", err)
		}
		return nil
	}
	p := b.Pipecat
	if p.Agent != "" {
		if _, err := launch.PipecatCloudStartURL("", p.Agent); err != nil {
			return c.errf(field+".bot.pipecat_cloud.agent", "%v", err)
		}
		return nil
	}
	if p.URL == "" {
		return c.errf(field+".bot.pipecat.url", "required: Pipecat's /start URL, e.g. http://127.0.0.1:7860/start")
	}
	// The Daily key and URL are serve's own; placeholders pass the URL and body checks here.
	_, err := launch.NewPipecat(launch.PipecatConfig{URL: p.URL, DailyAPIKey: "-", DailyAPIURL: "-", Body: p.Body})
	if err != nil {
		return c.errf(field+".bot.pipecat", "%v", err)
	}
	return nil
}
