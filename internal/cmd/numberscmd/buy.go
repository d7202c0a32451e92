package numberscmd

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/config"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/internal/output"
	"github.com/dialin-project/dialin/pkg/daily"
)

// BuyOptions are the inputs of `dialin numbers buy`.
type BuyOptions struct {
	IO          *iostreams.IOStreams
	Config      func() (*config.Config, error)
	DailyClient func() (*daily.Client, error)
	Exporter    cmdutil.Exporter
	Quiet       bool

	Numbers []string // as typed; normalised by the run
	Random  bool
	DryRun  bool
	Yes     bool
	Country string // --default-country, validated; "" means the profile\'s default_country
}

// NewCmdBuy builds `numbers buy`; runF replaces the run function in tests.
func NewCmdBuy(f *cmdutil.Factory, runF func(*BuyOptions) error) *cobra.Command {
	opts := &BuyOptions{IO: f.IOStreams, Config: f.Config, DailyClient: f.DailyClient}
	cmd := &cobra.Command{
		Use:   "buy [NUMBER...]",
		Short: "Buy phone numbers (paid)",
		Long: "Buy the named numbers, one by one, or with --random one number Daily picks.\n\n" +
			"Numbers are paid (pay-as-you-go) and cannot be released for 14 days after purchase.\n" +
			"On a terminal dialin asks first; elsewhere it refuses without --yes. Numbers may be\n" +
			"written in any common form (\"+1 (415) 555-0100\", \"4155550100\" with --default-country US).\n\n" +
			"A purchase whose answer is lost is never retried: dialin checks whether the number was\n" +
			"bought and says so. If some numbers are bought and others not, the bought ones are\n" +
			"printed and the exit code is 1.",
		Example: "  dialin numbers buy +14155550100\n" +
			"  dialin numbers buy --random --yes --json\n" +
			"  dialin numbers search --areacode 415 -q | head -2 | xargs dialin numbers buy --dry-run",
		RunE: func(c *cobra.Command, args []string) error {
			opts.Numbers = args
			switch {
			case len(args) == 0 && !opts.Random:
				return cmdutil.FlagErrorf("NUMBER: name the numbers to buy (e.g. +14155550100), or pass --random to buy one number Daily picks")
			case len(args) > 0 && opts.Random:
				return cmdutil.FlagErrorf("--random: cannot be combined with numbers to buy")
			}
			if err := normalizeCountryFlag(&opts.Country); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return buyRun(c.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.Random, "random", false, "Buy one random number (Daily picks it)")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "Show what would be bought and which numbers are already owned; buy nothing")
	addCountryFlag(cmd, &opts.Country)
	cmdutil.AddYesFlag(cmd, &opts.Yes)
	cmdutil.AddQuietFlag(cmd, opts.IO, &opts.Quiet, "Print only the bought numbers, one per line")
	cmdutil.AddJSONFlags(cmd, &opts.Exporter)
	return cmd
}

func buyRun(ctx context.Context, opts *BuyOptions) error {
	targets, err := buyTargets(opts)
	if err != nil {
		return err
	}
	if opts.DryRun {
		return printDryRun(ctx, opts, targets)
	}
	question := buyQuestion(targets)
	if !opts.Yes && !opts.IO.CanPrompt() {
		return cmdutil.Confirm(opts.IO, false, question) // the --yes refusal, before any request
	}
	client, err := opts.DailyClient()
	if err != nil {
		return err
	}
	if err := refuseOwned(ctx, opts, targets); err != nil {
		return err
	}
	if !opts.Yes {
		cs := output.NewErrColorScheme(opts.IO)
		fmt.Fprintf(opts.IO.ErrOut, "About to buy %s on Daily:\n", describeTargets(targets))
		for _, n := range targets {
			if n != "" {
				fmt.Fprintf(opts.IO.ErrOut, "  %s\n", cs.Cyan(n))
			}
		}
		fmt.Fprintf(opts.IO.ErrOut, "%s Numbers are paid (pay-as-you-go) and cannot be released for 14 days after purchase.\n", cs.WarningIcon())
		if err := cmdutil.Confirm(opts.IO, false, question); err != nil {
			return err
		}
	}
	res := buyAll(ctx, opts.IO, client, targets)
	if err := printBought(opts, res.bought); err != nil {
		return err
	}
	err = res.err(opts.IO, opts.Exporter != nil)
	if err != nil && ctx.Err() != nil {
		// After Ctrl-C the CLI only says "interrupted": say here what became of the purchases.
		fmt.Fprintln(opts.IO.ErrOut, "error: "+err.Error())
		var h *cmdutil.HintError
		if errors.As(err, &h) && h.Hint() != "" {
			fmt.Fprintln(opts.IO.ErrOut, "hint: "+h.Hint())
		}
	}
	return err
}

// refuseOwned stops a buy of numbers the domain already owns before anything is bought or
// asked: Daily would refuse the purchase, and after an uncertain answer (a 5xx, a lost
// answer) the look-up that follows would find the number and call it bought.
func refuseOwned(ctx context.Context, opts *BuyOptions, targets []string) error {
	if opts.Random {
		return nil
	}
	_, owned, err := splitOwned(ctx, opts, targets)
	if err != nil {
		return err
	}
	if len(owned) == 0 {
		return nil
	}
	names := make([]string, len(owned))
	for i, o := range owned {
		names[i] = fmt.Sprintf("%s (id %s)", o.Number, o.ID)
	}
	return cmdutil.FlagErrorf("NUMBER: already owned by this domain: %s; nothing bought (leave it out, or see `dialin numbers list`)", strings.Join(names, ", "))
}

// buyTargets are the numbers to buy in E.164, or one "" for --random.
func buyTargets(opts *BuyOptions) ([]string, error) {
	if opts.Random {
		return []string{""}, nil
	}
	region, err := defaultCountry(opts.Country, opts.Config)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []string
	for _, in := range opts.Numbers {
		n, err := normalizeNumber(in, region)
		if err != nil {
			return nil, err
		}
		if seen[n] {
			return nil, cmdutil.FlagErrorf("NUMBER: %s is given twice", n)
		}
		seen[n] = true
		out = append(out, n)
	}
	return out, nil
}

func describeTargets(targets []string) string {
	if len(targets) == 1 && targets[0] == "" {
		return "one random number"
	}
	return plural(len(targets), "number")
}

func buyQuestion(targets []string) string {
	switch {
	case len(targets) == 1 && targets[0] == "":
		return "Buy a random number?"
	case len(targets) <= 3:
		return "Buy " + strings.Join(targets, ", ") + "?"
	}
	return fmt.Sprintf("Buy these %d numbers?", len(targets))
}

func printBought(opts *BuyOptions, bought []daily.PurchasedNumber) error {
	switch {
	case opts.Exporter != nil:
		return opts.Exporter.Write(opts.IO, bought)
	case len(bought) == 0:
		return nil
	case opts.Quiet:
		for _, p := range bought {
			fmt.Fprintln(opts.IO.Out, p.Number)
		}
		return nil
	}
	t := output.NewTable(opts.IO, "Number", "ID")
	for _, p := range bought {
		t.Row(p.Number, p.ID)
	}
	return t.Render()
}
