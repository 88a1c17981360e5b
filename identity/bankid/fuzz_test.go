package bankid_test

import (
	"encoding/base64"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/etjanst/etjanst/identity/bankid"
)

func FuzzDecodeCollect(f *testing.F) {
	f.Add([]byte(`{"orderRef":"a","status":"pending","hintCode":"outstandingTransaction"}`))
	f.Add([]byte(`{"orderRef":"a","status":"failed","hintCode":"userCancel"}`))
	f.Add([]byte(`{"orderRef":"a","status":"complete","completionData":{"user":{"personalNumber":"195001182046","name":"A B","givenName":"A","surname":"B"},"device":{"ipAddress":"192.0.2.1","uhi":"x"},"bankIdIssueDate":"2023-01-01","stepUp":{"mrtd":true},"signature":"PHg+","ocspResponse":"AAE="}}`))
	f.Add([]byte(`{"orderRef":"a","status":"complete","completionData":null}`))
	f.Add([]byte(`{"orderRef":"","status":"pending"}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"orderRef":"a","status":"complete","completionData":{"user":{"personalNumber":"1950011820461"},"signature":"!!","ocspResponse":"AAE="}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := bankid.ParseCollectResponse(data)
		if err != nil {
			if r != nil {
				t.Fatal("response and error")
			}
			if strings.Contains(err.Error(), string(data)) && len(data) > 8 {
				t.Fatal("error echoes the input")
			}
			return
		}
		if r.OrderRef == "" || len(r.OrderRef) > 128 || len(r.HintCode) > 64 {
			t.Fatal("limits not enforced")
		}
		switch r.Status {
		case bankid.StatusPending, bankid.StatusFailed:
			if r.CompletionData != nil {
				t.Fatal("completion data on unfinished order")
			}
			if r.Message(bankid.MessageContext{}) == "" {
				t.Fatal("no message for a pending or failed order")
			}
			if (r.Status == bankid.StatusFailed) != (r.Err() != nil) {
				t.Fatal("Err does not match status")
			}
		case bankid.StatusComplete:
			cd := r.CompletionData
			if cd == nil || len(cd.User.PersonalNumber) != 12 {
				t.Fatal("complete without a personal number")
			}
			if !utf8.ValidString(cd.User.Name) || !utf8.ValidString(cd.User.GivenName) || !utf8.ValidString(cd.User.Surname) {
				t.Fatal("invalid UTF-8 name accepted")
			}
			if _, err := base64.StdEncoding.DecodeString(cd.Signature); err != nil {
				t.Fatal("bad signature accepted")
			}
			if _, err := base64.StdEncoding.DecodeString(cd.OCSPResponse); err != nil {
				t.Fatal("bad OCSP accepted")
			}
		default:
			t.Fatalf("unknown status accepted")
		}
		if string(r.Raw) != string(data) {
			t.Fatal("raw body not kept")
		}
		_ = r.LogValue().String()
	})
}
