package evtx

import (
	"encoding/binary"
	"math"
	"slices"
	"strconv"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// Substitution value types (evtx-format.md §6).
const (
	typNull     = 0x00
	typString   = 0x01
	typAnsi     = 0x02
	typInt8     = 0x03
	typUInt8    = 0x04
	typInt16    = 0x05
	typUInt16   = 0x06
	typInt32    = 0x07
	typUInt32   = 0x08
	typInt64    = 0x09
	typUInt64   = 0x0A
	typReal32   = 0x0B
	typReal64   = 0x0C
	typBool     = 0x0D
	typBinary   = 0x0E
	typGUID     = 0x0F
	typSizeT    = 0x10
	typFileTime = 0x11
	typSysTime  = 0x12
	typSID      = 0x13
	typHex32    = 0x14
	typHex64    = 0x15
	typHandle   = 0x20
	typBinXML   = 0x21
	typEvtXML   = 0x23
	typArray    = 0x80
)

// itemSize is the size of one array item of a fixed-size base type, or 0.
func itemSize(base byte, n int) int {
	switch base {
	case typInt8, typUInt8:
		return 1
	case typInt16, typUInt16:
		return 2
	case typInt32, typUInt32, typReal32, typBool, typHex32:
		return 4
	case typInt64, typUInt64, typReal64, typFileTime, typHex64:
		return 8
	case typGUID, typSysTime:
		return 16
	case typSizeT: // ambiguous: 8-byte items when the size allows it
		if n%8 == 0 {
			return 8
		}
		return 4
	}
	return 0
}

// forEachItem calls fn for each item of an array value (type | 0x80).
// String arrays are NUL-terminated UTF-16 strings, ANSI arrays NUL-terminated
// bytes, SID arrays self-delimiting; other arrays are fixed-size items.
func (p *parser) forEachItem(v value, fn func(typ byte, data []byte) error) error {
	base := v.typ &^ typArray
	b := p.c[v.pos : v.pos+v.n]
	switch base {
	case typString:
		for len(b) > 0 {
			i := 0
			for i+1 < len(b) && (b[i] != 0 || b[i+1] != 0) {
				i += 2
			}
			if i+1 >= len(b) { // last item without its NUL
				return fn(typString, b)
			}
			if err := fn(typString, b[:i]); err != nil {
				return err
			}
			b = b[i+2:]
		}
		return nil
	case typAnsi:
		for len(b) > 0 {
			i := 0
			for i < len(b) && b[i] != 0 {
				i++
			}
			if err := fn(typAnsi, b[:i]); err != nil {
				return err
			}
			if i == len(b) {
				return nil
			}
			b = b[i+1:]
		}
		return nil
	case typSID:
		for len(b) > 0 {
			if len(b) < 8 {
				return errAt(v.pos, "SID array item cut off")
			}
			n := 8 + 4*int(b[1])
			if n > len(b) {
				return errAt(v.pos, "SID array item cut off")
			}
			if err := fn(typSID, b[:n]); err != nil {
				return err
			}
			b = b[n:]
		}
		return nil
	}
	sz := itemSize(base, len(b))
	if sz == 0 {
		return errAt(v.pos, "array of value type 0x%02x is not supported", base)
	}
	if len(b)%sz != 0 {
		return errAt(v.pos, "array of type 0x%02x has %d bytes, not a multiple of %d", base, len(b), sz)
	}
	for ; len(b) > 0; b = b[sz:] {
		if err := fn(base, b[:sz]); err != nil {
			return err
		}
	}
	return nil
}

const hexUpper = "0123456789ABCDEF"

// appendValue renders one (non-array) value in the Windows form
// (evtx-format.md §7; the package doc lists the choices).
func (p *parser) appendValue(typ byte, b []byte, pos int, attr bool, depth int) error {
	le := binary.LittleEndian
	out := p.out
	bad := func() error { return errAt(pos, "value of type 0x%02x has %d bytes", typ, len(b)) }
	switch typ {
	case typNull:
	case typString:
		out = appendUTF16(out, b, attr)
	case typAnsi:
		out = appendANSI(out, b, attr)
	case typInt8, typUInt8, typInt16, typUInt16, typInt32, typUInt32, typInt64, typUInt64:
		size := 1 << ((typ - typInt8) / 2) // 1, 2, 4, 8 bytes
		if len(b) != size {
			return bad()
		}
		var v uint64
		for i := size - 1; i >= 0; i-- {
			v = v<<8 | uint64(b[i])
		}
		if (typ-typInt8)%2 == 0 { // the signed types: sign-extend
			shift := 64 - 8*size
			out = strconv.AppendInt(out, int64(v<<shift)>>shift, 10)
		} else {
			out = strconv.AppendUint(out, v, 10)
		}
	case typReal32:
		if len(b) != 4 {
			return bad()
		}
		out = strconv.AppendFloat(out, float64(math.Float32frombits(le.Uint32(b))), 'g', -1, 32)
	case typReal64:
		if len(b) != 8 {
			return bad()
		}
		out = strconv.AppendFloat(out, math.Float64frombits(le.Uint64(b)), 'g', -1, 64)
	case typBool:
		var v uint64
		switch len(b) {
		case 1:
			v = uint64(b[0])
		case 2:
			v = uint64(le.Uint16(b))
		case 4:
			v = uint64(le.Uint32(b))
		case 8:
			v = le.Uint64(b)
		default:
			return bad()
		}
		if v != 0 {
			out = append(out, "true"...)
		} else {
			out = append(out, "false"...)
		}
	case typBinary, typHandle, typEvtXML:
		for _, c := range b {
			out = append(out, hexUpper[c>>4], hexUpper[c&15])
		}
	case typGUID:
		if len(b) != 16 {
			return bad()
		}
		out = appendGUID(out, b)
	case typSizeT, typHex32, typHex64:
		var v uint64
		switch {
		case len(b) == 4 && typ != typHex64:
			v = uint64(le.Uint32(b))
		case len(b) == 8 && typ != typHex32:
			v = le.Uint64(b)
		default:
			return bad()
		}
		out = append(out, '0', 'x')
		out = strconv.AppendUint(out, v, 16)
	case typFileTime:
		if len(b) != 8 {
			return bad()
		}
		out = appendFileTime(out, le.Uint64(b))
	case typSysTime:
		if len(b) != 16 {
			return bad()
		}
		out = appendSysTime(out, b)
	case typSID:
		if len(b) < 8 || len(b) < 8+4*int(b[1]) {
			return bad()
		}
		out = appendSID(out, b)
	case typBinXML:
		p.out = out
		return p.fragment(pos, pos+len(b), depth+1)
	default:
		return errAt(pos, "unknown value type 0x%02x", typ)
	}
	p.out = out
	return nil
}

// plainASCII marks the ASCII characters written as they are in text and
// attributes: not NUL, '&', '<', '>' or '\”.
var plainASCII = func() (t [256]bool) {
	for c := 1; c < 0x80; c++ {
		t[c] = c != '&' && c != '<' && c != '>' && c != '\''
	}
	return t
}()

// appendUTF16 appends UTF-16LE text as UTF-8, cut at the first NUL, with
// '&', '<' and '>' escaped (and '\” in attributes, which are single-quoted).
// Unpaired surrogates become U+FFFD. Runs of plain ASCII are copied in a
// tight loop.
func appendUTF16(out, b []byte, attr bool) []byte {
	n := len(b) &^ 1
	for i := 0; i < n; {
		out = slices.Grow(out, (n-i)/2)
		buf := out[:cap(out)]
		w := len(out)
		for i < n && b[i+1] == 0 && plainASCII[b[i]] {
			buf[w] = b[i]
			w++
			i += 2
		}
		out = buf[:w]
		if i >= n {
			break
		}
		if b[i+1] == 0 {
			switch c := b[i]; c {
			case 0:
				return out
			case '&':
				out = append(out, "&amp;"...)
			case '<':
				out = append(out, "&lt;"...)
			case '>':
				out = append(out, "&gt;"...)
			case '\'':
				if attr {
					out = append(out, "&apos;"...)
				} else {
					out = append(out, c)
				}
			default: // U+0080..U+00FF
				out = utf8.AppendRune(out, rune(c))
			}
			i += 2
			continue
		}
		r, size := decodeUTF16(b, i, n)
		out = utf8.AppendRune(out, r)
		i += size
	}
	return out
}

// decodeUTF16 decodes the non-ASCII code unit at b[i:] (and its low
// surrogate), returning the rune and the bytes used; an unpaired surrogate
// is U+FFFD.
func decodeUTF16(b []byte, i, n int) (rune, int) {
	u := rune(b[i]) | rune(b[i+1])<<8
	if !utf16.IsSurrogate(u) {
		return u, 2
	}
	if u < 0xDC00 && i+3 < n {
		if r := utf16.DecodeRune(u, rune(b[i+2])|rune(b[i+3])<<8); r != utf8.RuneError {
			return r, 4
		}
	}
	return utf8.RuneError, 2
}

// appendUTF16Raw appends UTF-16LE text as UTF-8 without escaping (names,
// CDATA, PI data).
func appendUTF16Raw(out, b []byte) []byte {
	n := len(b) &^ 1
	for i := 0; i < n; i += 2 {
		u := rune(b[i]) | rune(b[i+1])<<8
		if u < 0x80 {
			out = append(out, byte(u))
			continue
		}
		r, w := decodeUTF16(b, i, n)
		out = utf8.AppendRune(out, r)
		i += w - 2
	}
	return out
}

// cp1252 maps bytes 0x80-0x9F of windows-1252 (evtxexport's default ANSI
// codepage); other bytes are Latin-1. Undefined ones map to U+FFFD.
var cp1252 = [32]rune{
	0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
	0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
}

// appendANSI appends windows-1252 text as escaped UTF-8, cut at the first
// NUL.
func appendANSI(out, b []byte, attr bool) []byte {
	for _, c := range b {
		switch {
		case c == 0:
			return out
		case c >= 0x80 && c < 0xA0:
			out = utf8.AppendRune(out, cp1252[c-0x80])
		case c >= 0xA0:
			out = utf8.AppendRune(out, rune(c))
		case c == '&':
			out = append(out, "&amp;"...)
		case c == '<':
			out = append(out, "&lt;"...)
		case c == '>':
			out = append(out, "&gt;"...)
		case c == '\'' && attr:
			out = append(out, "&apos;"...)
		default:
			out = append(out, c)
		}
	}
	return out
}

// appendGUID renders {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}, upper case.
func appendGUID(out, b []byte) []byte {
	hx := func(c byte) { out = append(out, hexUpper[c>>4], hexUpper[c&15]) }
	out = append(out, '{')
	hx(b[3])
	hx(b[2])
	hx(b[1])
	hx(b[0])
	out = append(out, '-')
	hx(b[5])
	hx(b[4])
	out = append(out, '-')
	hx(b[7])
	hx(b[6])
	out = append(out, '-')
	hx(b[8])
	hx(b[9])
	out = append(out, '-')
	for _, c := range b[10:16] {
		hx(c)
	}
	return append(out, '}')
}

// appendSID renders S-R-A-S1-S2-...; an identifier authority of 2^32 or
// more is hexadecimal, as ConvertSidToStringSid writes it.
func appendSID(out, b []byte) []byte {
	out = append(out, 'S', '-')
	out = strconv.AppendUint(out, uint64(b[0]), 10)
	var auth uint64
	for _, c := range b[2:8] {
		auth = auth<<8 | uint64(c)
	}
	out = append(out, '-')
	if auth >= 1<<32 {
		out = append(out, "0x"...)
		for _, c := range b[2:8] {
			out = append(out, hexUpper[c>>4], hexUpper[c&15])
		}
	} else {
		out = strconv.AppendUint(out, auth, 10)
	}
	for i := 0; i < int(b[1]); i++ {
		out = append(out, '-')
		out = strconv.AppendUint(out, uint64(binary.LittleEndian.Uint32(b[8+4*i:])), 10)
	}
	return out
}

// filetimeEpoch is the number of seconds from 1601-01-01 to 1970-01-01.
const filetimeEpoch = 11644473600

// appendFileTime renders a FILETIME as 2006-01-02T15:04:05.123456700Z: nine
// fractional digits, the last two 0, as older Windows builds (and
// evtxexport) write TimeCreated.
func appendFileTime(out []byte, ft uint64) []byte {
	secs := int64(ft / 10_000_000)
	frac := int(ft % 10_000_000)
	t := time.Unix(secs-filetimeEpoch, 0).UTC()
	out = appendDateTime(out, t)
	out = append(out, '.')
	out = appendDigits(out, frac, 7)
	return append(out, '0', '0', 'Z')
}

// appendSysTime renders a SYSTEMTIME (year, month, weekday, day, hour,
// minute, second, milliseconds) as 2006-01-02T15:04:05.000Z, fields as
// stored, without validation.
func appendSysTime(out, b []byte) []byte {
	f := func(i int) int { return int(binary.LittleEndian.Uint16(b[2*i:])) }
	out = appendDigits(out, f(0), 4)
	out = append(out, '-')
	out = appendDigits(out, f(1), 2)
	out = append(out, '-')
	out = appendDigits(out, f(3), 2)
	out = append(out, 'T')
	out = appendDigits(out, f(4), 2)
	out = append(out, ':')
	out = appendDigits(out, f(5), 2)
	out = append(out, ':')
	out = appendDigits(out, f(6), 2)
	out = append(out, '.')
	out = appendDigits(out, f(7), 3)
	return append(out, 'Z')
}

func appendDateTime(out []byte, t time.Time) []byte {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	out = appendDigits(out, y, 4)
	out = append(out, '-')
	out = appendDigits(out, int(mo), 2)
	out = append(out, '-')
	out = appendDigits(out, d, 2)
	out = append(out, 'T')
	out = appendDigits(out, h, 2)
	out = append(out, ':')
	out = appendDigits(out, mi, 2)
	out = append(out, ':')
	return appendDigits(out, s, 2)
}

// appendDigits appends v in decimal, zero-padded to at least width digits.
func appendDigits(out []byte, v, width int) []byte {
	var buf [20]byte
	i := len(buf)
	for v > 0 || i > len(buf)-width {
		i--
		buf[i] = byte('0' + v%10)
		v /= 10
	}
	return append(out, buf[i:]...)
}
