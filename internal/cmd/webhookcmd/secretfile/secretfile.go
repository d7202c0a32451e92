// Package secretfile reads the signing secrets that `serve`, `simulate call` and `webhook
// sign|verify` take: from a file named by a flag ("-" for stdin), else from an environment
// variable. Never from a flag's value, which would land in shell history and in the process
// list. A secret is never put in an error message.
package secretfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/pkg/dialin/webhook"
)

// maxSecret bounds what is read: a secret, not a file given by mistake.
const maxSecret = 4096

// Environment variables that hold secrets.
const (
	EnvWebhookSecret = "DIALIN_WEBHOOK_SECRET" // the pinless dial-in webhook's hmac
	EnvEventsSecret  = "DIALIN_EVENTS_SECRET"  // the /webhooks subscription's hmac
)

// Read reads the base64 secret in path ("-": stdin, without echo on a terminal). flag names
// the flag in errors, e.g. "--secret-file".
func Read(ios *iostreams.IOStreams, flag, path string) (string, error) {
	var (
		b   []byte
		err error
	)
	switch {
	case strings.TrimSpace(path) == "":
		return "", cmdutil.FlagErrorf("%s: must name a file, or - for stdin", flag)
	case path == "-" && ios.IsStdinTTY():
		var s string
		s, err = ios.ReadSecret("secret (input hidden): ")
		if errors.Is(err, io.EOF) {
			return "", cmdutil.ErrCancel
		}
		b = []byte(s)
	case path == "-":
		b, err = io.ReadAll(io.LimitReader(ios.In, maxSecret+1))
	default:
		var f *os.File
		if f, err = os.Open(path); err != nil {
			return "", cmdutil.FlagErrorf("%s: %v", flag, err)
		}
		defer f.Close()
		b, err = io.ReadAll(io.LimitReader(f, maxSecret+1))
	}
	if err != nil {
		return "", fmt.Errorf("%s: %w", flag, err)
	}
	if len(b) > maxSecret {
		return "", cmdutil.FlagErrorf("%s: more than %d bytes; the file must hold only the secret", flag, maxSecret)
	}
	return check(flag, strings.TrimSpace(string(b)))
}

// Resolve returns the secret from the flag's file when the flag was given, else from the
// environment variable env, else "" (the caller falls back to Daily). from says where the
// secret came from, for messages: "--webhook-secret-file FILE" or the variable's name.
func Resolve(ios *iostreams.IOStreams, flag, path string, given bool, env string, getenv func(string) string) (secret, from string, err error) {
	if given {
		s, err := Read(ios, flag, path)
		return s, flag + " " + path, err
	}
	if getenv == nil {
		getenv = os.Getenv
	}
	if v := strings.TrimSpace(getenv(env)); v != "" {
		s, err := check(env, v)
		return s, env, err
	}
	return "", "", nil
}

func check(where, secret string) (string, error) {
	if secret == "" {
		return "", cmdutil.FlagErrorf("%s: empty; it must hold the base64 secret", where)
	}
	if !webhook.ValidSecret(secret) {
		return "", cmdutil.FlagErrorf("%s: not a base64 secret (Daily's hmac is standard base64)", where)
	}
	return secret, nil
}
