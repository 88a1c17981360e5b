package draft

import (
	"bytes"
	"unicode/utf8"
)

// sniff returns the content type of data judged from its bytes alone (the
// name and the type the browser claims are not trusted). It knows the
// formats e-services accept: PDF, the common image formats, office
// documents, and plain text; anything else is application/octet-stream.
func sniff(data []byte) string {
	has := func(prefix string) bool { return bytes.HasPrefix(data, []byte(prefix)) }
	switch {
	case has("%PDF-"):
		return "application/pdf"
	case has("\x89PNG\r\n\x1a\n"):
		return "image/png"
	case has("\xff\xd8\xff"):
		return "image/jpeg"
	case has("GIF87a"), has("GIF89a"):
		return "image/gif"
	case len(data) >= 12 && has("RIFF") && string(data[8:12]) == "WEBP":
		return "image/webp"
	case has("II*\x00"), has("MM\x00*"):
		return "image/tiff"
	case len(data) >= 12 && string(data[4:8]) == "ftyp":
		switch string(data[8:12]) {
		case "heic", "heix", "heim", "heis", "mif1", "msf1":
			return "image/heic"
		}
		return "application/octet-stream"
	case has("PK\x03\x04"):
		return sniffZip(data)
	case has("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
		return "application/x-ole-storage" // legacy .doc/.xls: not accepted unless listed
	}
	if isText(data) {
		return "text/plain"
	}
	return "application/octet-stream"
}

// sniffZip tells office documents from other zip archives by the names of
// their first entries.
func sniffZip(data []byte) string {
	head := data[:min(len(data), 4096)]
	switch {
	case bytes.Contains(head, []byte("mimetypeapplication/vnd.oasis.opendocument.text")):
		return "application/vnd.oasis.opendocument.text"
	case bytes.Contains(head, []byte("mimetypeapplication/vnd.oasis.opendocument.spreadsheet")):
		return "application/vnd.oasis.opendocument.spreadsheet"
	case bytes.Contains(data, []byte("word/document.xml")):
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	case bytes.Contains(data, []byte("xl/workbook.xml")):
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "application/zip"
}

// isText reports whether data is UTF-8 text without binary control bytes.
func isText(data []byte) bool {
	sample := data[:min(len(data), 8192)]
	for len(sample) > 0 && !utf8.Valid(sample) && len(data) > len(sample) {
		sample = sample[:len(sample)-1] // a rune cut at the sample's end
	}
	if !utf8.Valid(sample) {
		return false
	}
	for _, c := range sample {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' {
			return false
		}
	}
	return true
}
