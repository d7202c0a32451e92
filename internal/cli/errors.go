package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/pkg/daily"
)

// jsonError is the one-line JSON object printed on stderr for errors under --json/--jq.
type jsonError struct {
	Error jsonErrorBody `json:"error"`
}

type jsonErrorBody struct {
	Code     string `json:"code"`             // Daily's error type, or dialin's category
	Status   int    `json:"status,omitempty"` // HTTP status of a Daily error
	Message  string `json:"message"`
	Hint     string `json:"hint,omitempty"`
	ExitCode int    `json:"exit_code"`
}

// printError writes err to stderr: "error: …" and a "hint: …" line, or one JSON object
// under --json. Errors that mean "say nothing" (ErrSilent, an empty list off a terminal)
// print nothing; a declined prompt says that nothing was changed.
func printError(ios *iostreams.IOStreams, err error, jsonMode bool) {
	if err == nil {
		return
	}
	var (
		noResults *cmdutil.NoResultsError
		changes   *cmdutil.ChangesPresentError
	)
	switch {
	case errors.As(err, &noResults):
		if ios.IsStdoutTTY() && !jsonMode && noResults.Message != "" {
			fmt.Fprintln(ios.ErrOut, noResults.Message)
		}
		return
	case errors.As(err, &changes):
		if changes.Message != "" && !jsonMode {
			fmt.Fprintln(ios.ErrOut, changes.Message)
		}
		return
	case errors.Is(err, cmdutil.ErrSilent):
		return
	case errors.Is(err, cmdutil.ErrCancel) && !jsonMode:
		// The user said no: not an error to report, but never a silent exit either.
		fmt.Fprintln(ios.ErrOut, "Cancelled; nothing was changed.")
		return
	}
	msg := oneLine(err.Error())
	hint := hintFor(err)
	if jsonMode {
		body := jsonErrorBody{Code: codeFor(err), Message: msg, Hint: hint, ExitCode: ExitCode(err)}
		var apiErr *daily.APIError
		if errors.As(err, &apiErr) {
			body.Status = apiErr.Status
		}
		b, _ := json.Marshal(jsonError{body})
		fmt.Fprintln(ios.ErrOut, string(b))
		return
	}
	fmt.Fprintln(ios.ErrOut, "error: "+msg)
	if hint != "" {
		fmt.Fprintln(ios.ErrOut, "hint: "+hint)
	}
}

// oneLine keeps the first line of a message; cobra appends suggestions on later lines.
func oneLine(s string) string {
	first, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(first)
}

// hintFor is the advice under the message: the error's own Hint(), else the one for Daily's
// answer (cmdutil.APIHint).
func hintFor(err error) string {
	var h interface{ Hint() string }
	if errors.As(err, &h) && h.Hint() != "" {
		return h.Hint()
	}
	var noAuth *cmdutil.NoAuthError
	switch {
	case errors.As(err, &noAuth):
		return "" // the message already says what to do
	}
	return cmdutil.APIHint(err)
}

// codeFor names the error for JSON: Daily's own type when there is one.
func codeFor(err error) string {
	var apiErr *daily.APIError
	if errors.As(err, &apiErr) && apiErr.Type != "" {
		return apiErr.Type
	}
	switch ExitCode(err) {
	case ExitUsage:
		return "usage-error"
	case ExitAuth:
		return "auth-required"
	case ExitInterrupted:
		if errors.Is(err, cmdutil.ErrCancel) {
			return "cancelled"
		}
		return "interrupted"
	}
	return "error"
}
