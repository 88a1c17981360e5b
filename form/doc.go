// Package form defines multi-step e-services (e-tjänster) as versioned data
// and enforces them: the steps and fields a vendor writes, the conditions
// that show or hide them, the Swedish validation rules, the canonical typed
// answers and their deterministic encoding.
//
// A Form is written in JSON, the canonical format (see Parse), or built in
// Go. Every problem in a definition is reported at once by Lint, with JSON
// paths and, for parsed files, line and column. A Registry publishes
// versions; a registered version never changes, so a draft or a submitted
// case can always be read with the exact definition it was made with.
//
//	f, err := form.Parse(data) // *form.DefinitionError lists every problem
//	reg := form.NewRegistry(nil)
//	err = reg.Register(f)
//	values, err := form.DecodeForm(f, "sokande", r.PostForm)
//	err = f.ValidateStep(ctx, "sokande", values) // *form.ValidationError
//
// # Values
//
// Values maps field IDs to Value, one canonical typed representation per
// field type (text, integer, exact decimal, date, boolean, selected
// options, attachment references, group items). DecodeForm reads HTML form
// posts, DecodeJSON reads JSON documents, and Values.MarshalJSON writes the
// canonical encoding over which submissions compute their digest.
//
// # Conditions
//
// Conditions are data (all, any, not, equals, notEquals, in, greaterThan,
// lessThan, isSet), evaluated on the server in form order. Values of hidden
// steps and fields are dropped on validation and never submitted. The
// semantics are published as fixtures in testdata/conditions.json.
//
// # Errors
//
// Invalid answers yield a *ValidationError with one FieldError per problem
// (step, field path such as "barn[1].namn", a stable Code, Params and a
// message in Swedish and English that never repeats the value). Mistakes
// in a definition yield a *DefinitionError. ErrNotFound, ErrVersionConflict,
// ErrUnknownStep and ErrTooLarge are sentinels for errors.Is. The package
// builds on go-playground/validator/v10 with Swedish tags (personnummer,
// organisationsnummer, postnummer, phone, fastighet); validator's types
// never appear in its API.
//
// # Sensitivity
//
// Fields carry a Sensitivity (kind, GDPR article 9, OSL references such as
// "25:1") that the submission pipeline turns into secrecy flags for the
// review before disclosure (sekretessprövning).
package form
