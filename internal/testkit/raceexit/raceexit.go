//go:build race

package raceexit

import (
	"os"
	"strings"
	"syscall"
)

// option is the GORACE setting that turns the sleep off.
const option = "atexit_sleep_ms"

func init() {
	gorace := os.Getenv("GORACE")
	if strings.Contains(gorace, option+"=") {
		return // already set: by the first start, or by the user, whose choice stands
	}
	self, err := os.Executable()
	if err != nil {
		return // run as is: slower, never wrong
	}
	env := []string{"GORACE=" + strings.TrimSpace(gorace+" "+option+"=0")}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GORACE=") {
			env = append(env, kv) // the first GORACE in the list would win
		}
	}
	// Exec only returns on failure, and then the binary goes on as it is.
	_ = syscall.Exec(self, os.Args, env)
}
