package routescmd

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/internal/output"
	"github.com/dialin-project/dialin/pkg/dialin/phone"
	"github.com/dialin-project/dialin/pkg/dialin/routes"
)

// badInput turns the problems of a change or a routes file (*ValidationError, *SpecError,
// a number that does not parse) into one usage error, exit 64, that lists every problem on
// one line: each names the entry (or file and line), the field and the rule. Other errors
// pass through.
func badInput(err error) error {
	if err == nil {
		return nil
	}
	var (
		ve *routes.ValidationError
		se *routes.SpecError
		pe *phone.Error
	)
	if !errors.As(err, &ve) && !errors.As(err, &se) && !errors.As(err, &pe) {
		return err
	}
	return cmdutil.FlagErrorWrap(errors.New(problems(err)))
}

// problems is every problem in err, one after another on one line.
func problems(err error) string {
	var msgs []string
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			msgs = append(msgs, problems(e))
		}
	} else {
		msgs = append(msgs, strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	return strings.Join(msgs, "; ")
}

// detailedExit makes every failure exit 1, for --detailed-exitcode: 0 and 2 mean success
// (without and with changes), and scripts written for terraform test for exactly 1.
// Interruptions keep their own code.
func detailedExit(err error) error {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, cmdutil.ErrCancel) {
		return err
	}
	var changes *cmdutil.ChangesPresentError
	if errors.As(err, &changes) {
		return err
	}
	return &failure{err}
}

// failure is an error with exit code 1 whatever it wraps; it keeps the message and hint.
type failure struct{ err error }

func (f *failure) Error() string { return f.err.Error() }

func (f *failure) Hint() string {
	var h interface{ Hint() string }
	if errors.As(f.err, &h) {
		return h.Hint()
	}
	return ""
}

// warnf prints a warning line on stderr, even in quiet mode: warnings are not chatter.
func warnf(ios *iostreams.IOStreams, format string, args ...any) {
	cs := output.NewErrColorScheme(ios)
	fmt.Fprintf(ios.ErrOut, "%s %s\n", cs.WarningIcon(), fmt.Sprintf(format, args...))
}
