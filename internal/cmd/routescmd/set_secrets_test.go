package routescmd

import (
	"strings"
	"testing"
)

func TestSetWarnsAboutASecretInArgv(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if err := e.runSet("--number", "+14155550150", "--url", "https://n.example.com/d", "--hmac", secretC); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(e.ErrOut.String(), "! --hmac: the secret is now in your shell history") {
		t.Errorf("no warning:\n%s", e.ErrOut)
	}
	if e.live(t)["+14155550150"]["hmac"] != secretC {
		t.Error("secret not written")
	}
	noSecrets(t, e.Out.String(), e.ErrOut.String())
}
