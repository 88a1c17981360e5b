package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
)

// Exit statuses.
const (
	exitOK       = 0 // no problem
	exitProblems = 1 // the definitions or answers have problems
	exitUsage    = 2 // usage error, unreadable file, or nothing to check against
)

const usage = `etjanst – verktyg för e-tjänster / tools for e-services

Användning / Usage:
  etjanst lint FIL... / FILE...
      Kontrollerar formulärdefinitioner (JSON) och listar varje problem.
      Checks form definitions (JSON) and lists every problem.
  etjanst check [-lang sv|en] [-today ÅÅÅÅ-MM-DD] FORMULÄR.json SVAR.json
      Kontrollerar svar mot ett formulär som vid inskickning.
      Checks answers against a form as at submission.

Slutstatus / Exit status:
  0  inga problem / no problems
  1  problem hittades / problems found
  2  felaktig användning eller oläsbar fil / usage error or unreadable file

Kör / Run "etjanst KOMMANDO -h" för mer / for more.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the command line args (without the program name), writes
// results to stdout and diagnostics to stderr, and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return exitOK
	case "lint":
		return lint(args[1:], stdout, stderr)
	case "check":
		return check(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "etjanst: okänt kommando / unknown command %q\n\n%s", args[0], usage)
	return exitUsage
}

// parseFlags parses args with fs, allowing flags after positional
// arguments ("check FORM VALUES -lang en"); arguments after "--" are
// positional. It returns the positional arguments, or the exit status when
// parsing ended the command: exitOK for -h (usage on stdout), exitUsage for
// a bad flag (usage on stderr).
func parseFlags(fs *flag.FlagSet, help string, args []string, stdout, stderr io.Writer) ([]string, int, bool) {
	fs.SetOutput(io.Discard)
	var tail []string
	if i := slices.Index(args, "--"); i >= 0 {
		args, tail = args[:i], args[i+1:]
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fmt.Fprint(stdout, help)
				return nil, exitOK, false
			}
			fmt.Fprintf(stderr, "etjanst %s: %v\n\n%s", fs.Name(), err, help)
			return nil, exitUsage, false
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	return append(pos, tail...), 0, true
}

// errTooLarge reports a file over its size cap.
type errTooLarge struct{ limit int }

func (e errTooLarge) Error() string {
	return fmt.Sprintf("större än / larger than %d byte(s)", e.limit)
}

// readFile reads at most limit bytes of name. It returns errTooLarge for a
// longer file and the underlying reason (without the path) otherwise.
func readFile(name string, limit int) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, reason(err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, int64(limit)+1))
	if err != nil {
		return nil, reason(err)
	}
	if len(data) > limit {
		return nil, errTooLarge{limit}
	}
	return data, nil
}

// reason strips the operation and path from a file system error, since
// the caller prints the file name itself.
func reason(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// oneLine keeps a message on one output line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
