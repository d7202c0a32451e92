package servecmd

import (
	"context"
	"net"

	"github.com/dialin-project/dialin/pkg/dialin/serve"
)

// Embedded is what a command that runs serve inside itself (`dialin dev`) adds to the
// Options NewCmdServe parsed.
type Embedded struct {
	// Listener is where serve serves, instead of binding --addr.
	Listener net.Listener
	// Ready is called once serve listens and has started, with its URL.
	Ready func(url string)
	// Events receives every call event, besides serve's own printing of them.
	Events serve.Sink
	// Lines prints one line per call event on stderr even when it is not a terminal
	// (with the text log format), as `stripe listen` does.
	Lines bool
}

// RunEmbedded runs serve with o, as parsed and checked by NewCmdServe's command, until ctx
// ends (then it shuts down as on SIGTERM and returns nil) or serve fails.
func RunEmbedded(ctx context.Context, o *Options, e Embedded) error {
	o.listener = e.Listener
	if e.Ready != nil {
		o.ready = func(url string, _ *serve.Server) { e.Ready(url) }
	}
	o.events, o.lines = e.Events, e.Lines
	return serveRun(ctx, o)
}

// WebhookPath is the path serve takes Daily's dial-in webhook on with o's flags and
// --config (the config's webhook_path, else /dialin).
func WebhookPath(o *Options) (string, error) {
	cfg, err := loadConfig(o)
	if err != nil {
		return "", err
	}
	return cfg.WebhookPath, nil
}
