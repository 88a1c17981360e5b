package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"

	"github.com/etjanst/etjanst/form"
)

const lintUsage = `Användning / Usage: etjanst lint FIL... / FILE...

Kontrollerar formulärdefinitioner och skriver ett problem per rad.
Checks form definitions and prints one problem per line:

  FIL:RAD:KOLUMN: SÖKVÄG: MEDDELANDE [KOD]
  FILE:LINE:COL: PATH: MESSAGE [CODE]

Slutstatus / Exit status: 0 ok, 1 problem / problems, 2 oläsbar fil / unreadable file.
`

// lint implements "etjanst lint".
func lint(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("lint", flag.ContinueOnError)
	files, status, ok := parseFlags(fs, lintUsage, args, stdout, stderr)
	if !ok {
		return status
	}
	if len(files) == 0 {
		fmt.Fprintf(stderr, "etjanst lint: ange minst en fil / give at least one file\n\n%s", lintUsage)
		return exitUsage
	}
	var (
		problems, badFiles int
		unreadable         bool
		defined            = map[string]string{} // "id@version" → file
	)
	for _, name := range files {
		data, err := readFile(name, form.MaxDefinitionSize)
		var tooLarge errTooLarge
		switch {
		case errors.As(err, &tooLarge):
			printProblem(stdout, name, form.Problem{Code: "tooLarge", Message: err.Error()})
			problems++
			badFiles++
			continue
		case err != nil:
			fmt.Fprintf(stderr, "etjanst lint: kan inte läsa / cannot read %s: %v\n", name, err)
			unreadable = true
			continue
		}
		f, err := form.Parse(data)
		if err != nil {
			var de *form.DefinitionError
			if errors.As(err, &de) {
				for _, p := range de.Problems {
					printProblem(stdout, name, p)
				}
				problems += len(de.Problems)
			} else {
				code := "invalid"
				if errors.Is(err, form.ErrTooLarge) {
					code = "tooLarge"
				}
				printProblem(stdout, name, form.Problem{Code: code, Message: err.Error()})
				problems++
			}
			badFiles++
			continue
		}
		key := f.ID + "@" + strconv.Itoa(f.Version)
		if prev, dup := defined[key]; dup {
			printProblem(stdout, name, form.Problem{
				Path: "version", Code: "duplicateVersion",
				Message: fmt.Sprintf("form %q version %d is also defined in %s", f.ID, f.Version, prev),
			})
			problems++
			badFiles++
			continue
		}
		defined[key] = name
		fmt.Fprintf(stdout, "%s: ok (%s v%d, %d steps, %d fields)\n", name, f.ID, f.Version, len(f.Steps), countFields(f))
	}
	switch {
	case problems > 0:
		fmt.Fprintf(stdout, "%d problem(s) in %d of %d file(s)\n", problems, badFiles, len(files))
	case !unreadable:
		fmt.Fprintf(stdout, "ok: %d file(s)\n", len(files))
	}
	switch {
	case unreadable:
		return exitUsage
	case problems > 0:
		return exitProblems
	}
	return exitOK
}

// printProblem writes "FILE:LINE:COL: PATH: MESSAGE [CODE]", leaving out
// LINE:COL when unknown and PATH when empty.
func printProblem(w io.Writer, file string, p form.Problem) {
	loc := file
	if p.Line > 0 {
		loc += ":" + strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Col)
	}
	if p.Path != "" {
		loc += ": " + p.Path
	}
	fmt.Fprintf(w, "%s: %s [%s]\n", loc, oneLine(p.Message), p.Code)
}

// countFields counts the fields of f that collect answers, sub-fields of
// groups included.
func countFields(f *form.Form) int {
	n := 0
	var count func([]form.Field)
	count = func(fields []form.Field) {
		for i := range fields {
			if fields[i].Type != form.TypeInfo && fields[i].Type != form.TypeGroup {
				n++
			}
			count(fields[i].Fields)
		}
	}
	for i := range f.Steps {
		count(f.Steps[i].Fields)
	}
	return n
}
