package doctest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// helpInfo is what `dialin <path> --help` says about a command.
type helpInfo struct {
	Path  []string        // the command's path, from the Usage line
	Group bool            // it has subcommands (and takes no arguments)
	Flags map[string]bool // "--name" and "-x", global flags included
}

var (
	usageRE = regexp.MustCompile(`(?m)^Usage:\n\s+dialin((?: [a-z][a-z0-9-]*)*)`)
	flagRE  = regexp.MustCompile(`(?m)^\s+(?:-([A-Za-z]), )?--([a-z][a-z0-9-]*)`)
)

// dialinHelp runs the built dialin with args in a bare environment, so that no setting of
// the developer's (a profile, DIALIN_FORCE_TTY) changes what help prints.
func dialinHelp(args ...string) ([]byte, error) {
	cmd := exec.Command(filepath.Join(binDir, "dialin"), args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + binDir, "NO_COLOR=1", "DIALIN_CONFIG_DIR=" + filepath.Join(binDir, "config")}
	return cmd.CombinedOutput()
}

// helpCache runs dialin --help once per distinct command line.
type helpCache map[string]helpInfo

func (h helpCache) lookup(words []string) (helpInfo, error) {
	key := strings.Join(words, " ")
	if info, ok := h[key]; ok {
		return info, nil
	}
	out, err := dialinHelp(append(append([]string(nil), words...), "--help")...)
	if err != nil {
		return helpInfo{}, fmt.Errorf("dialin %s --help: %v\n%s", key, err, out)
	}
	m := usageRE.FindSubmatch(out)
	if m == nil {
		return helpInfo{}, fmt.Errorf("dialin %s --help: no Usage line", key)
	}
	info := helpInfo{Path: strings.Fields(string(m[1])), Flags: map[string]bool{}}
	info.Group = strings.Contains(string(out), "\nAvailable Commands:")
	flags := out // the Flags and Global Flags sections: the text above may mention others
	if i := strings.Index(string(out), "\nFlags:\n"); i >= 0 {
		flags = out[i:]
	} else if i := strings.Index(string(out), "\nGlobal Flags:\n"); i >= 0 {
		flags = out[i:]
	}
	for _, f := range flagRE.FindAllSubmatch(flags, -1) {
		info.Flags["--"+string(f[2])] = true
		if len(f[1]) > 0 {
			info.Flags["-"+string(f[1])] = true
		}
	}
	h[key] = info
	return info, nil
}

// check returns what is wrong with inv, or "".
func (h helpCache) check(inv invocation) (string, error) {
	var words []string
	for _, a := range inv.Args {
		if strings.HasPrefix(a, "-") {
			break
		}
		words = append(words, a)
	}
	if len(words) > 0 && words[0] == "help" {
		out, err := dialinHelp(words...)
		if err != nil {
			return fmt.Sprintf("`dialin %s` fails: %s", strings.Join(words, " "), strings.TrimSpace(string(out))), nil
		}
		return "", nil
	}
	info, err := h.lookup(words)
	if err != nil {
		return "", err
	}
	if info.Group && len(words) > len(info.Path) {
		return fmt.Sprintf("dialin %s has no subcommand %q", strings.Join(info.Path, " "), words[len(info.Path)]), nil
	}
	for _, a := range inv.Args[len(words):] {
		if a == "--" {
			break
		}
		name, _, _ := strings.Cut(a, "=")
		if !strings.HasPrefix(name, "-") || name == "-" || onlyDigits(name[1:]) {
			continue // a value or an argument
		}
		if strings.HasPrefix(name, "--") {
			if !info.Flags[name] {
				return fmt.Sprintf("dialin %s has no flag %s", strings.Join(info.Path, " "), name), nil
			}
			continue
		}
		for _, c := range name[1:] { // -qy: each shorthand
			if !info.Flags["-"+string(c)] {
				return fmt.Sprintf("dialin %s has no flag -%c", strings.Join(info.Path, " "), c), nil
			}
		}
	}
	return "", nil
}

func onlyDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
