// Package standin implements the hidden `dialin standin-bot` command: a stand-in for a
// Pipecat dial-in bot that runs against the dailytest emulator. `dialin demo`, serve's tests
// and the benchmark start it as a real child process, with the arguments of Pipecat's 2024
// dial-in bot (-u ROOM_URL -t TOKEN -i CALL_ID -d CALL_DOMAIN -s SIP_URI) or with the call
// as one JSON line on stdin (the warm-bot contract).
package standincmd

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/internal/standin"
	"github.com/dialin-project/dialin/pkg/dialin/botcall"
)

// Options are the inputs of `dialin standin-bot`.
type Options struct {
	IO     *iostreams.IOStreams
	Config func() (apiURL, apiKey string, err error)

	Call         botcall.Call
	StartupDelay time.Duration
	TalkTime     time.Duration
	NoPatch      bool
	CrashAfter   string
}

// NewCmdStandinBot builds the command; runF replaces the run function in tests.
func NewCmdStandinBot(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: dailyConfig(f)}
	cmd := &cobra.Command{
		Use:    "standin-bot",
		Short:  "A stand-in dial-in bot for the emulator (used by demo, tests and bench)",
		Hidden: true,
		Args:   cobra.NoArgs,
		Example: "  dialin standin-bot -u ROOM_URL -t TOKEN -i CALL_ID -d CALL_DOMAIN -s SIP_URI\n" +
			"  dialin serve --bot-cmd 'dialin standin-bot --startup-delay 1.5s -u {room_url} -t {token} -i {call_id} -d {call_domain} -s {sip_uri}'",
		Long: "Behaves like a Pipecat dial-in bot against `dialin emulator`: reports that it was\n" +
			"handed the call, waits --startup-delay (a Python bot's imports), joins the room, waits\n" +
			"until a SIP endpoint is ready, patches the held call with pinlessCallUpdate (unless\n" +
			"--no-patch: serve patches), stays --talk-time, and leaves. Without --room-url it reads\n" +
			"the call as one JSON line on stdin, as a warm bot does (docs/warm-bots.md): it waits\n" +
			"--startup-delay first, prints dialin:waiting, reads the call and prints dialin:accepted.\n" +
			"DAILY_API_URL must point at the emulator.",
		RunE: func(c *cobra.Command, _ []string) error {
			if opts.Call.RoomURL != "" && (opts.Call.CallID == "" || opts.Call.CallDomain == "" || opts.Call.Token == "") {
				return cmdutil.FlagErrorf("--room-url needs --token, --call-id and --call-domain too")
			}
			switch opts.CrashAfter {
			case "", standin.CrashAfterStarted, standin.CrashAfterJoined, standin.CrashAfterReady:
			default:
				return cmdutil.FlagErrorf("--crash-after: must be started, joined or ready")
			}
			if runF != nil {
				return runF(opts)
			}
			return run(c.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.Call.RoomURL, "room-url", "u", "", "Room URL (else the call is read from stdin)")
	fl.StringVarP(&opts.Call.Token, "token", "t", "", "Meeting token for the room")
	fl.StringVarP(&opts.Call.CallID, "call-id", "i", "", "callId of the held call")
	fl.StringVarP(&opts.Call.CallDomain, "call-domain", "d", "", "callDomain of the held call")
	fl.StringVarP(&opts.Call.SIPURI, "sip-uri", "s", "", "The room's SIP URI")
	fl.DurationVar(&opts.StartupDelay, "startup-delay", 0, "Wait this long before joining (a bot's start-up)")
	fl.DurationVar(&opts.TalkTime, "talk-time", 2*time.Second, "Leave after this long in the call (0: until the call ends)")
	fl.BoolVar(&opts.NoPatch, "no-patch", false, "Do not call pinlessCallUpdate (serve patches on dialin.ready)")
	fl.StringVar(&opts.CrashAfter, "crash-after", "", "Exit with an error at this stage: started, joined or ready (tests)")
	return cmd
}

func run(ctx context.Context, opts *Options) error {
	call, startupDelay := opts.Call, opts.StartupDelay
	apiURL, apiKey, err := opts.Config()
	if err != nil {
		return err
	}
	if call.RoomURL == "" {
		c, err := waitForCall(ctx, opts, apiURL, apiKey) // warm.go: the start-up comes before the call
		if err != nil {
			return err
		}
		call, startupDelay = c, 0
	}
	o := standin.Options{
		APIURL: apiURL, APIKey: apiKey,
		StartupDelay: startupDelay, TalkTime: opts.TalkTime,
		Patch: !opts.NoPatch, CrashAfter: opts.CrashAfter,
		Logger: slog.New(slog.NewTextHandler(opts.IO.ErrOut, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}.WithCall(call)
	if err := standin.Run(ctx, o); err != nil {
		if errors.Is(err, standin.ErrCrashed) {
			return fmt.Errorf("call %s: %w", call.CallID, err)
		}
		return err
	}
	return nil
}

// dailyConfig reads the Daily API URL and key (DAILY_API_URL, DAILY_API_KEY or the profile):
// the emulator's, for a stand-in.
func dailyConfig(f *cmdutil.Factory) func() (apiURL, apiKey string, err error) {
	return func() (string, string, error) {
		cfg, err := f.Config()
		if err != nil {
			return "", "", err
		}
		url, err := cfg.APIURL()
		if err != nil {
			return "", "", err
		}
		key, _ := cfg.APIKey()
		return url, key, nil
	}
}

// Main runs `dialin standin-bot ARGS…` on its own and returns its exit code. Tests that start
// their own binary as the bot (serve's, demo's) call it from TestMain.
func Main(args []string) int {
	cmd := NewCmdStandinBot(cmdutil.NewFactory(), nil)
	cmd.SetArgs(args)
	cmd.SilenceUsage = true
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		return 1
	}
	return 0
}
