package form_test

import (
	"time"

	"github.com/etjanst/etjanst/form"
)

// fixedNow is the clock of the tests: 2026-11-25 12:00 in Stockholm.
func fixedNow() time.Time { return time.Date(2026, 11, 25, 11, 0, 0, 0, time.UTC) }

func opt(v string) form.Option { return form.Option{Value: v, Label: form.T(v, v)} }

// testForm returns a form using every field type.
func testForm() *form.Form {
	return &form.Form{
		ID: "test", Version: 1, Title: form.T("Testtjänst", "Test service"),
		Audience: []form.Audience{form.AudiencePerson},
		Steps: []form.Step{
			{ID: "applicant", Title: form.T("Sökande", "Applicant"), Fields: []form.Field{
				{ID: "name", Type: form.TypeText, Label: form.T("Namn", "Name"), Required: true, MaxLength: 50,
					Sensitivity: &form.Sensitivity{Kind: form.SensitivityName}},
				{ID: "pnr", Type: form.TypePersonnummer, Label: form.T("Personnummer", "Personal identity number"), Required: true,
					Sensitivity: &form.Sensitivity{Kind: form.SensitivityIdentityNumber}},
				{ID: "email", Type: form.TypeEmail, Label: form.T("E-post", "Email"), Required: true},
				{ID: "phone", Type: form.TypePhone, Label: form.T("Telefon", "Phone"), SoftRequired: true},
				{ID: "zip", Type: form.TypePostnummer, Label: form.T("Postnummer", "Postal code")},
				{ID: "orgnr", Type: form.TypeOrganisationsnummer, Label: form.T("Organisationsnummer", "Organisation number")},
				{ID: "code", Type: form.TypeText, Label: form.T("Kod", "Code"), Rules: "alphanum,startswith=SE"},
			}},
			{ID: "details", Title: form.T("Uppgifter", "Details"), Fields: []form.Field{
				{ID: "role", Type: form.TypeChoice, Label: form.T("Roll", "Role"), Required: true,
					Options: []form.Option{opt("driver"), opt("passenger")}},
				{ID: "distance", Type: form.TypeInteger, Label: form.T("Gångsträcka", "Walking distance"), Min: "0", Max: "5000",
					Condition: &form.Condition{Field: "role", Op: form.OpEquals, Value: "driver"}, Required: true},
				{ID: "amount", Type: form.TypeDecimal, Label: form.T("Belopp", "Amount"), Min: "0", Max: "1000.50"},
				{ID: "from", Type: form.TypeDate, Label: form.T("Från", "From"), Min: "today", Max: "today+1y"},
				{ID: "aids", Type: form.TypeMultiChoice, Label: form.T("Hjälpmedel", "Aids"),
					Options: []form.Option{opt("wheelchair"), opt("rollator"), opt("crutches")}},
				{ID: "story", Type: form.TypeTextarea, Label: form.T("Beskrivning", "Description"), MaxLength: 100,
					Sensitivity: &form.Sensitivity{Kind: form.SensitivityHealth, Article9: true, OSL: []string{"25:1"}}},
				{ID: "info", Type: form.TypeInfo, Label: form.T("Information", "Information")},
				{ID: "certificate", Type: form.TypeFile, Label: form.T("Läkarintyg", "Certificate"),
					Accept: []string{"application/pdf", "image/*"}, MaxSize: 1000},
			}},
			{ID: "children", Title: form.T("Barn", "Children"),
				Condition: &form.Condition{Field: "role", Op: form.OpEquals, Value: "passenger"},
				Fields: []form.Field{
					{ID: "kids", Type: form.TypeGroup, Label: form.T("Barn", "Children"), MinItems: 1, MaxItems: 3, Required: true,
						Fields: []form.Field{
							{ID: "kidName", Type: form.TypeText, Label: form.T("Namn", "Name"), Required: true},
							{ID: "kidAge", Type: form.TypeInteger, Label: form.T("Ålder", "Age"), Min: "0", Max: "17"},
							{ID: "school", Type: form.TypeText, Label: form.T("Skola", "School"), Required: true,
								Condition: &form.Condition{Field: "kidAge", Op: form.OpGreaterThan, Value: 5}},
						}},
				}},
			{ID: "confirm", Title: form.T("Intyga", "Confirm"), Fields: []form.Field{
				{ID: "consent", Type: form.TypeBoolean, Label: form.T("Jag intygar", "I confirm"), Required: true},
			}},
		},
	}
}

// validValues answers every visible question of testForm (driver path).
func validValues() form.Values {
	amount, _ := form.Decimal("12,50")
	return form.Values{
		"name":     form.String("Tolvan Tolvansson"),
		"pnr":      form.String("19121212-1212"),
		"email":    form.String("tolvan@example.se"),
		"phone":    form.String("070-123 45 67"),
		"zip":      form.String("12345"),
		"role":     form.String("driver"),
		"distance": form.Int(150),
		"amount":   amount,
		"from":     form.Date(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)),
		"aids":     form.List("rollator"),
		"story":    form.String("Kan gå kort sträcka."),
		"consent":  form.Bool(true),
	}
}
