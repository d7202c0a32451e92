package rooms

import (
	"context"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/cmdutil/complete"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/pkg/daily"
)

// GetOptions are the inputs of `dialin rooms get`.
type GetOptions struct {
	IO          *iostreams.IOStreams
	DailyClient func() (*daily.Client, error)
	Now         func() time.Time
	Exporter    cmdutil.Exporter
	Quiet       bool

	Name string
}

// NewCmdGet builds `rooms get NAME`; runF replaces the run function in tests.
func NewCmdGet(f *cmdutil.Factory, runF func(*GetOptions) error) *cobra.Command {
	opts := &GetOptions{IO: f.IOStreams, DailyClient: f.DailyClient, Now: f.Now}
	cmd := &cobra.Command{
		Use:     "get NAME",
		Aliases: []string{"view", "show"},
		Short:   "Show a room: URL, SIP URI(s), expiry",
		Long: "Show one room. SIP URIs carry the sip: prefix whatever Daily returned.\n" +
			"Exits 1 when the room does not exist (expired rooms count as gone, as on Daily).",
		Example: "  dialin rooms get support-1\n" +
			"  dialin rooms get support-1 --jq '.sip_endpoints[0]'",
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Name = args[0]
			if err := validNames(args); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return getRun(c.Context(), opts)
		},
	}
	cmdutil.AddJSONFlags(cmd, &opts.Exporter)
	cmdutil.AddQuietFlag(cmd, opts.IO, &opts.Quiet, "Print only the room name (an existence check)")
	cmd.ValidArgsFunction = complete.RoomNames(f)
	return cmd
}

// validNames checks room names given as arguments against Daily's rules.
func validNames(names []string) error {
	for _, n := range names {
		if err := daily.ValidateRoomName(n); err != nil {
			return cmdutil.FlagErrorf("NAME: %s", strings.TrimPrefix(err.Error(), "room name: "))
		}
	}
	return nil
}

func getRun(ctx context.Context, opts *GetOptions) error {
	client, err := opts.DailyClient()
	if err != nil {
		return err
	}
	var room *daily.Room
	err = opts.IO.WithProgress("Reading room", func() error {
		room, err = client.Room(ctx, opts.Name)
		return err
	})
	if err != nil {
		return notFound(opts.Name, err)
	}
	switch {
	case opts.Exporter != nil:
		return opts.Exporter.Write(opts.IO, roomJSON(*room))
	case opts.Quiet:
		return writeNames(opts.IO.Out, []daily.Room{*room})
	}
	return printRoom(opts.IO, *room, opts.Now())
}

// roomNotFoundError is Daily's 404 for a room, said plainly; the APIError stays reachable
// for the exit code and the JSON error code.
type roomNotFoundError struct {
	name string
	err  error
}

func (e *roomNotFoundError) Error() string {
	return "room " + e.name + " not found (an expired room counts as deleted)"
}

func (e *roomNotFoundError) Unwrap() error { return e.err }

// notFound rewords a 404 for room name and leaves other errors alone.
func notFound(name string, err error) error {
	if daily.IsNotFound(err) {
		return &roomNotFoundError{name: name, err: err}
	}
	return err
}
