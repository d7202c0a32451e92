package rules

// Glob reports whether s matches pattern, where * matches any run of bytes (also none), ?
// matches one character, and every other character is literal. It runs in O(len(s) ×
// len(pattern)) at worst and without recursion, so a hostile 10 KB value cannot make it slow.
func Glob(pattern, s string) bool {
	p, str := []rune(pattern), []rune(s)
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(str) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == str[si]) && p[pi] != '*':
			pi++
			si++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			// Let the last * swallow one more character and retry from there.
			mark++
			si = mark
			pi = star + 1
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
