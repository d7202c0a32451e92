package servecmd

import (
	"testing"

	"github.com/dialin-project/dialin/internal/cmd/webhookcmd/secretfile"
	"github.com/dialin-project/dialin/pkg/dialin/serve/launch"
	"github.com/dialin-project/dialin/pkg/dialin/serve/redisstate"
)

// TestServeSecretsNeverReachBots checks every variable serve reads a secret from against the
// one list of what bots do not inherit (launch.ServeSecretEnv and the DIALIN_ prefix).
func TestServeSecretsNeverReachBots(t *testing.T) {
	t.Parallel()
	read := append([]string{secretfile.EnvWebhookSecret, secretfile.EnvEventsSecret, "DAILY_API_KEY"}, redisstate.PasswordEnv...)
	for _, name := range read {
		if !launch.IsServeSecret(name) {
			t.Errorf("serve reads a secret from %s, but bots inherit it", name)
		}
	}
}
