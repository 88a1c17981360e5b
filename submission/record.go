package submission

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"time"

	"github.com/etjanst/etjanst/form"
	"github.com/etjanst/etjanst/identity"
)

// RecordVersion is the version of the record encoding.
const RecordVersion = 1

// Record is a registered case as it arrived: an inkommen handling. It is
// encoded once, canonically (see Encode), and its SHA-256 digest is stored
// beside it; nothing ever changes it. Supplements are new documents.
type Record struct {
	Version   int    `json:"v"`
	CaseID    string `json:"caseId"`
	Reference string `json:"reference"`
	// ReceivedAt is the authoritative time of arrival (UTC, microseconds).
	ReceivedAt time.Time `json:"receivedAt"`
	// Service is the e-service (form ID) and FormVersion its version.
	Service     string    `json:"service"`
	FormVersion int       `json:"formVersion"`
	FormTitle   form.Text `json:"formTitle"`
	// SubjectLine (ärendemening) names the errand, never its content.
	SubjectLine string `json:"subjectLine"`
	// Sender is who submitted, for whom, with which mandate.
	Sender Sender `json:"sender"`
	// Evidence is the e-ID evidence of the login (and signature, if any).
	Evidence Evidence `json:"evidence"`
	// Document is the ID of the application document: the answers of
	// visible fields in canonical encoding, stored once, as a document.
	Document string `json:"document"`
	// ValuesDigest is the hex SHA-256 of that document, so the record's
	// digest covers the answers too.
	ValuesDigest string `json:"valuesDigest"`
	// Attachments describe the attached files (stored as documents).
	Attachments []Attachment `json:"attachments"`
	// SoftMissing lists soft-required fields left empty.
	SoftMissing []string `json:"softMissing"`
}

// Sender is who submitted a case. It is personal data.
type Sender struct {
	Subject    identity.Subject `json:"subject"`
	GivenName  string           `json:"givenName,omitempty"`
	FamilyName string           `json:"familyName,omitempty"`
	// Party is whom the sender acted for, with the mandate as evidence.
	Party identity.Party `json:"party"`
	// Protected marks protected identity (sekretessmarkering).
	Protected bool `json:"protected,omitempty"`
}

// Evidence is the e-ID evidence kept with a record.
type Evidence struct {
	Method    string                  `json:"method"`
	Assurance identity.AssuranceLevel `json:"assurance"`
	AuthTime  time.Time               `json:"authTime"`
	// Provider is the provider's own evidence (signature, OCSP response),
	// when the application kept it from the login.
	Provider *identity.Evidence `json:"provider,omitempty"`
}

// Attachment describes an attached file of a record.
type Attachment struct {
	ID          string `json:"id"`
	Document    string `json:"document"`
	Field       string `json:"field"`
	Name        string `json:"name"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
}

// Encode returns the canonical encoding of the record: JSON with fields in
// declaration order, maps with sorted keys, times in RFC 3339 UTC and the
// values in their own canonical encoding. Equal records encode equally.
func (r *Record) Encode() ([]byte, error) {
	cp := *r
	cp.ReceivedAt = cp.ReceivedAt.UTC().Truncate(time.Microsecond)
	cp.Evidence.AuthTime = cp.Evidence.AuthTime.UTC().Truncate(time.Microsecond)
	if cp.Attachments == nil {
		cp.Attachments = []Attachment{}
	}
	if cp.SoftMissing == nil {
		cp.SoftMissing = []string{}
	}
	b, err := json.Marshal(&cp)
	if err != nil {
		return nil, fmt.Errorf("submission: encode record: %w", err)
	}
	return b, nil
}

// Digest returns the SHA-256 of an encoded record.
func Digest(encoded []byte) []byte {
	sum := sha256.Sum256(encoded)
	return sum[:]
}

// DecodeRecord decodes an encoded record.
func DecodeRecord(data []byte) (*Record, error) {
	var r Record
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("submission: decode record: %w", err)
	}
	return &r, nil
}
