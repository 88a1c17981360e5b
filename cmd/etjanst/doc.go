// Command etjanst checks e-service definitions and answers from the command
// line, for the people who write form definitions in JSON and for CI.
//
// Usage:
//
//	etjanst lint FILE...
//	etjanst check [-lang sv|en] [-today YYYY-MM-DD] FORM.json VALUES.json
//
// lint parses each definition strictly (package form: unknown and
// duplicate keys, wrong JSON types, then every lint problem) and prints one
// line per problem:
//
//	FILE:LINE:COL: PATH: MESSAGE [CODE]
//
// LINE:COL is left out when the position is unknown. lint also reports two
// files that define the same form ID and version. Files without problems
// get an "ok" line.
//
// check parses a definition, decodes an answers document (an object of
// field IDs, see form.DecodeJSON) and checks it as at submission: every
// visible step, completely. It prints one line per problem and one per
// soft-required field left empty, in Swedish (default) or English:
//
//	STEP/FIELD: MESSAGE (CODE)
//	varning: STEP/FIELD: MESSAGE (recommended)
//
// Date bounds relative to "today" are evaluated for the day given with
// -today (default: the current date), so that sample answers such as those
// in examples/forms/values can be checked as of the day they were written
// for.
//
// Exit status: 0 when there is no problem (warnings allowed), 1 when
// problems were found, 2 on usage errors, unreadable files, or (for check)
// a form definition that does not parse.
//
// Files are read up to the size caps of package form (form.MaxDefinitionSize,
// form.MaxValuesSize); larger files are reported, not read. The answers are
// never echoed: messages name fields and rules only.
package main
