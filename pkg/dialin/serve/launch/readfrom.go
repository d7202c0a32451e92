package launch

import (
	"errors"
	"io"
)

// outputBufferSize is the read buffer of each bot output stream. os/exec copies a child's
// output into a writer with io.Copy, which would otherwise allocate 32 KB per stream: 64 KB
// per running bot, most of serve's memory with a thousand calls. Lines are put together by
// the writer, so a small buffer only costs a few more reads for a chatty bot.
const outputBufferSize = 1024

// readFrom copies r into w with a small buffer; the output writers' ReadFrom methods use it,
// and io.Copy prefers them to its own 32 KB buffer.
func readFrom(w io.Writer, r io.Reader) (int64, error) {
	buf := make([]byte, outputBufferSize)
	var n int64
	for {
		k, err := r.Read(buf)
		if k > 0 {
			_, _ = w.Write(buf[:k])
			n += int64(k)
		}
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

// ReadFrom implements io.ReaderFrom with a small buffer (see outputBufferSize).
func (l *lineLogger) ReadFrom(r io.Reader) (int64, error) { return readFrom(l, r) }

// ReadFrom implements io.ReaderFrom with a small buffer (see outputBufferSize).
func (o *warmOutput) ReadFrom(r io.Reader) (int64, error) { return readFrom(o, r) }
