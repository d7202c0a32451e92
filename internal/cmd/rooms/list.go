package rooms

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/pkg/daily"
)

// maxPageSize is Daily's largest page for GET /rooms.
const maxPageSize = 100

// ListOptions are the inputs of `dialin rooms list`.
type ListOptions struct {
	IO          *iostreams.IOStreams
	DailyClient func() (*daily.Client, error)
	Now         func() time.Time
	Exporter    cmdutil.Exporter
	Quiet       bool

	Limit int // 0: every room

	pageSize int // tests page through few rooms; 0 is Daily's maximum
}

// NewCmdList builds `rooms list`; runF replaces the run function in tests.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, DailyClient: f.DailyClient, Now: f.Now}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the domain's rooms, newest first",
		Long: "List every room of the domain (all pages), newest first: NAME URL SIP CREATED EXP.\n" +
			"Daily does not list rooms whose exp has passed. Piped, each room is one tab-separated\n" +
			"line with all SIP URIs comma-separated and RFC 3339 times.",
		Example: "  dialin rooms list\n" +
			"  dialin rooms list -q | grep '^test-' | xargs dialin rooms delete --yes   # not every room: deleting ends live calls\n" +
			"  dialin rooms list --jq '.[] | select(.sip_endpoints | length > 0) | .name'",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if c.Flags().Changed("limit") && opts.Limit < 1 {
				return cmdutil.FlagErrorf("--limit: must be at least 1, not %d", opts.Limit)
			}
			if runF != nil {
				return runF(opts)
			}
			return listRun(c.Context(), opts)
		},
	}
	cmd.Flags().IntVarP(&opts.Limit, "limit", "L", 0, "Show at most `N` rooms (default: all)")
	cmdutil.AddJSONFlags(cmd, &opts.Exporter)
	cmdutil.AddQuietFlag(cmd, opts.IO, &opts.Quiet, "Print only room names, one per line")
	return cmd
}

func listRun(ctx context.Context, opts *ListOptions) error {
	client, err := opts.DailyClient()
	if err != nil {
		return err
	}
	pageSize := maxPageSize
	if opts.pageSize > 0 {
		pageSize = opts.pageSize
	}
	if opts.Limit > 0 {
		pageSize = min(opts.Limit, pageSize)
	}
	var rooms []daily.Room
	err = opts.IO.WithProgress("Listing rooms", func() error {
		for r, err := range client.Rooms(ctx, daily.RoomQuery{Limit: pageSize}) {
			if err != nil {
				return err
			}
			rooms = append(rooms, r)
			if opts.Limit > 0 && len(rooms) >= opts.Limit {
				break // no further page is requested
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if opts.Exporter != nil {
		out := make([]RoomJSON, 0, len(rooms))
		for _, r := range rooms {
			out = append(out, roomJSON(r))
		}
		return opts.Exporter.Write(opts.IO, out)
	}
	if len(rooms) == 0 {
		return cmdutil.NewNoResultsError("no rooms on this domain")
	}
	if opts.Quiet {
		return writeNames(opts.IO.Out, rooms)
	}
	return renderRows(opts.IO, rooms, opts.Now())
}
