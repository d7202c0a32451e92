package bench

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"time"
)

// serveShares reads serve's own share of each call's handoff from its JSON log: the
// bot_started event's since_s (the record `"msg":"call bot_started"`), from the webhook's arrival at serve to the bot having the
// call (for a warm bot: its acknowledgement). It leaves out the emulator's dispatch of the
// webhook and the bot's report of bot_started, which the timeline's handoff includes.
func serveShares(logPath string) map[string]time.Duration {
	f, err := os.Open(logPath)
	if err != nil {
		return nil
	}
	defer f.Close()
	out := map[string]time.Duration{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if !strings.Contains(string(line), `"event":"bot_started"`) {
			continue
		}
		var rec struct {
			CallID string  `json:"call_id"`
			Since  float64 `json:"since_s"`
		}
		if json.Unmarshal(line, &rec) == nil && rec.CallID != "" {
			out[rec.CallID] = time.Duration(rec.Since * float64(time.Second))
		}
	}
	return out
}
