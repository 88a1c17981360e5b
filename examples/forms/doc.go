// Package forms ships three realistic Swedish municipal e-services as form
// definitions in the canonical JSON format of package form, together with
// sample answers. The portal, flowtest and the etjanst command use them;
// municipal developers can copy them as a starting point for their own.
//
// The e-services are:
//
//   - parkeringstillstand.json: parking permit for disabled persons
//     (parkeringstillstånd för rörelsehindrade), for private persons at
//     assurance level loa3, with health data marked as GDPR article 9 and
//     secret under OSL 25:1 and 21:1, a medical certificate upload and a
//     repeating group of earlier permits.
//   - foreningsbidrag.json: association grant (föreningsbidrag) for
//     associations, with members by age group, budget lines as a repeating
//     group and a premises step shown only for lokalbidrag.
//   - varmepump.json: notification of a heat pump installation (anmälan om
//     installation av värmepump) for property owners, persons or companies,
//     with borehole details as a repeating group shown only for bergvärme.
//
// Each definition has at least four steps, step and field conditions, a
// repeating group, Swedish texts with English translations, help texts,
// sensitivity marks, soft-required fields and a final "Granska och
// intyga" step with a required confirmation.
//
// The directory values/ holds, for each form, one complete valid answers
// document (NAME.valid.json) and one with typical mistakes
// (NAME.invalid.json). Date answers are valid as of SampleDate, since some
// date bounds are relative to the day of validation: check them with
// form.CheckOptions.Now set to SampleNow.
//
// A minimal use:
//
//	reg := form.NewRegistry(nil)
//	if err := forms.Register(reg); err != nil {
//		return err
//	}
//	f, err := reg.Latest(forms.Parkeringstillstand)
//
// # Errors
//
// Lookups of an unknown form ID return an error wrapping ErrNotFound. The
// embedded definitions are tested to parse without problems, so All and
// Register fail only if a definition was edited into an invalid state; the
// error then wraps the *form.DefinitionError, or form.ErrVersionConflict
// when the registry already holds another definition under the same ID and
// version.
package forms
