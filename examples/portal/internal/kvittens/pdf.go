package kvittens

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
)

// page is a one-page A4 PDF under construction: text lines in Helvetica
// (regular and bold) with WinAnsiEncoding, so Swedish letters (å ä ö) need
// no embedded font.
type page struct {
	content bytes.Buffer
	y       float64 // baseline of the next line, from the bottom
}

// A4 in points, and the margins.
const (
	pageWidth  = 595.28
	pageHeight = 841.89
	margin     = 56.0
	textWidth  = pageWidth - 2*margin
)

type font int

const (
	regular font = iota
	bold
)

func (f font) resource() string {
	if f == bold {
		return "/F2"
	}
	return "/F1"
}

func newPage() *page { return &page{y: pageHeight - margin} }

// text writes s wrapped to the text width at the given indent, moving down
// by 1.35 × size per line. Lines that would fall below the bottom margin are
// dropped: the receipt is one page by design.
func (p *page) text(f font, size, indent float64, s string) {
	for _, line := range wrap(s, f, size, textWidth-indent) {
		if p.y < margin {
			return
		}
		fmt.Fprintf(&p.content, "BT %s %s Tf 1 0 0 1 %s %s Tm (%s) Tj ET\n",
			f.resource(), num(size), num(margin+indent), num(p.y), escape(line))
		p.y -= size * 1.35
	}
}

// gap moves down by d points.
func (p *page) gap(d float64) { p.y -= d }

// rule draws a thin horizontal line across the text width.
func (p *page) rule() {
	fmt.Fprintf(&p.content, "0.6 G 0.5 w %s %s m %s %s l S 0 G\n",
		num(margin), num(p.y), num(pageWidth-margin), num(p.y))
	p.gap(14)
}

// bytes assembles the document: catalogue, page tree, page, two standard
// fonts, the content stream and the document information, followed by
// the cross-reference table whose offsets readers use to find each object.
func (p *page) bytes(title string) []byte {
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %s %s] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>",
			num(pageWidth), num(pageHeight)),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", p.content.Len(), p.content.String()),
		fmt.Sprintf("<< /Title %s /Producer (etjanst) >>", utf16String(title)),
	}
	var b bytes.Buffer
	// The second line marks the file as binary for transfer tools.
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n",
		len(objects)+1, len(objects), xref)
	return b.Bytes()
}

// num formats a coordinate with at most two decimals.
func num(f float64) string {
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// winAnsi maps the characters of Windows-1252 outside Latin-1 to their
// byte; Latin-1 (U+00A0 to U+00FF) maps to itself.
var winAnsi = map[rune]byte{
	'€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87,
	'ˆ': 0x88, '‰': 0x89, 'Š': 0x8A, '‹': 0x8B, 'Œ': 0x8C, 'Ž': 0x8E, '‘': 0x91,
	'’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97, '˜': 0x98,
	'™': 0x99, 'š': 0x9A, '›': 0x9B, 'œ': 0x9C, 'ž': 0x9E, 'Ÿ': 0x9F,
}

// encode converts r to WinAnsiEncoding: '?' for characters the encoding
// lacks, a space for control characters.
func encode(r rune) byte {
	switch {
	case r < 0x20 || r == 0x7F:
		return ' '
	case r < 0x7F:
		return byte(r)
	case r >= 0xA0 && r <= 0xFF:
		return byte(r)
	}
	if b, ok := winAnsi[r]; ok {
		return b
	}
	return '?'
}

// escape encodes s as the inside of a PDF literal string: WinAnsi bytes,
// with parentheses and backslashes escaped and bytes above 0x7E written as
// octal escapes, so the content stream stays plain ASCII.
func escape(s string) string {
	var b strings.Builder
	for _, r := range s {
		c := encode(r)
		switch {
		case c == '(' || c == ')' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c > 0x7E:
			fmt.Fprintf(&b, "\\%03o", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// utf16String encodes s as a PDF text string in UTF-16BE with a byte order
// mark, written as a hex string: the form document information uses for
// text outside PDFDocEncoding.
func utf16String(s string) string {
	var b strings.Builder
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteString(">")
	return b.String()
}

// helvetica holds the advance widths (1/1000 em) of Helvetica for ASCII;
// accented letters use the width of their base letter.
var helvetica = [95]int{
	278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space to /
	556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // 0-9
	278, 278, 584, 584, 584, 556, 1015, // : to @
	667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, // A-M
	722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, // N-Z
	278, 278, 278, 469, 556, 333, // [ to `
	556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, // a-m
	556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, // n-z
	334, 260, 334, 584, // { to ~
}

// base maps common accented letters to the letter whose width they share.
var base = map[rune]rune{
	'å': 'a', 'ä': 'a', 'à': 'a', 'á': 'a', 'â': 'a', 'ã': 'a', 'æ': 'm',
	'Å': 'A', 'Ä': 'A', 'À': 'A', 'Á': 'A', 'Â': 'A', 'Ã': 'A', 'Æ': 'W',
	'ö': 'o', 'ò': 'o', 'ó': 'o', 'ô': 'o', 'õ': 'o', 'ø': 'o',
	'Ö': 'O', 'Ò': 'O', 'Ó': 'O', 'Ô': 'O', 'Õ': 'O', 'Ø': 'O',
	'é': 'e', 'è': 'e', 'ê': 'e', 'ë': 'e', 'É': 'E', 'È': 'E', 'Ê': 'E', 'Ë': 'E',
	'ü': 'u', 'ú': 'u', 'ù': 'u', 'û': 'u', 'Ü': 'U', 'Ú': 'U', 'Ù': 'U', 'Û': 'U',
	'í': 'i', 'ì': 'i', 'î': 'i', 'ï': 'i', 'ñ': 'n', 'Ñ': 'N', 'ç': 'c', 'Ç': 'C',
	'–': 'n', '—': 'm', '’': '\'', '”': '"', '“': '"', '•': 'o', '…': 'm',
}

// width returns the width of s in points at size; bold text is taken as
// 5% wider, enough for line breaking.
func width(s string, f font, size float64) float64 {
	w := 0
	for _, r := range s {
		if b, ok := base[r]; ok {
			r = b
		}
		if r >= 0x20 && r <= 0x7E {
			w += helvetica[r-0x20]
		} else {
			w += 556
		}
	}
	out := float64(w) * size / 1000
	if f == bold {
		out *= 1.05
	}
	return out
}

// wrap breaks s into lines no wider than max at words; a word longer than a
// line is cut. Newlines in s start new lines.
func wrap(s string, f font, size, max float64) []string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		words := strings.Fields(para)
		if len(words) == 0 {
			lines = append(lines, "")
			continue
		}
		line := ""
		for _, w := range words {
			for width(w, f, size) > max {
				// Cut an overlong word (a long file name, a digest) after
				// the last rune that fits.
				if line != "" {
					lines = append(lines, line)
					line = ""
				}
				rs := []rune(w)
				n, used := 0, 0.0
				for n < len(rs) {
					rw := width(string(rs[n]), f, size)
					if n > 0 && used+rw > max {
						break
					}
					used += rw
					n++
				}
				lines = append(lines, string(rs[:n]))
				w = string(rs[n:])
			}
			if w == "" {
				continue
			}
			switch {
			case line == "":
				line = w
			case width(line+" "+w, f, size) <= max:
				line += " " + w
			default:
				lines = append(lines, line)
				line = w
			}
		}
		if line != "" {
			lines = append(lines, line)
		}
	}
	return lines
}
