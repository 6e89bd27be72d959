package engine

import (
	"math"
	"testing"
)

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{3, "3"}, {0.5, "0.5"}, {1626077464.547, "1626077464.547"}, {-2, "-2"},
		{0, "0"}, {math.Copysign(0, -1), "0"}, {1e15, "1000000000000000"},
		{123456789012, "123456789012"}, {0.30000000000000004, "0.30000000000000004"},
		{1e-7, "1e-07"}, {1e21, "1e+21"}, {math.NaN(), "nan"}, {math.Inf(1), "inf"}, {math.Inf(-1), "-inf"},
		{2.50, "2.5"},
	}
	for _, tc := range tests {
		if got := FormatNumber(tc.in); got != tc.want {
			t.Errorf("FormatNumber(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"1", 1, true}, {"-1.5", -1.5, true}, {"+2", 2, true}, {".5", 0.5, true}, {"5.", 5, true},
		{"1e3", 1000, true}, {"1E-2", 0.01, true}, {"", 0, false}, {" 1", 0, false}, {"1 ", 0, false},
		{"0x10", 0, false}, {"inf", 0, false}, {"NaN", 0, false}, {"1_000", 0, false}, {"1e", 0, false},
		{".", 0, false}, {"-", 0, false}, {"abc", 0, false}, {"0x0", 0, false},
	}
	for _, tc := range tests {
		got, ok := parseNumber(tc.in)
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("parseNumber(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
