package gendocs_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dialin-project/dialin/internal/config"
)

// shellCase loads a generated completion script in a real shell.
type shellCase struct {
	name   string
	shell  string // program, looked up on PATH
	script string // run with `shell -c`; $COMPLETIONS is the generated completions directory
	want   []string
}

// bashComplete asks the loaded bash completion for the candidates of a command line, as bash
// does on Tab: COMP_* set, the registered function called, COMPREPLY printed. The function
// runs `dialin __complete`, which is this test binary (see TestMain).
const bashComplete = `
# _get_comp_words_by_ref comes from the bash-completion package; this is its minimal form
# when the package is not installed, as the cobra script's own fallback expects.
if ! declare -F _get_comp_words_by_ref >/dev/null; then
  _get_comp_words_by_ref() { cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]}; words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD; }
fi
source "$COMPLETIONS/dialin.bash"
complete_line() {
  COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMPREPLY=()
  "$(complete -p dialin | sed -E 's/.* -F ([^ ]+) .*/\1/')" dialin "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
  printf '%s|' "${COMPREPLY[@]}"; echo
}
complete_line dialin au
complete_line dialin --profile s
`

func shellCases(t *testing.T) []shellCase {
	cases := []shellCase{
		{
			name:   "bash registers the completion",
			shell:  "bash",
			script: `source "$COMPLETIONS/dialin.bash"; complete -p dialin`,
			want:   []string{"-F __start_dialin dialin"},
		},
		{
			name:   "bash completes commands and profiles",
			shell:  "bash",
			script: bashComplete,
			want:   []string{"auth|\n", "sandbox|staging|\n"},
		},
	}
	zshCase := shellCase{
		name:  "zsh compinit picks up _dialin",
		shell: "zsh",
		// -f: no startup files; compinit in the scratch HOME; _comps maps commands to functions.
		script: `fpath=("$COMPLETIONS" $fpath); autoload -Uz compinit; compinit -u -d "$HOME/.zcompdump"; print -r -- "comps=${_comps[dialin]}"; autoload +X _dialin && print -r -- "loaded=$+functions[_dialin]"`,
		want:   []string{"comps=_dialin\n", "loaded=1\n"},
	}
	switch _, err := exec.LookPath("zsh"); {
	case err == nil:
		cases = append(cases, zshCase)
	case os.Getenv("CI") == "true":
		t.Fatalf("zsh is not installed, but CI=true requires the zsh completion check: .ci/run installs it with apt-get install zsh")
	default:
		t.Log("zsh is not installed: checking the bash completion only (with CI=true a missing zsh fails this test)")
	}
	return cases
}

func TestCompletionsLoadInShells(t *testing.T) {
	t.Parallel()
	dir := generate(t, t.TempDir())
	home, bin, cfgDir := t.TempDir(), t.TempDir(), t.TempDir()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(self, filepath.Join(bin, "dialin")); err != nil {
		t.Fatal(err)
	}
	profiles := "default_profile: prod\nprofiles:\n  prod: {}\n  staging: {}\n  sandbox: {}\n"
	if err := os.WriteFile(filepath.Join(cfgDir, config.ConfigFileName), []byte(profiles), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{
		"HOME=" + home, "ZDOTDIR=" + home, "TERM=dumb", "COLUMNS=200",
		"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"),
		"COMPLETIONS=" + filepath.Join(dir, "completions"),
		"DIALIN_CONFIG_DIR=" + cfgDir, asDialin + "=1",
	}
	for _, tc := range shellCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			shell, err := exec.LookPath(tc.shell)
			if err != nil {
				t.Fatalf("%s is required for this check: %v", tc.shell, err)
			}
			args := []string{"-c", tc.script}
			if tc.shell == "bash" {
				args = append([]string{"--norc", "--noprofile"}, args...)
			} else {
				args = append([]string{"-f"}, args...)
			}
			cmd := exec.Command(shell, args...)
			cmd.Env = env
			cmd.Dir = home
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s: %v\n%s", tc.shell, err, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("%s output lacks %q:\n%s", tc.shell, w, out)
				}
			}
		})
	}
}
