package routescmd

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/config"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/dialin/routes"
)

// The APIs --api chooses between.
const (
	APIPinless = "pinless" // the domain's pinless_dialin array (GET / and POST /)
	APIConfigs = "configs" // /domain-dialin-config, one object per entry
)

// SettingRoutesAPI is the profile setting that chooses the API when --api is not given.
const SettingRoutesAPI = "routes_api"

// EnvStateDir overrides the state directory.
const EnvStateDir = config.EnvStateDir

// Deps are what every routes command takes from the factory; each command's options embed
// them, so tests can swap any of them.
type Deps struct {
	IO          *iostreams.IOStreams
	Config      func() (*config.Config, error)
	DailyClient func() (*daily.Client, error)
	// StateDir is the directory backups and the lock file go under (per domain).
	StateDir func() (string, error)
	// API is --api: APIPinless, APIConfigs, or "" for the profile's routes_api setting.
	API string
}

func newDeps(f *cmdutil.Factory) Deps {
	return Deps{IO: f.IOStreams, Config: f.Config, DailyClient: f.DailyClient, StateDir: StateDir}
}

// addAPIFlag adds --api to a routes command.
func addAPIFlag(cmd *cobra.Command, d *Deps) {
	cmd.Flags().StringVar(&d.API, "api", "", "Where the routes live: pinless (the domain's array) or configs (/domain-dialin-config); default: routes_api, else pinless")
	_ = cmd.RegisterFlagCompletionFunc("api", cobra.FixedCompletions([]string{APIPinless, APIConfigs}, cobra.ShellCompDirectiveNoFileComp))
}

func checkAPI(value, from string) error {
	if value != APIPinless && value != APIConfigs {
		return cmdutil.FlagErrorf("%s: must be %s or %s, got %q", from, APIPinless, APIConfigs, value)
	}
	return nil
}

// checkFlags validates what every routes command shares, before any request.
func (d *Deps) checkFlags() error {
	if d.API != "" {
		return checkAPI(d.API, "--api")
	}
	return nil
}

// session is one command's connection to the routes.
type session struct {
	client *daily.Client
	store  routes.Store
	api    string
	region string // for numbers typed without a country code
	// domain is the domain as this command last read it with the routes (APIPinless: GET /
	// answers both), which names the state directory without another request; nil before.
	domain *daily.Domain
	// lastRead are the routes this command last read: the Writer starts from them (WriteFrom)
	// and checks them under the lock instead of reading them once more.
	lastRead []daily.PinlessDialinEntry
}

// open resolves the API and the default region and builds the client and store.
func (d *Deps) open() (*session, error) {
	cfg, err := d.Config()
	if err != nil {
		return nil, err
	}
	api := d.API
	if api == "" {
		api = APIPinless
		// routes_api is a profile setting; a dialin that does not know the key yet (Get
		// answers "unknown key") uses the default.
		if v, err := cfg.Get(SettingRoutesAPI); err == nil && v.Value != "" {
			if err := checkAPI(v.Value, SettingRoutesAPI+" (from "+v.Origin.Describe()+")"); err != nil {
				return nil, err
			}
			api = v.Value
		}
	}
	region := config.DefaultRegion
	if v, err := cfg.Get("default_region"); err == nil && v.Value != "" {
		region = v.Value
	}
	client, err := d.DailyClient()
	if err != nil {
		return nil, err
	}
	s := &session{client: client, api: api, region: region, store: routes.NewDailyStore(client)}
	if api == APIConfigs {
		s.store = routes.NewConfigStore(client)
	}
	return s, nil
}

// region is the default region for parsing flag values, before any request.
func (d *Deps) region() string {
	if d.Config == nil {
		return config.DefaultRegion
	}
	if cfg, err := d.Config(); err == nil {
		if v, err := cfg.Get("default_region"); err == nil && v.Value != "" {
			return v.Value
		}
	}
	return config.DefaultRegion
}

// read is the current routes.
func (s *session) read(ctx context.Context, ios *iostreams.IOStreams) ([]daily.PinlessDialinEntry, error) {
	var cur []daily.PinlessDialinEntry
	err := ios.WithProgress("Reading the routes", func() (err error) {
		if s.api != APIPinless {
			cur, err = s.store.Get(ctx)
			return err
		}
		if s.domain, err = s.client.Domain(ctx); err != nil {
			return err
		}
		cur, err = s.domain.PinlessDialin()
		return err
	})
	if err == nil {
		s.lastRead = routes.Clone(cur)
	}
	return cur, err
}

// openRead opens a session and reads the current routes, as the commands that show or
// change them begin.
func (d *Deps) openRead(ctx context.Context) (*session, []daily.PinlessDialinEntry, error) {
	s, err := d.open()
	if err != nil {
		return nil, nil, err
	}
	cur, err := s.read(ctx, d.IO)
	if err != nil {
		return nil, nil, err
	}
	return s, cur, nil
}

// domainDir is the domain's state directory (backups, lock), named by the domain's id.
func (d *Deps) domainDir(ctx context.Context, s *session) (string, error) {
	root, err := d.StateDir()
	if err != nil {
		return "", err
	}
	if s.domain != nil {
		return routes.DomainDirOf(s.domain, root)
	}
	return routes.DomainDir(ctx, s.client, root)
}

// writer is a Writer for the domain: its backups and its lock file.
func (d *Deps) writer(ctx context.Context, s *session) (*routes.Writer, error) {
	dir, err := d.domainDir(ctx, s)
	if err != nil {
		return nil, err
	}
	return routes.DomainWriter(dir, s.store), nil
}

// openWriter opens a session and the domain's Writer, as the commands on backups begin.
func (d *Deps) openWriter(ctx context.Context) (*session, *routes.Writer, error) {
	s, err := d.open()
	if err != nil {
		return nil, nil, err
	}
	w, err := d.writer(ctx, s)
	if err != nil {
		return nil, nil, err
	}
	return s, w, nil
}

// StateDir is dialin's state directory (config.StateDir).
func StateDir() (string, error) { return config.StateDir() }
