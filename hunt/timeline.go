package hunt

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/minispl/minispl/render"
)

// Timeline is every result row (Run), or every notable and risk event of
// every scheduled run (Schedule), as one table sorted by time. It
// implements render.Table. Its columns are, when any entry has them:
//
//	_time             the entry's time, RFC 3339 in the zone given
//	kind              result, notable or risk
//	detection, id     the detection's name and id
//	risk_score        the detection's score (a risk event: its object's)
//	mitre_attack_id   the ATT&CK ids
//	search_time       the scheduled run's time (now)
//	rule_title, rule_description, security_domain    notables
//	risk_object, risk_object_field, risk_object_type, risk_message,
//	threat_object, threat_object_field, threat_object_type    risk events
//
// then the rows' own fields in order of first appearance; a row field
// named like one of those columns is renamed orig_<name>, as ES names the
// original fields of a notable. Entries without a time come last; entries
// of one time keep the order of the detections, their rows, and notable
// before risk. In a scheduled timeline, the rows of a detection whose
// deployment writes neither notables nor risk events are result entries,
// so that nothing that fired is missing.
type Timeline struct {
	fields  []string
	entries []entry
}

type entry struct {
	time  time.Time
	cells map[string][]string
}

// metaFields are the timeline's own columns, in order.
var metaFields = []string{"_time", "kind", "detection", "id", "risk_score", "mitre_attack_id", "search_time",
	"rule_title", "rule_description", "security_domain",
	"risk_object", "risk_object_field", "risk_object_type", "risk_message",
	"threat_object", "threat_object_field", "threat_object_type"}

// NewTimeline builds the timeline of results, times shown in loc (nil:
// UTC).
func NewTimeline(results []Result, loc *time.Location) *Timeline {
	if loc == nil {
		loc = time.UTC
	}
	t := &Timeline{}
	used := map[string]bool{}
	var rowFields []string
	seenRow := map[string]bool{}
	add := func(r *Result, tm time.Time, meta map[string][]string, row *Row) {
		cells := meta
		cells["detection"] = []string{r.Detection.Name}
		cells["id"] = []string{r.Detection.ID}
		if _, ok := cells["risk_score"]; !ok {
			cells["risk_score"] = []string{strconv.Itoa(r.Score)}
		}
		cells["mitre_attack_id"] = r.Risk.MITRE
		if !tm.IsZero() {
			cells["_time"] = []string{tm.In(loc).Format(time.RFC3339)}
		}
		for k, v := range cells {
			if v != nil {
				used[k] = true
			}
		}
		if row != nil {
			for i, f := range r.Fields {
				name := f
				if slices.Contains(metaFields, f) {
					name = "orig_" + f
				}
				if !seenRow[name] {
					seenRow[name] = true
					rowFields = append(rowFields, name)
				}
				cells[name] = row.Values[i]
			}
		}
		t.entries = append(t.entries, entry{time: tm, cells: cells})
	}
	for i := range results {
		r := &results[i]
		if r.Err != nil && len(r.Rows) == 0 {
			continue
		}
		if r.Runs == nil {
			for k := range r.Rows {
				add(r, r.Rows[k].Time, map[string][]string{"kind": {"result"}}, &r.Rows[k])
			}
			continue
		}
		quiet := r.Deployment.Notable == nil && !r.Deployment.Risk
		for ri, run := range r.Runs {
			st := []string{run.Now.In(loc).Format(time.RFC3339)}
			if quiet {
				for k := range r.Rows {
					if r.Rows[k].Run == ri {
						add(r, r.Rows[k].Time, map[string][]string{"kind": {"result"}, "search_time": st}, &r.Rows[k])
					}
				}
				continue
			}
			for _, n := range run.Notables {
				add(r, n.Time, map[string][]string{"kind": {"notable"}, "search_time": st,
					"rule_title": {n.RuleTitle}, "rule_description": nonEmpty(n.RuleDescription), "security_domain": nonEmpty(n.SecurityDomain)}, &r.Rows[n.Row])
			}
			for _, ev := range run.Risks {
				meta := map[string][]string{"kind": {"risk"}, "search_time": st, "risk_score": {strconv.Itoa(ev.Score)},
					"risk_object": {ev.Object}, "risk_object_field": {ev.ObjectField}, "risk_object_type": {ev.ObjectType},
					"risk_message": {ev.Message}}
				for _, th := range ev.Threats {
					for _, v := range th.Values {
						meta["threat_object"] = append(meta["threat_object"], v)
						meta["threat_object_field"] = append(meta["threat_object_field"], th.Field)
						meta["threat_object_type"] = append(meta["threat_object_type"], th.Type)
					}
				}
				add(r, ev.Time, meta, &r.Rows[ev.Row])
			}
		}
	}
	for _, f := range metaFields {
		if used[f] {
			t.fields = append(t.fields, f)
		}
	}
	t.fields = append(t.fields, rowFields...)
	sort.SliceStable(t.entries, func(i, j int) bool {
		a, b := t.entries[i].time, t.entries[j].time
		if a.IsZero() || b.IsZero() {
			return !a.IsZero() && b.IsZero()
		}
		return a.Before(b)
	})
	return t
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// Fields implements render.Table.
func (t *Timeline) Fields() []string { return t.fields }

// NumRows implements render.Table.
func (t *Timeline) NumRows() int { return len(t.entries) }

// Cell implements render.Table.
func (t *Timeline) Cell(row, col int) []string {
	if row < 0 || row >= len(t.entries) || col < 0 || col >= len(t.fields) {
		return nil
	}
	return t.entries[row].cells[t.fields[col]]
}

// TimelineFormat returns the render format of a timeline file name:
// .jsonl or .json is JSON lines, .csv is CSV.
func TimelineFormat(name string) (render.Format, error) {
	lower := strings.ToLower(name)
	switch {
	case strings.HasSuffix(lower, ".jsonl"), strings.HasSuffix(lower, ".json"):
		return render.FormatJSON, nil
	case strings.HasSuffix(lower, ".csv"):
		return render.FormatCSV, nil
	}
	return "", fmt.Errorf("timeline %s: want a .jsonl or .csv file name", name)
}

// Write writes the timeline in format f (render.FormatJSON or
// render.FormatCSV).
func (t *Timeline) Write(w io.Writer, f render.Format) error {
	return render.Write(w, t, f, render.Options{})
}
