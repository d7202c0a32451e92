package output

import (
	"io"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/dialin-project/dialin/internal/iostreams"
)

// ColorScheme styles text for one stream. When colour is off (not a terminal, NO_COLOR,
// TERM=dumb) every method returns its input unchanged, so callers never branch on colour.
type ColorScheme struct {
	enabled bool
	r       *lipgloss.Renderer
}

// NewColorScheme styles text written to stdout.
func NewColorScheme(ios *iostreams.IOStreams) *ColorScheme { return newScheme(ios.ColorEnabled()) }

// NewErrColorScheme styles text written to stderr (messages, warnings, plan summaries).
func NewErrColorScheme(ios *iostreams.IOStreams) *ColorScheme {
	return newScheme(ios.ErrColorEnabled())
}

func newScheme(enabled bool) *ColorScheme {
	r := lipgloss.NewRenderer(io.Discard)
	// Basic ANSI colours: the user's terminal theme decides the exact shade.
	r.SetColorProfile(termenv.ANSI)
	return &ColorScheme{enabled: enabled, r: r}
}

// Enabled reports whether this scheme colours anything.
func (c *ColorScheme) Enabled() bool { return c.enabled }

func (c *ColorScheme) style(s string, st lipgloss.Style) string {
	if !c.enabled || s == "" {
		return s
	}
	return st.TabWidth(lipgloss.NoTabConversion).Render(s)
}

func (c *ColorScheme) fg(s, ansi string) string {
	return c.style(s, c.r.NewStyle().Foreground(lipgloss.Color(ansi)))
}

// Bold makes s bold.
func (c *ColorScheme) Bold(s string) string { return c.style(s, c.r.NewStyle().Bold(true)) }

// Gray de-emphasises s (defaults, sources, secondary details).
func (c *ColorScheme) Gray(s string) string { return c.style(s, c.r.NewStyle().Faint(true)) }

// Red is for failures and removals.
func (c *ColorScheme) Red(s string) string { return c.fg(s, "1") }

// Green is for success and additions.
func (c *ColorScheme) Green(s string) string { return c.fg(s, "2") }

// Yellow is for warnings and changes.
func (c *ColorScheme) Yellow(s string) string { return c.fg(s, "3") }

// Cyan is for identifiers worth spotting (numbers, URLs).
func (c *ColorScheme) Cyan(s string) string { return c.fg(s, "6") }

// SuccessIcon is a green check mark.
func (c *ColorScheme) SuccessIcon() string { return c.Green("✓") }

// WarningIcon is a yellow exclamation mark.
func (c *ColorScheme) WarningIcon() string { return c.Yellow("!") }

// FailureIcon is a red cross.
func (c *ColorScheme) FailureIcon() string { return c.Red("✗") }
