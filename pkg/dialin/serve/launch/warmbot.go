package launch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os/exec"
	"sync"
	"time"
)

type botState int

const (
	botStarting botState = iota // started, has not said it waits
	botIdle                     // waits for a call on stdin
	botHanded                   // taken for a call (or being handed one)
	botDead                     // exited, killed, or dropped
)

// errHung: the bot did not acknowledge its call in time.
var errHung = errors.New("did not acknowledge the call in time")

// warmBot is one bot process started ahead. Its state is guarded by the Warm's mutex.
type warmBot struct {
	cmd   *exec.Cmd
	pid   int
	stdin io.WriteCloser
	out   *warmOutput
	errs  *warmOutput
	state botState

	started  time.Time     // when the process was started
	waiting  chan struct{} // closed when the bot printed the waiting line
	accepted chan struct{} // closed when the bot acknowledged its call
	done     chan struct{} // closed when the process has exited; exit is then set
	exit     Exit
	onceW    sync.Once
	onceA    sync.Once
}

func startWarmBot(cmd *exec.Cmd, log *slog.Logger, rule, apiKey string) (*warmBot, error) {
	b := &warmBot{cmd: cmd, started: time.Now(), waiting: make(chan struct{}), accepted: make(chan struct{}), done: make(chan struct{})}
	b.out = newWarmOutput(log, rule, "stdout", apiKey, b.marker)
	b.errs = newWarmOutput(log, rule, "stderr", apiKey, nil)
	cmd.Stdout, cmd.Stderr = b.out, b.errs
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	b.stdin = stdin
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	b.pid = cmd.Process.Pid
	b.out.setPID(b.pid)
	b.errs.setPID(b.pid)
	go func() {
		err := cmd.Wait()
		b.out.Close()
		b.errs.Close()
		e := Exit{At: time.Now(), Code: cmd.ProcessState.ExitCode(), How: cmd.ProcessState.String()}
		if err != nil && !errors.As(err, new(*exec.ExitError)) && !errors.Is(err, exec.ErrWaitDelay) {
			e.How += " (" + err.Error() + ")"
		}
		b.exit = e
		close(b.done)
	}()
	return b, nil
}

// marker is called by the stdout writer for each protocol line.
func (b *warmBot) marker(line string) {
	switch line {
	case WarmWaitingLine:
		b.onceW.Do(func() { close(b.waiting) })
	case WarmAcceptedLine:
		if b.out.handed() { // an acknowledgement before any call means nothing
			b.onceA.Do(func() { close(b.accepted) })
		}
	}
}

// hand writes the call to the bot and waits for its acknowledgement. On failure the bot is
// killed, so that it cannot run the call later while another bot runs it too.
func (b *warmBot) hand(ctx context.Context, call CallInfo, timeout time.Duration) (*Bot, error) {
	b.out.setCall(call.CallID, call.Token)
	b.errs.setCall(call.CallID, call.Token)
	wrote := make(chan error, 1)
	go func() {
		_, err := b.stdin.Write(call.JSON())
		if cerr := b.stdin.Close(); err == nil {
			err = cerr
		}
		wrote <- err
	}()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		select {
		case <-b.accepted:
			return &Bot{PID: b.pid, Exited: b.exited()}, nil
		case err := <-wrote:
			if err != nil {
				b.kill()
				return nil, fmt.Errorf("writing the call to its stdin: %w", err)
			}
			wrote = nil
		case <-b.done:
			select {
			case <-b.accepted: // took the call, then ended: its exit is the call's
				return &Bot{PID: b.pid, Exited: b.exited()}, nil
			default:
			}
			return nil, fmt.Errorf("exited before it acknowledged the call (%s)", b.exit.How)
		case <-timer.C:
			b.kill()
			return nil, fmt.Errorf("%w (%s)", errHung, timeout)
		case <-ctx.Done():
			b.kill()
			return nil, ctx.Err()
		}
	}
}

// exited delivers the bot's exit to the call's watcher.
func (b *warmBot) exited() <-chan Exit {
	ch := make(chan Exit, 1)
	go func() {
		<-b.done
		ch <- b.exit
		close(ch)
	}()
	return ch
}

// kill ends the bot and everything it started (its process group).
func (b *warmBot) kill() {
	select {
	case <-b.done:
		return
	default:
	}
	killTree(b.cmd.Process)
}

// exitHow says how the bot ended, once it has ended.
func (b *warmBot) exitHow() string {
	select {
	case <-b.done:
		return b.exit.How
	default:
		return "running"
	}
}
