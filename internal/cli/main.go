// Package cli is dialin's main function: it builds the factory and the command tree, runs
// the command under a context that Ctrl-C cancels, prints the error (if any) on stderr and
// turns it into the exit code. Every error-to-exit-code decision is in exitcodes.go.
package cli

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"

	"github.com/dialin-project/dialin/internal/cmd/root"
	"github.com/dialin-project/dialin/internal/cmdutil"
)

// Main runs dialin with args (without the program name) and returns the exit code.
func Main(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), stopSignals()...)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // the first Ctrl-C cancels the command; a second one kills the process
	}()
	return Run(ctx, cmdutil.NewFactory(), args)
}

// stopSignals end a command the way Ctrl-C does, so it cleans up (files it wrote, bots it
// started): SIGINT, SIGTERM, and SIGHUP (its terminal closed) unless SIGHUP is ignored, as
// under nohup, where catching it would undo nohup.
func stopSignals() []os.Signal {
	sigs := []os.Signal{os.Interrupt, syscall.SIGTERM}
	if !signal.Ignored(syscall.SIGHUP) {
		sigs = append(sigs, syscall.SIGHUP)
	}
	return sigs
}

// Run executes one command line with the given factory; tests call it with iostreams.Test().
func Run(ctx context.Context, f *cmdutil.Factory, args []string) int {
	ios := f.IOStreams
	ios.SetInterrupt(ctx.Done())
	rootCmd := root.NewCmdRoot(f)
	rootCmd.SetArgs(args)
	rootCmd.SetIn(ios.In)
	rootCmd.SetOut(ios.Out)
	rootCmd.SetErr(ios.ErrOut)

	cmd, err := rootCmd.ExecuteContextC(ctx)
	if err != nil && ctx.Err() != nil && !errors.Is(err, cmdutil.ErrCancel) {
		// Whatever the command made of it, the user pressed Ctrl-C.
		err = interrupted{err}
	}
	jsonMode := false
	if cmd != nil {
		for _, name := range []string{"json", "jq"} {
			if fl := cmd.Flags().Lookup(name); fl != nil && fl.Changed {
				jsonMode = true
			}
		}
	}
	printError(ios, err, jsonMode)
	return ExitCode(err)
}

// interrupted marks an error that happened because the context was cancelled by a signal.
type interrupted struct{ err error }

func (e interrupted) Error() string { return "interrupted" }
func (e interrupted) Unwrap() error { return context.Canceled }
