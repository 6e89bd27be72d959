package sqlgen

import (
	"fmt"
	"strconv"

	"github.com/minispl/minispl/engine"
)

// Cells renders one value that database/sql scanned from a compiled
// query's result (DuckDB's driver gives nil, string, int32, int64,
// float64, bool and []any for lists) as the cell minispl's executor gives
// for it: null as no value, numbers in minispl's canonical number text
// (engine.FormatNumber), a list as its values in order (nested lists
// flattened). A value of any other type is an error: minispl's results
// hold none, so the query returned something the compiler did not ask for.
func Cells(v any) ([]string, error) {
	switch v := v.(type) {
	case nil:
		return nil, nil
	case string:
		return []string{v}, nil
	case int64:
		return []string{strconv.FormatInt(v, 10)}, nil
	case int32:
		return []string{strconv.FormatInt(int64(v), 10)}, nil
	case float64:
		return []string{engine.FormatNumber(v)}, nil
	case bool:
		return []string{strconv.FormatBool(v)}, nil
	case []any:
		var out []string
		for _, x := range v {
			c, err := Cells(x)
			if err != nil {
				return nil, err
			}
			out = append(out, c...)
		}
		return out, nil
	}
	return nil, fmt.Errorf("a value of type %T, which minispl's results do not have", v)
}
