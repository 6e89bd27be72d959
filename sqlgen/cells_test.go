package sqlgen_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/minispl/minispl/sqlgen"
)

func TestCells(t *testing.T) {
	cases := []struct {
		in   any
		want []string
	}{
		{nil, nil},
		{"C:\\Windows", []string{"C:\\Windows"}},
		{int64(-42), []string{"-42"}},
		{int32(7), []string{"7"}},
		{float64(1.5), []string{"1.5"}},
		{float64(3), []string{"3"}},
		{true, []string{"true"}},
		{[]any{"a", nil, int64(2), []any{"b", "c"}}, []string{"a", "2", "b", "c"}},
		{[]any{}, nil},
	}
	for _, c := range cases {
		got, err := sqlgen.Cells(c.in)
		if err != nil {
			t.Errorf("Cells(%#v): %v", c.in, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("Cells(%#v) = %q, want %q", c.in, got, c.want)
		}
	}
	for _, bad := range []any{time.Unix(0, 0), []any{"a", uint8(1)}, map[string]any{}} {
		if got, err := sqlgen.Cells(bad); err == nil {
			t.Errorf("Cells(%#v) = %q, want an error", bad, got)
		}
	}
}
