package serve

import (
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/dialin-project/dialin/internal/cmdutil"
	servecfg "github.com/dialin-project/dialin/pkg/dialin/serve/config"
	"github.com/dialin-project/dialin/pkg/dialin/serve/launch"
)

// validate checks every flag before anything is read, listened on or requested. Settings
// that depend on the config file are checked when it is loaded (loadConfig).
func validate(o *Options) error {
	if err := checkAddr("--addr", o.Addr); err != nil {
		return err
	}
	if o.Changed("metrics-addr") {
		if err := checkAddr("--metrics-addr", o.MetricsAddr); err != nil {
			return err
		}
		if o.MetricsAddr == o.Addr && !strings.HasSuffix(o.Addr, ":0") {
			return cmdutil.FlagErrorf("--metrics-addr: must differ from --addr (both are %s)", o.Addr)
		}
	}
	if o.MaxConns < 1 {
		return cmdutil.FlagErrorf("--max-conns: must be at least 1, not %d", o.MaxConns)
	}
	switch {
	case o.BotCmd != "" && o.BotURL != "":
		return cmdutil.FlagErrorf("--bot-cmd, --bot-url: give one, not both")
	case o.Changed("bot-cmd") && strings.TrimSpace(o.BotCmd) == "":
		return cmdutil.FlagErrorf("--bot-cmd: must not be empty")
	case o.BotCmd == "" && o.BotURL == "" && o.ConfigFile == "":
		return cmdutil.FlagErrorf("no bot: give --bot-cmd COMMAND, --bot-url URL or --config FILE")
	case o.Changed("config") && strings.TrimSpace(o.ConfigFile) == "":
		return cmdutil.FlagErrorf("--config: must name a file")
	}
	if o.BotCmd != "" {
		if _, err := launch.ParseTemplate(o.BotCmd); err != nil {
			return cmdutil.FlagErrorf("--bot-cmd: %v", err)
		}
	}
	if o.Changed("bot-url") {
		u, err := url.Parse(o.BotURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return cmdutil.FlagErrorf("--bot-url: must be an absolute http or https URL")
		}
	}
	if err := checkModes(o); err != nil {
		return err
	}
	if err := checkDurations(o); err != nil {
		return err
	}
	if o.InsecureSkipVerify {
		if host, _, _ := net.SplitHostPort(o.Addr); !isLoopback(host) {
			return cmdutil.FlagErrorf("--insecure-skip-verify: only with a loopback --addr (127.0.0.1, ::1, localhost): without signatures anyone who reaches %s can start bots", o.Addr)
		}
	}
	for _, h := range o.Hooks {
		if h.Check != nil {
			if err := h.Check(o); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkModes(o *Options) error {
	if o.Changed("patch") && o.Patch != servecfg.PatchBot && o.Patch != servecfg.PatchServe {
		return cmdutil.FlagErrorf("--patch: must be %s or %s, got %q", servecfg.PatchBot, servecfg.PatchServe, o.Patch)
	}
	if o.Changed("tokens") && o.Tokens != servecfg.TokensREST && o.Tokens != servecfg.TokensLocal {
		return cmdutil.FlagErrorf("--tokens: must be %s or %s, got %q", servecfg.TokensREST, servecfg.TokensLocal, o.Tokens)
	}
	if o.Changed("cap") && o.Cap < 1 {
		return cmdutil.FlagErrorf("--cap: must be at least 1, got %d", o.Cap)
	}
	if o.Changed("log-format") && o.LogFormat != LogText && o.LogFormat != LogJSON {
		return cmdutil.FlagErrorf("--log-format: must be %s or %s, got %q", LogText, LogJSON, o.LogFormat)
	}
	return nil
}

func checkDurations(o *Options) error {
	for _, d := range []struct {
		flag    string
		v       time.Duration
		lo, hi  time.Duration
		loLabel string
	}{
		{"queue-timeout", o.QueueTimeout, 0, 10 * time.Minute, "0"},
		{"max-call-duration", o.MaxCallDuration, time.Second, 7 * 24 * time.Hour, "1s"},
		{"shutdown-timeout", o.ShutdownTimeout, time.Second, time.Hour, "1s"},
	} {
		if o.Changed(d.flag) && (d.v < d.lo || d.v > d.hi) {
			return cmdutil.FlagErrorf("--%s: must be between %s and %s, got %s", d.flag, d.loLabel, shortDuration(d.hi), d.v)
		}
	}
	return nil
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

// isLoopback reports whether host names this machine only.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// shortDuration prints 10m rather than 10m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
