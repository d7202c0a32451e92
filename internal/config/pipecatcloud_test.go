package config

import (
	"os"
	"strings"
	"testing"
)

// The Pipecat Cloud key is kept per profile next to the Daily key, the environment wins over
// it, and removing the Daily key keeps it.
func TestPipecatCloudKeyStorage(t *testing.T) {
	clearEnv(t)
	dir := t.TempDir()
	const cloudKey, dailyKey = "pk_cloud-Secret-42", "daily-Secret-7"
	c, err := Load(Options{Dir: dir, Flags: globalFlags("--profile", "prod")})
	if err != nil {
		t.Fatal(err)
	}
	if k, o := c.PipecatCloudKey(); k != "" || o.Source != SourceNone {
		t.Fatalf("fresh config has a Pipecat Cloud key from %v", o)
	}
	if err := c.SetAPIKey(dailyKey); err != nil {
		t.Fatal(err)
	}
	if err := c.SetPipecatCloudKey(cloudKey); err != nil {
		t.Fatal(err)
	}
	assertMode(t, c.CredentialsFile(), 0o600)

	c, _ = Load(Options{Dir: dir, Flags: globalFlags("-p", "prod")})
	if k, o := c.PipecatCloudKey(); k != cloudKey || o.Source != SourceFile {
		t.Fatalf("stored key: got origin %v", o)
	}
	if k, _ := c.APIKey(); k != dailyKey {
		t.Fatal("storing the Pipecat Cloud key lost the Daily key")
	}
	other, _ := Load(Options{Dir: dir})
	if k, _ := other.PipecatCloudKey(); k != "" {
		t.Fatal("profile default sees prod's Pipecat Cloud key")
	}

	t.Setenv(EnvPipecatCloudKey, "pk_from_env")
	if k, o := c.PipecatCloudKey(); k != "pk_from_env" || o.Source != SourceEnv || o.Name != EnvPipecatCloudKey {
		t.Fatalf("with %s set: origin %v", EnvPipecatCloudKey, o)
	}
	t.Setenv(EnvPipecatCloudKey, "")

	if _, err := c.DeleteAPIKey(); err != nil {
		t.Fatal(err)
	}
	c, _ = Load(Options{Dir: dir, Flags: globalFlags("-p", "prod")})
	if k, _ := c.PipecatCloudKey(); k != cloudKey {
		t.Fatal("logging out of Daily removed the Pipecat Cloud key")
	}
}

func TestSetPipecatCloudKeyRefusesBadShapeWithoutEchoing(t *testing.T) {
	clearEnv(t)
	c, err := Load(Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	err = c.SetPipecatCloudKey("two secret-words")
	if err == nil || !strings.Contains(err.Error(), "Pipecat Cloud key") || strings.Contains(err.Error(), "secret-words") {
		t.Fatalf("err = %v: want one naming the Pipecat Cloud key without its value", err)
	}
	if _, err := os.Stat(c.CredentialsFile()); !os.IsNotExist(err) {
		t.Fatal("a refused key wrote credentials.yaml")
	}
}
