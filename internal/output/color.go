package output

import (
	"io"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/dialin-project/dialin/internal/iostreams"
)

// ColorScheme styles text for one stream with lipgloss styles made once per scheme. When
// colour is off (not a terminal, NO_COLOR, TERM=dumb) every method returns its input
// unchanged, so callers never branch on colour.
type ColorScheme struct {
	enabled                              bool
	bold, gray, red, green, yellow, cyan lipgloss.Style
}

// NewColorScheme styles text written to stdout.
func NewColorScheme(ios *iostreams.IOStreams) *ColorScheme { return newScheme(ios.ColorEnabled()) }

// NewErrColorScheme styles text written to stderr (messages, warnings, plan summaries).
func NewErrColorScheme(ios *iostreams.IOStreams) *ColorScheme {
	return newScheme(ios.ErrColorEnabled())
}

func newScheme(enabled bool) *ColorScheme {
	r := lipgloss.NewRenderer(io.Discard)
	// Basic ANSI colours: the user's terminal theme decides the exact shade. Off, the
	// renderer knows it too (Ascii draws no escapes).
	r.SetColorProfile(termenv.ANSI)
	if !enabled {
		r.SetColorProfile(termenv.Ascii)
	}
	base := r.NewStyle().TabWidth(lipgloss.NoTabConversion)
	fg := func(ansi string) lipgloss.Style { return base.Foreground(lipgloss.Color(ansi)) }
	return &ColorScheme{enabled: enabled, bold: base.Bold(true), gray: base.Faint(true),
		red: fg("1"), green: fg("2"), yellow: fg("3"), cyan: fg("6")}
}

// Enabled reports whether this scheme colours anything.
func (c *ColorScheme) Enabled() bool { return c.enabled }

// render draws s in st. Off, s comes back as it was: lipgloss would still pad the lines of
// multi-line text to one width.
func (c *ColorScheme) render(st lipgloss.Style, s string) string {
	if !c.enabled || s == "" {
		return s
	}
	return st.Render(s)
}

// Bold makes s bold.
func (c *ColorScheme) Bold(s string) string { return c.render(c.bold, s) }

// Gray de-emphasises s (defaults, sources, secondary details).
func (c *ColorScheme) Gray(s string) string { return c.render(c.gray, s) }

// Red is for failures and removals.
func (c *ColorScheme) Red(s string) string { return c.render(c.red, s) }

// Green is for success and additions.
func (c *ColorScheme) Green(s string) string { return c.render(c.green, s) }

// Yellow is for warnings and changes.
func (c *ColorScheme) Yellow(s string) string { return c.render(c.yellow, s) }

// Cyan is for identifiers worth spotting (numbers, URLs).
func (c *ColorScheme) Cyan(s string) string { return c.render(c.cyan, s) }

// SuccessIcon is a green check mark.
func (c *ColorScheme) SuccessIcon() string { return c.Green("✓") }

// WarningIcon is a yellow exclamation mark.
func (c *ColorScheme) WarningIcon() string { return c.Yellow("!") }

// FailureIcon is a red cross.
func (c *ColorScheme) FailureIcon() string { return c.Red("✗") }
