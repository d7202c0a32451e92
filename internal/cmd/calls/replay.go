package calls

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/pkg/dialin/serve/admin"
)

// ReplayOptions are the inputs of `dialin calls replay`.
type ReplayOptions struct {
	IO       *iostreams.IOStreams
	Exporter cmdutil.Exporter
	Serve    string
	CallID   string
	To       string
	SameID   bool
}

// NewCmdReplay builds `calls replay CALL_ID`.
func NewCmdReplay(f *cmdutil.Factory) *cobra.Command {
	opts := &ReplayOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "replay CALL_ID",
		Short: "Send a recorded call's webhook again, signed afresh",
		Long: "Ask serve to send the webhook body it recorded for a call again, signed now with the\n" +
			"route secret that verified it (the secret never leaves serve), to serve's own webhook or\n" +
			"--to another URL. The body gets a new callId, so serve takes it as a new call, unless\n" +
			"--same-id: then serve should answer it as a repeat of the first (test idempotency).\n" +
			"Against the emulator no caller waits: the new call gets a room and a bot, not a caller.",
		Example: "  dialin calls replay 3f2a1b2c-9d0e-4f5a-8b6c-7d8e9f0a1b2c\n" +
			"  dialin calls replay 3f2a1b2c-9d0e-4f5a-8b6c-7d8e9f0a1b2c --same-id\n" +
			"  dialin calls replay 3f2a1b2c-9d0e-4f5a-8b6c-7d8e9f0a1b2c --to http://127.0.0.1:8000/dialin",
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.CallID = args[0]
			if opts.To != "" {
				if u, err := url.Parse(opts.To); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
					return cmdutil.FlagErrorf("--to: an http(s) URL, such as http://127.0.0.1:7860/dialin")
				}
			}
			return replayRun(c.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.To, "to", "", "Send to this webhook `URL` instead of serve's own")
	cmd.Flags().BoolVar(&opts.SameID, "same-id", false, "Keep the recorded callId (serve answers a repeat as the first)")
	addServeFlag(cmd, &opts.Serve)
	cmdutil.AddJSONFlags(cmd, &opts.Exporter)
	return cmd
}

func replayRun(ctx context.Context, o *ReplayOptions) error {
	c, err := newAdminClient(o.Serve)
	if err != nil {
		return err
	}
	var res admin.ReplayResult
	err = c.do(ctx, http.MethodPost, "/api/calls/"+url.PathEscape(o.CallID)+"/replay", admin.ReplayRequest{To: o.To, SameID: o.SameID}, &res)
	if err != nil {
		return err
	}
	if o.Exporter != nil {
		return o.Exporter.Write(o.IO, res)
	}
	fmt.Fprintf(o.IO.Out, "replayed %s as %s to %s\n%d %s\n%s\n", o.CallID, res.CallID, res.To, res.Status, http.StatusText(res.Status), res.Answer)
	return nil
}
