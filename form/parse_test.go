package form_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/form"
)

const minimal = `{
  "id": "bygglov",
  "version": 1,
  "title": {"sv": "Ansökan", "en": "Application"},
  "audience": ["person"],
  "steps": [
    {"id": "s1", "title": "Steg 1", "fields": [
      {"id": "name", "type": "text", "label": "Namn"}
    ]}
  ]
}`

func problems(t *testing.T, err error) []form.Problem {
	t.Helper()
	var de *form.DefinitionError
	require.ErrorAs(t, err, &de)
	return de.Problems
}

func TestParseMinimal(t *testing.T) {
	t.Parallel()
	f, err := form.Parse([]byte(minimal))
	require.NoError(t, err)
	require.Equal(t, "bygglov", f.ID)
	require.Equal(t, "Application", f.Title.In("en"))
	require.Equal(t, "Namn", f.Steps[0].Fields[0].Label.In("en"), "English falls back to Swedish")
	require.Equal(t, "loa3", f.AssuranceName())
}

func TestParseStrictDecoding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name            string
		def             string
		path, code      string
		line, col       int
		messageContains string
	}{
		{"unknown key with path and position", strings.Replace(minimal, `"type": "text"`, `"type": "text", "colour": "red"`, 1),
			"steps[0].fields[0].colour", "unknownKey", 8, 38, "colour"},
		{"unknown top-level key", strings.Replace(minimal, `"version": 1,`, `"version": 1, "owner": "x",`, 1),
			"owner", "unknownKey", 3, 17, "owner"},
		{"wrong type", strings.Replace(minimal, `"version": 1`, `"version": "1"`, 1),
			"version", "wrongType", 3, 3, "integer"},
		{"duplicate key", strings.Replace(minimal, `"version": 1,`, `"version": 1, "version": 2,`, 1),
			"version", "duplicateKey", 3, 17, "twice"},
		{"syntax error", strings.Replace(minimal, `"audience": ["person"],`, `"audience": ["person"`, 1),
			"audience[1]", "invalidJSON", 6, 3, "invalid character"},
		{"truncated", minimal[:40], "", "invalidJSON", 0, 0, "end of JSON"},
		{"text of wrong type", strings.Replace(minimal, `"label": "Namn"`, `"label": 7`, 1),
			"steps[0].fields[0].label", "wrongType", 8, 38, "text"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := form.Parse([]byte(tc.def))
			ps := problems(t, err)
			require.NotEmpty(t, ps)
			p := ps[0]
			require.Equal(t, tc.code, p.Code, p.String())
			if tc.path != "" {
				require.Equal(t, tc.path, p.Path)
			}
			if tc.line > 0 {
				require.Equal(t, tc.line, p.Line, p.String())
				require.Equal(t, tc.col, p.Col, p.String())
			}
			require.Contains(t, p.Message, tc.messageContains)
		})
	}
}

func TestParseTooLarge(t *testing.T) {
	t.Parallel()
	big := make([]byte, form.MaxDefinitionSize+1)
	_, err := form.Parse(big)
	require.ErrorIs(t, err, form.ErrTooLarge)
}

func TestParseNestingIsCapped(t *testing.T) {
	t.Parallel()
	deep := strings.Replace(minimal, `"label": "Namn"`, `"label": "Namn", "condition": `+strings.Repeat(`{"not":`, 100)+`{"field":"x","op":"isSet"}`+strings.Repeat("}", 100), 1)
	ps := problems(t, func() error { _, err := form.Parse([]byte(deep)); return err }())
	require.Equal(t, "tooDeep", ps[0].Code)
}

// lintCase modifies a valid definition and expects one problem code at a path.
type lintCase struct {
	name   string
	mutate func(f *form.Form)
	path   string
	code   string
}

func TestLint(t *testing.T) {
	t.Parallel()
	cond := func(field string, op form.Op, v any) *form.Condition {
		return &form.Condition{Field: field, Op: op, Value: v}
	}
	tests := []lintCase{
		{"bad form id", func(f *form.Form) { f.ID = "1 bad" }, "id", "invalidId"},
		{"version zero", func(f *form.Form) { f.Version = 0 }, "version", "invalidVersion"},
		{"missing sv title", func(f *form.Form) { f.Title = form.Text{EN: "x"} }, "title.sv", "missingText"},
		{"no audience", func(f *form.Form) { f.Audience = nil }, "audience", "missingAudience"},
		{"bad audience", func(f *form.Form) { f.Audience = []form.Audience{"alien"} }, "audience[0]", "invalidAudience"},
		{"bad assurance", func(f *form.Form) { f.Assurance = "loa9" }, "assurance", "invalidAssurance"},
		{"duplicate step id", func(f *form.Form) { f.Steps[1].ID = "applicant" }, "steps[1].id", "duplicateId"},
		{"duplicate field id across steps", func(f *form.Form) { f.Steps[1].Fields[0].ID = "name" }, "steps[1].fields[0].id", "duplicateId"},
		{"duplicate sub-field id", func(f *form.Form) { f.Steps[2].Fields[0].Fields[1].ID = "kidName" }, "steps[2].fields[0].fields[1].id", "duplicateId"},
		{"sub-field shadows a field", func(f *form.Form) { f.Steps[2].Fields[0].Fields[1].ID = "email" }, "steps[2].fields[0].fields[1].id", "duplicateId"},
		{"missing label", func(f *form.Form) { f.Steps[0].Fields[0].Label = form.Text{} }, "steps[0].fields[0].label.sv", "missingText"},
		{"unknown type", func(f *form.Form) { f.Steps[0].Fields[0].Type = "colour" }, "steps[0].fields[0].type", "invalidType"},
		{"duplicate option value", func(f *form.Form) { f.Steps[1].Fields[0].Options[1].Value = "driver" }, "steps[1].fields[0].options[1].value", "duplicateOption"},
		{"choice without options", func(f *form.Form) { f.Steps[1].Fields[0].Options = nil }, "steps[1].fields[0].options", "missingOptions"},
		{"options on text", func(f *form.Form) { f.Steps[0].Fields[0].Options = []form.Option{opt("a")} }, "steps[0].fields[0].options", "unexpectedOptions"},
		{"unknown rule", func(f *form.Form) { f.Steps[0].Fields[6].Rules = "alphanum,shiny" }, "steps[0].fields[6].rules", "invalidRules"},
		{"rule missing param", func(f *form.Form) { f.Steps[0].Fields[6].Rules = "startswith" }, "steps[0].fields[6].rules", "invalidRules"},
		{"rule with or-syntax", func(f *form.Form) { f.Steps[0].Fields[6].Rules = "startswith=a|b" }, "steps[0].fields[6].rules", "invalidRules"},
		{"rules on integer", func(f *form.Form) { f.Steps[1].Fields[1].Rules = "alphanum" }, "steps[1].fields[1].rules", "unexpectedRules"},
		{"min above max", func(f *form.Form) { f.Steps[1].Fields[1].Min = "6000" }, "steps[1].fields[1].min", "invalidBound"},
		{"decimal bound on integer", func(f *form.Form) { f.Steps[1].Fields[1].Max = "10.5" }, "steps[1].fields[1].max", "invalidBound"},
		{"bad date bound", func(f *form.Form) { f.Steps[1].Fields[3].Max = "tomorrow" }, "steps[1].fields[3].max", "invalidBound"},
		{"min on text", func(f *form.Form) { f.Steps[0].Fields[0].Min = "1" }, "steps[0].fields[0].min", "unexpectedBound"},
		{"file without accept", func(f *form.Form) { f.Steps[1].Fields[7].Accept = nil }, "steps[1].fields[7].accept", "missingAccept"},
		{"bad accept", func(f *form.Form) { f.Steps[1].Fields[7].Accept = []string{"pdf"} }, "steps[1].fields[7].accept[0]", "invalidAccept"},
		{"sensitive without kind", func(f *form.Form) { f.Steps[1].Fields[5].Sensitivity.Kind = "" }, "steps[1].fields[5].sensitivity.kind", "sensitiveWithoutKind"},
		{"bad OSL reference", func(f *form.Form) { f.Steps[1].Fields[5].Sensitivity.OSL = []string{"kap 25"} }, "steps[1].fields[5].sensitivity.osl[0]", "invalidOSL"},
		{"bad prefill", func(f *form.Form) { f.Steps[0].Fields[1].Prefill = "person.shoeSize" }, "steps[0].fields[1].prefill", "invalidPrefill"},
		{"prefill type mismatch", func(f *form.Form) { f.Steps[1].Fields[1].Prefill = form.PrefillEmail }, "steps[1].fields[1].prefill", "invalidPrefill"},
		{"required and soft-required", func(f *form.Form) { f.Steps[0].Fields[0].SoftRequired = true }, "steps[0].fields[0].softRequired", "invalidRequired"},
		{"condition to unknown field", func(f *form.Form) { f.Steps[1].Fields[1].Condition = cond("nope", form.OpIsSet, nil) }, "steps[1].fields[1].condition.field", "unknownReference"},
		{"condition to a later field", func(f *form.Form) { f.Steps[1].Fields[0].Condition = cond("distance", form.OpIsSet, nil) }, "steps[1].fields[0].condition.field", "unknownReference"},
		{"condition to itself (cycle)", func(f *form.Form) { f.Steps[1].Fields[1].Condition = cond("distance", form.OpIsSet, nil) }, "steps[1].fields[1].condition.field", "unknownReference"},
		{"step condition to its own field", func(f *form.Form) { f.Steps[1].Condition = cond("role", form.OpIsSet, nil) }, "steps[1].condition.field", "unknownReference"},
		{"value not an option", func(f *form.Form) { f.Steps[1].Fields[1].Condition = cond("role", form.OpEquals, "pilot") }, "steps[1].fields[1].condition.value", "unsatisfiable"},
		{"number against text", func(f *form.Form) { f.Steps[1].Fields[1].Condition = cond("name", form.OpEquals, 3) }, "steps[1].fields[1].condition.value", "unsatisfiable"},
		{"greaterThan on text", func(f *form.Form) { f.Steps[1].Fields[1].Condition = cond("name", form.OpGreaterThan, 3) }, "steps[1].fields[1].condition.op", "unsatisfiable"},
		{"contradictory all", func(f *form.Form) {
			f.Steps[1].Fields[2].Condition = &form.Condition{All: []form.Condition{*cond("role", form.OpEquals, "driver"), *cond("role", form.OpEquals, "passenger")}}
		}, "steps[1].fields[2].condition", "unsatisfiable"},
		{"malformed condition", func(f *form.Form) { f.Steps[1].Fields[1].Condition = &form.Condition{Field: "role"} }, "steps[1].fields[1].condition", "invalidCondition"},
		{"unknown op", func(f *form.Form) { f.Steps[1].Fields[1].Condition = cond("role", "like", "x") }, "steps[1].fields[1].condition", "invalidCondition"},
		{"nested group", func(f *form.Form) {
			f.Steps[2].Fields[0].Fields = append(f.Steps[2].Fields[0].Fields, form.Field{ID: "inner", Type: form.TypeGroup, Label: form.T("x", "x"), Fields: []form.Field{{ID: "y", Type: form.TypeText, Label: form.T("y", "y")}}})
		}, "steps[2].fields[0].fields[3].type", "nestedGroup"},
		{"group min above max", func(f *form.Form) { f.Steps[2].Fields[0].MinItems = 5 }, "steps[2].fields[0].minItems", "invalidBound"},
		{"required info", func(f *form.Form) { f.Steps[1].Fields[6].Required = true }, "steps[1].fields[6].required", "invalidRequired"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := testForm()
			require.Empty(t, f.Lint(), "the base form is clean")
			f = testForm()
			tc.mutate(f)
			ps := f.Lint()
			found := false
			for _, p := range ps {
				if p.Path == tc.path && p.Code == tc.code {
					found = true
				}
			}
			require.True(t, found, "want %s at %s, got %v", tc.code, tc.path, ps)
		})
	}
}

func TestLintReportsEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	f := testForm()
	f.Title = form.Text{}
	f.Steps[1].ID = "applicant"
	f.Steps[1].Fields[0].Options[1].Value = "driver"
	f.Steps[1].Fields[5].Sensitivity.Kind = ""
	require.GreaterOrEqual(t, len(f.Lint()), 4)
	err := f.Err()
	var de *form.DefinitionError
	require.ErrorAs(t, err, &de)
	require.Contains(t, err.Error(), "used twice")
	require.Contains(t, err.Error(), "needs a kind")
}

func TestParseLocatesLintProblems(t *testing.T) {
	t.Parallel()
	def := strings.Replace(minimal, `{"id": "name", "type": "text", "label": "Namn"}`,
		`{"id": "name", "type": "text", "label": "Namn"},
      {"id": "name", "type": "text", "label": "Igen"}`, 1)
	ps := problems(t, func() error { _, err := form.Parse([]byte(def)); return err }())
	require.Len(t, ps, 1)
	require.Equal(t, "duplicateId", ps[0].Code)
	require.Equal(t, 9, ps[0].Line)
	require.Contains(t, ps[0].String(), "9:")
}

func TestFormJSONRoundTrip(t *testing.T) {
	t.Parallel()
	f := testForm()
	data, err := json.Marshal(f)
	require.NoError(t, err)
	g, err := form.Parse(data)
	require.NoError(t, err, "a marshalled form parses strictly")
	again, err := json.Marshal(g)
	require.NoError(t, err)
	require.JSONEq(t, string(data), string(again))
	require.False(t, errors.Is(err, form.ErrTooLarge))
}
