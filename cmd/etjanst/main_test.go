// The tests call run directly, so they live in package main: a command has
// no importable API.
package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/examples/forms"
	"github.com/etjanst/etjanst/form"
)

const examples = "../../examples/forms/"

// write creates a file with content in a new temporary directory.
func write(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
	return p
}

type runResult struct {
	code           int
	stdout, stderr string
}

func runArgs(args ...string) runResult {
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return runResult{code, out.String(), errOut.String()}
}

// brokenForm has an unknown key on line 9 and, once that is fixed, lint
// problems; both are reported with their position.
const brokenForm = `{
  "id": "trasig",
  "version": 1,
  "title": {"sv": "Trasig", "en": "Broken"},
  "audience": ["person"],
  "steps": [
    {"id": "steg1", "title": {"sv": "Steg"}, "fields": [
      {"id": "namn", "type": "text", "label": {"sv": "Namn"},
       "requird": true}
    ]}
  ]
}
`

const lintProblemsForm = `{
  "id": "trasig",
  "version": 1,
  "title": {"sv": "Trasig"},
  "audience": ["person"],
  "steps": [
    {"id": "steg1", "title": {"sv": "Steg"}, "fields": [
      {"id": "namn", "type": "text", "label": {"sv": "Namn"}},
      {"id": "namn", "type": "text", "label": {"sv": "Namn igen"},
       "condition": {"field": "senare", "op": "isSet"}}
    ]}
  ]
}
`

func TestRun(t *testing.T) {
	t.Parallel()
	broken := write(t, "broken.json", brokenForm)
	problems := write(t, "problems.json", lintProblemsForm)
	syntax := write(t, "syntax.json", "{\n  \"id\": \"x\",\n  \"version\": 1,,\n}\n")
	huge := write(t, "huge.json", `{"id": "`+strings.Repeat("x", form.MaxDefinitionSize)+`"}`)
	dup := write(t, "copy.json", mustRead(t, examples+"varmepump.json"))
	notJSON := write(t, "values.json", "inte json")
	unknown := write(t, "unknown.json", `{"fabrikat": "X", "finnsInte": 1}`)
	wrongType := write(t, "wrong.json", `{"varmekalla": "berg", "effekt": 12.5, "koldbarareMangd": true}`)
	dir := t.TempDir()
	missing := filepath.Join(dir, "saknas.json")
	today := "-today=" + forms.SampleDate

	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantOut    []string // substrings of stdout
		wantOutRE  []string // regexps matching whole lines of stdout
		wantErr    []string // substrings of stderr
		wantNotOut []string
	}{
		{name: "no arguments", args: nil, wantCode: 2, wantErr: []string{"Användning / Usage", "etjanst lint", "etjanst check"}},
		{name: "-h", args: []string{"-h"}, wantCode: 0, wantOut: []string{"Användning / Usage", "Slutstatus / Exit status"}},
		{name: "--help", args: []string{"--help"}, wantCode: 0, wantOut: []string{"Användning / Usage"}},
		{name: "help", args: []string{"help"}, wantCode: 0, wantOut: []string{"Användning / Usage"}},
		{name: "unknown command", args: []string{"bygg"}, wantCode: 2, wantErr: []string{`okänt kommando / unknown command "bygg"`, "Användning / Usage"}},

		{name: "lint without files", args: []string{"lint"}, wantCode: 2, wantErr: []string{"give at least one file"}},
		{name: "lint -h", args: []string{"lint", "-h"}, wantCode: 0, wantOut: []string{"FILE:LINE:COL: PATH: MESSAGE [CODE]"}},
		{name: "lint bad flag", args: []string{"lint", "-x", "a.json"}, wantCode: 2, wantErr: []string{"flag provided but not defined: -x"}},
		{
			name:     "lint the examples",
			args:     []string{"lint", examples + "parkeringstillstand.json", examples + "foreningsbidrag.json", examples + "varmepump.json"},
			wantCode: 0,
			wantOutRE: []string{
				`\.\./\.\./examples/forms/parkeringstillstand\.json: ok \(parkeringstillstand v1, 6 steps, \d+ fields\)`,
				`\.\./\.\./examples/forms/varmepump\.json: ok \(varmepump v1, 8 steps, \d+ fields\)`,
				`ok: 3 file\(s\)`,
			},
		},
		{
			name:       "lint an unknown key",
			args:       []string{"lint", broken},
			wantCode:   1,
			wantOutRE:  []string{regexp.QuoteMeta(broken) + `:9:8: steps\[0\]\.fields\[0\]\.requird: unknown key "requird" \(known: .*\) \[unknownKey\]`, `1 problem\(s\) in 1 of 1 file\(s\)`},
			wantNotOut: []string{": ok"},
		},
		{
			name:     "lint problems",
			args:     []string{"lint", problems},
			wantCode: 1,
			wantOutRE: []string{
				regexp.QuoteMeta(problems) + `:10:22: steps\[0\]\.fields\[1\]\.condition\.field: condition refers to "senare", which is not an earlier field .* \[unknownReference\]`,
				regexp.QuoteMeta(problems) + `:9:8: steps\[0\]\.fields\[1\]\.id: field id "namn" is already used at steps\[0\]\.fields\[0\] \[duplicateId\]`,
				`2 problem\(s\) in 1 of 1 file\(s\)`,
			},
		},
		{
			name:      "lint a syntax error",
			args:      []string{"lint", syntax},
			wantCode:  1,
			wantOutRE: []string{regexp.QuoteMeta(syntax) + `:3:16: invalid character ',' .* \[invalidJSON\]`},
		},
		{
			name:      "lint a file over the cap",
			args:      []string{"lint", huge},
			wantCode:  1,
			wantOutRE: []string{regexp.QuoteMeta(huge) + `: större än / larger than 1048576 byte\(s\) \[tooLarge\]`},
		},
		{
			name:      "lint the same version twice",
			args:      []string{"lint", examples + "varmepump.json", dup},
			wantCode:  1,
			wantOutRE: []string{regexp.QuoteMeta(dup) + `: version: form "varmepump" version 1 is also defined in \.\./\.\./examples/forms/varmepump\.json \[duplicateVersion\]`},
		},
		{name: "lint a missing file", args: []string{"lint", missing}, wantCode: 2, wantErr: []string{"cannot read " + missing + ": no such file or directory"}},
		{name: "lint a directory", args: []string{"lint", dir}, wantCode: 2, wantErr: []string{"cannot read " + dir}},
		{
			name:     "lint a missing file among good ones",
			args:     []string{"lint", examples + "varmepump.json", missing},
			wantCode: 2,
			wantOut:  []string{"varmepump.json: ok"},
			wantErr:  []string{"cannot read " + missing},
		},

		{
			name:     "check the valid parking permit",
			args:     []string{"check", today, examples + "parkeringstillstand.json", examples + "values/parkeringstillstand.valid.json"},
			wantCode: 0,
			wantOutRE: []string{
				`OK: svaren är kompletta och giltiga \(parkeringstillstand v1, 5 av 6 steg visas\)`,
			},
		},
		{
			name:      "check the valid association grant in English",
			args:      []string{"check", "-lang", "en", today, examples + "foreningsbidrag.json", examples + "values/foreningsbidrag.valid.json"},
			wantCode:  0,
			wantOutRE: []string{`OK: the answers are complete and valid \(foreningsbidrag v1, 8 of 8 steps shown\)`},
		},
		{
			name:     "check the valid heat pump with flags last",
			args:     []string{"check", examples + "varmepump.json", examples + "values/varmepump.valid.json", today},
			wantCode: 0,
			wantOut:  []string{"OK: svaren är kompletta och giltiga (varmepump v1, 7 av 8 steg visas)"},
		},
		{
			name:     "check the invalid parking permit in Swedish",
			args:     []string{"check", today, examples + "parkeringstillstand.json", examples + "values/parkeringstillstand.invalid.json"},
			wantCode: 1,
			wantOutRE: []string{
				`sokande/personnummer: Ange ett giltigt personnummer eller samordningsnummer \(ÅÅÅÅMMDD-NNNN\)\. \(personnummer\)`,
				`tillstand/tidigareTillstand\[0\]\.tillstandsnummer: Får bara innehålla bokstäver a–z och siffror\. \(alphanum\)`,
				`tillstand/giltigFran: Datumet får inte vara före 2026-11-25\. \(minDate\)`,
				`granska/intygande: Du måste kryssa i rutan för att gå vidare\. \(mustAccept\)`,
				`varning: sokande/telefon: Vi rekommenderar att du fyller i fältet\. \(recommended\)`,
				`14 fel och 2 varning\(ar\) \(parkeringstillstand v1, 6 av 6 steg visas\)`,
			},
			wantNotOut: []string{"19780101-2382", "testa.testsson@", "UPS-2023/145"},
		},
		{
			name:     "check the invalid parking permit in English",
			args:     []string{"check", "-lang=en", today, examples + "parkeringstillstand.json", examples + "values/parkeringstillstand.invalid.json"},
			wantCode: 1,
			wantOutRE: []string{
				`sokande/personnummer: Enter a valid Swedish personal identity or co-ordination number \(YYYYMMDD-NNNN\)\. \(personnummer\)`,
				`halsa/gangstracka: The value must be at most 5000\. \(max\)`,
				`warning: resor/resmal: We recommend that you fill in this field\. \(recommended\)`,
				`14 error\(s\) and 2 warning\(s\) \(parkeringstillstand v1, 6 of 6 steps shown\)`,
			},
			wantNotOut: []string{"Fältet", "varning:"},
		},
		{
			name:     "check the invalid association grant with an unknown field",
			args:     []string{"check", "-lang", "en", today, examples + "foreningsbidrag.json", examples + "values/foreningsbidrag.invalid.json"},
			wantCode: 1,
			wantOutRE: []string{
				`medlemmarTotalt: The field does not exist in this e-service\. \(unknownField\)`,
				`verksamhet/medlemmar7till20: Enter a whole number, for example 12\. \(integer\)`,
				`20 error\(s\) and 0 warning\(s\) .*`,
			},
		},
		{
			name:      "check a heat pump with the sample date passed",
			args:      []string{"check", "-today", "2027-03-16", examples + "varmepump.json", examples + "values/varmepump.valid.json"},
			wantCode:  1,
			wantOutRE: []string{`anlaggning/installationsdatum: Datumet får inte vara före 2027-03-16\. \(minDate\)`, `1 fel och 0 varning\(ar\) .*`},
		},
		{
			name:     "check warnings only",
			args:     []string{"check", today, examples + "varmepump.json", write(t, "warn.json", strings.Replace(mustRead(t, examples+"values/varmepump.valid.json"), `"modell": "EV 12",`, "", 1))},
			wantCode: 0,
			wantOutRE: []string{
				`varning: anlaggning/modell: Vi rekommenderar att du fyller i fältet\. \(recommended\)`,
				`OK med 1 varning\(ar\): svaren är kompletta och giltiga \(varmepump v1, 7 av 8 steg visas\)`,
			},
		},
		{
			name:      "check values that are not JSON",
			args:      []string{"check", today, examples + "varmepump.json", notJSON},
			wantCode:  1,
			wantOutRE: []string{regexp.QuoteMeta(notJSON) + `: Svaren är inte giltig JSON\. \(json\)`},
		},
		{
			name:     "check decode errors are reported once",
			args:     []string{"check", "-lang", "en", today, examples + "varmepump.json", wrongType},
			wantCode: 1,
			wantOutRE: []string{
				`anlaggning/koldbarareMangd: Enter a number, for example 12\.5\. \(decimal\)`,
				`anlaggning/fabrikat: This field is required\. \(required\)`,
			},
			wantNotOut: []string{"anlaggning/koldbarareMangd: This field is required."},
		},
		{
			name:      "check unknown fields",
			args:      []string{"check", today, examples + "varmepump.json", unknown},
			wantCode:  1,
			wantOutRE: []string{`finnsInte: Fältet finns inte i e-tjänsten\. \(unknownField\)`},
		},
		{name: "check -h", args: []string{"check", "-h"}, wantCode: 0, wantOut: []string{"STEP/FIELD: MESSAGE (CODE)", "-lang sv|en"}},
		{name: "check one file", args: []string{"check", examples + "varmepump.json"}, wantCode: 2, wantErr: []string{"give one form and one answers file"}},
		{name: "check three files", args: []string{"check", "a", "b", "c"}, wantCode: 2, wantErr: []string{"give one form and one answers file"}},
		{name: "check bad language", args: []string{"check", "-lang", "de", "a", "b"}, wantCode: 2, wantErr: []string{"-lang måste vara / must be sv or en"}},
		{name: "check bad date", args: []string{"check", "-today", "25/11/2026", "a", "b"}, wantCode: 2, wantErr: []string{"-today måste vara / must be YYYY-MM-DD"}},
		{name: "check a missing form", args: []string{"check", missing, examples + "values/varmepump.valid.json"}, wantCode: 2, wantErr: []string{"cannot read " + missing}},
		{name: "check missing values", args: []string{"check", examples + "varmepump.json", missing}, wantCode: 2, wantErr: []string{"cannot read " + missing}},
		{
			name:     "check against a broken form",
			args:     []string{"check", broken, examples + "values/varmepump.valid.json"},
			wantCode: 2,
			wantErr:  []string{"invalid form " + broken, broken + ":9:8: steps[0].fields[0].requird: unknown key"},
		},
		{
			name:     "check with -- before the files",
			args:     []string{"check", today, "--", examples + "varmepump.json", examples + "values/varmepump.valid.json"},
			wantCode: 0,
			wantOut:  []string{"OK: svaren är kompletta och giltiga"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := runArgs(tt.args...)
			require.Equal(t, tt.wantCode, got.code, "stdout:\n%s\nstderr:\n%s", got.stdout, got.stderr)
			for _, s := range tt.wantOut {
				require.Contains(t, got.stdout, s)
			}
			lines := strings.Split(got.stdout, "\n")
			for _, re := range tt.wantOutRE {
				rx := regexp.MustCompile("^" + re + "$")
				found := false
				for _, l := range lines {
					found = found || rx.MatchString(l)
				}
				require.True(t, found, "no line of stdout matches %s:\n%s", re, got.stdout)
			}
			for _, s := range tt.wantErr {
				require.Contains(t, got.stderr, s)
			}
			for _, s := range tt.wantNotOut {
				require.NotContains(t, got.stdout, s)
			}
		})
	}
}

// Every error line of check has the documented shape.
func TestCheckLineFormat(t *testing.T) {
	t.Parallel()
	line := regexp.MustCompile(`^(varning: )?[a-zA-Z][a-zA-Z0-9_-]*/[a-zA-Z][a-zA-Z0-9_\-\[\].]*: .+ \([a-zA-Z_]+\)$`)
	for _, id := range forms.IDs() {
		got := runArgs("check", "-today", forms.SampleDate, examples+id+".json", examples+"values/"+id+".invalid.json")
		require.Equal(t, 1, got.code)
		lines := strings.Split(strings.TrimSpace(got.stdout), "\n")
		require.Greater(t, len(lines), 5)
		for _, l := range lines[:len(lines)-1] {
			if strings.HasPrefix(l, "medlemmarTotalt: ") {
				continue // an unknown field has no step
			}
			require.Regexp(t, line, l)
		}
	}
}

func mustRead(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	return string(b)
}
