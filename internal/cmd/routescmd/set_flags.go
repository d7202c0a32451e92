package routescmd

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/pkg/dialin/routes"
)

// maxSecretInput bounds what --hmac-file reads: a secret, not a file given by mistake.
const maxSecretInput = 4096

// buildChange turns the flags into opts.Change and checks it, before any request: which
// entry, which fields (an empty value removes an optional field), and where the secret
// comes from.
func (opts *SetOptions) buildChange(c *cobra.Command) error {
	fl := c.Flags()
	given := func(name string) bool { return fl.Changed(name) }
	var key routes.Key
	switch {
	case opts.SIP && given("number"):
		return cmdutil.FlagErrorf("--number and --sip: give one (a SIP-interconnect route has no number)")
	case opts.SIP:
		if opts.flags.namePrefix == "" {
			return cmdutil.FlagErrorf("--name-prefix: required with --sip, where it names the SIP-interconnect route")
		}
		key = routes.SIPKey(opts.flags.namePrefix)
	case opts.Number == "":
		return cmdutil.FlagErrorf("--number: required (or --sip --name-prefix NAME for a SIP-interconnect route)")
	default:
		k, err := routes.ParseKey(opts.Number, opts.region())
		if err != nil || k.IsSIP() {
			return cmdutil.FlagErrorf("--number: %v", numberProblem(err, opts.Number))
		}
		key = k
	}
	ec := routes.EntryChange{Key: key}
	str := func(name string, v string) *string {
		if !given(name) {
			return nil
		}
		return &v
	}
	ec.URL = str("url", opts.flags.url)
	if given("pipecat-cloud") {
		if ec.URL != nil {
			return cmdutil.FlagErrorf("--url and --pipecat-cloud: give one (--pipecat-cloud writes the agent's webhook URL)")
		}
		u, err := routes.PipecatCloudWebhookURL(opts.flags.pipecatCloud)
		if err != nil {
			return cmdutil.FlagErrorf("--pipecat-cloud: %v", err)
		}
		ec.URL = &u
	}
	ec.HoldMusicURL = str("hold-music-url", opts.flags.holdMusic)
	ec.TimeoutMessage = str("timeout-message", opts.flags.timeoutMessage)
	if !opts.SIP {
		ec.NamePrefix = str("name-prefix", opts.flags.namePrefix)
	}
	sources := 0
	for _, name := range []string{"hmac", "hmac-file", "generate-hmac"} {
		if given(name) {
			sources++
		}
	}
	if sources > 1 {
		return cmdutil.FlagErrorf("--hmac, --hmac-file, --generate-hmac: give at most one")
	}
	switch {
	case given("hmac"):
		if opts.flags.hmac == "" {
			return cmdutil.FlagErrorf("--hmac: must not be empty (leave it out to keep the route's secret)")
		}
		ec.HMAC, opts.HMACFromFlag = &opts.flags.hmac, true
	case given("hmac-file"):
		secret, err := opts.readSecretFile()
		if err != nil {
			return err
		}
		ec.HMAC = &secret
	}
	if ec.URL == nil && ec.HMAC == nil && ec.HoldMusicURL == nil && ec.TimeoutMessage == nil &&
		ec.NamePrefix == nil && !opts.GenerateHMAC {
		return cmdutil.FlagErrorf("nothing to set: give --url (or --pipecat-cloud), --hmac-file, --generate-hmac, --hold-music-url, --timeout-message or --name-prefix")
	}
	if err := ec.Validate(routes.ValidateOptions{AllowHTTP: opts.AllowHTTP}); err != nil {
		return badInput(err)
	}
	opts.Change = ec
	return nil
}

// readSecretFile reads --hmac-file: a file, or stdin for "-" (without echo on a terminal).
func (opts *SetOptions) readSecretFile() (string, error) {
	var (
		b   []byte
		err error
	)
	switch {
	case opts.HMACFile == "-" && opts.IO.IsStdinTTY():
		var s string
		s, err = opts.IO.ReadSecret("hmac secret (input hidden): ")
		if errors.Is(err, io.EOF) {
			return "", cmdutil.ErrCancel
		}
		b = []byte(s)
	case opts.HMACFile == "-":
		b, err = io.ReadAll(io.LimitReader(opts.IO.In, maxSecretInput+1))
	default:
		var f *os.File
		if f, err = os.Open(opts.HMACFile); err != nil {
			return "", cmdutil.FlagErrorf("--hmac-file: %v", err)
		}
		defer f.Close()
		b, err = io.ReadAll(io.LimitReader(f, maxSecretInput+1))
	}
	if err != nil {
		return "", fmt.Errorf("--hmac-file: %w", err)
	}
	if len(b) > maxSecretInput {
		return "", cmdutil.FlagErrorf("--hmac-file: more than %d bytes; it must hold only the secret", maxSecretInput)
	}
	secret := strings.TrimSpace(string(b))
	if secret == "" {
		return "", cmdutil.FlagErrorf("--hmac-file: empty; it must hold the base64 secret")
	}
	return secret, nil
}

// numberProblem says why a --number value is not a number, without repeating Go's wrapping.
func numberProblem(err error, raw string) string {
	if err == nil {
		return fmt.Sprintf("%q is not a phone number", raw)
	}
	return err.Error()
}
