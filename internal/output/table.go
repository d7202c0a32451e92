// Package output renders command results: tables that are human on a terminal and
// tab-separated when piped, colour that respects the terminal and NO_COLOR, and masking of
// secrets. JSON output lives in cmdutil (the --json/--jq flags); this package is for people
// and for line-oriented scripts.
package output

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/dialin-project/dialin/internal/iostreams"
)

// columnGap separates columns on a terminal (kubectl and gh use 3 spaces).
const columnGap = "   "

// Table collects rows and renders them to stdout: on a terminal as a borderless,
// left-aligned table with upper-cased headers; when piped as tab-separated values with no
// header, one row per line, so `cut -f1` and `while read` work.
type Table struct {
	io          *iostreams.IOStreams
	headers     []string
	rows        [][]string
	headerInTSV bool
}

// WithHeaderWhenPiped keeps the header line in the tab-separated form: for reports whose
// columns are not known by heart and that print several tables (bench), not for lists a
// script reads line by line.
func (t *Table) WithHeaderWhenPiped() *Table {
	t.headerInTSV = true
	return t
}

// NewTable starts a table with the given column headers.
func NewTable(io *iostreams.IOStreams, headers ...string) *Table {
	return &Table{io: io, headers: headers}
}

// Row adds one row. Missing cells are empty; cells may carry colour from a ColorScheme.
func (t *Table) Row(cells ...string) {
	t.rows = append(t.rows, cells)
}

// Render writes the table to stdout.
func (t *Table) Render() error {
	if !t.io.IsStdoutTTY() {
		return t.renderTSV()
	}
	return t.renderTerminal()
}

func (t *Table) width() int {
	n := len(t.headers)
	for _, r := range t.rows {
		n = max(n, len(r))
	}
	return n
}

// cells pads r to n cells.
func cells(r []string, n int) []string {
	out := make([]string, n)
	copy(out, r)
	return out
}

func (t *Table) renderTSV() error {
	var b strings.Builder
	n := t.width()
	rows := t.rows
	if t.headerInTSV {
		rows = append([][]string{t.headers}, rows...)
	}
	for _, r := range rows {
		for i, c := range cells(r, n) {
			if i > 0 {
				b.WriteByte('\t')
			}
			b.WriteString(tsvCell(c))
		}
		b.WriteByte('\n')
	}
	_, err := fmt.Fprint(t.io.Out, b.String())
	return err
}

// tsvCell keeps a cell on one line and inside its column (tabs and line breaks become blanks).
var tsvCell = strings.NewReplacer("\t", " ", "\r\n", " ", "\n", " ", "\r", " ").Replace

func (t *Table) renderTerminal() error {
	n := t.width()
	cellCfg := tw.CellConfig{
		Formatting: tw.CellFormatting{AutoFormat: tw.Off, AutoWrap: tw.WrapNone},
		Alignment:  tw.CellAlignment{Global: tw.AlignLeft},
		Padding:    tw.CellPadding{Global: tw.Padding{Right: columnGap, Overwrite: true}},
	}
	var buf bytes.Buffer
	table := tablewriter.NewTable(&buf,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Borders:  tw.BorderNone,
			Symbols:  tw.NewSymbols(tw.StyleNone),
			Settings: tw.Settings{Lines: tw.LinesNone, Separators: tw.SeparatorsNone},
		})),
		tablewriter.WithConfig(tablewriter.Config{Header: cellCfg, Row: cellCfg}),
	)
	headers := cells(t.headers, n)
	for i, h := range headers {
		headers[i] = strings.ToUpper(h)
	}
	table.Header(anySlice(headers)...)
	for _, r := range t.rows {
		row := cells(r, n)
		for i, c := range row {
			row[i] = tsvCell(c) // one line per row on a terminal too
		}
		if err := table.Append(anySlice(row)...); err != nil {
			return err
		}
	}
	if err := table.Render(); err != nil {
		return err
	}
	// The last column is padded too; trailing blanks are noise in terminals and copies.
	var out strings.Builder
	for _, line := range strings.SplitAfter(buf.String(), "\n") {
		if line == "" {
			continue
		}
		out.WriteString(strings.TrimRight(line, " \n"))
		out.WriteByte('\n')
	}
	_, err := fmt.Fprint(t.io.Out, out.String())
	return err
}

func anySlice(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}
