package pipecat

import (
	"github.com/dialin-project/dialin/internal/standin"
)

// runBot is `bot(DailyRunnerArguments(room_url, token, body))`. A body that validates as a
// DailyDialinRequest gives the transport its dial-in settings: the bot joins, waits for
// on_dialin_ready and patches the call with the key and URL from the body. Any other body is
// skipped silently by create_transport, as in Pipecat: the bot joins and never patches, and
// the caller stays on hold until Daily gives up.
func (r *Runner) runBot(s *Session, roomURL, token string, req DialinRequest) error {
	o := standin.Options{
		RoomURL: roomURL, Token: token,
		StartupDelay: r.cfg.StartupDelay, TalkTime: r.cfg.TalkTime,
		HTTPClient: r.cfg.HTTPClient, Logger: r.log.With("session_id", s.ID),
	}
	if s.DialinSkipped != "" {
		r.log.Warn("body is not a DailyDialinRequest; the bot will not patch the call", "session_id", s.ID, "reason", s.DialinSkipped)
		// The bot joins through the runner's own Daily URL, with no key: nothing to patch
		// with and no call to follow.
		o.CallID, o.APIURL = s.ID, r.cfg.DailyAPIURL
	} else {
		o.CallID, o.CallDomain = req.DialinSettings.CallID, req.DialinSettings.CallDomain
		// Pipecat's transport posts pinlessCallUpdate once on on_dialin_ready and logs a
		// failure: a 429 there loses the call.
		o.APIURL, o.APIKey, o.Patch, o.PatchOnce = req.DailyAPIURL, req.DailyAPIKey, true, true
	}
	err := standin.Run(r.ctx, o)
	if err != nil && r.ctx.Err() == nil {
		r.log.Warn("bot ended with an error", "session_id", s.ID, "err", err)
	}
	return err
}
