// Package kvittens writes the receipt (kvittens) an applicant downloads
// after submitting an application: a one-page PDF with the reference
// (diarienummer), the time of arrival, the e-service and the list of
// attachments, in Swedish with English alongside.
//
// The PDF is written by a small generator of its own: Helvetica with
// WinAnsiEncoding (so å, ä and ö need no embedded font), no compression, a
// correct cross-reference table. It holds nothing from the application's
// answers and no identity number or name: only what the receipt page shows.
//
//	pdf, err := kvittens.PDF(kvittens.Receipt{Reference: "ETJ 2026/000042", ...})
//
// # Errors
//
// PDF returns an error wrapping ErrInvalid for a receipt without reference,
// time or e-service title, and caps every text (MaxText, MaxAttachments), so
// no input makes it panic or grow without bound.
package kvittens

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrInvalid is returned for a receipt that lacks a reference, a time of
// arrival or an e-service title.
var ErrInvalid = errors.New("kvittens: invalid receipt")

// Caps on what a receipt prints.
const (
	// MaxText caps each text (runes); longer texts are cut with "…".
	MaxText = 300
	// MaxAttachments caps the listed attachments; more are summarised.
	MaxAttachments = 25
)

// Receipt is what the PDF shows.
type Receipt struct {
	// Organisation is the municipality's name, printed as the heading.
	Organisation string
	// Reference is the registration number, e.g. "ETJ 2026/000042".
	Reference string
	// ReceivedAt is the authoritative time of arrival; it is printed in
	// Location.
	ReceivedAt time.Time
	// Location is the time zone to print ReceivedAt in. Defaults to UTC.
	Location *time.Location
	// ServiceSV and ServiceEN are the e-service's title in Swedish and
	// English (EN may be empty).
	ServiceSV, ServiceEN string
	// Attachments lists the attached files.
	Attachments []Attachment
	// Digest is the hex SHA-256 of the registered record, printed so the
	// applicant can later show which version arrived.
	Digest string
}

// Attachment is one attached file as listed on the receipt.
type Attachment struct {
	Name string
	Size int64
}

// PDF returns the receipt as a one-page PDF document.
func PDF(r Receipt) ([]byte, error) {
	if strings.TrimSpace(r.Reference) == "" || r.ReceivedAt.IsZero() || strings.TrimSpace(r.ServiceSV) == "" {
		return nil, fmt.Errorf("%w: reference, time of arrival and e-service are required", ErrInvalid)
	}
	loc := r.Location
	if loc == nil {
		loc = time.UTC
	}
	at := r.ReceivedAt.In(loc)
	p := newPage()
	if org := clip(r.Organisation); org != "" {
		p.text(regular, 11, 0, org)
		p.gap(4)
	}
	p.text(bold, 20, 0, "Kvittens")
	p.text(regular, 12, 0, "Receipt")
	p.gap(8)
	p.text(regular, 11, 0, "Din ansökan har kommit in till oss och är registrerad som allmän handling.")
	p.text(regular, 9.5, 0, "Your application has reached us and is registered as a public record.")
	p.gap(10)
	p.rule()

	field := func(sv, en, value string) {
		p.text(bold, 10, 0, sv+" / "+en)
		p.text(regular, 12, 0, value)
		p.gap(8)
	}
	field("Diarienummer", "Reference", clip(r.Reference))
	service := clip(r.ServiceSV)
	if en := clip(r.ServiceEN); en != "" && en != service {
		service += "\n" + en
	}
	field("E-tjänst", "E-service", service)
	field("Inkom", "Received", fmt.Sprintf("%s (%s)", at.Format("2006-01-02 15:04:05"), zoneName(at)))

	p.text(bold, 10, 0, "Bilagor / Attachments")
	if len(r.Attachments) == 0 {
		p.text(regular, 11, 0, "Inga bilagor / No attachments")
	}
	for i, a := range r.Attachments {
		if i == MaxAttachments {
			p.text(regular, 11, 12, fmt.Sprintf("… och %d till / and %d more", len(r.Attachments)-i, len(r.Attachments)-i))
			break
		}
		p.text(regular, 11, 12, fmt.Sprintf("• %s (%s)", clip(a.Name), size(a.Size)))
	}
	p.gap(8)
	if d := clip(r.Digest); d != "" {
		p.text(bold, 10, 0, "Kontrollsumma (SHA-256) / Checksum (SHA-256)")
		p.text(regular, 9, 0, d)
		p.gap(8)
	}
	p.rule()
	p.text(regular, 10, 0, "Spara kvittensen. Du följer ärendet, läser meddelanden och svarar på frågor i Mina sidor. "+
		"Kvittensen innehåller inga av dina svar.")
	p.text(regular, 9, 0, "Keep this receipt. You follow the case, read messages and answer questions in My pages. "+
		"The receipt contains none of your answers.")
	return p.bytes("Kvittens " + clip(r.Reference)), nil
}

// clip trims s and caps it at MaxText runes.
func clip(s string) string {
	s = strings.TrimSpace(s)
	if rs := []rune(s); len(rs) > MaxText {
		return string(rs[:MaxText-1]) + "…"
	}
	return s
}

// zoneName is the abbreviation of the zone at t ("CET", "CEST", "UTC").
func zoneName(t time.Time) string {
	name, _ := t.Zone()
	return name
}

// size formats a byte count as the receipt page does ("245 kB").
func size(n int64) string {
	switch {
	case n < 0:
		return "0 B"
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return fmt.Sprintf("%d kB", (n+500)/1000)
	default:
		return strings.Replace(fmt.Sprintf("%.1f MB", float64(n)/1e6), ".", ",", 1)
	}
}
