package configcmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/config"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/internal/output"
)

// ProfilesOptions are the inputs of `dialin config profiles`.
type ProfilesOptions struct {
	IO       *iostreams.IOStreams
	Config   func() (*config.Config, error)
	Exporter cmdutil.Exporter
	Quiet    bool
}

// NewCmdProfiles builds `config profiles`; runF replaces the run function in tests.
func NewCmdProfiles(f *cmdutil.Factory, runF func(*ProfilesOptions) error) *cobra.Command {
	opts := &ProfilesOptions{IO: f.IOStreams, Config: f.Config}
	cmd := &cobra.Command{
		Use:   "profiles",
		Short: "List profiles: which is active, which is the default, which have a stored key",
		Example: "  dialin config profiles\n" +
			"  dialin config profiles -q",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(opts)
			}
			return profilesRun(opts)
		},
	}
	cmdutil.AddJSONFlags(cmd, &opts.Exporter)
	cmdutil.AddQuietFlag(cmd, f.IOStreams, &opts.Quiet, "Print only profile names")
	return cmd
}

func profilesRun(opts *ProfilesOptions) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	profiles := cfg.Profiles()
	switch {
	case opts.Exporter != nil:
		return opts.Exporter.Write(opts.IO, profiles)
	case opts.Quiet:
		for _, p := range profiles {
			fmt.Fprintln(opts.IO.Out, p.Name)
		}
		return nil
	}
	t := output.NewTable(opts.IO, "name", "active", "default", "api key")
	for _, p := range profiles {
		key := "none"
		if p.HasKey {
			key = "stored"
		}
		t.Row(p.Name, yesNo(p.Active), yesNo(p.Default), key)
	}
	return t.Render()
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
