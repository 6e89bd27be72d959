package hunt

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Notable is a notable event: one per result row of a scheduled run whose
// deployment has the notable action.
type Notable struct {
	// Time is the row's time (the run's when the row has none).
	Time                       time.Time
	RuleTitle, RuleDescription string
	SecurityDomain             string
	// Fields are the notable fields with the row's values (nil: null).
	Fields []NamedValue
	// Row is the row in Result.Rows.
	Row int
}

// NamedValue is a field and its values.
type NamedValue struct {
	Name   string
	Values []string
}

// RiskEvent is a risk event: one per risk object value of a result row.
type RiskEvent struct {
	Time time.Time
	// Object is the risk object's value; ObjectField its field, ObjectType
	// "system", "user" or "other".
	Object, ObjectField, ObjectType string
	Score                           int
	// Message is the risk message with the row's values in place.
	Message string
	MITRE   []string
	// Threats are the threat objects with their values in the row.
	Threats []Threat
	Row     int
}

// Threat is a threat object of a risk event.
type Threat struct {
	Field, Type string
	Values      []string
}

// events builds the notable and risk events of run from its rows, which
// are r.Rows[len(r.Rows)-len(rows):].
func (r *Result) events(run *ScheduledRun, rows []Row) {
	base := len(r.Rows) - len(rows)
	dep := r.Deployment
	for i := range rows {
		row := &rows[i]
		if n := dep.Notable; n != nil {
			ev := Notable{Time: row.Time, RuleTitle: n.RuleTitle, RuleDescription: n.RuleDescription,
				SecurityDomain: r.Detection.Tags.SecurityDomain, Row: base + i}
			for _, f := range n.Fields {
				ev.Fields = append(ev.Fields, NamedValue{Name: f, Values: r.Value(row, f)})
			}
			run.Notables = append(run.Notables, ev)
		}
		if !dep.Risk {
			continue
		}
		msg := r.message(row)
		var threats []Threat
		for _, t := range r.Risk.Threats {
			threats = append(threats, Threat{Field: t.Field, Type: t.Type, Values: r.Value(row, t.Field)})
		}
		for _, o := range r.Risk.Objects {
			for _, v := range r.Value(row, o.Field) {
				run.Risks = append(run.Risks, RiskEvent{Time: row.Time, Object: v, ObjectField: o.Field, ObjectType: o.Type,
					Score: o.Score, Message: msg, MITRE: r.Risk.MITRE, Threats: threats, Row: base + i})
			}
		}
	}
}

// token is a $field$ of a risk message.
var token = regexp.MustCompile(`\$([^$\s]+)\$`)

// message returns the risk message of a row (see the package doc).
func (r *Result) message(row *Row) string {
	return token.ReplaceAllStringFunc(r.Risk.Message, func(tok string) string {
		name := tok[1 : len(tok)-1]
		v := r.Value(row, name)
		if v == nil {
			r.warn(fmt.Sprintf("risk message %q: $%s$ is null or not a field of the results; it stays as written", r.Risk.Message, name))
			return tok
		}
		return strings.Join(v, ", ")
	})
}
