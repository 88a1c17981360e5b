package form

import (
	"bytes"
	"encoding/json"
	"errors"
)

// Text is a user-facing text in Swedish (required) with an optional English
// version. In JSON it is an object {"sv": "...", "en": "..."}; a plain string
// is accepted as the Swedish text.
type Text struct {
	SV string `json:"sv"`
	EN string `json:"en,omitempty"`
}

// T is shorthand for a Text with both languages.
func T(sv, en string) Text { return Text{SV: sv, EN: en} }

// In returns the text in lang ("sv" or "en"), falling back to Swedish when
// the English text is missing.
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" {
		return t.EN
	}
	return t.SV
}

// IsZero reports whether neither language has a text.
func (t Text) IsZero() bool { return t.SV == "" && t.EN == "" }

// String returns the Swedish text.
func (t Text) String() string { return t.SV }

// UnmarshalJSON accepts an object with sv and en, or a plain string (Swedish).
func (t *Text) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '"' {
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
		*t = Text{SV: s}
		return nil
	}
	if len(data) == 0 || data[0] != '{' {
		return errors.New("text must be a string or an object with \"sv\" and \"en\"")
	}
	type plain Text
	var p plain
	if err := json.Unmarshal(data, &p); err != nil {
		return err
	}
	*t = Text(p)
	return nil
}
