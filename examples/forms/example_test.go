package forms_test

import (
	"context"
	"fmt"

	"github.com/etjanst/etjanst/examples/forms"
	"github.com/etjanst/etjanst/form"
)

// Register the example e-services and list the catalogue offered to
// private persons.
func ExampleRegister() {
	reg := form.NewRegistry(nil)
	if err := forms.Register(reg); err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range reg.Catalogue(form.AudiencePerson) {
		fmt.Printf("%s v%d: %s / %s\n", f.ID, f.Version, f.Title.SV, f.Title.EN)
	}
	// Output:
	// varmepump v1: Anmäl installation av värmepump / Notify the installation of a heat pump
	// parkeringstillstand v1: Ansök om parkeringstillstånd för rörelsehindrade / Apply for a disabled parking permit
}

// Check the sample answers of the heat pump notification: the valid ones
// pass, the invalid ones list every problem by step and field.
func ExampleSampleValues() {
	f, err := forms.Load(forms.Varmepump)
	if err != nil {
		fmt.Println(err)
		return
	}
	opts := &form.CheckOptions{Now: forms.SampleNow}

	doc, _ := forms.SampleValues(forms.Varmepump)
	values, _ := form.DecodeJSON(f, doc)
	res, _ := f.Check(context.Background(), values, opts)
	fmt.Println("valid:", res.Err() == nil, "steps done:", res.CompletedSteps())

	doc, _ = forms.InvalidSampleValues(forms.Varmepump)
	values, _ = form.DecodeJSON(f, doc)
	res, _ = f.Check(context.Background(), values, opts)
	for _, fe := range res.Errors[:3] {
		fmt.Printf("%s/%s: %s (%s)\n", fe.Step, fe.Field, fe.Message.EN, fe.Code)
	}
	// Output:
	// valid: true steps done: [fastighet kontakt anlaggning borrhal installator bilagor granska]
	// fastighet/fastighetsbeteckning: Enter the property designation as “Municipality Tract 1:23”. (fastighet)
	// fastighet/agareOrganisationsnummer: Enter a valid Swedish organisation number (NNNNNN-NNNN). (organisationsnummer)
	// fastighet/agareForetagsnamn: This field is required. (required)
}
