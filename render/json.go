package render

import (
	"bufio"
	"fmt"
	"io"
	"unicode/utf8"
)

// WriteJSON writes t as JSON Lines: one object per row, keys in column
// order, values JSON strings, a multivalue cell an array of strings, null
// cells left out. A result without rows writes nothing.
func WriteJSON(w io.Writer, t Table) error {
	fields := t.Fields()
	keys := make([][]byte, len(fields))
	for c, f := range fields {
		keys[c] = appendJSONString(nil, f)
	}
	bw := bufio.NewWriter(w)
	var buf []byte
	for r, n := 0, t.NumRows(); r < n; r++ {
		buf = append(buf[:0], '{')
		first := true
		for c := range fields {
			values := t.Cell(r, c)
			if len(values) == 0 {
				continue
			}
			if !first {
				buf = append(buf, ',')
			}
			first = false
			buf = append(buf, keys[c]...)
			buf = append(buf, ':')
			if len(values) == 1 {
				buf = appendJSONString(buf, values[0])
				continue
			}
			buf = append(buf, '[')
			for i, v := range values {
				if i > 0 {
					buf = append(buf, ',')
				}
				buf = appendJSONString(buf, v)
			}
			buf = append(buf, ']')
		}
		buf = append(buf, '}', '\n')
		if _, err := bw.Write(buf); err != nil {
			return fmt.Errorf("render json: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("render json: %w", err)
	}
	return nil
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string (RFC 8259): '"' and '\'
// escaped, control characters as \n, \r, \t or \u00XX, invalid UTF-8 as
// U+FFFD, and U+2028/U+2029 escaped as encoding/json does. Unlike
// encoding/json it does not escape '<', '>' and '&', and it appends to a
// reused buffer instead of allocating per value.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '"', '\\':
				dst = append(dst, '\\', b)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
