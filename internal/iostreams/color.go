package iostreams

// ColorEnabled reports whether output on stdout may be coloured.
func (s *IOStreams) ColorEnabled() bool { return s.colorFor(s.stdoutTTY) }

// ErrColorEnabled reports whether output on stderr may be coloured.
func (s *IOStreams) ErrColorEnabled() bool { return s.colorFor(s.stderrTTY) }

// SetColorEnabled forces colour on or off for both streams (tests).
func (s *IOStreams) SetColorEnabled(v bool) { s.colorOverride = &v }

func (s *IOStreams) colorFor(tty bool) bool {
	if s.colorOverride != nil {
		return *s.colorOverride
	}
	return colorEnabled(s.getenv, tty)
}

// colorEnabled is the colour rule. NO_COLOR (any non-empty value, per no-color.org) always
// wins; CLICOLOR_FORCE (non-empty, not "0") turns colour on even when piped; TERM=dumb and
// CLICOLOR=0 turn it off; otherwise colour follows the terminal.
func colorEnabled(getenv func(string) string, tty bool) bool {
	if getenv("NO_COLOR") != "" {
		return false
	}
	if v := getenv("CLICOLOR_FORCE"); v != "" && v != "0" {
		return true
	}
	if getenv("TERM") == "dumb" || getenv("CLICOLOR") == "0" {
		return false
	}
	return tty
}
