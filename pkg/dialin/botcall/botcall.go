// Package botcall is the call serve hands a bot, defined once for both sides: the JSON line
// serve writes to a process bot's stdin (and POSTs to a bot runner), and the reader a bot
// written in Go (the stand-in bots) takes it with.
package botcall

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/dialin-project/dialin/pkg/daily"
)

// maxCallLine bounds the JSON line read from stdin.
const maxCallLine = 1 << 20

// Call is everything a bot needs to take a call. Its JSON form,
// {"room_url","token","call_id","call_domain","sip_uri","from","to","sip_headers"}, is the
// line written to a process bot's stdin and the body POSTed to a bot runner.
type Call struct {
	RoomURL    string            `json:"room_url"`
	Token      string            `json:"token"`
	CallID     string            `json:"call_id"`
	CallDomain string            `json:"call_domain"`
	SIPURI     string            `json:"sip_uri"`
	From       string            `json:"from"`
	To         string            `json:"to"`
	SIPHeaders map[string]string `json:"sip_headers"`
}

// Values are the call's fields by their JSON names (sip_headers aside), for placeholders such
// as {room_url} and DIALIN_* variables.
func (c Call) Values() map[string]string {
	return map[string]string{
		"room_url": c.RoomURL, "token": c.Token, "call_id": c.CallID, "call_domain": c.CallDomain,
		"sip_uri": c.SIPURI, "from": c.From, "to": c.To,
	}
}

// JSON is the call as one line of JSON, ending in a newline.
func (c Call) JSON() []byte {
	if c.SIPHeaders == nil {
		c.SIPHeaders = map[string]string{}
	}
	b, _ := json.Marshal(c) // strings and a map of strings always marshal
	return append(b, '\n')
}

// Read reads the call from the first line of r: one JSON object on one line. Fields it
// does not know are ignored (serve may add some); room_url, token, call_id, call_domain and
// sip_uri are required. It reads ahead of the line, so r should hold nothing else of interest.
func Read(r io.Reader) (Call, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > maxCallLine {
			return Call{}, fmt.Errorf("call line: longer than %d bytes", maxCallLine)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return Call{}, fmt.Errorf("call line: %w", err)
		}
		break
	}
	line = bytes.TrimSpace(line)
	if len(line) == 0 {
		return Call{}, errors.New("call line: empty; want one JSON object with room_url, token, call_id, call_domain and sip_uri")
	}
	if line[0] != '{' {
		return Call{}, errors.New("call line: must be a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	var c Call
	if err := dec.Decode(&c); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return Call{}, fmt.Errorf("call line: %s must be a %s", typeErr.Field, expectedType(typeErr.Field))
		}
		return Call{}, errors.New("call line: not valid JSON")
	}
	if dec.More() {
		return Call{}, errors.New("call line: more than one JSON value on the line")
	}
	if err := c.validate(); err != nil {
		return Call{}, fmt.Errorf("call line: %w", err)
	}
	return c, nil
}

func expectedType(field string) string {
	if strings.HasPrefix(field, "sip_headers") {
		return "JSON object of strings"
	}
	return "string"
}

func (c Call) validate() error {
	for _, f := range []struct{ name, value string }{
		{"room_url", c.RoomURL}, {"token", c.Token}, {"call_id", c.CallID}, {"call_domain", c.CallDomain}, {"sip_uri", c.SIPURI},
	} {
		if strings.TrimSpace(f.value) == "" {
			return fmt.Errorf("%s is required", f.name)
		}
	}
	_, err := RoomName(c.RoomURL)
	return err
}

// RoomName is the last path segment of a room URL (https://<domain>.daily.co/<room>), checked
// to be a room name.
func RoomName(roomURL string) (string, error) {
	u, err := url.Parse(roomURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", errors.New("room_url must be an absolute http(s) URL such as https://example.daily.co/room")
	}
	name := u.Path[strings.LastIndexByte(u.Path, '/')+1:]
	if err := daily.ValidateRoomName(name); err != nil {
		return "", fmt.Errorf("room_url must end in a room name: %w", err)
	}
	return name, nil
}
