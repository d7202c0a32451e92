package launch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// ProcessConfig configures a process launcher.
type ProcessConfig struct {
	// Command is the bot's command line, split once (see Split). Argv, when set, is used
	// instead, already split.
	Command string
	Argv    []string
	// Dir is the bot's working directory; "" is serve's.
	Dir string
	// Env is the base environment; nil means serve's own (os.Environ). Inherited DIALIN_*
	// variables and every secret serve reads (ServeSecretEnv) are always removed from it;
	// the call's values are then added.
	Env []string
	// APIURL and APIKey are given to the bot as DAILY_API_URL and DAILY_API_KEY (the key in
	// the environment only, never in arguments), for a bot that patches the call itself.
	// An empty APIKey gives the bot no key.
	APIURL, APIKey string
	// Patch is "bot" or "serve", given to the bot as DIALIN_PATCH: who calls
	// pinlessCallUpdate.
	Patch string
	// Logger receives the bot's stdout and stderr, one record per line, with its call_id.
	Logger *slog.Logger
	// WaitDelay bounds how long, after the bot exits, its output is still read (a
	// grandchild that keeps the pipe open would otherwise hold the exit back). 0 means 2 s.
	WaitDelay time.Duration
}

// Process starts one process per call.
type Process struct {
	cfg     ProcessConfig
	tmpl    *Template
	program string // argv[0] resolved once
	base    []string
	log     *slog.Logger
}

// NewProcess checks the command and resolves the program once (a bare name through PATH).
func NewProcess(cfg ProcessConfig) (*Process, error) {
	var (
		t   *Template
		err error
	)
	if cfg.Argv != nil {
		t, err = TemplateFromArgs(cfg.Argv)
	} else {
		t, err = ParseTemplate(cfg.Command)
	}
	if err != nil {
		return nil, err
	}
	program, err := FindProgram(t.Program(), cfg.Dir)
	if err != nil {
		return nil, err
	}
	base := cfg.Env
	if base == nil {
		base = os.Environ()
	}
	p := &Process{cfg: cfg, tmpl: t, program: program, base: cleanEnv(base), log: cfg.Logger}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	if p.cfg.WaitDelay <= 0 {
		p.cfg.WaitDelay = 2 * time.Second
	}
	return p, nil
}

// FindProgram resolves a bot's program as serve will run it: a bare name through PATH, a
// path (relative to dir, the bots' working directory) to an executable file. It is checked
// at start-up, and by `dialin serve --check`, rather than found missing on every call.
func FindProgram(program, dir string) (string, error) {
	if !strings.ContainsRune(program, '/') {
		path, err := exec.LookPath(program)
		if err != nil {
			return "", fmt.Errorf("program %q is not in PATH", program)
		}
		return path, nil
	}
	return program, checkExecutable(program, dir)
}

// checkExecutable requires a program given by path to be an executable file; a relative path
// is read from dir, the bots' working directory, as exec will read it.
func checkExecutable(program, dir string) error {
	path := program
	if !filepath.IsAbs(path) && dir != "" {
		path = filepath.Join(dir, path)
	}
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		return fmt.Errorf("program %q: not found", program)
	case fi.IsDir():
		return fmt.Errorf("program %q: is a directory", program)
	case fi.Mode()&0o111 == 0 && runtime.GOOS != "windows":
		return fmt.Errorf("program %q: not executable", program)
	}
	return nil
}

// cleanEnv removes what a bot must not inherit: serve's DIALIN_* settings and every secret
// serve reads (ServeSecretEnv); the API key is added back only when configured.
func cleanEnv(env []string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if IsServeSecret(name) {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// Args returns the arguments the bot of call would get (argv[0] as written).
func (p *Process) Args(call CallInfo) []string { return p.tmpl.Expand(call) }

// Environ returns the environment the bot of call would get.
func (p *Process) Environ(call CallInfo) []string {
	headers := call.SIPHeaders
	if headers == nil {
		headers = map[string]string{}
	}
	hj, _ := json.Marshal(headers)
	env := append([]string(nil), p.base...)
	add := func(k, v string) { env = append(env, k+"="+argSafe(v)) }
	add("DIALIN_ROOM_URL", call.RoomURL)
	add("DIALIN_TOKEN", call.Token)
	add("DIALIN_CALL_ID", call.CallID)
	add("DIALIN_CALL_DOMAIN", call.CallDomain)
	add("DIALIN_SIP_URI", call.SIPURI)
	add("DIALIN_FROM", call.From)
	add("DIALIN_TO", call.To)
	add("DIALIN_SIP_HEADERS", string(hj))
	if p.cfg.Patch != "" {
		add("DIALIN_PATCH", p.cfg.Patch)
	}
	if p.cfg.APIURL != "" {
		add("DAILY_API_URL", p.cfg.APIURL)
	}
	if p.cfg.APIKey != "" {
		add("DAILY_API_KEY", p.cfg.APIKey)
	}
	return env
}

// Launch starts the bot in its own process group (so a Ctrl-C meant for serve does not reach
// it), writes the call as one JSON line on its stdin and closes stdin, and watches it.
func (p *Process) Launch(ctx context.Context, call CallInfo) (*Bot, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	args := p.tmpl.Expand(call)
	cmd := exec.Command(p.program, args[1:]...)
	cmd.Args[0] = args[0]
	cmd.Dir = p.cfg.Dir
	cmd.Env = p.Environ(call)
	cmd.SysProcAttr = ownProcessGroup()
	cmd.WaitDelay = p.cfg.WaitDelay
	secrets := []string{call.Token, p.cfg.APIKey}
	stdout := newLineLogger(p.log, call.CallID, "stdout", secrets)
	stderr := newLineLogger(p.log, call.CallID, "stderr", secrets)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", p.tmpl.Program(), unwrapExec(err))
	}
	// The pipe buffer holds the line unless it is huge; write in the background so a bot
	// that never reads stdin cannot block the launch.
	go func() {
		_, _ = stdin.Write(call.JSON())
		_ = stdin.Close()
	}()
	exited := make(chan Exit, 1)
	go func() {
		err := cmd.Wait()
		stdout.Close()
		stderr.Close()
		e := Exit{At: time.Now(), Code: cmd.ProcessState.ExitCode(), How: cmd.ProcessState.String()}
		if err != nil && !errors.As(err, new(*exec.ExitError)) && !errors.Is(err, exec.ErrWaitDelay) {
			e.How += " (" + err.Error() + ")"
		}
		exited <- e
		close(exited)
	}()
	return &Bot{PID: cmd.Process.Pid, Exited: exited}, nil
}

func unwrapExec(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
