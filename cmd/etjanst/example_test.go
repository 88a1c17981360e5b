package main

import (
	"fmt"
	"os"
)

// Lint the example definitions.
func Example_lint() {
	run([]string{"lint", "../../examples/forms/parkeringstillstand.json", "../../examples/forms/varmepump.json"}, os.Stdout, os.Stderr)
	// Output:
	// ../../examples/forms/parkeringstillstand.json: ok (parkeringstillstand v1, 6 steps, 29 fields)
	// ../../examples/forms/varmepump.json: ok (varmepump v1, 8 steps, 35 fields)
	// ok: 2 file(s)
}

// Check answers with mistakes against the heat pump notification, in
// English, as of the day the sample answers were written for.
func Example_check() {
	code := run([]string{
		"check", "-lang", "en", "-today", "2026-11-25",
		"../../examples/forms/varmepump.json", "../../examples/forms/values/varmepump.invalid.json",
	}, os.Stdout, os.Stderr)
	fmt.Println("exit status", code)
	// Output:
	// fastighet/fastighetsbeteckning: Enter the property designation as “Municipality Tract 1:23”. (fastighet)
	// fastighet/agareOrganisationsnummer: Enter a valid Swedish organisation number (NNNNNN-NNNN). (organisationsnummer)
	// fastighet/agareForetagsnamn: This field is required. (required)
	// kontakt/epost: This field is required. (required)
	// kontakt/telefon: Enter a valid phone number, for example +46 70 123 45 67. (phone)
	// kontakt/fullmakt: This field is required. (required)
	// anlaggning/effekt: Enter a number, for example 12.5. (decimal)
	// anlaggning/koldbarare: This field is required. (required)
	// anlaggning/oljetank: This field is required. (required)
	// anlaggning/installationsdatum: Enter a date as YYYY-MM-DD. (date)
	// borrhal/borrhalLista[0].djup: The value must be at most 400. (max)
	// borrhal/borrhalLista[0].motivering: This field is required. (required)
	// installator/installatorOrganisationsnummer: This field is required. (required)
	// bilagor/situationsplan: You can attach at most 3 files. (maxFiles)
	// warning: anlaggning/modell: We recommend that you fill in this field. (recommended)
	// warning: installator/installatorCertifikat: We recommend that you fill in this field. (recommended)
	// 14 error(s) and 2 warning(s) (varmepump v1, 7 of 8 steps shown)
	// exit status 1
}
