package rules

import "time"

// Rule routes matching calls to a bot, with a concurrency cap and room settings.
type Rule struct {
	Name  string
	Match Matcher
	Bot   Bot
	// Cap bounds the calls of this rule running at once; 0 means only the global cap applies.
	Cap int
	// Room holds the rule's room settings; after config validation they are complete (the
	// config's defaults merged in).
	Room Room
	// Pool keeps rooms for this rule's calls created ahead; after config validation it holds
	// the config's pool defaults too. Rooms 0 means a room is created per call.
	Pool Pool
}

// Matcher lists the conditions of a rule. Every non-empty field must match (AND); within To
// and From any one pattern may match (OR). Patterns are globs: * is any run of characters,
// ? is one character, and everything else is literal (case-sensitive, as numbers and SIP
// user parts are). SIP header names are compared without regard to case; their values are
// globs like the rest.
type Matcher struct {
	To         []string
	From       []string
	SIPHeaders map[string]string
}

// Empty reports whether the matcher has no condition: it matches every call.
func (m Matcher) Empty() bool {
	return len(m.To) == 0 && len(m.From) == 0 && len(m.SIPHeaders) == 0
}

// Bot says how a call's bot is started: Cmd is a command line split into arguments once at
// start-up (never run through a shell), URL is a bot runner that receives the call as JSON,
// Pipecat is Pipecat's /start (its runner or Pipecat Cloud, which make the room), Forward is
// an existing dial-in handler that gets Daily's webhook as it came. Exactly one is set.
type Bot struct {
	Cmd     string
	URL     string
	Pipecat *Pipecat
	Forward string
	// Timeout bounds one HTTP dispatch to URL; 0 means the launcher's default.
	Timeout time.Duration
	// Warm is how many Cmd bot processes are started ahead, each waiting for its call as one
	// JSON line on stdin (docs/warm-bots.md); 0 starts a bot per call. With WarmAuto, the
	// most kept (0: the launcher's default).
	Warm int
	// WarmAuto keeps as many warm bots as the call rate needs, once the command's first bot
	// has shown it speaks the warm contract (launch.WarmConfig.Auto): the default of a cmd
	// bot whose command uses no placeholder.
	WarmAuto bool
	// WarmStartTimeout bounds how long a warm bot may take to say it waits for a call;
	// WarmAcceptTimeout how long it may take to acknowledge the call once handed it. 0 means
	// the launcher's default.
	WarmStartTimeout, WarmAcceptTimeout time.Duration
}

// Room are the settings of the SIP dial-in room created for a call.
type Room struct {
	// NumEndpoints is the number of SIP endpoints (Daily's default is 1).
	NumEndpoints int
	// Exp is how long the room lives after it is created; Daily ejects everyone then.
	Exp time.Duration
	// Video enables video on the SIP endpoints.
	Video *bool
}

// VideoOn reports the room's video setting (off unless set).
func (r Room) VideoOn() bool { return r.Video != nil && *r.Video }

// Merge returns r with every unset field taken from def.
func (r Room) Merge(def Room) Room {
	if r.NumEndpoints == 0 {
		r.NumEndpoints = def.NumEndpoints
	}
	if r.Exp == 0 {
		r.Exp = def.Exp
	}
	if r.Video == nil && def.Video != nil {
		v := *def.Video
		r.Video = &v
	}
	return r
}

// Call is what the matcher looks at: the fields of Daily's dial-in webhook.
type Call struct {
	To         string
	From       string
	SIPHeaders map[string]string
}

// Pipecat is a bot started with Pipecat's POST /start: URL (Pipecat's runner on the user's
// host) or Agent (a Pipecat Cloud agent; the key and API base come from serve's
// environment). Exactly one of URL and Agent is set.
type Pipecat struct {
	URL   string
	Agent string
	// Body is merged into the bot's body beside the DailyDialinRequest fields.
	Body map[string]any
	// OmitDailyKey leaves daily_api_key out of the body (include_daily_key: false).
	OmitDailyKey bool
	// Codecs, when set, are the room's sip.codecs.audio.
	Codecs []string
}

// Kinds names the kinds of bot b sets, in config order (one, after validation).
func (b Bot) Kinds() []string {
	var kinds []string
	for _, k := range []struct {
		name string
		set  bool
	}{
		{"cmd", b.Cmd != ""}, {"url", b.URL != ""},
		{"pipecat", b.Pipecat != nil && b.Pipecat.Agent == ""}, {"pipecat_cloud", b.Pipecat != nil && b.Pipecat.Agent != ""},
		{"forward", b.Forward != ""},
	} {
		if k.set {
			kinds = append(kinds, k.name)
		}
	}
	return kinds
}
