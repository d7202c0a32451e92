package config

import (
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// Viper applies the precedence of every setting: a flag the user set, then a non-empty
// environment variable, then the profile in config.yaml, then the default. So that viper
// also says which layer answered, each setting has a twin key bound at the same layers,
// whose value at each layer names that layer: viper resolves the twin by the same rule, and
// its answer is the origin. The environment answers the twin with the variable's own value,
// which can never start with the NUL that starts the other layers' marks.
const (
	markFlag    = "\x00flag"
	markFile    = "\x00file"
	markDefault = "\x00default"
)

// twin is the key that resolves to the layer of key's value.
func twin(key string) string { return key + "~origin" }

// bind binds setting k in v at its default, environment (unless noEnv) and flag layers.
func (c *Config) bind(v *viper.Viper, k Key) {
	v.SetDefault(k.Name, k.Default)
	v.SetDefault(twin(k.Name), markDefault)
	if k.Env != "" && !c.noEnv {
		_ = v.BindEnv(k.Name, k.Env)
		_ = v.BindEnv(twin(k.Name), k.Env)
	}
	if c.flags != nil && k.Flag != "" {
		if f := c.flags.Lookup(k.Flag); f != nil {
			_ = v.BindPFlag(k.Name, f)
			_ = v.BindFlagValue(twin(k.Name), flagMark{f})
		}
	}
}

// fileLayer is the config-file layer of v: each setting with its twin marked as the file's.
func fileLayer(v *viper.Viper, settings map[string]any) {
	m := make(map[string]any, 2*len(settings))
	for name, val := range settings {
		m[name], m[twin(name)] = val, markFile
	}
	_ = v.MergeConfigMap(m)
}

// resolve is k's value in v and the layer it came from.
func (c *Config) resolve(v *viper.Viper, k Key) (string, Origin) {
	val := v.GetString(k.Name)
	switch v.GetString(twin(k.Name)) {
	case markFlag:
		return val, Origin{SourceFlag, "--" + k.Flag}
	case markFile:
		return val, Origin{SourceFile, c.ConfigFile()}
	case markDefault:
		return val, Origin{Source: SourceDefault}
	}
	return val, Origin{SourceEnv, k.Env}
}

// flagMark is a flag's twin: set when the flag is, and then it names the flag layer.
type flagMark struct{ f *pflag.Flag }

func (m flagMark) HasChanged() bool    { return m.f.Changed }
func (m flagMark) Name() string        { return m.f.Name }
func (m flagMark) ValueString() string { return markFlag }
func (m flagMark) ValueType() string   { return "string" }
