package launch

import (
	"slices"
	"strings"
	"testing"
)

// TestBotInheritsNoServeSecret gives serve's environment every secret serve reads and checks
// that the environment a bot gets holds none of them, under either patch mode.
func TestBotInheritsNoServeSecret(t *testing.T) {
	t.Parallel()
	secrets := append([]string{"DIALIN_WEBHOOK_SECRET", "DIALIN_EVENTS_SECRET", "DIALIN_REDIS_PASSWORD"}, ServeSecretEnv...)
	env := []string{"PATH=/usr/bin", "HOME=/home/bot", "LANG=C.UTF-8"}
	for _, name := range secrets {
		env = append(env, name+"=inherited-"+name)
	}
	for _, cfg := range []ProcessConfig{
		{Argv: []string{"/bin/sh"}, Env: env, Patch: "serve"},
		{Argv: []string{"/bin/sh"}, Env: env, Patch: "bot", APIKey: "configured-key", APIURL: "http://127.0.0.1:1/v1"},
	} {
		p, err := NewProcess(cfg)
		if err != nil {
			t.Fatal(err)
		}
		got := p.Environ(CallInfo{CallID: "c1", From: "+15550001111", To: "+14155550100"})
		kept := map[string]bool{}
		for _, kv := range got {
			if strings.Contains(kv, "inherited-") {
				t.Errorf("patch %s: the bot inherits %s", cfg.Patch, strings.SplitN(kv, "=", 2)[0])
			}
			kept[strings.SplitN(kv, "=", 2)[0]] = true
		}
		for _, name := range []string{"PATH", "HOME", "LANG", "DIALIN_CALL_ID"} {
			if !kept[name] {
				t.Errorf("patch %s: %s is missing from the bot's environment", cfg.Patch, name)
			}
		}
		if cfg.APIKey != "" && !slices.Contains(got, "DAILY_API_KEY=configured-key") {
			t.Errorf("patch bot: the configured key is not in the bot's environment")
		}
	}
}
