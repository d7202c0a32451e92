package iostreams

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

func TestColorEnabled(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		tty  bool
		want bool
	}{
		{"tty", nil, true, true},
		{"pipe", nil, false, false},
		{"NO_COLOR on tty", map[string]string{"NO_COLOR": "1"}, true, false},
		{"NO_COLOR any value", map[string]string{"NO_COLOR": "false"}, true, false},
		{"NO_COLOR beats CLICOLOR_FORCE", map[string]string{"NO_COLOR": "1", "CLICOLOR_FORCE": "1"}, true, false},
		{"CLICOLOR_FORCE when piped", map[string]string{"CLICOLOR_FORCE": "1"}, false, true},
		{"CLICOLOR_FORCE=0 is not forcing", map[string]string{"CLICOLOR_FORCE": "0"}, false, false},
		{"TERM=dumb", map[string]string{"TERM": "dumb"}, true, false},
		{"CLICOLOR=0", map[string]string{"CLICOLOR": "0"}, true, false},
		{"CLICOLOR_FORCE beats TERM=dumb", map[string]string{"TERM": "dumb", "CLICOLOR_FORCE": "1"}, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := func(k string) string { return tt.env[k] }
			if got := colorEnabled(getenv, tt.tty); got != tt.want {
				t.Fatalf("colorEnabled = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestForceTTY(t *testing.T) {
	t.Parallel()
	tests := []struct {
		value               string
		stdin, out, errTerm bool
	}{
		{"", false, false, false},
		{"0", false, false, false},
		{"1", false, true, false},
		{"true", false, true, false},
		{"stdin,stdout", true, true, false},
		{"stderr", false, false, true},
		{"stdin, stdout ,stderr", true, true, true},
	}
	for _, tt := range tests {
		s, _, _, _ := Test()
		s.forceTTY(tt.value)
		if s.IsStdinTTY() != tt.stdin || s.IsStdoutTTY() != tt.out || s.IsStderrTTY() != tt.errTerm {
			t.Errorf("DIALIN_FORCE_TTY=%q: stdin=%v stdout=%v stderr=%v, want %v %v %v", tt.value,
				s.IsStdinTTY(), s.IsStdoutTTY(), s.IsStderrTTY(), tt.stdin, tt.out, tt.errTerm)
		}
	}
}

func TestTestStreams(t *testing.T) {
	t.Parallel()
	s, _, _, _ := Test()
	if s.IsStdinTTY() || s.IsStdoutTTY() || s.IsStderrTTY() || s.CanPrompt() {
		t.Fatal("Test() streams must not be terminals")
	}
	s.SetStdoutTTY(true)
	if s.ColorEnabled() {
		t.Fatal("Test() colour must stay off on a TTY until SetColorEnabled(true)")
	}
	s.SetColorEnabled(true)
	if !s.ColorEnabled() || !s.ErrColorEnabled() {
		t.Fatal("SetColorEnabled(true) did not turn colour on")
	}
	if s.CanPrompt() {
		t.Fatal("CanPrompt needs stdin too")
	}
	s.SetStdinTTY(true)
	if !s.CanPrompt() {
		t.Fatal("CanPrompt with stdin and stdout TTYs")
	}
}

func TestInfofQuiet(t *testing.T) {
	t.Parallel()
	s, _, _, errOut := Test()
	s.Infof("bought %s", "+14155550100")
	s.SetQuiet(true)
	s.Infof("hidden")
	if got := errOut.String(); got != "bought +14155550100\n" {
		t.Fatalf("stderr = %q", got)
	}
}

func TestWithProgress(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	t.Run("not a terminal: nothing drawn, error passed through", func(t *testing.T) {
		s, _, out, errOut := Test()
		err := s.WithProgress("Fetching numbers", func() error { return boom })
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v", err)
		}
		if errOut.Len()+out.Len() != 0 {
			t.Fatalf("drew on a pipe: stdout %q stderr %q", out, errOut)
		}
	})
	t.Run("quiet: nothing drawn", func(t *testing.T) {
		s, _, _, errOut := Test()
		s.SetStderrTTY(true)
		s.SetQuiet(true)
		_ = s.WithProgress("Fetching numbers", func() error { return nil })
		if errOut.Len() != 0 {
			t.Fatalf("drew in quiet mode: %q", errOut)
		}
	})
	t.Run("terminal: drawn on stderr and erased", func(t *testing.T) {
		defer func(d time.Duration) { spinnerInterval = d }(spinnerInterval)
		spinnerInterval = time.Hour // one frame only: the output is exact
		s, _, out, errOut := Test()
		s.SetStderrTTY(true)
		err := s.WithProgress("Fetching numbers", func() error {
			return s.WithProgress("nested", func() error {
				_, _ = io.WriteString(s.ErrOut, "warning: slow\n")
				return nil
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		got := errOut.String()
		if !strings.HasPrefix(got, clearLine+"⠋ Fetching numbers"+clearLine+"warning: slow\n") {
			t.Fatalf("stderr = %q", got)
		}
		if strings.Contains(got, "nested") {
			t.Fatalf("nested spinner drew: %q", got)
		}
		if out.Len() != 0 {
			t.Fatalf("spinner wrote to stdout: %q", out)
		}
		if s.ErrOut != io.Writer(errOut) {
			t.Fatal("ErrOut not restored")
		}
	})
}

func TestPrompt(t *testing.T) {
	t.Parallel()
	s, in, _, errOut := Test()
	in.WriteString("yes\r\nrest\n")
	got, err := s.Prompt("Continue? [y/N] ")
	if err != nil || got != "yes" {
		t.Fatalf("Prompt = %q, %v", got, err)
	}
	if errOut.String() != "Continue? [y/N] " {
		t.Fatalf("prompt text on stderr = %q", errOut)
	}
	if in.String() != "rest\n" {
		t.Fatalf("Prompt consumed past the line: left %q", in)
	}
	if got, err := s.ReadSecret("Key: "); err != nil || got != "rest" {
		t.Fatalf("ReadSecret = %q, %v", got, err)
	}
	if want := "Continue? [y/N] Key: \n"; errOut.String() != want {
		t.Fatalf("stderr = %q, want %q", errOut, want)
	}
	if _, err := s.Prompt("again? "); err != io.EOF {
		t.Fatalf("Prompt at EOF err = %v, want io.EOF", err)
	}
}

func TestPromptInterrupted(t *testing.T) {
	t.Parallel()
	s, _, _, _ := Test()
	r, w := io.Pipe()
	defer w.Close()
	s.In = r
	done := make(chan struct{})
	s.SetInterrupt(done)
	close(done)
	if _, err := s.Prompt("Continue? "); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if _, err := s.ReadSecret("Key: "); !errors.Is(err, context.Canceled) {
		t.Fatalf("ReadSecret err = %v, want context.Canceled", err)
	}
}
