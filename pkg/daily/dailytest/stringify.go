package dailytest

import (
	"bytes"
	"encoding/json"
)

// encodeJSON writes v the way JavaScript's JSON.stringify does, so that a receiver which
// verifies a signature over the raw body and one that re-serialises the parsed body (Daily's
// own Next.js example) both verify: no HTML escaping of < > &, U+2028 and U+2029 as
// themselves (Go's encoder escapes them even with SetEscapeHTML(false)), no trailing newline.
// Objects keep the field order of v; a re-serialiser keeps the order it parsed.
func encodeJSON(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic("dailytest: encoding a webhook body: " + err.Error())
	}
	return unescapeLineSeparators(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

// unescapeLineSeparators turns the escapes \u2028 and \u2029 in encoder output back into the
// characters. It walks escape pairs, so an escaped backslash before "u2028" (a string that
// holds the text \u2028) is left alone.
func unescapeLineSeparators(b []byte) []byte {
	if !bytes.Contains(b, []byte(`\u202`)) {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' || i+1 >= len(b) {
			out = append(out, b[i])
			continue
		}
		if b[i+1] == 'u' && i+6 <= len(b) {
			switch string(b[i+2 : i+6]) {
			case "2028":
				out = append(out, "\u2028"...)
				i += 5
				continue
			case "2029":
				out = append(out, "\u2029"...)
				i += 5
				continue
			}
		}
		out = append(out, b[i], b[i+1]) // any other escape pair, copied as is
		i++
	}
	return out
}
