package routescmd

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/dialin/routes"
)

// maxFileInput bounds a routes file or a saved plan.
const maxFileInput = 8 << 20

// specInputs are the flags plan and apply share for a routes file.
type specInputs struct {
	File      string
	Prune     bool
	AllowHTTP bool
	Force     bool
	// LookupEnv resolves ${NAME} in the file; os.LookupEnv unless a test sets it.
	LookupEnv func(string) (string, bool)
}

// readInput reads a file, or stdin for "-".
func readInput(ios *iostreams.IOStreams, name, flag string) ([]byte, error) {
	var r io.Reader = ios.In
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, cmdutil.FlagErrorf("%s: %v", flag, err)
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxFileInput+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", flag, err)
	}
	if len(b) > maxFileInput {
		return nil, cmdutil.FlagErrorf("%s: larger than %d MB", flag, maxFileInput>>20)
	}
	return b, nil
}

// loadSpec reads and checks the routes file, before any request: shape, ${ENV} references
// and every route rule but ownership, each problem with file, line and field.
func (in *specInputs) loadSpec(ios *iostreams.IOStreams) (*routes.Spec, error) {
	data, err := readInput(ios, in.File, "--file")
	if err != nil {
		return nil, err
	}
	name := in.File
	if name == "-" {
		name = "<stdin>"
	}
	env := in.LookupEnv
	if env == nil {
		env = os.LookupEnv
	}
	spec, err := routes.ParseSpec(name, data, env)
	if err != nil {
		return nil, badInput(err)
	}
	in.AllowHTTP = in.AllowHTTP || spec.AllowHTTP // the file's allow_http: true, as --allow-http
	if err := spec.Validate(routes.ValidateOptions{AllowHTTP: in.AllowHTTP}); err != nil {
		return nil, badInput(err)
	}
	return spec, nil
}

// validateOptions reads the domain's numbers when the routes name any, for the ownership rule.
func (in *specInputs) validateOptions(ctx context.Context, ios *iostreams.IOStreams, s *session, entries []daily.PinlessDialinEntry) (routes.ValidateOptions, error) {
	vopts := routes.ValidateOptions{AllowHTTP: in.AllowHTTP, Force: in.Force}
	for _, e := range entries {
		if e.PhoneNumber == "" {
			continue
		}
		err := ios.WithProgress("Reading the domain's numbers", func() (err error) {
			vopts.OwnedNumbers, err = routes.OwnedNumbers(ctx, s.client)
			return err
		})
		return vopts, err
	}
	return vopts, nil
}

// planFromSpec is the plan of the routes file against the live routes, checked in full.
func (in *specInputs) planFromSpec(ctx context.Context, ios *iostreams.IOStreams, s *session, spec *routes.Spec) (*routes.PlanResult, error) {
	wanted := make([]daily.PinlessDialinEntry, len(spec.Routes))
	for i, r := range spec.Routes {
		wanted[i] = r.Entry()
	}
	vopts, err := in.validateOptions(ctx, ios, s, wanted)
	if err != nil {
		return nil, err
	}
	if err := spec.Validate(vopts); err != nil { // now with ownership, at the file's lines
		return nil, badInput(err)
	}
	cur, err := s.read(ctx, ios)
	if err != nil {
		return nil, err
	}
	p := routes.Plan(cur, spec, in.Prune)
	vopts.Only = p.ChangedKeys()
	if err := routes.Validate(p.Desired, vopts); err != nil {
		return nil, badInput(err)
	}
	return p, nil
}
