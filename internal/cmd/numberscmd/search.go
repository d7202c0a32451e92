package numberscmd

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/internal/output"
	"github.com/dialin-project/dialin/pkg/daily"
)

// defaultSearchLimit caps the numbers shown; Daily answers one page anyway.
const defaultSearchLimit = 20

// SearchOptions are the inputs of `dialin numbers search`.
type SearchOptions struct {
	IO          *iostreams.IOStreams
	DailyClient func() (*daily.Client, error)
	Exporter    cmdutil.Exporter
	Quiet       bool

	Filters daily.NumberSearch
	Limit   int

	limitSet bool // --limit was given
}

// NewCmdSearch builds `numbers search`; runF replaces the run function in tests.
func NewCmdSearch(f *cmdutil.Factory, runF func(*SearchOptions) error) *cobra.Command {
	opts := &SearchOptions{IO: f.IOStreams, DailyClient: f.DailyClient}
	cmd := &cobra.Command{
		Use:   "search",
		Short: "Search the phone numbers Daily can sell",
		Long: "List numbers that can be bought, filtered as Daily allows:\n\n" +
			"  --region cannot be combined with --areacode;\n" +
			"  --city requires --region and cannot be combined with --areacode, --contains,\n" +
			"    --starts-with or --ends-with;\n" +
			"  only one of --contains, --starts-with and --ends-with, each 3 to 7 digits.\n\n" +
			"These rules are checked before anything is sent. A number found here is not reserved:\n" +
			"it may be gone by the time you buy it.",
		Example: "  dialin numbers search --areacode 415\n" +
			"  dialin numbers search --region CA --city 'San Francisco'\n" +
			"  dialin numbers search --region NY --ends-with 0100 -q | head -1",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			opts.Filters = trimFilters(opts.Filters)
			if err := validateFilters(opts.Filters); err != nil {
				return err
			}
			if opts.Limit < 1 {
				return cmdutil.FlagErrorf("--limit: must be at least 1")
			}
			opts.limitSet = c.Flags().Changed("limit")
			if runF != nil {
				return runF(opts)
			}
			return searchRun(c.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Filters.AreaCode, "areacode", "", "Area code, 3 digits (e.g. 415)")
	fl.StringVar(&opts.Filters.Region, "region", "", "Daily's region filter: a US state or Canadian province, 2 letters (CA is California)")
	fl.StringVar(&opts.Filters.City, "city", "", "City name (requires --region)")
	fl.StringVar(&opts.Filters.Contains, "contains", "", "Digits the number contains (3-7)")
	fl.StringVar(&opts.Filters.StartsWith, "starts-with", "", "Digits the number starts with (3-7)")
	fl.StringVar(&opts.Filters.EndsWith, "ends-with", "", "Digits the number ends with (3-7)")
	fl.IntVarP(&opts.Limit, "limit", "L", defaultSearchLimit, "Show at most this many numbers (Daily answers one page: fewer are said so on stderr)")
	cmdutil.AddQuietFlag(cmd, opts.IO, &opts.Quiet, "Print only the numbers, one per line")
	cmdutil.AddJSONFlags(cmd, &opts.Exporter)
	return cmd
}

func trimFilters(s daily.NumberSearch) daily.NumberSearch {
	s.AreaCode = strings.TrimSpace(s.AreaCode)
	s.Region = strings.ToUpper(strings.TrimSpace(s.Region))
	s.City = strings.TrimSpace(s.City)
	s.Contains = strings.TrimSpace(s.Contains)
	s.StartsWith = strings.TrimSpace(s.StartsWith)
	s.EndsWith = strings.TrimSpace(s.EndsWith)
	return s
}

// validateFilters checks Daily's filter rules
// (https://docs.daily.co/reference/rest-api/phone-numbers/list-available), the same ones
// daily.NumberSearch.Validate checks, with errors that name the flags.
func validateFilters(s daily.NumberSearch) error {
	if s.AreaCode != "" && !allDigits(s.AreaCode, 3, 3) {
		return cmdutil.FlagErrorf("--areacode: must be 3 digits")
	}
	if s.Region != "" && !allLetters(s.Region, 2) {
		return cmdutil.FlagErrorf("--region: must be a 2-letter state or province code such as CA")
	}
	for _, f := range []struct{ flag, v string }{{"contains", s.Contains}, {"starts-with", s.StartsWith}, {"ends-with", s.EndsWith}} {
		if f.v != "" && !allDigits(f.v, 3, 7) {
			return cmdutil.FlagErrorf("--%s: must be 3 to 7 digits", f.flag)
		}
	}
	switch {
	case s.AreaCode != "" && s.Region != "":
		return cmdutil.FlagErrorf("--region: cannot be combined with --areacode")
	case s.City != "" && s.Region == "":
		return cmdutil.FlagErrorf("--city: requires --region")
	case s.City != "" && (s.AreaCode != "" || s.Contains != "" || s.StartsWith != "" || s.EndsWith != ""):
		return cmdutil.FlagErrorf("--city: cannot be combined with --areacode, --contains, --starts-with or --ends-with")
	case s.StartsWith != "" && (s.Contains != "" || s.EndsWith != ""):
		return cmdutil.FlagErrorf("--starts-with: cannot be combined with --contains or --ends-with")
	case s.EndsWith != "" && s.Contains != "":
		return cmdutil.FlagErrorf("--ends-with: cannot be combined with --contains")
	}
	return nil
}

func allDigits(s string, minLen, maxLen int) bool {
	return len(s) >= minLen && len(s) <= maxLen && strings.Trim(s, "0123456789") == ""
}

func allLetters(s string, n int) bool {
	return len(s) == n && strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == ""
}

func searchRun(ctx context.Context, opts *SearchOptions) error {
	client, err := opts.DailyClient()
	if err != nil {
		return err
	}
	var found []daily.AvailableNumber
	err = opts.IO.WithProgress("Searching available numbers", func() error {
		found, err = client.SearchNumbers(ctx, opts.Filters)
		return err
	})
	if err != nil {
		return fmt.Errorf("searching numbers: %w", err)
	}
	if len(found) > opts.Limit {
		found = found[:opts.Limit]
	} else if opts.limitSet && len(found) > 0 && len(found) < opts.Limit {
		// Daily answers one page and has no cursor for this search: say so rather than
		// silently showing fewer than asked (never under -q's silence either: this is stderr).
		cs := output.NewErrColorScheme(opts.IO)
		fmt.Fprintf(opts.IO.ErrOut, "%s Daily answered %s, fewer than --limit %d: its search returns one page, without paging; narrow the filters (--areacode, --contains, …) to see other numbers\n",
			cs.WarningIcon(), plural(len(found), "number"), opts.Limit)
	}
	if opts.Exporter != nil {
		return opts.Exporter.Write(opts.IO, found)
	}
	if len(found) == 0 {
		return cmdutil.NewNoResultsError("no available numbers match these filters")
	}
	if opts.Quiet {
		for _, n := range found {
			fmt.Fprintln(opts.IO.Out, n.Number)
		}
		return nil
	}
	t := output.NewTable(opts.IO, "Number", "Region")
	for _, n := range found {
		t.Row(n.Number, n.Region)
	}
	return t.Render()
}
