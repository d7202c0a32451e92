package cmdutil

import (
	"errors"
	"fmt"
)

// FlagError is bad usage: a wrong flag, argument or input value caught before any request.
// Exit code 64. cli.Main adds a pointer to --help.
type FlagError struct{ err error }

func (e *FlagError) Error() string { return e.err.Error() }
func (e *FlagError) Unwrap() error { return e.err }

// FlagErrorf makes a FlagError. Name the field and the rule: "--limit: must be at least 1".
func FlagErrorf(format string, args ...any) error {
	return &FlagError{err: fmt.Errorf(format, args...)}
}

// FlagErrorWrap marks err as a usage error (nil stays nil).
func FlagErrorWrap(err error) error {
	if err == nil {
		return nil
	}
	return &FlagError{err: err}
}

// ErrCancel means the user declined (answered no to a prompt): exit code 130, as for Ctrl-C
// at the prompt, and "Cancelled; nothing was changed." on stderr.
var ErrCancel = errors.New("cancelled")

// ErrSilent means the command already told the user what went wrong. Exit code 1, no message.
var ErrSilent = errors.New("silent error")

// NoAuthError means no API key is configured. Exit code 4.
type NoAuthError struct{ Profile string }

func (e *NoAuthError) Error() string {
	return fmt.Sprintf("no Daily API key for profile %q: run `dialin auth login` or set DAILY_API_KEY", e.Profile)
}

// ChangesPresentError reports that a plan has changes, for --detailed-exitcode. Exit code 2;
// Message, when set, is printed to stderr.
type ChangesPresentError struct{ Message string }

func (e *ChangesPresentError) Error() string {
	if e.Message == "" {
		return "changes present"
	}
	return e.Message
}

// ErrChangesPresent is a ChangesPresentError with nothing to print.
var ErrChangesPresent error = &ChangesPresentError{}

// NoResultsError is an empty list: exit 0, and Message goes to stderr only on a terminal,
// so scripts see empty output and success.
type NoResultsError struct{ Message string }

func (e *NoResultsError) Error() string { return e.Message }

// NewNoResultsError makes a NoResultsError, e.g. NewNoResultsError("no phone numbers on this domain").
func NewNoResultsError(msg string) error { return &NoResultsError{Message: msg} }

// HintError carries a hint printed under the error ("hint: ...").
type HintError struct {
	Err      error
	HintText string
}

func (e *HintError) Error() string { return e.Err.Error() }
func (e *HintError) Unwrap() error { return e.Err }

// Hint returns the text cli.Main prints under the message.
func (e *HintError) Hint() string { return e.HintText }

// WithHint attaches a hint to err (nil stays nil). The exit code is still err's.
func WithHint(err error, hint string) error {
	if err == nil {
		return nil
	}
	return &HintError{Err: err, HintText: hint}
}
