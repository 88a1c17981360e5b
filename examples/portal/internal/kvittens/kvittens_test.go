package kvittens_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/examples/portal/internal/kvittens"
)

func sample() kvittens.Receipt {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		loc = time.UTC
	}
	return kvittens.Receipt{
		Organisation: "Exempelkommunen",
		Reference:    "ETJ 2026/000042",
		ReceivedAt:   time.Date(2026, 11, 25, 9, 30, 15, 0, time.UTC),
		Location:     loc,
		ServiceSV:    "Anmälan om installation av värmepump",
		ServiceEN:    "Notification of a heat pump installation",
		Attachments: []kvittens.Attachment{
			{Name: "situationsplan.pdf", Size: 245760},
			{Name: "Fullmakt (undertecknad) – Åsa.pdf", Size: 1 << 20},
		},
		Digest: strings.Repeat("ab01", 16),
	}
}

// structure checks what a PDF reader relies on: the header, every object
// at the offset the cross-reference table gives, stream lengths, the
// trailer and startxref. It returns the decoded text of the content stream.
func structure(t testing.TB, pdf []byte) string {
	t.Helper()
	require.True(t, bytes.HasPrefix(pdf, []byte("%PDF-1.7\n")), "header")
	require.True(t, bytes.HasSuffix(pdf, []byte("%%EOF\n")), "trailer end")
	i := bytes.LastIndex(pdf, []byte("startxref\n"))
	require.Positive(t, i)
	rest := string(pdf[i+len("startxref\n"):])
	off, err := strconv.Atoi(strings.SplitN(rest, "\n", 2)[0])
	require.NoError(t, err)
	require.Less(t, off, len(pdf))
	require.True(t, bytes.HasPrefix(pdf[off:], []byte("xref\n0 ")), "startxref points at xref")
	lines := strings.Split(string(pdf[off:]), "\n")
	var n int
	_, err = fmt.Sscanf(lines[1], "0 %d", &n)
	require.NoError(t, err)
	require.Equal(t, "0000000000 65535 f ", lines[2])
	for k := 1; k < n; k++ {
		entry := lines[2+k]
		require.Len(t, entry, 19, "xref entries are 20 bytes with the newline")
		o, err := strconv.Atoi(entry[:10])
		require.NoError(t, err)
		require.True(t, bytes.HasPrefix(pdf[o:], fmt.Appendf(nil, "%d 0 obj\n", k)), "object %d at its offset", k)
	}
	require.Contains(t, string(pdf[off:]), fmt.Sprintf("trailer\n<< /Size %d /Root 1 0 R", n))

	m := regexp.MustCompile(`(?s)<< /Length (\d+) >>\nstream\n(.*?)endstream`).FindSubmatch(pdf)
	require.NotNil(t, m, "content stream")
	length, err := strconv.Atoi(string(m[1]))
	require.NoError(t, err)
	require.Len(t, m[2], length, "stream /Length")
	ascii := bytes.IndexFunc(m[2], func(r rune) bool { return r != '\n' && (r < 0x20 || r >= 0x7F) }) < 0
	require.True(t, ascii, "content stream is ASCII")
	return decodeText(t, m[2])
}

// decodeText returns the strings shown by Tj operators, one per line,
// decoded from WinAnsi (Latin-1 part) with escapes resolved.
func decodeText(t testing.TB, stream []byte) string {
	t.Helper()
	var out strings.Builder
	for _, line := range strings.Split(string(stream), "\n") {
		i := strings.Index(line, "(")
		j := strings.LastIndex(line, ") Tj")
		if i < 0 || j < i {
			continue
		}
		s := line[i+1 : j]
		for k := 0; k < len(s); k++ {
			c := s[k]
			if c != '\\' {
				out.WriteRune(rune(c))
				continue
			}
			require.Less(t, k+1, len(s), "dangling escape")
			if s[k+1] >= '0' && s[k+1] <= '7' {
				v, err := strconv.ParseUint(s[k+1:k+4], 8, 8)
				require.NoError(t, err)
				out.WriteRune(rune(v))
				k += 3
				continue
			}
			out.WriteByte(s[k+1])
			k++
		}
		out.WriteByte('\n')
	}
	return out.String()
}

func TestPDF(t *testing.T) {
	t.Parallel()
	pdf, err := kvittens.PDF(sample())
	require.NoError(t, err)
	text := structure(t, pdf)
	for _, want := range []string{
		"Kvittens", "Receipt", "Exempelkommunen",
		"Diarienummer / Reference", "ETJ 2026/000042",
		"Anmälan om installation av värmepump", "Notification of a heat pump installation",
		"2026-11-25 10:30:15 (CET)",
		"situationsplan.pdf (246 kB)", "Fullmakt (undertecknad) ", "Åsa.pdf (1,0 MB)",
		strings.Repeat("ab01", 16),
	} {
		require.Contains(t, text, want)
	}
	require.Contains(t, string(pdf), "/Encoding /WinAnsiEncoding")
	require.Contains(t, string(pdf), `\226`, "en dash in WinAnsi (0x96)")
}

func TestPDFWithPdftotext(t *testing.T) {
	t.Parallel()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext not installed (apt-get install poppler-utils); the structural test covers the format")
	}
	pdf, err := kvittens.PDF(sample())
	require.NoError(t, err)
	dir := t.TempDir()
	in := filepath.Join(dir, "kvittens.pdf")
	require.NoError(t, os.WriteFile(in, pdf, 0o600))
	out, err := exec.Command(bin, "-enc", "UTF-8", in, "-").CombinedOutput()
	require.NoError(t, err, string(out))
	text := string(out)
	require.NotContains(t, text, "Syntax Error")
	for _, want := range []string{"Kvittens", "ETJ 2026/000042", "Anmälan om installation av värmepump", "Åsa.pdf", "Mina sidor"} {
		require.Contains(t, text, want)
	}
	info, err := exec.Command(filepath.Join(filepath.Dir(bin), "pdfinfo"), in).CombinedOutput()
	if err == nil {
		require.Contains(t, string(info), "Pages:           1")
		require.Contains(t, string(info), "Title:           Kvittens ETJ 2026/000042")
	}
}

func TestPDFInvalidAndCaps(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		edit    func(*kvittens.Receipt)
		wantErr bool
	}{
		{"no reference", func(r *kvittens.Receipt) { r.Reference = " " }, true},
		{"no time", func(r *kvittens.Receipt) { r.ReceivedAt = time.Time{} }, true},
		{"no service", func(r *kvittens.Receipt) { r.ServiceSV = "" }, true},
		{"no location means UTC", func(r *kvittens.Receipt) { r.Location = nil }, false},
		{"many attachments", func(r *kvittens.Receipt) {
			r.Attachments = make([]kvittens.Attachment, 500)
			for i := range r.Attachments {
				r.Attachments[i] = kvittens.Attachment{Name: fmt.Sprintf("bilaga-%d.pdf", i), Size: int64(i)}
			}
		}, false},
		{"huge texts", func(r *kvittens.Receipt) {
			r.ServiceSV = strings.Repeat("lång titel (med parentes) \\ ", 10000)
			r.Attachments = []kvittens.Attachment{{Name: strings.Repeat("x", 100000)}}
		}, false},
		{"control and foreign characters", func(r *kvittens.Receipt) {
			r.ServiceSV = "Ansökan\x00\x07\r\n 日本語 € ”citat”"
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := sample()
			tt.edit(&r)
			pdf, err := kvittens.PDF(r)
			if tt.wantErr {
				require.ErrorIs(t, err, kvittens.ErrInvalid)
				return
			}
			require.NoError(t, err)
			structure(t, pdf)
			require.Less(t, len(pdf), 64<<10, "one page stays small")
		})
	}
}

func FuzzPDF(f *testing.F) {
	f.Add("ETJ 2026/000001", "Värmepump (ny)", "a.pdf", int64(10))
	f.Add("\\)(", "\xff\xfe", "", int64(-1))
	f.Fuzz(func(t *testing.T, ref, service, name string, size int64) {
		r := kvittens.Receipt{Reference: ref, ServiceSV: service, ReceivedAt: time.Unix(1, 0),
			Attachments: []kvittens.Attachment{{Name: name, Size: size}}}
		pdf, err := kvittens.PDF(r)
		if err != nil {
			require.ErrorIs(t, err, kvittens.ErrInvalid)
			return
		}
		structure(t, pdf)
	})
}

func ExamplePDF() {
	pdf, err := kvittens.PDF(kvittens.Receipt{
		Reference:  "ETJ 2026/000042",
		ReceivedAt: time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC),
		ServiceSV:  "Ansök om parkeringstillstånd",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(pdf[:8]), bytes.HasSuffix(pdf, []byte("%%EOF\n")))
	// Output: %PDF-1.7 true
}
