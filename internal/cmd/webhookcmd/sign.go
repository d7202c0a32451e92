package webhookcmd

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/pkg/dialin/webhook"
)

// SignOptions are the inputs of `dialin webhook sign`.
type SignOptions struct {
	common
	Exporter  cmdutil.Exporter
	Timestamp string // "" for now, in Unix seconds as Daily sends
}

// NewCmdSign builds `webhook sign`; runF replaces the run function in tests.
func NewCmdSign(f *cmdutil.Factory, runF func(*SignOptions) error) *cobra.Command {
	opts := &SignOptions{common: newCommon(f)}
	cmd := &cobra.Command{
		Use:   "sign [BODY-FILE | -]",
		Short: "Print the signature headers Daily would send with a body",
		Long: "Sign the body's exact bytes (BODY-FILE, or stdin) with the base64 secret and print the two\n" +
			"headers Daily would send with it: X-Pinless-Timestamp and X-Pinless-Signature (with --event,\n" +
			"X-Webhook-Timestamp and X-Webhook-Signature). The timestamp is now, in Unix seconds, unless\n" +
			"--timestamp gives one (seconds or milliseconds, signed as written).",
		Example: "  dialin webhook sign --secret-file route.secret body.json\n" +
			"  printf '%s' '{\"To\":\"+14155550100\",\"From\":\"+15550001111\",\"callId\":\"…\",\"callDomain\":\"…\"}' |\n" +
			"    dialin webhook sign --secret-file route.secret --json",
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if err := opts.parse(c, args); err != nil {
				return err
			}
			if c.Flags().Changed("timestamp") {
				if _, err := webhook.ParseTimestamp(opts.Timestamp); err != nil || strings.TrimSpace(opts.Timestamp) != opts.Timestamp {
					return cmdutil.FlagErrorf("--timestamp: must be Unix seconds or milliseconds, e.g. %d", time.Now().Unix())
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return signRun(opts)
		},
	}
	opts.addFlags(cmd)
	cmd.Flags().StringVar(&opts.Timestamp, "timestamp", "", "Sign at this Unix time (seconds or milliseconds); default: now, in seconds")
	cmdutil.AddJSONFlags(cmd, &opts.Exporter)
	return cmd
}

// Signed is what `webhook sign --json` prints.
type Signed struct {
	Timestamp string            `json:"timestamp"`
	Signature string            `json:"signature"`
	Headers   map[string]string `json:"headers"`
}

func signRun(opts *SignOptions) error {
	secret, body, err := opts.inputs()
	if err != nil {
		return err
	}
	ts := opts.Timestamp
	if ts == "" {
		ts = strconv.FormatInt(opts.Now().Unix(), 10)
	}
	sig, err := webhook.Sign(secret, ts, body)
	if err != nil {
		return cmdutil.FlagErrorf("--secret-file: %v", err)
	}
	tsHeader, sigHeader := opts.headerNames()
	if opts.Exporter != nil {
		return opts.Exporter.Write(opts.IO, Signed{Timestamp: ts, Signature: sig, Headers: map[string]string{tsHeader: ts, sigHeader: sig}})
	}
	fmt.Fprintf(opts.IO.Out, "%s: %s\n%s: %s\n", tsHeader, ts, sigHeader, sig)
	return nil
}
