package form_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/etjanst/etjanst/form"
)

func ExampleParse() {
	f, err := form.Parse([]byte(`{
	  "id": "bygglov", "version": 1, "title": {"sv": "Bygglov", "en": "Building permit"},
	  "audience": ["person"],
	  "steps": [{"id": "s1", "title": "Sökande", "fields": [
	    {"id": "namn", "type": "text", "label": "Namn", "colour": "red"},
	    {"id": "namn", "type": "text", "label": "Namn igen"}
	  ]}]
	}`))
	fmt.Println(f == nil)
	fmt.Println(err)
	// Output:
	// true
	// form: definition "bygglov" has 1 problem(s)
	//   5:54: steps[0].fields[0].colour: unknown key "colour" (known: accept, condition, fields, help, id, label, max, maxFiles, maxItems, maxLength, maxSize, min, minItems, minLength, options, prefill, required, rules, sensitivity, softRequired, type)
}

func ExampleForm_ValidateStep() {
	f := &form.Form{
		ID: "anmalan", Version: 1, Title: form.T("Anmälan", "Notification"),
		Audience: []form.Audience{form.AudiencePerson},
		Steps: []form.Step{{ID: "sokande", Title: form.T("Sökande", "Applicant"), Fields: []form.Field{
			{ID: "pnr", Type: form.TypePersonnummer, Label: form.T("Personnummer", "Personal identity number"), Required: true},
			{ID: "postnummer", Type: form.TypePostnummer, Label: form.T("Postnummer", "Postal code"), Required: true},
		}}},
	}
	post := url.Values{"pnr": {"19121212-1213"}}
	values, _ := form.DecodeForm(f, "sokande", post)
	err := f.ValidateStep(context.Background(), "sokande", values)
	var ve *form.ValidationError
	if errors.As(err, &ve) {
		for _, fe := range ve.Fields {
			fmt.Printf("%s %s: %s / %s\n", fe.Field, fe.Code, fe.Message.SV, fe.Message.EN)
		}
	}
	// Output:
	// pnr personnummer: Ange ett giltigt personnummer eller samordningsnummer (ÅÅÅÅMMDD-NNNN). / Enter a valid Swedish personal identity or co-ordination number (YYYYMMDD-NNNN).
	// postnummer required: Fältet måste fyllas i. / This field is required.
}

func ExampleValues_MarshalJSON() {
	v := form.Values{"namn": form.String("Tolvan"), "antal": form.Int(2), "samtycke": form.Bool(true)}
	b, _ := v.MarshalJSON()
	fmt.Println(string(b))
	// Output: {"antal":2,"namn":"Tolvan","samtycke":true}
}
