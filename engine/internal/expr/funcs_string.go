package expr

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/minispl/minispl/engine/internal/pcre"
	"github.com/minispl/minispl/engine/internal/value"
)

// mapStr applies f to each value of row i of v (every value of a
// multivalue, giving a multivalue) and sets the result in out; a value for
// which f reports false is dropped.
func mapStr(v *value.Vector, i int, out *value.Vector, f func(string) (string, bool)) {
	switch v.Kinds[i] {
	case value.KindNull:
		return
	case value.KindMulti:
		vals := make([]string, 0, len(v.Multi[i]))
		for _, s := range v.Multi[i] {
			if r, ok := f(s); ok {
				vals = append(vals, r)
			}
		}
		out.SetValues(i, vals)
		if out.Kinds[i] == value.KindNumber {
			out.SetStr(i, vals[0])
		}
	default:
		s, _ := v.Str(i)
		if r, ok := f(s); ok {
			out.SetStr(i, r)
		}
	}
}

// strFunc is a one-string-argument function applied value by value.
func strFunc(f func(string) string) *funcSpec {
	return &funcSpec{min: 1, max: 1, ret: typeValue, build: func(fc *funcCall) (batchFn, error) {
		return perRow(func(a []*value.Vector, i int, out *value.Vector) {
			mapStr(a[0], i, out, func(s string) (string, bool) { return f(s), true })
		}), nil
	}}
}

// trimFunc is trim, ltrim or rtrim with optional characters (default space
// and tab).
func trimFunc(f func(s, cut string) string) *funcSpec {
	return &funcSpec{min: 1, max: 2, ret: typeValue, build: func(fc *funcCall) (batchFn, error) {
		return perRow(func(a []*value.Vector, i int, out *value.Vector) {
			cut, ok := optStr(a, 1, i, " \t")
			if !ok {
				return
			}
			mapStr(a[0], i, out, func(s string) (string, bool) { return f(s, cut), true })
		}), nil
	}}
}

func addStringFuncs(m map[string]*funcSpec) {
	m["lower"] = strFunc(strings.ToLower)
	m["upper"] = strFunc(strings.ToUpper)
	m["trim"] = trimFunc(strings.Trim)
	m["ltrim"] = trimFunc(strings.TrimLeft)
	m["rtrim"] = trimFunc(strings.TrimRight)
	m["urldecode"] = strFunc(func(s string) string {
		if r, err := url.QueryUnescape(s); err == nil {
			return r
		}
		return s
	})
	hash := func(sum func([]byte) []byte) *funcSpec {
		return strFunc(func(s string) string { return hex.EncodeToString(sum([]byte(s))) })
	}
	m["md5"] = hash(func(b []byte) []byte { h := md5.Sum(b); return h[:] })
	m["sha1"] = hash(func(b []byte) []byte { h := sha1.Sum(b); return h[:] })
	m["sha256"] = hash(func(b []byte) []byte { h := sha256.Sum256(b); return h[:] })
	m["len"] = &funcSpec{min: 1, max: 1, ret: typeValue, build: func(fc *funcCall) (batchFn, error) {
		return perRow(func(a []*value.Vector, i int, out *value.Vector) {
			if s, ok := a[0].Str(i); ok {
				out.SetNum(i, float64(utf8.RuneCountInString(s)))
			}
		}), nil
	}}
	m["substr"] = &funcSpec{min: 2, max: 3, ret: typeValue, build: func(fc *funcCall) (batchFn, error) {
		return perRow(func(a []*value.Vector, i int, out *value.Vector) {
			s, ok := a[0].Str(i)
			start, ok2 := a[1].Num(i)
			if !ok || !ok2 {
				return
			}
			length, ok := optNum(a, 2, i, math.Inf(1))
			if !ok {
				return
			}
			out.SetStr(i, substr(s, start, length))
		}), nil
	}}
	m["replace"] = &funcSpec{min: 3, max: 3, ret: typeValue, build: func(fc *funcCall) (batchFn, error) {
		return fc.perRowRegex(1, func(a []*value.Vector, i int, out *value.Vector, r *pcre.Regexp) {
			repl, ok := a[2].Str(i)
			if !ok {
				return
			}
			repl = GoReplacement(repl)
			mapStr(a[0], i, out, func(s string) (string, bool) { return r.ReplaceAllString(s, repl), true })
		})
	}}
	m["tostring"] = &funcSpec{min: 1, max: 2, ret: typeValue, build: buildTostring}
	m["tonumber"] = &funcSpec{min: 1, max: 2, ret: typeValue, build: buildTonumber}
}

// substr is SQLite's substr over runes: start is 1-based, a negative start
// counts from the end, start 0 shortens the length by one, and a negative
// length takes the characters before start.
func substr(s string, start, length float64) string {
	r := []rune(s)
	n := float64(len(r))
	p1, p2 := math.Trunc(start), length
	if !math.IsInf(p2, 0) {
		p2 = math.Trunc(p2)
	}
	neg := p2 < 0
	if neg {
		p2 = -p2
	}
	switch {
	case p1 < 0:
		p1 += n
		if p1 < 0 {
			p2 += p1
			if p2 < 0 {
				p2 = 0
			}
			p1 = 0
		}
	case p1 > 0:
		p1--
	case p2 > 0:
		p2--
	}
	if neg {
		p1 -= p2
		if p1 < 0 {
			p2 += p1
			p1 = 0
		}
	}
	if p1 > n {
		return ""
	}
	if p1+p2 > n {
		p2 = n - p1
	}
	if p2 <= 0 {
		return ""
	}
	return string(r[int(p1):int(p1+p2)])
}

// GoReplacement turns a PCRE replacement (\1 backreferences) into Go's
// template syntax (${1}), escaping literal dollars.
func GoReplacement(repl string) string {
	if !strings.ContainsAny(repl, `\$`) {
		return repl
	}
	var b strings.Builder
	for i := 0; i < len(repl); i++ {
		c := repl[i]
		switch {
		case c == '\\' && i+1 < len(repl) && repl[i+1] >= '0' && repl[i+1] <= '9':
			b.WriteString("${")
			b.WriteByte(repl[i+1])
			b.WriteString("}")
			i++
		case c == '\\' && i+1 < len(repl) && repl[i+1] == '\\':
			b.WriteByte('\\')
			i++
		case c == '$':
			b.WriteString("$$")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// buildTostring is tostring(X[, fmt]): booleans as "True"/"False", numbers
// via FormatNumber, fmt "hex" as 0x plus upper-case hex digits of the
// truncated integer, "commas" with thousands separators and at most two
// decimals (rounded like round(X, 2), trailing zeros dropped), "duration"
// as [D+]HH:MM:SS of the floored seconds. A string is returned as is
// whatever fmt; an unknown fmt is a plan error when literal, else null.
func buildTostring(fc *funcCall) (batchFn, error) {
	if f, ok := fc.literal(1); ok {
		switch f {
		case "hex", "commas", "duration", "binary":
		default:
			return nil, fc.errorf(1, "unknown format %q (want hex, commas, duration or binary)", f)
		}
	}
	return perRow(func(a []*value.Vector, i int, out *value.Vector) {
		v := a[0]
		switch v.Kinds[i] {
		case value.KindNull:
			return
		case value.KindBool:
			if v.Nums[i] != 0 {
				out.SetStr(i, "True")
			} else {
				out.SetStr(i, "False")
			}
			return
		case value.KindNumber:
		default:
			s, _ := v.Str(i)
			out.SetStr(i, s)
			return
		}
		f := v.Nums[i]
		if len(a) == 1 {
			s, _ := v.Str(i)
			out.SetStr(i, s)
			return
		}
		format, ok := a[1].Str(i)
		if !ok {
			return
		}
		switch format {
		case "hex":
			n := int64(f)
			if n < 0 {
				out.SetStr(i, "-0x"+strings.ToUpper(strconv.FormatInt(-n, 16)))
			} else {
				out.SetStr(i, "0x"+strings.ToUpper(strconv.FormatInt(n, 16)))
			}
		case "binary":
			out.SetStr(i, strconv.FormatInt(int64(f), 2))
		case "commas":
			out.SetStr(i, commas(roundDecimal(f, 2)))
		case "duration":
			out.SetStr(i, duration(f))
		}
	}), nil
}

// commas renders f with thousands separators in its integer part.
func commas(f float64) string {
	s := value.FormatNumber(f)
	if strings.ContainsAny(s, "einf") {
		return s
	}
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	intPart, frac := s, ""
	if k := strings.IndexByte(s, '.'); k >= 0 {
		intPart, frac = s[:k], s[k:]
	}
	var b strings.Builder
	for k, c := range intPart {
		if k > 0 && (len(intPart)-k)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return sign + b.String() + frac
}

// duration renders seconds as HH:MM:SS, with a D+ day prefix past a day.
func duration(f float64) string {
	sign := ""
	if f < 0 {
		sign, f = "-", -f
	}
	s := int64(math.Floor(f))
	days, s := s/86400, s%86400
	out := sign
	if days > 0 {
		out += strconv.FormatInt(days, 10) + "+"
	}
	return out + twoDigits(s/3600) + ":" + twoDigits(s%3600/60) + ":" + twoDigits(s%60)
}

func twoDigits(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

// buildTonumber is tonumber(X[, base]): base 10 accepts what parseNumber
// accepts; other bases (2..36) an optionally signed integer (with an
// optional 0x prefix in base 16). Surrounding spaces or any other text give
// null; a literal X that does not convert is a plan error, since Splunk
// fails such a search.
func buildTonumber(fc *funcCall) (batchFn, error) {
	base := 10
	if b, ok := fc.literal(1); ok {
		n, err := strconv.Atoi(b)
		if err != nil || n < 2 || n > 36 {
			return nil, fc.errorf(1, "base %q must be an integer from 2 to 36", b)
		}
		base = n
	}
	if s, ok := fc.literal(0); ok {
		if _, ok := toNumber(s, base); !ok {
			return nil, fc.errorf(0, "%q is not a number in base %d", s, base)
		}
	}
	return perRow(func(a []*value.Vector, i int, out *value.Vector) {
		b := base
		if len(a) == 2 {
			f, ok := a[1].Num(i)
			if !ok || f < 2 || f > 36 || f != math.Trunc(f) {
				return
			}
			b = int(f)
		}
		if a[0].Kinds[i] == value.KindNumber && b == 10 {
			out.SetNum(i, a[0].Nums[i])
			return
		}
		s, ok := a[0].Str(i)
		if !ok {
			return
		}
		if f, ok := toNumber(s, b); ok {
			out.SetNum(i, f)
		}
	}), nil
}

func toNumber(s string, base int) (float64, bool) {
	if base == 10 {
		return value.ParseNumber(s)
	}
	t := s
	neg := false
	if strings.HasPrefix(t, "-") || strings.HasPrefix(t, "+") {
		neg, t = t[0] == '-', t[1:]
	}
	if base == 16 && (strings.HasPrefix(t, "0x") || strings.HasPrefix(t, "0X")) {
		t = t[2:]
	}
	if t == "" || strings.HasPrefix(t, "+") || strings.HasPrefix(t, "-") || strings.Contains(t, "_") {
		return 0, false
	}
	n, err := strconv.ParseUint(t, base, 64)
	if err != nil {
		return 0, false
	}
	f := float64(n)
	if neg {
		f = -f
	}
	return f, true
}

// buildCidrmatch is cidrmatch(cidr, ip) over IPv4 and IPv6 (net/netip): true
// when ip is inside the subnet; false for an ip that does not parse. A
// literal subnet that does not parse is a plan error; a bad one from a
// field gives null.
func buildCidrmatch(fc *funcCall) (batchFn, error) {
	var lit *netip.Prefix
	if s, ok := fc.literal(0); ok {
		p, err := parseCIDR(s)
		if err != nil {
			return nil, fc.errorf(0, "%v", err)
		}
		lit = &p
	}
	return perRow(func(a []*value.Vector, i int, out *value.Vector) {
		var p netip.Prefix
		if lit != nil {
			p = *lit
		} else {
			s, ok := a[0].Str(i)
			if !ok {
				return
			}
			var err error
			if p, err = parseCIDR(s); err != nil {
				return
			}
		}
		if a[1].IsNull(i) {
			return
		}
		var vals [1]string
		hit := false
		for _, s := range a[1].Values(i, vals[:0]) {
			if ip, err := netip.ParseAddr(strings.TrimSpace(s)); err == nil && p.Contains(ip.Unmap()) {
				hit = true
				break
			}
		}
		out.SetBool(i, hit)
	}), nil
}

// parseCIDR parses a subnet; a bare address is a /32 (or /128).
func parseCIDR(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "/") {
		ip, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, err
		}
		return netip.PrefixFrom(ip, ip.BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return p.Masked(), nil
}
