package tokens

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmd/rooms/expiry"
	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/cmdutil/complete"
	"github.com/dialin-project/dialin/internal/config"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/internal/output"
	"github.com/dialin-project/dialin/pkg/daily"
)

// maxUserID is Daily's limit on user_id.
const maxUserID = 36

// CreateOptions are the inputs of `dialin tokens create`.
type CreateOptions struct {
	IO          *iostreams.IOStreams
	Config      func() (*config.Config, error)
	DailyClient func() (*daily.Client, error)
	Now         func() time.Time
	Exporter    cmdutil.Exporter

	Room     string
	Owner    bool
	Exp      int64 // Unix seconds; 0 = the token never expires
	UserName string
	UserID   string
	Local    bool
}

// NewCmdCreate builds `tokens create`; runF replaces the run function in tests.
func NewCmdCreate(f *cmdutil.Factory, runF func(*CreateOptions) error) *cobra.Command {
	opts := &CreateOptions{IO: f.IOStreams, Config: f.Config, DailyClient: f.DailyClient, Now: f.Now}
	var exp string
	cmd := &cobra.Command{
		Use:   "create --room NAME [flags]",
		Short: "Create a meeting token for a room",
		Long: "Print a meeting token for --room on stdout, and nothing else there.\n\n" +
			"By default Daily makes it (POST /meeting-tokens). --local signs it here instead, as Daily\n" +
			"documents self-signed tokens: an HS256 JWT signed with the API key, carrying the room (r),\n" +
			"the domain id (d, read once with GET /), iat and the other claims in Daily's short form.\n" +
			"Daily accepts it for as long as the API key stays active.\n\n" +
			"--exp defaults to 1h so that a forgotten token does not stay valid; it takes a duration\n" +
			"(90m, 1h, 7d), a Unix time, an RFC 3339 time, or \"never\". exp only gates joining: someone\n" +
			"already in the room stays.",
		Example: "  dialin tokens create --room support-1 --owner\n" +
			"  TOKEN=$(dialin tokens create --room support-1 --local --exp 10m)\n" +
			"  dialin tokens create --room support-1 --user-name bot --jq .exp",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := opts.validate(exp); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return createRun(c.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.Room, "room", "r", "", "Room `name` the token admits to (required)")
	fl.BoolVar(&opts.Owner, "owner", false, "Make the holder a room owner (is_owner)")
	fl.StringVar(&exp, "exp", "1h", "Expiry: a duration from now, a Unix time, RFC 3339, or \"never\"")
	fl.StringVar(&opts.UserName, "user-name", "", "Display `name` of the participant")
	fl.StringVar(&opts.UserID, "user-id", "", "User `id` of the participant (at most 36 characters)")
	fl.BoolVar(&opts.Local, "local", false, "Sign the token locally with the API key instead of asking Daily")
	cmdutil.AddJSONFlags(cmd, &opts.Exporter)
	_ = cmd.RegisterFlagCompletionFunc("room", complete.RoomNames(f))
	return cmd
}

// validate checks the flags before any request: the room name, the expiry, the user id.
func (o *CreateOptions) validate(exp string) error {
	if strings.TrimSpace(o.Room) == "" {
		return cmdutil.FlagErrorf("--room: required (a token without a room would admit its holder to every room)")
	}
	if err := daily.ValidateRoomName(o.Room); err != nil {
		return cmdutil.FlagErrorf("--room: %s", strings.TrimPrefix(err.Error(), "room name: "))
	}
	if len(o.UserID) > maxUserID {
		return cmdutil.FlagErrorf("--user-id: must be at most %d characters, not %d", maxUserID, len(o.UserID))
	}
	o.Exp = 0
	if strings.TrimSpace(exp) != expiry.Never {
		t, err := expiry.Future(exp, o.Now(), 0)
		if err != nil {
			return cmdutil.FlagErrorf("--exp: %v", err)
		}
		o.Exp = t.Unix()
	}
	return nil
}

// TokenJSON is what --json prints. Exp is null for a token that never expires.
type TokenJSON struct {
	Token string `json:"token"`
	Room  string `json:"room"`
	Exp   *int64 `json:"exp"`
	Local bool   `json:"local"`
}

func createRun(ctx context.Context, opts *CreateOptions) error {
	props := daily.MeetingTokenProperties{
		RoomName: opts.Room, IsOwner: opts.Owner, Exp: opts.Exp,
		UserName: opts.UserName, UserID: opts.UserID,
	}
	var token string
	var err error
	if opts.Local {
		token, err = signLocally(ctx, opts, props)
	} else {
		token, err = askDaily(ctx, opts, props)
	}
	if err != nil {
		return err
	}
	if opts.Exporter != nil {
		out := TokenJSON{Token: token, Room: opts.Room, Local: opts.Local}
		if opts.Exp != 0 {
			out.Exp = &opts.Exp
		}
		return opts.Exporter.Write(opts.IO, out)
	}
	if opts.IO.IsStdoutTTY() {
		opts.IO.Infof("%s %s", output.NewErrColorScheme(opts.IO).SuccessIcon(), describe(opts))
	}
	_, err = fmt.Fprintln(opts.IO.Out, token)
	return err
}

func askDaily(ctx context.Context, opts *CreateOptions, props daily.MeetingTokenProperties) (string, error) {
	client, err := opts.DailyClient()
	if err != nil {
		return "", err
	}
	var token string
	err = opts.IO.WithProgress("Creating meeting token", func() error {
		token, err = client.CreateMeetingToken(ctx, props)
		return err
	})
	return token, err
}

// signLocally signs with the profile's API key; the only request is GET / for the domain id.
func signLocally(ctx context.Context, opts *CreateOptions, props daily.MeetingTokenProperties) (string, error) {
	cfg, err := opts.Config()
	if err != nil {
		return "", err
	}
	key, _ := cfg.APIKey()
	if key == "" {
		return "", &cmdutil.NoAuthError{Profile: cfg.Profile()}
	}
	client, err := opts.DailyClient()
	if err != nil {
		return "", err
	}
	var domain *daily.Domain
	err = opts.IO.WithProgress("Reading the domain id", func() error {
		domain, err = client.Domain(ctx)
		return err
	})
	if err != nil {
		return "", err
	}
	return daily.SignMeetingToken(key, domain.ID, props, opts.Now())
}

// describe is the human note on stderr: what the token is for, never the token itself.
func describe(opts *CreateOptions) string {
	s := "Meeting token for room " + opts.Room
	if opts.Owner {
		s += " (owner)"
	}
	if opts.Local {
		s += ", signed locally"
	}
	if opts.Exp == 0 {
		return s + ", never expires"
	}
	return s + ", expires " + time.Unix(opts.Exp, 0).UTC().Format(time.RFC3339)
}
