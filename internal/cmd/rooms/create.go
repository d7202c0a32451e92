package rooms

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmd/rooms/expiry"
	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/internal/output"
	"github.com/dialin-project/dialin/pkg/daily"
)

// Daily's limits for SIP rooms (https://docs.daily.co/reference/rest-api/rooms/create-room).
const (
	maxEndpoints       = 5                    // max_sip_pstn_sessions_per_room default
	maxPSTNRoomExp     = 365 * 24 * time.Hour // PSTN rooms need exp < 365 days out
	defaultDisplayName = "Caller"
	// defaultSIPRoomExp ends a SIP room an hour after it is made: it is for one held call,
	// and a room nobody deletes would otherwise stay forever. --exp never opts out.
	defaultSIPRoomExp = time.Hour
	expNever          = "never"
)

// CreateOptions are the inputs of `dialin rooms create`.
type CreateOptions struct {
	IO          *iostreams.IOStreams
	DailyClient func() (*daily.Client, error)
	Now         func() time.Time
	Exporter    cmdutil.Exporter
	Quiet       bool

	SIP          bool
	Name         string // "" lets Daily pick a random name
	DisplayName  string
	NumEndpoints int
	Video        bool
	Exp          int64 // Unix seconds; 0 = no expiry (--exp never; the default without --sip)
	EjectAtExp   bool
	Privacy      string // "" is Daily's default, public
}

// NewCmdCreate builds `rooms create`; runF replaces the run function in tests.
func NewCmdCreate(f *cmdutil.Factory, runF func(*CreateOptions) error) *cobra.Command {
	opts := &CreateOptions{IO: f.IOStreams, DailyClient: f.DailyClient, Now: f.Now}
	var exp string
	cmd := &cobra.Command{
		Use:   "create [--sip] [flags]",
		Short: "Create a room; with --sip a SIP dial-in room for a held call",
		Long: "Create a Daily room and print its URL and, for a SIP room, its SIP URI(s) with the\n" +
			"sip: prefix (Daily's examples disagree on it; dialin always adds it).\n\n" +
			"--sip makes a SIP dial-in room (sip_mode \"dial-in\"): one SIP endpoint per expected\n" +
			"call (--num-endpoints, 1 to 5), audio only unless --video. Such a room carries PSTN\n" +
			"calls, so --exp must be less than 365 days ahead, as Daily requires of PSTN rooms.\n" +
			"Without --sip the room is an ordinary video room: the SIP flags are refused.\n\n" +
			"--exp takes a duration from now (90m, 1h, 7d), a Unix time, an RFC 3339 time, or never.\n" +
			"A SIP room expires in 1h unless --exp says otherwise; an ordinary room never does.\n" +
			"Names may use A-Z a-z 0-9 - and _, up to 128 characters; without --name Daily picks one.\n" +
			"Everything is checked before the request; Daily refuses a name that already exists.",
		Example: "  dialin rooms create --sip --name support-1 --exp 1h --eject-at-exp\n" +
			"  dialin rooms create --sip --display-name +14155550100 --num-endpoints 2 --jq '.sip_endpoints[0]'\n" +
			"  ROOM=$(dialin rooms create --sip -q)",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := opts.validate(c, exp); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return createRun(c.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.SIP, "sip", false, "Create a SIP dial-in room (sip_mode \"dial-in\")")
	fl.StringVar(&opts.Name, "name", "", "Room `name` (default: chosen by Daily)")
	fl.StringVar(&opts.DisplayName, "display-name", defaultDisplayName, "Name shown for the SIP participant, e.g. the caller's number (--sip)")
	fl.IntVar(&opts.NumEndpoints, "num-endpoints", 1, "SIP endpoints, one per simultaneous call, 1-5 (--sip)")
	fl.BoolVar(&opts.Video, "video", false, "Allow video over SIP (--sip; default audio only)")
	fl.StringVar(&exp, "exp", "", "Expiry: a duration from now (1h, 7d), a Unix time, RFC 3339, or never (default: 1h with --sip, else never)")
	fl.BoolVar(&opts.EjectAtExp, "eject-at-exp", false, "Eject everyone when the room expires (needs --exp)")
	fl.StringVar(&opts.Privacy, "privacy", "", "`public` or private (default: Daily's, public)")
	_ = cmd.RegisterFlagCompletionFunc("privacy", cobra.FixedCompletions([]string{"public", "private"}, cobra.ShellCompDirectiveNoFileComp))
	cmdutil.AddJSONFlags(cmd, &opts.Exporter)
	cmdutil.AddQuietFlag(cmd, opts.IO, &opts.Quiet, "Print only the room name")
	return cmd
}

// validate checks every flag against Daily's rules, so bad input never reaches a request.
func (o *CreateOptions) validate(c *cobra.Command, exp string) error {
	if o.Name != "" {
		if err := daily.ValidateRoomName(o.Name); err != nil {
			return cmdutil.FlagErrorf("--name: %s", strings.TrimPrefix(err.Error(), "room name: "))
		}
	}
	if o.Privacy != "" && o.Privacy != "public" && o.Privacy != "private" {
		return cmdutil.FlagErrorf("--privacy: must be public or private, not %q", o.Privacy)
	}
	if !o.SIP {
		for _, name := range []string{"display-name", "num-endpoints", "video"} {
			if c.Flags().Changed(name) {
				return cmdutil.FlagErrorf("--%s: only with --sip (this would be an ordinary room)", name)
			}
		}
	}
	if o.NumEndpoints < 1 || o.NumEndpoints > maxEndpoints {
		return cmdutil.FlagErrorf("--num-endpoints: must be 1 to %d (Daily's SIP sessions per room), not %d", maxEndpoints, o.NumEndpoints)
	}
	if o.SIP && strings.TrimSpace(o.DisplayName) == "" {
		return cmdutil.FlagErrorf("--display-name: must not be empty (Daily requires it for a SIP room)")
	}
	switch {
	case c.Flags().Changed("exp") && strings.TrimSpace(exp) == expNever:
		o.Exp = 0
	case !c.Flags().Changed("exp") && o.SIP:
		o.Exp = o.Now().Add(defaultSIPRoomExp).Unix()
	case c.Flags().Changed("exp"):
		limit := time.Duration(0)
		if o.SIP {
			limit = maxPSTNRoomExp
		}
		t, err := expiry.Future(exp, o.Now(), limit)
		if err != nil {
			if o.SIP && limit > 0 && strings.HasPrefix(err.Error(), "must be less than") {
				return cmdutil.FlagErrorf("--exp: %v (Daily's rule for rooms that carry PSTN calls)", err)
			}
			return cmdutil.FlagErrorf("--exp: %v", err)
		}
		o.Exp = t.Unix()
	}
	if o.EjectAtExp && o.Exp == 0 {
		return cmdutil.FlagErrorf("--eject-at-exp: needs --exp (a room without expiry never ejects)")
	}
	return nil
}

func (o *CreateOptions) request() daily.CreateRoomRequest {
	req := daily.CreateRoomRequest{
		Name:       o.Name,
		Privacy:    o.Privacy,
		Properties: daily.RoomProperties{Exp: o.Exp, EjectAtRoomExp: o.EjectAtExp},
	}
	if o.SIP {
		req.Properties.SIP = &daily.SIPProperties{
			DisplayName:  o.DisplayName,
			SIPMode:      "dial-in",
			Video:        o.Video,
			NumEndpoints: o.NumEndpoints,
		}
	}
	return req
}

func createRun(ctx context.Context, opts *CreateOptions) error {
	client, err := opts.DailyClient()
	if err != nil {
		return err
	}
	var room *daily.Room
	err = opts.IO.WithProgress("Creating room", func() error {
		room, err = client.CreateRoom(ctx, opts.request())
		return err
	})
	if err != nil {
		return createHint(err, opts.Name)
	}
	switch {
	case opts.Exporter != nil:
		return opts.Exporter.Write(opts.IO, roomJSON(*room))
	case opts.Quiet:
		return writeNames(opts.IO.Out, []daily.Room{*room})
	}
	if opts.IO.IsStdoutTTY() {
		kind := "room"
		if opts.SIP {
			kind = "SIP dial-in room"
		}
		cs := output.NewErrColorScheme(opts.IO)
		opts.IO.Infof("%s Created %s %s", cs.SuccessIcon(), kind, room.Name)
	}
	return printRoom(opts.IO, *room, opts.Now())
}

// createHint explains the two failures a user can act on: the name is taken, or the answer
// was lost and the room may exist (creation is not idempotent, so it is never retried).
func createHint(err error, name string) error {
	var apiErr *daily.APIError
	var transport *daily.TransportError
	lookup := "`dialin rooms list`"
	if name != "" {
		lookup = "`dialin rooms get " + name + "`"
	}
	switch {
	case errors.As(err, &apiErr) && apiErr.Status == http.StatusBadRequest && strings.Contains(apiErr.Info, "already exists"):
		return cmdutil.WithHint(err, "pick another --name, or use the existing room: "+lookup)
	case errors.As(err, &transport), errors.As(err, &apiErr) && apiErr.Status >= 500:
		return cmdutil.WithHint(err, "the room may have been created anyway: check with "+lookup+" before trying again")
	}
	return err
}
