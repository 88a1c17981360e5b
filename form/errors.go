package form

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Sentinel errors of package form.
var (
	// ErrNotFound is returned by the Registry for an unknown form or version.
	ErrNotFound = errors.New("form: not found")
	// ErrVersionConflict is returned when a registered (ID, Version) is
	// registered again with other content: a published version is immutable.
	ErrVersionConflict = errors.New("form: version already registered with other content")
	// ErrUnknownStep is returned for a step ID the form does not have.
	ErrUnknownStep = errors.New("form: unknown step")
	// ErrValue is returned by value constructors given malformed input.
	ErrValue = errors.New("form: malformed value")
	// ErrTooLarge is returned when a definition or values document exceeds
	// its size cap.
	ErrTooLarge = errors.New("form: input too large")
)

// FieldError is one problem with one answer.
type FieldError struct {
	// Step is the ID of the step holding the field.
	Step string `json:"step"`
	// Field is the path of the field: its ID, or "group[2].field" inside a
	// repeating group (0-based index).
	Field string `json:"field"`
	// Code is stable across releases: "required", "maxLength",
	// "personnummer", ... UIs may translate by Code and Params.
	Code string `json:"code"`
	// Params holds the rule's parameters, e.g. {"max": "200"}.
	Params map[string]string `json:"params,omitempty"`
	// Message explains the problem to the applicant in Swedish and English.
	// It never repeats the value.
	Message Text `json:"message"`
}

// Error returns a one-line description without the field's value.
func (e FieldError) Error() string {
	return fmt.Sprintf("%s/%s: %s", e.Step, e.Field, e.Code)
}

// ValidationError lists every problem found in the answers of a form or a
// step. It is the error returned for invalid citizen input; see
// DefinitionError for mistakes in a form definition.
type ValidationError struct {
	Fields []FieldError `json:"fields"`
}

// Error summarises the problems by path and code.
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("form: invalid values: ")
	for i, f := range e.Fields {
		if i == 5 {
			fmt.Fprintf(&b, " and %d more", len(e.Fields)-5)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(f.Error())
	}
	return b.String()
}

// ByStep groups the field errors by step ID.
func (e *ValidationError) ByStep() map[string][]FieldError {
	out := map[string][]FieldError{}
	for _, f := range e.Fields {
		out[f.Step] = append(out[f.Step], f)
	}
	return out
}

// For returns the errors of one field path.
func (e *ValidationError) For(path string) []FieldError {
	var out []FieldError
	for _, f := range e.Fields {
		if f.Field == path {
			out = append(out, f)
		}
	}
	return out
}

// Problem is one mistake in a form definition.
type Problem struct {
	// Path is a JSON path into the definition, e.g. "steps[1].fields[0].condition.field".
	Path string `json:"path"`
	// Line and Col locate the problem in the JSON source when known (1-based).
	Line int `json:"line,omitempty"`
	Col  int `json:"col,omitempty"`
	// Code is stable: "duplicateId", "unknownReference", "missingText", ...
	Code string `json:"code"`
	// Message explains the problem in English, for the form's author.
	Message string `json:"message"`
}

// String formats the problem as "line:col: path: message".
func (p Problem) String() string {
	var b strings.Builder
	if p.Line > 0 {
		b.WriteString(strconv.Itoa(p.Line))
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(p.Col))
		b.WriteString(": ")
	}
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// DefinitionError lists every problem found in a form definition. It is a
// programmer's or author's mistake, not citizen input.
type DefinitionError struct {
	FormID   string
	Problems []Problem
}

// Error lists the problems, one per line after the first.
func (e *DefinitionError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "form: definition %q has %d problem(s)", e.FormID, len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}
