package cmdutil

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"

	"github.com/itchyny/gojq"
	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/iostreams"
)

// Exporter writes a command's data as JSON. A command's options hold an Exporter that is nil
// unless --json or --jq was given:
//
//	if opts.Exporter != nil {
//		return opts.Exporter.Write(opts.IO, numbers)
//	}
type Exporter interface {
	Write(ios *iostreams.IOStreams, data any) error
}

// AddJSONFlags adds --json and --jq EXPR to cmd and sets *target before RunE runs. --jq
// implies --json and is compiled while flags are validated, so a bad expression is a usage
// error (exit 64) before any request. Call it after setting cmd.PreRunE, which it wraps.
func AddJSONFlags(cmd *cobra.Command, target *Exporter) {
	var (
		asJSON bool
		expr   string
	)
	cmd.Flags().BoolVar(&asJSON, "json", false, "Output JSON (Daily's field names)")
	cmd.Flags().StringVar(&expr, "jq", "", "Filter JSON output with a jq `expression` (implies --json)")
	prev := cmd.PreRunE
	cmd.PreRunE = func(c *cobra.Command, args []string) error {
		if prev != nil {
			if err := prev(c, args); err != nil {
				return err
			}
		}
		switch {
		case c.Flags().Changed("jq"):
			code, err := compileJQ(expr)
			if err != nil {
				return err
			}
			*target = &jsonExporter{jq: code}
		case asJSON:
			*target = &jsonExporter{}
		default:
			*target = nil
		}
		return nil
	}
}

func compileJQ(expr string) (*gojq.Code, error) {
	q, err := gojq.Parse(expr)
	if err != nil {
		return nil, FlagErrorf("--jq: %v", err)
	}
	code, err := gojq.Compile(q) // no environment loader: $ENV is empty, so no secret leaks
	if err != nil {
		return nil, FlagErrorf("--jq: %v", err)
	}
	return code, nil
}

// NewJSONExporter returns the exporter --json makes, for commands that always print JSON.
func NewJSONExporter() Exporter { return &jsonExporter{} }

type jsonExporter struct {
	jq *gojq.Code
}

// Write prints data as indented JSON on stdout, or the --jq results: strings raw, other
// values as compact JSON, one per line. A nil slice prints [] and a nil map {}, never null.
func (e *jsonExporter) Write(ios *iostreams.IOStreams, data any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if e.jq == nil {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(emptyNotNull(data)); err != nil {
		return err
	}
	if e.jq == nil {
		_, err := ios.Out.Write(buf.Bytes())
		return err
	}
	var input any
	dec := json.NewDecoder(&buf)
	dec.UseNumber() // keep large integers exact
	if err := dec.Decode(&input); err != nil {
		return err
	}
	var out bytes.Buffer
	iter := e.jq.Run(input)
	for {
		v, ok := iter.Next()
		if !ok {
			break
		}
		if err, isErr := v.(error); isErr {
			var halt *gojq.HaltError
			if errors.As(err, &halt) && halt.Value() == nil { // `halt`: stop quietly
				break
			}
			_, _ = ios.Out.Write(out.Bytes())
			return fmt.Errorf("jq: %w", err)
		}
		if s, isString := v.(string); isString {
			out.WriteString(s)
		} else {
			b, err := gojq.Marshal(v)
			if err != nil {
				return fmt.Errorf("jq: %w", err)
			}
			out.Write(b)
		}
		out.WriteByte('\n')
	}
	_, err := ios.Out.Write(out.Bytes())
	return err
}

// emptyNotNull turns a nil slice or map (also behind an interface) into an empty one.
func emptyNotNull(data any) any {
	if data == nil {
		return data
	}
	v := reflect.ValueOf(data)
	switch {
	case v.Kind() == reflect.Slice && v.IsNil():
		return reflect.MakeSlice(v.Type(), 0, 0).Interface()
	case v.Kind() == reflect.Map && v.IsNil():
		return reflect.MakeMap(v.Type()).Interface()
	}
	return data
}
