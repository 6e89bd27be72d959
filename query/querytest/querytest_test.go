package querytest

import (
	"strings"
	"testing"
)

func TestCheckNonNull(t *testing.T) {
	res := &resultSnapshot{
		fields: []string{"dest", "user", "guid"},
		rows: [][][]string{
			{{"h1"}, {"unknown"}, {"null"}},
			{{"h2"}, nil, {"g"}},
		},
	}
	for _, tc := range []struct {
		name   string
		r      *resultSnapshot
		fields []string
		want   []string
	}{
		{"non-null and unknown pass", res, []string{"dest"}, nil},
		{"no run", nil, []string{"dest"}, []string{"the previous run returned no results"}},
		{"no rows", &resultSnapshot{fields: []string{"dest"}}, []string{"dest"},
			[]string{"the previous run returned no results"}},
		{"null cell", res, []string{"user"}, []string{"field user is null in result row 2"}},
		{"string null", res, []string{"guid"}, []string{"field guid is null in result row 1"}},
		{"absent column", res, []string{"dest", "src"},
			[]string{"field src is not a column of the result (dest,user,guid)"}},
		{"multivalue is a value", &resultSnapshot{fields: []string{"f"}, rows: [][][]string{{{"null", "x"}}}},
			[]string{"f"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := checkNonNull(tc.r, tc.fields)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("checkNonNull(%v) = %q, want %q", tc.fields, got, tc.want)
			}
		})
	}
}
