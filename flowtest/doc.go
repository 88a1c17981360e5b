// Package flowtest simulates whole applications in tests: a municipal
// developer's or vendor's own tests start an environment and drive
// applicants through e-services with the library API, with concise calls
// that fail the test with a clear message.
//
//	func TestParkingPermit(t *testing.T) {
//		env := flowtest.New(t, nil) // SQLite in t.TempDir, BankID fake, example e-services
//		a := env.Applicant(t, "195001182046").Login()
//		a.Start(forms.Parkeringstillstand).
//			Fill("sokande", map[string]any{"utdelningsadress": "Storgatan 1", ...}).
//			Save()
//		env.Clock.Advance(2 * time.Hour)
//		a.Login().Resume() // continuing needs a fresh login
//		receipt := a.Submit()
//		env.Verify(t, receipt.CaseID)
//	}
//
// New builds an Env: an SQLite database in t.TempDir, the e-services
// (by default the three of examples/forms), a draft store with a fresh key
// ring, the submission pipeline and case handling, the BankID fake
// (bankidtest) with a real client over mutual TLS, a StaticRepresentation
// (Env.Grant), and the notify pipeline: case events are recorded
// (Env.Notices) and queued as notices, which Env.Deliver hands to the
// in-app inbox (Applicant.Inbox) and to a recording sender for email and
// SMS (Env.Sent). Every component runs on Env.Clock, which moves only when
// the test says so.
//
// An Applicant logs in through the fake (Login: the BankID order, the QR
// scan and the collect, as in production), may act for an organisation
// (ActFor), starts a form (Start), answers steps (Fill, FillSample, FillAll),
// saves (Save), resumes (Resume, Open), attaches files (Attach; PDF, PNG
// and JPEG make acceptable content) and submits (Submit). Each has a Try
// variant returning the error instead, for tests of what must fail. On a
// registered case the applicant replies (Reply) and answers complement
// requests (Complement).
//
// An Officer (Env.Officer, with roles scoped to e-services) works the desk:
// the inbox of an e-service, reading a case with its secrecy flags,
// acknowledging, messages, complement requests and closing, and the review
// of disclosure requests (Env.RequestDisclosure, anonymous): per-item
// decisions (Decide, DecideAll) and the masked release (Release,
// Env.Outcome).
//
// # Access control
//
// The helpers pass the applicant's Principal to every call, exactly as an
// application must: another applicant's draft or case is
// draft.ErrNotFound / submission.ErrNotFound (TryOpen), and a draft opened
// with a login older than Options.MaxAuthAge is draft.ErrLoginRequired
// (TryResume).
//
// # Errors
//
// Failures name the applicant (masked personal number), the e-service, the
// step and each field's problem with its code and Swedish message.
// Programming mistakes in a test (an unknown step, a field on another step,
// a call before Login or Start) fail at once with a hint.
package flowtest
