package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/etjanst/etjanst/form"
)

const checkUsage = `Användning / Usage: etjanst check [-lang sv|en] [-today ÅÅÅÅ-MM-DD] FORMULÄR.json SVAR.json

Kontrollerar svaren (ett JSON-objekt med fältens id) mot formuläret som vid
inskickning och skriver ett problem per rad:
Checks the answers (a JSON object of field IDs) against the form as at
submission and prints one problem per line:

  STEG/FÄLT: MEDDELANDE (KOD)   /   STEP/FIELD: MESSAGE (CODE)

Flaggor / Flags:
  -lang sv|en        språk för meddelanden / language of the messages (sv)
  -today ÅÅÅÅ-MM-DD  dagen som relativa datumgränser räknas från /
                     the day relative date bounds count from (i dag / today)

Slutstatus / Exit status: 0 giltiga / valid, 1 fel / errors,
2 felaktig användning, oläsbar fil eller ogiltigt formulär /
usage error, unreadable file or invalid form.
`

// reportTexts are the fixed texts of check's report in one language.
type reportTexts struct {
	warning, ok, okWarnings, failed, visible string
}

// textsFor returns the report texts in lang, and false for an unknown
// language.
func textsFor(lang string) (reportTexts, bool) {
	switch lang {
	case "sv":
		return reportTexts{
			warning:    "varning",
			ok:         "OK: svaren är kompletta och giltiga",
			okWarnings: "OK med %d varning(ar): svaren är kompletta och giltiga",
			failed:     "%d fel och %d varning(ar)",
			visible:    "%s v%d, %d av %d steg visas",
		}, true
	case "en":
		return reportTexts{
			warning:    "warning",
			ok:         "OK: the answers are complete and valid",
			okWarnings: "OK with %d warning(s): the answers are complete and valid",
			failed:     "%d error(s) and %d warning(s)",
			visible:    "%s v%d, %d of %d steps shown",
		}, true
	}
	return reportTexts{}, false
}

// check implements "etjanst check".
func check(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	lang := fs.String("lang", "sv", "")
	today := fs.String("today", "", "")
	pos, status, ok := parseFlags(fs, checkUsage, args, stdout, stderr)
	if !ok {
		return status
	}
	texts, known := textsFor(*lang)
	if !known {
		fmt.Fprintf(stderr, "etjanst check: -lang måste vara / must be sv or en\n\n%s", checkUsage)
		return exitUsage
	}
	if len(pos) != 2 {
		fmt.Fprintf(stderr, "etjanst check: ange ett formulär och en svarsfil / give one form and one answers file\n\n%s", checkUsage)
		return exitUsage
	}
	now := time.Now
	if *today != "" {
		d, err := time.Parse(time.DateOnly, *today)
		if err != nil {
			fmt.Fprintf(stderr, "etjanst check: -today måste vara / must be YYYY-MM-DD\n\n%s", checkUsage)
			return exitUsage
		}
		noon := d.Add(12 * time.Hour) // the same calendar day in Sweden
		now = func() time.Time { return noon }
	}
	formFile, valuesFile := pos[0], pos[1]

	data, err := readFile(formFile, form.MaxDefinitionSize)
	if err != nil {
		fmt.Fprintf(stderr, "etjanst check: kan inte läsa / cannot read %s: %v\n", formFile, err)
		return exitUsage
	}
	f, err := form.Parse(data)
	if err != nil {
		fmt.Fprintf(stderr, "etjanst check: ogiltigt formulär / invalid form %s:\n", formFile)
		var de *form.DefinitionError
		if errors.As(err, &de) {
			for _, p := range de.Problems {
				printProblem(stderr, formFile, p)
			}
		} else {
			fmt.Fprintf(stderr, "%s: %s\n", formFile, oneLine(err.Error()))
		}
		return exitUsage
	}

	data, err = readFile(valuesFile, form.MaxValuesSize)
	var tooLarge errTooLarge
	switch {
	case errors.As(err, &tooLarge):
		fmt.Fprintf(stdout, "%s: %v (tooLarge)\n", valuesFile, err)
		return exitProblems
	case err != nil:
		fmt.Fprintf(stderr, "etjanst check: kan inte läsa / cannot read %s: %v\n", valuesFile, err)
		return exitUsage
	}

	// DecodeJSON reports unknown fields and values of the wrong JSON type
	// and returns what it could decode; the check reports the rest.
	values, err := form.DecodeJSON(f, data)
	var decodeErrs []form.FieldError
	var ve *form.ValidationError
	switch {
	case errors.As(err, &ve):
		decodeErrs = ve.Fields
	case err != nil:
		fmt.Fprintf(stdout, "%s: %s\n", valuesFile, oneLine(err.Error()))
		return exitProblems
	}
	res, err := f.Check(context.Background(), values, &form.CheckOptions{Now: now})
	if err != nil {
		fmt.Fprintf(stderr, "etjanst check: %s\n", oneLine(err.Error()))
		return exitUsage
	}

	errs := 0
	reported := map[string]bool{}
	for _, fe := range decodeErrs {
		printFieldError(stdout, valuesFile, "", fe, *lang)
		reported[fe.Field] = true
		errs++
	}
	for _, fe := range res.Errors {
		if reported[fe.Field] {
			continue // already reported by the decoder, e.g. "integer" before "required"
		}
		printFieldError(stdout, valuesFile, "", fe, *lang)
		errs++
	}
	for _, fe := range res.Warnings {
		printFieldError(stdout, valuesFile, texts.warning+": ", fe, *lang)
	}

	visible := 0
	for _, s := range res.Steps {
		if s.Visible {
			visible++
		}
	}
	about := fmt.Sprintf(texts.visible, f.ID, f.Version, visible, len(res.Steps))
	switch {
	case errs > 0:
		fmt.Fprintf(stdout, texts.failed+" (%s)\n", errs, len(res.Warnings), about)
		return exitProblems
	case len(res.Warnings) > 0:
		fmt.Fprintf(stdout, texts.okWarnings+" (%s)\n", len(res.Warnings), about)
	default:
		fmt.Fprintf(stdout, "%s (%s)\n", texts.ok, about)
	}
	return exitOK
}

// printFieldError writes "STEP/FIELD: MESSAGE (CODE)" in lang. An error
// without a step (an unknown field) is written "FIELD: ...", one without a
// field (a document that is not JSON) "VALUESFILE: ...".
func printFieldError(w io.Writer, valuesFile, prefix string, fe form.FieldError, lang string) {
	where := valuesFile
	switch {
	case fe.Step != "" && fe.Field != "":
		where = fe.Step + "/" + fe.Field
	case fe.Field != "":
		where = fe.Field
	}
	fmt.Fprintf(w, "%s%s: %s (%s)\n", prefix, where, oneLine(fe.Message.In(lang)), fe.Code)
}
