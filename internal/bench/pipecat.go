package bench

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"slices"
)

// The Pipecat systems: Pipecat's runner (its stand-in, `dialin standin-pipecat-runner
// --dialin`) alone, the number routed to its /daily-dialin-webhook; and serve in front of
// it (--bot-pipecat to its /start). In the second the runner is a helper: a process the
// system needs but not the one measured (its CPU, memory and log are not serve's).

// isServe reports whether the system's processes are `dialin serve` replicas, with serve's
// readiness, metrics and log.
func isServe(name string) bool {
	return name == SystemServe || name == SystemServeREST || name == SystemWarm || name == SystemServePipecat
}

// runnerArgv runs the runner stand-in on port with the bench's bot timings.
func runnerArgv(cfg Config, readyFile string) []string {
	return []string{cfg.Dialin, "standin-pipecat-runner", "--dialin", "--addr", "127.0.0.1:0", "--ready-file", readyFile,
		"--startup-delay", cfg.BotStartup.String(), "--talk-time", cfg.TalkTime.String()}
}

// runnerURLVar is the variable of the runner stand-in's ready file that holds its URL.
const runnerURLVar = "DIALIN_STANDIN_URL"

// startRunnerHelper starts the runner stand-in as a helper of l and answers its base URL.
func (l *launched) startRunnerHelper(ctx context.Context, cfg Config, dir string, env []string) (string, error) {
	readyFile := filepath.Join(dir, l.name+"-runner.ready")
	c, err := startChild(l.name+"-runner", dir, runnerArgv(cfg, readyFile), env)
	if err != nil {
		return "", err
	}
	l.helpers = append(l.helpers, c)
	base, err := waitReadyURL(ctx, c, readyFile, runnerURLVar, startTimeout)
	if err != nil {
		return "", err
	}
	l.helperBases = append(l.helperBases, base)
	return base, nil
}

// runnerAnswers reports whether a runner (stand-in) at base serves HTTP: it has no health
// check, and a GET of /start answers 405 once it listens.
func runnerAnswers(base string) bool {
	resp, err := httpClient.Get(base + "/start")
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode == http.StatusMethodNotAllowed
}

// helpersReady reports whether every helper answers.
func (l *launched) helpersReady() bool {
	return !slices.ContainsFunc(l.helperBases, func(b string) bool { return !runnerAnswers(b) })
}
