package launch

import "strings"

// ServeSecretEnv names every variable through which serve (or a command that runs it:
// `dialin dev`, `dialin demo`) reads a secret, besides the DIALIN_* prefix, which is removed
// whole. No bot inherits any of them: a bot is the user's code, often a third party's, and
// must hold only the call's own values. DAILY_API_KEY is added back for a bot that patches
// the call (ProcessConfig.APIKey). This is the one list; tests check the other packages'
// names (redisstate.PasswordEnv, the secret files' variables) against it.
var ServeSecretEnv = []string{
	"DAILY_API_KEY",         // Daily's API key (serve's own; see ProcessConfig.APIKey)
	"DAILY_API_URL",         // not a secret, but the bot gets serve's (ProcessConfig.APIURL)
	"REDIS_PASSWORD",        // the shared state's password (docs/replicas.md)
	"REDISCLI_AUTH",         // redis-cli's name for the same password
	"PIPECAT_CLOUD_API_KEY", // Pipecat Cloud's key (bots of kind pipecat-cloud)
	"PIPECAT_API_KEY",       // the same under Pipecat's shorter name
	"NGROK_AUTHTOKEN",       // the tunnel of `dialin dev`
}

// servePrefix is removed whole: serve's settings, among them DIALIN_WEBHOOK_SECRET,
// DIALIN_EVENTS_SECRET and DIALIN_REDIS_PASSWORD.
const servePrefix = "DIALIN_"

// IsServeSecret reports whether a bot must not inherit the variable name.
func IsServeSecret(name string) bool {
	if strings.HasPrefix(name, servePrefix) {
		return true
	}
	for _, s := range ServeSecretEnv {
		if name == s {
			return true
		}
	}
	return false
}
