package routescmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/cmdutil/complete"
	"github.com/dialin-project/dialin/internal/output"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/dialin/routes"
)

// SetOptions are the inputs of `dialin routes set`.
type SetOptions struct {
	Deps
	Exporter cmdutil.Exporter

	Number       string
	SIP          bool
	HMACFile     string
	GenerateHMAC bool
	AllowHTTP    bool
	Force        bool
	Yes          bool
	DryRun       bool

	// Change is what the flags ask for, built and checked before any request. An hmac read
	// from --hmac-file is in it; one --generate-hmac makes is added when the command runs.
	Change routes.EntryChange
	// HMACFromFlag records that the secret came from --hmac (argv), to warn about it.
	HMACFromFlag bool

	flags setFlags
}

// setFlags hold the raw values of the flags that may also be given empty (to remove a field).
type setFlags struct {
	url, hmac, namePrefix, holdMusic, timeoutMessage string
	pipecatCloud                                     string // ORG/AGENT, written as its hosted webhook URL
}

// NewCmdSet builds `routes set`; runF replaces the run function in tests.
func NewCmdSet(f *cmdutil.Factory, runF func(*SetOptions) error) *cobra.Command {
	opts := &SetOptions{Deps: newDeps(f)}
	cmd := &cobra.Command{
		Use:   "set {--number NUMBER | --sip --name-prefix NAME} [flags]",
		Short: "Create or update one route, keeping every other route as it is",
		Long: "Create or update the route of one number (or, with --sip, of a SIP-interconnect entry named by\n" +
			"--name-prefix). Fields whose flags are not given keep their value, the hmac secret included; an\n" +
			"empty value (--hold-music-url \"\") removes an optional field.\n\n" +
			"The change is shown before it is written. Replacing an existing webhook URL or secret asks for\n" +
			"confirmation on a terminal and needs --yes otherwise. Every other route is written back exactly\n" +
			"as it was read; the routes are saved as a backup first and read back afterwards.\n\n" +
			"Secrets: --generate-hmac makes a new one and prints it once on stdout; --hmac-file reads one from\n" +
			"a file or, with -, from stdin. --hmac takes it as a value, which leaves it in your shell history.",
		Example: "  dialin routes set --number +14155550100 --url https://bots.example.com/dialin --generate-hmac\n" +
			"  dialin routes set --number '(415) 555-0100' --hold-music-url https://cdn.example.com/hold.mp3\n" +
			"  vault read -field=hmac secret/dialin | dialin routes set --number +14155550100 --hmac-file -\n" +
			"  dialin routes set --sip --name-prefix trunk-eu --url https://bots.example.com/sip --yes\n" +
			"  dialin routes set --number +14155550100 --pipecat-cloud acme/support-bot --generate-hmac",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := opts.checkFlags(); err != nil {
				return err
			}
			if err := opts.buildChange(c); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return setRun(c.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Number, "number", "", "Phone number of the route (E.164, or any spelling of a number)")
	fl.BoolVar(&opts.SIP, "sip", false, "A SIP-interconnect route (no number), named by --name-prefix")
	fl.StringVar(&opts.flags.url, "url", "", "Webhook Daily calls for each incoming call (room_creation_api; https)")
	fl.StringVar(&opts.flags.pipecatCloud, "pipecat-cloud", "", "Pipecat Cloud `ORG/AGENT` whose hosted dial-in webhook takes the calls (instead of --url)")
	fl.StringVar(&opts.flags.hmac, "hmac", "", "hmac secret, base64 (prefer --hmac-file: a flag value lands in shell history)")
	fl.StringVar(&opts.HMACFile, "hmac-file", "", "Read the hmac secret from `FILE` (- for stdin)")
	fl.BoolVar(&opts.GenerateHMAC, "generate-hmac", false, "Set a new random hmac secret and print it once")
	fl.StringVar(&opts.flags.holdMusic, "hold-music-url", "", "MP3 played while the call waits (https; \"\" removes it)")
	fl.StringVar(&opts.flags.timeoutMessage, "timeout-message", "", "Spoken when no bot took the call in time (\"\" for Daily's default)")
	fl.StringVar(&opts.flags.namePrefix, "name-prefix", "", "Name of the route (with --sip: the name that identifies it)")
	fl.BoolVar(&opts.AllowHTTP, "allow-http", false, "Accept http URLs on loopback hosts (local development)")
	fl.BoolVar(&opts.Force, "force", false, "Write a number the domain does not own (Daily will likely refuse it)")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "Show the change and check it, but write nothing")
	cmdutil.AddYesFlag(cmd, &opts.Yes)
	addAPIFlag(cmd, &opts.Deps)
	cmdutil.AddJSONFlags(cmd, &opts.Exporter)
	_ = cmd.RegisterFlagCompletionFunc("number", complete.PurchasedNumbers(f))
	return cmd
}

// setResult is what `routes set --json` prints.
type setResult struct {
	Change  routes.Change `json:"change"`
	Written bool          `json:"written"`
	DryRun  bool          `json:"dry_run,omitempty"`
	Backup  string        `json:"backup,omitempty"`
	// HMAC is the secret --generate-hmac made (and only that one).
	HMAC string `json:"hmac,omitempty"`
}

func setRun(ctx context.Context, opts *SetOptions) error {
	ec := opts.Change
	if opts.HMACFromFlag {
		warnf(opts.IO, "--hmac: the secret is now in your shell history and visible in the process list; prefer --hmac-file FILE, --hmac-file - (stdin) or --generate-hmac")
	}
	generated := ""
	if opts.GenerateHMAC {
		// Made once, here: the write may compute the change again, and must write this one.
		secret, err := routes.GenerateHMAC()
		if err != nil {
			return err
		}
		generated, ec.HMAC = secret, &secret
	}
	s, err := opts.open()
	if err != nil {
		return err
	}
	var owned map[string]bool
	if !ec.Key.IsSIP() {
		if err := opts.IO.WithProgress("Reading the domain's numbers", func() (err error) {
			owned, err = routes.OwnedNumbers(ctx, s.client)
			return err
		}); err != nil {
			return err
		}
		if !owned[ec.Key.Number] && opts.Force {
			warnf(opts.IO, "%s is not one of the domain's numbers (`dialin numbers list`); trying anyway because of --force", ec.Key.Number)
		}
	}
	vopts := routes.ValidateOptions{AllowHTTP: opts.AllowHTTP, OwnedNumbers: owned, Force: opts.Force}
	cur, err := s.read(ctx, opts.IO)
	if err != nil {
		return err
	}
	change, err := upsertChecked(cur, ec, vopts)
	if err != nil {
		return err
	}
	if err := renderChange(opts.IO.ErrOut, change, output.NewErrColorScheme(opts.IO)); err != nil {
		return err
	}
	res := setResult{Change: change, DryRun: opts.DryRun}
	if generated != "" && change.Changed() && !opts.DryRun {
		res.HMAC = generated
	}
	switch {
	case !change.Changed():
		opts.IO.Infof("Nothing to write.")
		return opts.writeResult(res)
	case opts.DryRun:
		opts.IO.Infof("Dry run: nothing written.")
		return opts.writeResult(res)
	}
	if q := replaceQuestion(change); q != "" {
		if err := cmdutil.Confirm(opts.IO, opts.Yes, q); err != nil {
			return err
		}
	}
	w, err := opts.writer(ctx, s)
	if err != nil {
		return err
	}
	wr, err := opts.writeRoutes(ctx, s, w, routes.UpsertGuard(ec, vopts, change))
	if err != nil {
		return badInput(err)
	}
	res.Written, res.Backup = wr.Changed, wr.Backup
	cs := output.NewErrColorScheme(opts.IO)
	verb := map[routes.Action]string{routes.ActionAdd: "Added", routes.ActionUpdate: "Updated"}[change.Action]
	if wr.Changed {
		fmt.Fprintf(opts.IO.ErrOut, "%s %s route %s (read back and verified)\n", cs.SuccessIcon(), verb, change.Key)
		opts.IO.Infof("Backup of the routes before this change: %s", wr.Backup)
	} else {
		opts.IO.Infof("Route %s already was as requested; nothing written.", change.Key)
	}
	if generated != "" && opts.Exporter == nil {
		opts.IO.Infof("The new hmac secret is on stdout; give it to your webhook server (`dialin routes list --show-secrets` reads it back from Daily).")
		fmt.Fprintln(opts.IO.Out, generated)
	}
	return opts.writeResult(res)
}

func (opts *SetOptions) writeResult(res setResult) error {
	if opts.Exporter != nil {
		return opts.Exporter.Write(opts.IO, res)
	}
	return nil
}

// upsertChecked applies ec to cur and validates the entry it writes.
func upsertChecked(cur []daily.PinlessDialinEntry, ec routes.EntryChange, vopts routes.ValidateOptions) (routes.Change, error) {
	next, change, err := routes.Upsert(cur, ec)
	if err != nil {
		return change, cmdutil.FlagErrorWrap(err)
	}
	return change, badInput(routes.Validate(next, change.Judged(vopts)))
}

// replaceQuestion asks before a change that breaks a working route: a new webhook URL, or a
// new secret that the webhook server does not know yet.
func replaceQuestion(c routes.Change) string {
	if c.Action != routes.ActionUpdate {
		return ""
	}
	url, secret := c.Field(routes.FieldURL), c.Field(routes.FieldHMAC)
	switch {
	case url != nil && url.Old != "" && secret != nil && secret.Old != "":
		return fmt.Sprintf("Replace the webhook and the hmac secret of route %s?", c.Key)
	case url != nil && url.Old != "":
		return fmt.Sprintf("Replace the webhook of route %s (%s → %s)?", c.Key, routes.WebhookName(url.Old), routes.WebhookName(url.New))
	case secret != nil && secret.Old != "":
		return fmt.Sprintf("Replace the hmac secret of route %s (your webhook server must be given the new one)?", c.Key)
	}
	return ""
}
