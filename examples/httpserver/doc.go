// Package httpserver holds the one place where errors of the etjanst
// packages become HTTP status codes, and the user-facing texts that go with
// them. Handlers in the example portal never pick a status code for a
// domain error themselves: they call Status.
//
//	if err != nil {
//		status := httpserver.Status(err)
//		msg := httpserver.Message(status) // Swedish and English
//		...
//	}
//
// Core packages never import net/http; this package sits at the edge.
//
// # Errors
//
// Status branches with errors.Is and errors.As only, so wrapped errors map
// like the sentinel they wrap. Unknown errors are 500 Internal Server Error:
// the handler logs them (without personal data) and shows Message(500).
package httpserver
