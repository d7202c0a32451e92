package webhookcmd

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/pkg/dialin/webhook"
)

// Reasons a signature is invalid, as `webhook verify` names them.
const (
	ReasonMissing      = "missing"       // no signature or no timestamp
	ReasonBadTimestamp = "bad_timestamp" // the timestamp is not a number
	ReasonStale        = "stale"         // the timestamp is outside the window
	ReasonMismatch     = "mismatch"      // the signature is not the body's under this secret
)

// VerifyOptions are the inputs of `dialin webhook verify`.
type VerifyOptions struct {
	common
	Exporter  cmdutil.Exporter
	Signature string
	Timestamp string
	Window    time.Duration
}

// NewCmdVerify builds `webhook verify`; runF replaces the run function in tests.
func NewCmdVerify(f *cmdutil.Factory, runF func(*VerifyOptions) error) *cobra.Command {
	opts := &VerifyOptions{common: newCommon(f)}
	cmd := &cobra.Command{
		Use:   "verify [BODY-FILE | -]",
		Short: "Check a webhook's signature",
		Long: "Check that --signature is Daily's signature of the body's exact bytes (BODY-FILE, or stdin)\n" +
			"at --timestamp with the base64 secret, and that the timestamp is within --window of now, as\n" +
			"serve does. Prints \"valid\" and exits 0, or prints \"invalid\" with the reason and exits 1:\n" +
			"missing (no signature or timestamp), bad_timestamp, stale (outside the window) or mismatch.",
		Example: "  dialin webhook verify --secret-file route.secret --signature \"$SIG\" --timestamp \"$TS\" body.json\n" +
			"  dialin webhook verify --event --secret-file events.secret --signature \"$SIG\" --timestamp \"$TS\" --window 1h - < body.json",
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if err := opts.parse(c, args); err != nil {
				return err
			}
			if opts.Window <= 0 || opts.Window > 24*time.Hour {
				return cmdutil.FlagErrorf("--window: must be more than 0 and at most 24h, got %s", opts.Window)
			}
			if runF != nil {
				return runF(opts)
			}
			return verifyRun(opts)
		},
	}
	opts.addFlags(cmd)
	cmd.Flags().StringVar(&opts.Signature, "signature", "", "The signature header's value (base64)")
	cmd.Flags().StringVar(&opts.Timestamp, "timestamp", "", "The timestamp header's value (Unix seconds or milliseconds)")
	cmd.Flags().DurationVar(&opts.Window, "window", webhook.DefaultWindow, "How far the timestamp may be from now, either way")
	cmdutil.AddJSONFlags(cmd, &opts.Exporter)
	return cmd
}

// Verdict is what `webhook verify --json` prints.
type Verdict struct {
	Valid   bool   `json:"valid"`
	Reason  string `json:"reason,omitempty"`
	Message string `json:"message,omitempty"`
}

func verifyRun(opts *VerifyOptions) error {
	secret, body, err := opts.inputs()
	if err != nil {
		return err
	}
	v := webhook.Verifier{Secrets: map[string]string{"secret": secret}, Window: opts.Window, Now: opts.Now}
	verdict := Verdict{Valid: true}
	if opts.Signature == "" || opts.Timestamp == "" {
		verdict = Verdict{Reason: ReasonMissing, Message: "--signature and --timestamp are both needed"}
	} else if _, err := v.Verify(opts.Signature, opts.Timestamp, body); err != nil {
		verdict = Verdict{Reason: reason(err), Message: err.Error()}
	}
	if opts.Exporter != nil {
		if err := opts.Exporter.Write(opts.IO, verdict); err != nil {
			return err
		}
	} else if verdict.Valid {
		fmt.Fprintln(opts.IO.Out, "valid")
	} else {
		fmt.Fprintf(opts.IO.Out, "invalid: %s: %s\n", verdict.Reason, verdict.Message)
	}
	if verdict.Reason == ReasonMismatch && isHexDigest(opts.Signature) {
		fmt.Fprintln(opts.IO.ErrOut, "hint: Daily signs with base64 of the HMAC-SHA256, not hex (see docs/troubleshooting.md)")
	}
	if !verdict.Valid {
		return cmdutil.ErrSilent // exit 1; the reason is printed
	}
	return nil
}

// isHexDigest reports whether sig looks like a hex-encoded SHA-256 digest (64 hex characters),
// the commonest mistake in a hand-written verifier: a base64 signature is 44 characters.
func isHexDigest(sig string) bool {
	if len(sig) != 2*sha256.Size {
		return false
	}
	_, err := hex.DecodeString(sig)
	return err == nil
}

func reason(err error) string {
	switch {
	case errors.Is(err, webhook.ErrMissingHeaders):
		return ReasonMissing
	case errors.Is(err, webhook.ErrBadTimestamp):
		return ReasonBadTimestamp
	case errors.Is(err, webhook.ErrStale):
		return ReasonStale
	}
	return ReasonMismatch
}
