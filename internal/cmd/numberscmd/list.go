package numberscmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/internal/output"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/dialin/numbers"
)

// maxNumbersPage is the page size asked of Daily (its documented maximum for this list).
const maxNumbersPage = 50

// ListOptions are the inputs of `dialin numbers list`.
type ListOptions struct {
	IO          *iostreams.IOStreams
	DailyClient func() (*daily.Client, error)
	Exporter    cmdutil.Exporter
	Quiet       bool

	Limit int // 0: every number
}

// NewCmdList builds `numbers list`; runF replaces the run function in tests.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, DailyClient: f.DailyClient}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the domain's phone numbers and the dial-in route of each",
		Long: "List the numbers the domain owns, newest first, each with the dial-in route that uses it:\n" +
			"the pinless_dialin webhook (and name prefix), \"PIN dial-in\", or \"-\" for none.\n\n" +
			"--json prints Daily's fields plus \"route\" (null when none); hmac secrets are never shown.",
		Example: "  dialin numbers list\n" +
			"  dialin numbers list --jq '.[] | select(.route == null) | .number'",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if c.Flags().Changed("limit") && opts.Limit < 1 {
				return cmdutil.FlagErrorf("--limit: must be at least 1")
			}
			if runF != nil {
				return runF(opts)
			}
			return listRun(c.Context(), opts)
		},
	}
	cmd.Flags().IntVarP(&opts.Limit, "limit", "L", 0, "Show at most this many numbers (default: all)")
	cmdutil.AddQuietFlag(cmd, opts.IO, &opts.Quiet, "Print only the numbers, one per line")
	cmdutil.AddJSONFlags(cmd, &opts.Exporter)
	return cmd
}

// listedNumber is one row of `numbers list --json`: Daily's fields and the route.
type listedNumber struct {
	daily.PurchasedNumber
	Route *numberRoute `json:"route"`
}

func listRun(ctx context.Context, opts *ListOptions) error {
	client, err := opts.DailyClient()
	if err != nil {
		return err
	}
	var rows []listedNumber
	err = opts.IO.WithProgress("Listing phone numbers", func() error {
		owned, err := purchased(ctx, client, opts.Limit)
		if err != nil {
			return err
		}
		byNumber, err := numbers.RoutesByNumber(ctx, client)
		if err != nil {
			return err
		}
		for _, p := range owned {
			rows = append(rows, listedNumber{PurchasedNumber: p, Route: byNumber[numbers.Canonical(p.Number)]})
		}
		return nil
	})
	if err != nil {
		return err
	}
	if opts.Exporter != nil {
		return opts.Exporter.Write(opts.IO, rows)
	}
	if len(rows) == 0 {
		return cmdutil.NewNoResultsError("no phone numbers on this domain: buy one with `dialin numbers buy`")
	}
	if opts.Quiet {
		for _, r := range rows {
			fmt.Fprintln(opts.IO.Out, r.Number)
		}
		return nil
	}
	tty := opts.IO.IsStdoutTTY()
	t := output.NewTable(opts.IO, "Number", "ID", "Route", "Created")
	for _, r := range rows {
		created := r.CreatedDate
		if at, ok := numbers.BoughtAt(r.PurchasedNumber); ok && tty {
			created = formatTime(at)
		}
		t.Row(r.Number, r.ID, routeSummary(r.Route), created)
	}
	return t.Render()
}

// purchased lists the domain's numbers, every page, stopping once limit (when > 0) are read.
func purchased(ctx context.Context, client *daily.Client, limit int) ([]daily.PurchasedNumber, error) {
	pageSize := maxNumbersPage
	if limit > 0 && limit < pageSize {
		pageSize = limit
	}
	var out []daily.PurchasedNumber
	for p, err := range client.PurchasedNumbers(ctx, daily.PurchasedNumberQuery{PageSize: pageSize}) {
		if err != nil {
			return nil, fmt.Errorf("listing purchased numbers: %w", err)
		}
		out = append(out, p)
		if limit > 0 && len(out) == limit {
			break
		}
	}
	return out, nil
}
