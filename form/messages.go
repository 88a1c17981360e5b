package form

import (
	"strconv"
	"strings"
)

// codeMessages holds the applicant-facing message of each FieldError code.
// "{name}" is replaced by the parameter of that name.
var codeMessages = map[string]Text{
	"required":            T("Fältet måste fyllas i.", "This field is required."),
	"mustAccept":          T("Du måste kryssa i rutan för att gå vidare.", "You must tick the box to continue."),
	"recommended":         T("Vi rekommenderar att du fyller i fältet.", "We recommend that you fill in this field."),
	"type":                T("Värdet har fel form för fältet.", "The value has the wrong form for this field."),
	"integer":             T("Ange ett heltal, till exempel 12.", "Enter a whole number, for example 12."),
	"decimal":             T("Ange ett tal, till exempel 12,5.", "Enter a number, for example 12.5."),
	"date":                T("Ange ett datum som ÅÅÅÅ-MM-DD.", "Enter a date as YYYY-MM-DD."),
	"boolean":             T("Ange ja eller nej.", "Answer yes or no."),
	"email":               T("Ange en giltig e-postadress, till exempel namn@exempel.se.", "Enter a valid email address, for example name@example.com."),
	"phone":               T("Ange ett giltigt telefonnummer, till exempel 070-123 45 67 eller +46 70 123 45 67.", "Enter a valid phone number, for example +46 70 123 45 67."),
	"personnummer":        T("Ange ett giltigt personnummer eller samordningsnummer (ÅÅÅÅMMDD-NNNN).", "Enter a valid Swedish personal identity or co-ordination number (YYYYMMDD-NNNN)."),
	"organisationsnummer": T("Ange ett giltigt organisationsnummer (NNNNNN-NNNN).", "Enter a valid Swedish organisation number (NNNNNN-NNNN)."),
	"postnummer":          T("Ange ett giltigt postnummer (NNN NN).", "Enter a valid Swedish postal code (NNN NN)."),
	"choice":              T("Välj ett av alternativen.", "Choose one of the options."),
	"duplicateChoice":     T("Samma alternativ är valt flera gånger.", "The same option is chosen more than once."),
	"min":                 T("Värdet får inte vara mindre än {min}.", "The value must be at least {min}."),
	"max":                 T("Värdet får inte vara större än {max}.", "The value must be at most {max}."),
	"minDate":             T("Datumet får inte vara före {min}.", "The date must not be before {min}."),
	"maxDate":             T("Datumet får inte vara efter {max}.", "The date must not be after {max}."),
	"minLength":           T("Skriv minst {min} tecken.", "Enter at least {min} characters."),
	"maxLength":           T("Skriv högst {max} tecken.", "Enter at most {max} characters."),
	"invalidCharacters":   T("Texten innehåller otillåtna tecken.", "The text contains characters that are not allowed."),
	"minItems":            T("Lägg till minst {min} rader.", "Add at least {min} items."),
	"maxItems":            T("Du kan lägga till högst {max} rader.", "You can add at most {max} items."),
	"minChoices":          T("Välj minst {min} alternativ.", "Choose at least {min} options."),
	"maxChoices":          T("Välj högst {max} alternativ.", "Choose at most {max} options."),
	"fileType":            T("Filtypen är inte tillåten. Tillåtna typer: {accept}.", "This file type is not allowed. Allowed types: {accept}."),
	"fileSize":            T("Filen är för stor. Största tillåtna storlek är {maxText}.", "The file is too large. The largest allowed size is {maxText}."),
	"maxFiles":            T("Du kan bifoga högst {max} filer.", "You can attach at most {max} files."),
	"file":                T("Filreferensen är ogiltig.", "The file reference is invalid."),
	"unknownField":        T("Fältet finns inte i e-tjänsten.", "The field does not exist in this e-service."),
	"notAllowed":          T("Fältet tar inte emot något värde.", "This field takes no value."),
}

// message renders the message of code with params. Rule codes use the
// rule's own message.
func message(code string, params map[string]string) Text {
	t, ok := codeMessages[code]
	if !ok {
		if r, ok := Rules[code]; ok {
			t = r.Message
		} else {
			t = T("Värdet är ogiltigt.", "The value is invalid.")
		}
	}
	if len(params) == 0 {
		return t
	}
	for k, v := range params {
		t.SV = strings.ReplaceAll(t.SV, "{"+k+"}", v)
		t.EN = strings.ReplaceAll(t.EN, "{"+k+"}", v)
	}
	return t
}

// completenessCodes are the codes that only say something is missing; a
// partial check (saving a draft) does not report them.
var completenessCodes = map[string]bool{"required": true, "mustAccept": true, "minItems": true, "minChoices": true}

// byteSize formats a size for people: "512 byte", "300 kB", "10 MB".
func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MB"
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	case n >= 1<<10:
		return strconv.FormatInt(n>>10, 10) + " kB"
	}
	return strconv.FormatInt(n, 10) + " byte"
}
