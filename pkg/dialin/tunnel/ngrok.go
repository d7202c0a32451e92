package tunnel

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"golang.ngrok.com/ngrok/v2"
)

// EnvNgrokAuthtoken names the variable the ngrok authtoken is read from (ngrok's own name).
const EnvNgrokAuthtoken = "NGROK_AUTHTOKEN"

// Ngrok is ngrok's agent embedded in dialin: no ngrok binary, no ngrok process. The
// authtoken is handed to the agent only; it is never logged or put in an error.
type Ngrok struct {
	// Authtoken authenticates with ngrok (NgrokFromEnv reads NGROK_AUTHTOKEN).
	Authtoken string
	// Logger receives the agent's logs; nil discards them.
	Logger *slog.Logger

	connectURL string // tests: the address the agent connects to instead of ngrok's
}

// NgrokFromEnv is the ngrok provider with the authtoken from NGROK_AUTHTOKEN, or an error
// that says where to get one.
func NgrokFromEnv(getenv func(string) string) (*Ngrok, error) {
	tok := strings.TrimSpace(getenv(EnvNgrokAuthtoken))
	if tok == "" {
		return nil, errors.New("--tunnel ngrok: " + EnvNgrokAuthtoken + " is not set; copy your authtoken from https://dashboard.ngrok.com/get-started/your-authtoken and export it, or give --public-url")
	}
	return &Ngrok{Authtoken: tok}, nil
}

// Name implements Provider.
func (*Ngrok) Name() string { return "ngrok" }

// Open implements Provider: an ngrok endpoint forwarding to local. The endpoint ending
// (ngrok closing it, the agent's session lost for good) drops the tunnel.
func (n *Ngrok) Open(ctx context.Context, local string) (Tunnel, error) {
	if strings.TrimSpace(n.Authtoken) == "" {
		return nil, errors.New("ngrok: no authtoken (" + EnvNgrokAuthtoken + ")")
	}
	logger := n.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	opts := []ngrok.AgentOption{ngrok.WithAuthtoken(n.Authtoken), ngrok.WithLogger(logger)}
	if n.connectURL != "" {
		opts = append(opts, ngrok.WithAgentConnectURL(n.connectURL))
	}
	agent, err := ngrok.NewAgent(opts...)
	if err != nil {
		return nil, fmt.Errorf("ngrok: %w", n.scrub(err))
	}
	fw, err := agent.Forward(ctx, ngrok.WithUpstream(local))
	if err != nil {
		_ = agent.Disconnect()
		return nil, fmt.Errorf("ngrok: %w", n.scrub(err))
	}
	h := NewHandle(strings.TrimRight(fw.URL().String(), "/"), func() error {
		err := fw.Close()
		if derr := agent.Disconnect(); err == nil {
			err = derr
		}
		if err != nil {
			return fmt.Errorf("ngrok: %w", n.scrub(err))
		}
		return nil
	})
	go func() {
		<-fw.Done()
		h.Drop(errors.New("ngrok ended the endpoint")) // a no-op after Close
	}()
	return h, nil
}

// scrub returns err with the authtoken cut out of its text, in case a library quotes it.
func (n *Ngrok) scrub(err error) error {
	if n.Authtoken == "" || !strings.Contains(err.Error(), n.Authtoken) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), n.Authtoken, "[redacted]"))
}
