package hunt

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/minispl/minispl/internal/english"
	"github.com/minispl/minispl/spl"
)

// Finding summarises a detection that fired.
type Finding struct {
	Result *Result
	// Hosts are the distinct host values of the rows (see Hosts).
	Hosts []string
	// First and Last are the earliest and latest row times (zero when no
	// row has a time).
	First, Last time.Time
}

// Findings returns a Finding per detection that fired, by descending risk
// score, then by descending row count, then by name.
func Findings(results []Result) []Finding {
	var out []Finding
	for i := range results {
		r := &results[i]
		if !r.Fired() {
			continue
		}
		f := Finding{Result: r, Hosts: r.Hosts()}
		for _, row := range r.Rows {
			if row.Time.IsZero() {
				continue
			}
			if f.First.IsZero() || row.Time.Before(f.First) {
				f.First = row.Time
			}
			if row.Time.After(f.Last) {
				f.Last = row.Time
			}
		}
		out = append(out, f)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Result, out[j].Result
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if len(a.Rows) != len(b.Rows) {
			return len(a.Rows) > len(b.Rows)
		}
		return a.Detection.Name < b.Detection.Name
	})
	return out
}

// hostFields are the fields read as the host of a row when no risk object
// is of type system.
var hostFields = []string{"dest", "dvc", "ComputerName", "Computer", "host"}

// HostField returns the field naming the host of r's rows: the first risk
// object of type system that is a column, else the first of dest, dvc,
// ComputerName, Computer and host that is; "" when none is.
func (r *Result) HostField() string {
	has := func(name string) bool {
		for _, f := range r.Fields {
			if f == name {
				return true
			}
		}
		return false
	}
	for _, o := range r.Risk.Objects {
		if o.Type == "system" && has(o.Field) {
			return o.Field
		}
	}
	for _, f := range hostFields {
		if has(f) {
			return f
		}
	}
	return ""
}

// Hosts returns the distinct values of HostField in r's rows, sorted.
func (r *Result) Hosts() []string {
	field := r.HostField()
	if field == "" {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for i := range r.Rows {
		for _, v := range r.Value(&r.Rows[i], field) {
			if !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
	}
	sort.Strings(out)
	return out
}

// Totals counts what a set of results did.
type Totals struct {
	Detections, Fired, Failed int
	// Reasons are the failure reasons, most frequent first.
	Reasons []Reason
}

// Reason is a failure reason and how many detections it stopped.
type Reason struct {
	Text  string
	Count int
}

// Summarize counts results.
func Summarize(results []Result) Totals {
	t := Totals{Detections: len(results)}
	count := map[string]int{}
	for i := range results {
		r := &results[i]
		switch {
		case r.Err != nil:
			t.Failed++
			count[ShortReason(r)]++
		case len(r.Rows) > 0:
			t.Fired++
		}
	}
	for k, n := range count {
		t.Reasons = append(t.Reasons, Reason{Text: k, Count: n})
	}
	sort.Slice(t.Reasons, func(i, j int) bool {
		if t.Reasons[i].Count != t.Reasons[j].Count {
			return t.Reasons[i].Count > t.Reasons[j].Count
		}
		return t.Reasons[i].Text < t.Reasons[j].Text
	})
	return t
}

// String is "N of M detections fired; K could not run (reasons)", with at
// most three reasons and a count of the others.
func (t Totals) String() string {
	s := fmt.Sprintf("%s of %s fired; %s could not run", english.Thousands(t.Fired), english.Plural(t.Detections, "detection"), english.Thousands(t.Failed))
	if len(t.Reasons) == 0 {
		return s
	}
	var parts []string
	for i, r := range t.Reasons {
		if i == 3 {
			parts = append(parts, english.Plural(len(t.Reasons)-3, "other reason"))
			break
		}
		parts = append(parts, fmt.Sprintf("%s %s", english.Thousands(r.Count), r.Text))
	}
	return s + " (" + strings.Join(parts, "; ") + ")"
}

// ShortReason is the failure of r without position or hint: its stage
// and the message up to the first ';' ("plan: unknown datamodel dataset
// \"Web\"").
func ShortReason(r *Result) string {
	msg := r.Err.Error()
	var se *spl.Error
	if errors.As(r.Err, &se) {
		msg = se.Msg
	}
	msg, _, _ = strings.Cut(msg, ";")
	msg, _, _ = strings.Cut(msg, "\n")
	if r.Stage == "" {
		return strings.TrimSpace(msg)
	}
	return string(r.Stage) + ": " + strings.TrimSpace(msg)
}
