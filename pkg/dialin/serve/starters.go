package serve

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path"
	"time"

	"github.com/dialin-project/dialin/pkg/dialin/serve/callstore"
	"github.com/dialin-project/dialin/pkg/dialin/serve/launch"
	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
)

// newStarter builds the starter of a rule whose bot makes its own room (Pipecat's runner,
// Pipecat Cloud, a forwarded webhook); nil when the rule's bot is a command or a runner that
// takes serve's room.
func (s *Server) newStarter(r *rules.Rule) (launch.Starter, error) {
	switch {
	case r.Bot.Forward != "":
		return launch.NewForward(launch.ForwardConfig{URL: r.Bot.Forward, Timeout: r.Bot.Timeout})
	case r.Bot.Pipecat != nil:
		pc := r.Bot.Pipecat
		cfg := launch.PipecatConfig{URL: pc.URL, DailyAPIKey: s.d.APIKey, DailyAPIURL: s.d.Client.BaseURL(),
			OmitDailyKey: pc.OmitDailyKey, Codecs: pc.Codecs, Body: pc.Body, Timeout: r.Bot.Timeout}
		if pc.Agent != "" {
			if s.d.PipecatCloudKey == "" {
				return nil, errors.New("pipecat_cloud: no Pipecat Cloud key (set PIPECAT_CLOUD_API_KEY or store one: dialin auth login --pipecat-cloud)")
			}
			u, err := launch.PipecatCloudStartURL(s.d.PipecatCloudAPI, pc.Agent)
			if err != nil {
				return nil, err
			}
			cfg.URL, cfg.APIKey = u, s.d.PipecatCloudKey
		}
		return launch.NewPipecat(cfg)
	}
	return nil, nil
}

// start hands an admitted call to a bot that makes its own room and patches the call
// itself. A full pool (429) keeps the call waiting, holding its slot, until the queue
// timeout. The answer's room is recorded, so Daily's dialin.* events for that room find
// the call (dialin.stopped frees its slot); its token never is.
func (s *Server) start(ctx context.Context, c *call, st launch.Starter) {
	if runnerUsesServesKey(c.rule) {
		hold, cancel := context.WithDeadline(ctx, c.received.Add(s.d.HoldBudget))
		err := s.spendRunnerRequests(hold, c)
		cancel()
		if err != nil {
			s.failStep(ctx, c, "failed_bot", StepStartBot, fmt.Errorf("Daily's request budget had no room for the runner's requests within the caller's hold: %w", err))
			return
		}
	}
	room := c.rule.Room
	started, err := st.Start(ctx, launch.DialinCall{
		WaitUntil: time.Now().Add(s.cfg.Caps.QueueTimeout),
		CallID:    c.id, CallDomain: c.domain, From: c.from, To: c.to, SIPHeaders: c.headers,
		Room: launch.StartRoom{DisplayName: DisplayName(c.from), NumEndpoints: room.NumEndpoints, Exp: room.Exp, Video: room.VideoOn()},
		Body: c.webhookBody, Header: c.webhookHeader,
	})
	if err != nil {
		if errors.Is(err, launch.ErrPoolFull) && ctx.Err() == nil {
			s.giveUp(c, callstore.Refused, EventRefused, "refused_queue_timeout",
				"the agent's pool stayed full (HTTP 429) for "+s.cfg.Caps.QueueTimeout.String())
			return
		}
		s.failStep(ctx, c, "failed_bot", StepStartBot, err)
		return
	}
	if runnerUsesServesKey(c.rule) {
		s.spendBotPatch(c) // the runner's bot patches with serve's key
	}
	name := ""
	if started.Room != "" {
		name = path.Base(started.Room)
	}
	now := time.Now()
	s.metrics.calls.WithLabelValues("bot_started").Inc()
	s.metrics.webhookToBot.Observe(now.Sub(c.received).Seconds())
	s.update(c, func(r *callstore.Record) {
		r.State, r.Room, r.RoomURL, r.SessionID = callstore.BotStarted, name, started.Room, started.SessionID
	})
	s.emit(c, Event{Kind: EventBotStarted, At: now, Room: name})
	s.log.Debug("bot started", "call_id", c.id, "rule", c.rule.Name, "room", name, "session_id", started.SessionID,
		"status", started.Status, "since_s", now.Sub(c.received).Seconds())
	s.settled(c) // the bot patches the call, not serve
}

// keepWebhook keeps Daily's webhook as it came, for a rule that forwards it.
func (c *call) keepWebhook(body []byte, h http.Header) {
	if c.rule.Bot.Forward != "" {
		c.webhookBody, c.webhookHeader = body, h.Clone()
	}
}
