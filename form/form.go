package form

import "sync"

// Audience is who may use an e-service: a private person acting for
// themselves, or a person representing a company or an association.
type Audience string

// The audiences a form can be offered to.
const (
	AudiencePerson      Audience = "person"
	AudienceCompany     Audience = "company"
	AudienceAssociation Audience = "association"
)

// FieldType is the kind of input a Field collects.
type FieldType string

// The field types. Each type has one canonical Value kind (see Kind).
const (
	TypeText                FieldType = "text"                // one line of text
	TypeTextarea            FieldType = "textarea"            // free text over several lines
	TypeEmail               FieldType = "email"               // an e-mail address
	TypePhone               FieldType = "phone"               // a Swedish (07x..., 08-...) or E.164 (+46...) phone number
	TypeInteger             FieldType = "integer"             // a whole number with optional bounds
	TypeDecimal             FieldType = "decimal"             // a decimal number (comma or point) with optional bounds
	TypeDate                FieldType = "date"                // a calendar date YYYY-MM-DD with optional bounds
	TypeChoice              FieldType = "choice"              // exactly one of Options
	TypeMultiChoice         FieldType = "multichoice"         // any number of Options
	TypeBoolean             FieldType = "boolean"             // a checkbox; Required means it must be checked (samtycke/consent)
	TypePersonnummer        FieldType = "personnummer"        // personnummer or samordningsnummer, stored as 12 digits
	TypeOrganisationsnummer FieldType = "organisationsnummer" // organisationsnummer, stored as 10 digits
	TypePostnummer          FieldType = "postnummer"          // Swedish postal code, stored as "NNN NN"
	TypeFile                FieldType = "file"                // references to attachments (accepted types, max size, max files)
	TypeInfo                FieldType = "info"                // static information text; collects nothing
	TypeGroup               FieldType = "group"               // a repeating group of sub-fields (min/max items)
)

// Form is a versioned definition of a multi-step e-service (e-tjänst). Forms
// are data: the canonical format is JSON (see Parse), editable by people who
// do not write Go. A Form must not be modified after its first use by
// validation or registration.
type Form struct {
	// ID identifies the e-service across versions, e.g. "parkeringstillstand".
	ID string `json:"id"`
	// Version is a positive integer; a registered (ID, Version) never changes.
	Version int `json:"version"`
	// Title and Description are shown in the catalogue and on every step.
	Title       Text `json:"title"`
	Description Text `json:"description,omitzero"`
	// Audience lists who may use the e-service; at least one.
	Audience []Audience `json:"audience"`
	// Assurance is the minimum assurance level of the e-ID login, as a
	// short name ("loa2", "loa3", "loa4", "eidas-sub", "eidas-high") or a
	// Sweden Connect URI. Empty means "loa3".
	Assurance string `json:"assurance,omitempty"`
	// Steps are shown in order; at least one.
	Steps []Step `json:"steps"`

	once     sync.Once
	compiled *compiled
	cerr     error
}

// Step is one page of a form.
type Step struct {
	ID          string `json:"id"`
	Title       Text   `json:"title"`
	Description Text   `json:"description,omitzero"`
	// Condition makes the whole step visible only when it holds. A hidden
	// step is skipped, its values are dropped and it is not validated.
	Condition *Condition `json:"condition,omitempty"`
	Fields    []Field    `json:"fields"`
}

// Field is one question on a step.
type Field struct {
	ID    string    `json:"id"`
	Type  FieldType `json:"type"`
	Label Text      `json:"label"`
	Help  Text      `json:"help,omitzero"`
	// Required fields must have a value before submit (when visible).
	Required bool `json:"required,omitempty"`
	// SoftRequired fields produce a warning when empty but do not block
	// submit (e.g. "telefonnummer, om du vill bli kontaktad").
	SoftRequired bool `json:"softRequired,omitempty"`
	// Rules holds extra validation rules in validator tag syntax, from the
	// allowed set documented on Rules (e.g. "alphanum", "startswith=SE").
	Rules string `json:"rules,omitempty"`
	// MinLength and MaxLength bound text lengths in characters (runes).
	// MaxLength defaults to 200 for text and 4000 for textarea.
	MinLength int `json:"minLength,omitempty"`
	MaxLength int `json:"maxLength,omitempty"`
	// Min and Max bound integer and decimal values, as decimal strings
	// ("0", "1000000.50"), or dates as "YYYY-MM-DD" or relative to the day
	// of validation: "today", "today+30d", "today-18y", "today+6m".
	Min string `json:"min,omitempty"`
	Max string `json:"max,omitempty"`
	// Options are the choices of choice and multichoice fields.
	Options []Option `json:"options,omitempty"`
	// Condition makes the field visible only when it holds.
	Condition *Condition `json:"condition,omitempty"`
	// Prefill names where an initial value comes from (see PrefillSource).
	Prefill PrefillSource `json:"prefill,omitempty"`
	// Sensitivity marks personal or confidential data for secrecy review.
	Sensitivity *Sensitivity `json:"sensitivity,omitempty"`
	// Accept lists the accepted content types of a file field
	// (e.g. "application/pdf", "image/jpeg", "image/*").
	Accept []string `json:"accept,omitempty"`
	// MaxSize is the maximum size in bytes of one file. Defaults to 10 MiB.
	MaxSize int64 `json:"maxSize,omitempty"`
	// MaxFiles is the maximum number of files in a file field. Defaults to 1.
	MaxFiles int `json:"maxFiles,omitempty"`
	// Fields are the sub-fields of a repeating group.
	Fields []Field `json:"fields,omitempty"`
	// MinItems and MaxItems bound the number of items of a group.
	// MaxItems defaults to 20.
	MinItems int `json:"minItems,omitempty"`
	MaxItems int `json:"maxItems,omitempty"`
}

// Option is one choice of a choice or multichoice field.
type Option struct {
	Value string `json:"value"`
	Label Text   `json:"label"`
}

// PrefillSource names a value the application knows about the logged-in
// user, used as the initial value of a field. The library only names the
// sources; the application supplies the values (see Form.Prefill).
type PrefillSource string

// The prefill sources.
const (
	PrefillPersonnummer        PrefillSource = "person.personnummer"
	PrefillGivenName           PrefillSource = "person.givenName"
	PrefillFamilyName          PrefillSource = "person.familyName"
	PrefillFullName            PrefillSource = "person.fullName"
	PrefillEmail               PrefillSource = "contact.email"
	PrefillPhone               PrefillSource = "contact.phone"
	PrefillOrganisationsnummer PrefillSource = "party.organisationsnummer"
	PrefillPartyName           PrefillSource = "party.name"
)

// SensitivityKind classifies the personal or confidential data a field holds.
type SensitivityKind string

// The kinds of sensitive data.
const (
	SensitivityIdentityNumber SensitivityKind = "identityNumber" // personnummer, samordningsnummer
	SensitivityName           SensitivityKind = "name"
	SensitivityContact        SensitivityKind = "contact" // e-mail, phone
	SensitivityAddress        SensitivityKind = "address"
	SensitivityHealth         SensitivityKind = "health" // hälsa, sjukdom, funktionsnedsättning
	SensitivitySocial         SensitivityKind = "socialServices"
	SensitivityFinances       SensitivityKind = "finances"
	SensitivityFreeText       SensitivityKind = "freeText" // may contain anything
	SensitivityPropertyData   SensitivityKind = "property"
	SensitivityOther          SensitivityKind = "other"
)

// Sensitivity tells the secrecy review (sekretessprövning) what a field holds.
type Sensitivity struct {
	// Kind is required.
	Kind SensitivityKind `json:"kind"`
	// Article9 marks special categories of personal data (GDPR art. 9),
	// e.g. health.
	Article9 bool `json:"gdprArticle9,omitempty"`
	// OSL lists the provisions of offentlighets- och sekretesslagen
	// (2009:400) that may apply, as "chapter:section", e.g. "21:1", "25:1".
	OSL []string `json:"osl,omitempty"`
}

// Kind is the kind of a Value.
type Kind uint8

// The value kinds.
const (
	KindNone    Kind = iota // no value
	KindText                // text, textarea, email, phone, choice, personnummer, organisationsnummer, postnummer
	KindInt                 // integer
	KindDecimal             // decimal, kept as a canonical decimal string
	KindDate                // date
	KindBool                // boolean
	KindList                // multichoice: selected option values
	KindFiles               // file: attachment references
	KindGroup               // group: items
)

var kindNames = [...]string{"none", "text", "integer", "decimal", "date", "boolean", "list", "files", "group"}

// String returns the kind's name.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Kind returns the value kind a field of type t holds. Info fields hold none.
func (t FieldType) Kind() Kind {
	switch t {
	case TypeText, TypeTextarea, TypeEmail, TypePhone, TypeChoice, TypePersonnummer,
		TypeOrganisationsnummer, TypePostnummer:
		return KindText
	case TypeInteger:
		return KindInt
	case TypeDecimal:
		return KindDecimal
	case TypeDate:
		return KindDate
	case TypeBoolean:
		return KindBool
	case TypeMultiChoice:
		return KindList
	case TypeFile:
		return KindFiles
	case TypeGroup:
		return KindGroup
	}
	return KindNone
}

// Valid reports whether t is a known field type.
func (t FieldType) Valid() bool { return t == TypeInfo || t.Kind() != KindNone }

// Step returns the step with the given ID, or nil.
func (f *Form) Step(id string) *Step {
	for i := range f.Steps {
		if f.Steps[i].ID == id {
			return &f.Steps[i]
		}
	}
	return nil
}

// Accepts reports whether the form is offered to audience a.
func (f *Form) Accepts(a Audience) bool {
	for _, x := range f.Audience {
		if x == a {
			return true
		}
	}
	return false
}
