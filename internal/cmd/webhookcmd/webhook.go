// Package webhook implements `dialin webhook sign|verify`: compute or check the signature
// Daily puts on its webhooks, for a body, a secret and a timestamp, so users can test their
// own endpoints and check what they received.
//
// Daily signs base64(HMAC-SHA256(base64decode(secret), timestamp + "." + body)) over the
// exact bytes of the body. Secrets are read from a file or stdin, never from a flag's value
// (shell history), and never printed.
package webhookcmd

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmd/webhookcmd/secretfile"
	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/pkg/dialin/webhook"
)

// maxBody bounds the body read: more than any webhook Daily sends.
const maxBody = 10 << 20

// NewCmdWebhook is the `webhook` group.
func NewCmdWebhook(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "webhook <command>",
		Short: "Sign or verify Daily webhook signatures",
		Long: "Compute (sign) or check (verify) the X-Pinless-Signature Daily puts on the dial-in webhook, or\n" +
			"with --event the X-Webhook-Signature of its /webhooks events, for a body, a secret and a\n" +
			"timestamp. The signature covers the body's exact bytes, a trailing newline included.\n\n" +
			"The secret is read from --secret-file FILE (- for stdin), else DIALIN_WEBHOOK_SECRET; it is\n" +
			"never taken from a flag's value and never printed.\n\n" +
			"Not to be confused with `dialin webhooks`, Daily's /webhooks subscription.",
	}
	cmd.AddCommand(NewCmdSign(f, nil))
	cmd.AddCommand(NewCmdVerify(f, nil))
	return cmd
}

// common are the inputs both verbs share.
type common struct {
	IO     *iostreams.IOStreams
	Getenv func(string) string
	Now    func() time.Time

	SecretFile string
	secretSet  bool
	BodyFile   string // "-" for stdin
	Event      bool   // X-Webhook-* header names instead of X-Pinless-*
}

// newCommon takes the streams and the clock from f (the real clock when f has none).
func newCommon(f *cmdutil.Factory) common {
	c := common{IO: f.IOStreams, Getenv: os.Getenv, Now: time.Now}
	if f.Now != nil {
		c.Now = f.Now
	}
	return c
}

func (c *common) addFlags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&c.SecretFile, "secret-file", "", "Read the base64 secret from `FILE` (- for stdin); default: DIALIN_WEBHOOK_SECRET")
	cmd.Flags().BoolVar(&c.Event, "event", false, "Daily's /webhooks events (X-Webhook-*) instead of the dial-in webhook (X-Pinless-*)")
}

// parse reads the arguments and checks that stdin is not wanted twice.
func (c *common) parse(cmd *cobra.Command, args []string) error {
	c.BodyFile = "-"
	if len(args) == 1 {
		c.BodyFile = args[0]
	}
	c.secretSet = cmd.Flags().Changed("secret-file")
	if c.secretSet && c.SecretFile == "-" && c.BodyFile == "-" {
		return cmdutil.FlagErrorf("--secret-file: stdin (-) already carries the body; give the body as BODY-FILE")
	}
	return nil
}

// inputs reads the secret, then the body: what both verbs work on.
func (c *common) inputs() (secret string, body []byte, err error) {
	if secret, err = c.secret(); err != nil {
		return "", nil, err
	}
	if body, err = c.body(); err != nil {
		return "", nil, err
	}
	return secret, body, nil
}

// secret reads the secret: --secret-file, else DIALIN_WEBHOOK_SECRET.
func (c *common) secret() (string, error) {
	s, _, err := secretfile.Resolve(c.IO, "--secret-file", c.SecretFile, c.secretSet, secretfile.EnvWebhookSecret, c.Getenv)
	if err != nil {
		return "", err
	}
	if s == "" {
		return "", cmdutil.FlagErrorf("--secret-file: required (or set DIALIN_WEBHOOK_SECRET)")
	}
	return s, nil
}

// body reads the body's exact bytes from BODY-FILE or stdin.
func (c *common) body() ([]byte, error) {
	var r io.Reader = c.IO.In
	if c.BodyFile != "-" {
		f, err := os.Open(c.BodyFile)
		if err != nil {
			return nil, cmdutil.FlagErrorf("BODY-FILE: %v", err)
		}
		defer f.Close()
		r = f
	} else if c.IO.IsStdinTTY() {
		fmt.Fprintln(c.IO.ErrOut, "Reading the body from stdin (end with Ctrl-D)…")
	}
	b, err := io.ReadAll(io.LimitReader(r, maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("reading the body: %w", err)
	}
	if len(b) > maxBody {
		return nil, cmdutil.FlagErrorf("BODY-FILE: larger than %d bytes", maxBody)
	}
	return b, nil
}

// headerNames are the timestamp and signature headers of the kind of delivery.
func (c *common) headerNames() (timestamp, signature string) {
	if c.Event {
		return webhook.EventTimestampHeader, webhook.EventSignatureHeader
	}
	return webhook.PinlessTimestampHeader, webhook.PinlessSignatureHeader
}
