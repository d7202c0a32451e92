package servecmd

import (
	"errors"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/pkg/dialin/loopback"
	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
)

// validate checks every flag, then (when the flags name a bot or a file) reads the config
// file with the flags applied and normalizes it once, keeping the result for serveRun.
// Nothing is listened on or requested. Every mistake found is returned at once.
func validate(o *Options) error {
	var found []error
	bad := func(format string, args ...any) { found = append(found, cmdutil.FlagErrorf(format, args...)) }
	if err := checkAddr("--addr", o.Addr); err != nil {
		found = append(found, err)
	}
	if o.Changed("metrics-addr") {
		if err := checkAddr("--metrics-addr", o.MetricsAddr); err != nil {
			found = append(found, err)
		} else if o.MetricsAddr == o.Addr && !strings.HasSuffix(o.Addr, ":0") {
			bad("--metrics-addr: must differ from --addr (both are %s)", o.Addr)
		}
	}
	if o.MaxConns < 1 {
		bad("--max-conns: must be at least 1, not %d", o.MaxConns)
	}
	// The bot and the file: without a usable one of them there is no configuration to read.
	canLoad := false
	botFlags, _ := o.flagBots()
	switch {
	case len(botFlags) > 1:
		bad("%s: give one, not both", strings.Join(botFlags, ", "))
	case o.Changed("bot-cmd") && strings.TrimSpace(o.BotCmd) == "":
		bad("--bot-cmd: must not be empty")
	case len(botFlags) == 0 && o.ConfigFile == "":
		bad("no bot: give --bot-cmd COMMAND, --bot-url URL, --bot-pipecat URL, --bot-pipecat-cloud AGENT, --bot-forward URL or --config FILE")
	case o.Changed("config") && strings.TrimSpace(o.ConfigFile) == "":
		bad("--config: must name a file")
	default:
		canLoad = true
	}
	checkModes(o, bad)
	checkDurations(o, bad)
	if o.InsecureSkipVerify {
		if host, _, _ := net.SplitHostPort(o.Addr); !loopback.Host(host) {
			bad("--insecure-skip-verify: only with a loopback --addr (127.0.0.1, ::1, localhost): without signatures anyone who reaches %s can start bots", o.Addr)
		}
	}
	for _, h := range o.Hooks {
		if h.Check != nil {
			found = append(found, split(h.Check(o))...)
		}
	}
	if canLoad {
		cfg, err := loadConfig(o)
		for _, e := range split(err) {
			if !saidOfFlag(found, e) {
				found = append(found, e)
			}
		}
		o.serveConfig = cfg // serveRun runs only when validate found nothing
	}
	return problems(found)
}

// saidOfFlag reports whether e, a configuration problem about a field a flag set, repeats
// what the flag checks already said of that flag.
func saidOfFlag(found []error, e error) bool {
	var ce *serveconfig.Error
	if !errors.As(e, &ce) || !strings.HasPrefix(ce.Field, "--") {
		return false
	}
	for _, f := range found {
		if strings.HasPrefix(f.Error(), ce.Field+":") {
			return true
		}
	}
	return false
}

// checkModes checks the flags whose values are words or counts. Their bounds are the
// configuration's (a flag's value is checked again, as a field, by Normalize); these say
// what the flag takes in the flag's own words before the file is read.
func checkModes(o *Options, bad func(string, ...any)) {
	for _, f := range []struct {
		flag, v string
		words   serveconfig.Choice
	}{{"patch", o.Patch, serveconfig.PatchChoice}, {"tokens", o.Tokens, serveconfig.TokensChoice}} {
		if o.Changed(f.flag) {
			if msg := f.words.Violation(f.v, true); msg != "" {
				bad("--%s: %s", f.flag, msg)
			}
		}
	}
	if o.Changed("cap") && o.Cap < 1 {
		bad("--cap: must be at least 1, got %d", o.Cap)
	}
	if o.Changed("log-format") && o.LogFormat != LogText && o.LogFormat != LogJSON {
		bad("--log-format: must be %s or %s, got %q", LogText, LogJSON, o.LogFormat)
	}
}

func checkDurations(o *Options, bad func(string, ...any)) {
	for _, d := range []struct {
		flag   string
		v      time.Duration
		bounds serveconfig.DurationRange
	}{
		{"queue-timeout", o.QueueTimeout, serveconfig.QueueTimeoutRange},
		{"max-call-duration", o.MaxCallDuration, serveconfig.MaxCallDurationRange},
		{"shutdown-timeout", o.ShutdownTimeout, serveconfig.DurationRange{Lo: time.Second, Hi: time.Hour}},
		{"hold", o.Hold, serveconfig.DurationRange{Lo: 5 * time.Second, Hi: 10 * time.Minute}},
		{"admission-margin", o.AdmissionMargin, serveconfig.DurationRange{Lo: 100 * time.Millisecond, Hi: 5 * time.Minute}},
	} {
		if !o.Changed(d.flag) {
			continue
		}
		if msg := d.bounds.Violation(d.v, true); msg != "" {
			bad("--%s: %s", d.flag, msg)
		}
	}
	if (o.Changed("admission-margin") || o.Changed("hold")) && o.AdmissionMargin >= o.Hold {
		bad("--admission-margin: must be shorter than --hold (%s), got %s", shortDuration(o.Hold), shortDuration(o.AdmissionMargin))
	}
}

// checkAddr checks HOST:PORT. An empty host (":7860") listens on every interface, as the
// user asked.
func checkAddr(flag, addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if p, perr := strconv.Atoi(port); err != nil || perr != nil || p < 0 || p > 65535 {
		return cmdutil.FlagErrorf("%s: must be HOST:PORT with a port from 0 to 65535, e.g. %s", flag, DefaultAddr)
	}
	return nil
}

// shortDuration prints 10m rather than 10m0s.
var shortDuration = serveconfig.ShortDuration
