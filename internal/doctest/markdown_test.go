package doctest

import (
	"bufio"
	"iter"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// block is a fenced code block of a markdown file, or a <!-- doctest-setup --> comment.
type block struct {
	Line int    // line of the markdown file where the block's first line of code is
	Info string // the fence's info string, trimmed; "doctest-setup" for a setup comment
	Code string // the lines of code, each ending in "\n"
}

// chunk is a piece of a guide's script: an sh block, or a hidden doctest-setup comment.
type chunk struct {
	Line   int    // line of the markdown file where the chunk's first line of code is
	Hidden bool   // from a <!-- doctest-setup --> comment
	Code   string // the lines of code, each ending in "\n"
}

const setupOpen, setupInfo, commentClose = "<!-- doctest-setup", "doctest-setup", "-->"

var fenceRE = regexp.MustCompile("^ {0,3}(`{3,}|~{3,})(.*)$")

// openingFence returns the fence and info string if line opens a fenced code block.
func openingFence(line string) (fence, info string, ok bool) {
	m := fenceRE.FindStringSubmatch(line)
	if m == nil || (m[1][0] == '`' && strings.Contains(m[2], "`")) {
		return "", "", false // a backtick info string cannot hold a backtick: not a fence
	}
	return m[1], strings.TrimSpace(m[2]), true
}

// extractBlocks returns, in document order, every fenced code block and every
// <!-- doctest-setup … --> comment outside code blocks.
func extractBlocks(markdown string) []block {
	var (
		out   []block
		fence string // the open fence ("```", "~~~~", …) while inside a code block
		cur   *block
	)
	sc := bufio.NewScanner(strings.NewReader(markdown))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case cur != nil && cur.Info == setupInfo && fence == "":
			if strings.TrimSpace(line) == commentClose {
				out, cur = append(out, *cur), nil
				continue
			}
			cur.Code += line + "\n"
		case fence != "":
			if isClosingFence(line, fence) {
				out, cur, fence = append(out, *cur), nil, ""
				continue
			}
			cur.Code += line + "\n"
		default:
			if f, info, ok := openingFence(line); ok {
				fence, cur = f, &block{Line: n + 1, Info: info}
				continue
			}
			if strings.TrimSpace(line) == setupOpen {
				cur = &block{Line: n + 1, Info: setupInfo}
			}
		}
	}
	return out
}

// extractChunks returns, in document order, the code of every fenced block whose info string
// is exactly "sh" and of every <!-- doctest-setup … --> comment outside code blocks.
func extractChunks(markdown string) []chunk {
	var out []chunk
	for _, b := range extractBlocks(markdown) {
		if b.Info == "sh" || b.Info == setupInfo {
			out = append(out, chunk{Line: b.Line, Hidden: b.Info == setupInfo, Code: b.Code})
		}
	}
	return out
}

// isClosingFence reports whether line closes a block opened with fence: the same character,
// at least as many, nothing after but spaces.
func isClosingFence(line, fence string) bool {
	t := strings.TrimLeft(line, " ")
	if len(line)-len(t) > 3 {
		return false
	}
	run := len(t) - len(strings.TrimLeft(t, fence[:1]))
	return run >= len(fence) && strings.TrimSpace(t[run:]) == ""
}

// link is a markdown link or image target found in a guide.
type link struct {
	Line   int
	Target string
}

// proseLines yields the lines of markdown outside fenced code blocks, with their index
// (0-based).
func proseLines(markdown string) iter.Seq2[int, string] {
	return func(yield func(int, string) bool) {
		fence := ""
		for i, line := range strings.Split(markdown, "\n") {
			if fence != "" {
				if isClosingFence(line, fence) {
					fence = ""
				}
				continue
			}
			if f, _, ok := openingFence(line); ok {
				fence = f
				continue
			}
			if !yield(i, line) {
				return
			}
		}
	}
}

var (
	inlineLinkRE = regexp.MustCompile(`!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)`)
	refDefRE     = regexp.MustCompile(`^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$`)
	codeSpanRE   = regexp.MustCompile("(`+)[^`]*?(`+)")
)

// extractLinks returns the targets of the inline links and link reference definitions outside
// code blocks and code spans.
func extractLinks(markdown string) []link {
	var out []link
	for i, line := range proseLines(markdown) {
		if m := refDefRE.FindStringSubmatch(line); m != nil {
			out = append(out, link{Line: i + 1, Target: m[1]})
			continue
		}
		for _, m := range inlineLinkRE.FindAllStringSubmatch(codeSpanRE.ReplaceAllString(line, ""), -1) {
			out = append(out, link{Line: i + 1, Target: m[1]})
		}
	}
	return out
}

// headingAnchors returns the anchors GitHub gives the headings of a markdown file.
func headingAnchors(markdown string) map[string]bool {
	anchors := map[string]bool{}
	seen := map[string]int{}
	for _, line := range proseLines(markdown) {
		t := strings.TrimLeft(line, " ")
		if len(line)-len(t) > 3 || !strings.HasPrefix(t, "#") {
			continue
		}
		text := strings.TrimLeft(t, "#")
		if len(t)-len(text) > 6 || (text != "" && text[0] != ' ') {
			continue
		}
		slug := slugify(strings.TrimRight(strings.TrimSpace(text), "#"))
		if n := seen[slug]; n > 0 {
			anchors[slug+"-"+strconv.Itoa(n)] = true
		} else {
			anchors[slug] = true
		}
		seen[slug]++
	}
	return anchors
}

// slugify makes a heading's anchor as GitHub does: lower case, spaces to hyphens, and only
// letters, digits, hyphens and underscores kept.
func slugify(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}
