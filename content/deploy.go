package content

import (
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/minispl/minispl/spl/escu"
)

// ESCU's default schedule (spl-semantics.md §7.2).
const (
	DefaultCron     = "0 * * * *"
	DefaultEarliest = "-70m@m"
	DefaultLatest   = "-10m@m"
)

// DefaultNotableFields are the notable fields of ESCU's default
// configuration.
var DefaultNotableFields = []string{"user", "dest"}

// Deployment is how Enterprise Security runs a detection: its schedule
// and alert actions, resolved for that detection.
type Deployment struct {
	// Cron is the cron_schedule; Earliest and Latest the dispatch time
	// modifiers, relative to each run's time.
	Cron, Earliest, Latest string
	// Notable is the notable event written per result row; nil when the
	// deployment writes none.
	Notable *Notable
	// Risk says whether risk events are written.
	Risk bool
	// From says where the settings came from: "the detection's
	// deployment:", a deployments/ file's name, or "ESCU default for
	// TYPE".
	From string
}

// Notable is the notable event action.
type Notable struct {
	// RuleTitle and RuleDescription with contentctl's %name% and
	// %description% placeholders replaced.
	RuleTitle, RuleDescription string
	// Fields are the notable (nes) fields, copied from the row.
	Fields []string
}

// Deployment returns d's deployment: its own deployment: block, else the
// checkout's deployments/ file for its type, else ESCU's default for its
// type (see the package doc). Settings a block leaves empty take the
// default's.
func (c *Corpus) Deployment(d *escu.Detection) Deployment {
	if d.Deployment != nil {
		return resolve(d, d.Deployment, "the detection's deployment:")
	}
	if c != nil {
		for i := range c.Deployments {
			dep := &c.Deployments[i]
			if dep.Tags.Type != "" && strings.EqualFold(dep.Tags.Type, d.Type) {
				return resolve(d, dep, dep.Name)
			}
		}
	}
	return DefaultDeployment(d)
}

// DefaultDeployment is ESCU's default deployment for d's type.
func DefaultDeployment(d *escu.Detection) Deployment {
	dep := Deployment{Cron: DefaultCron, Earliest: DefaultEarliest, Latest: DefaultLatest,
		From: "ESCU default for " + d.Type}
	switch strings.ToLower(d.Type) {
	case "ttp":
		dep.Notable = &Notable{RuleTitle: d.Name, RuleDescription: d.Description, Fields: DefaultNotableFields}
		dep.Risk = true
	case "anomaly":
		dep.Risk = true
	case "correlation":
		dep.Notable = &Notable{RuleTitle: d.Name, RuleDescription: d.Description, Fields: DefaultNotableFields}
	}
	return dep
}

// resolve fills a deployment block's empty settings with the defaults.
func resolve(d *escu.Detection, b *escu.Deployment, from string) Deployment {
	dep := Deployment{Cron: b.Scheduling.CronSchedule, Earliest: b.Scheduling.EarliestTime,
		Latest: b.Scheduling.LatestTime, From: from}
	if dep.Cron == "" {
		dep.Cron = DefaultCron
	}
	if dep.Earliest == "" {
		dep.Earliest = DefaultEarliest
	}
	if dep.Latest == "" {
		dep.Latest = DefaultLatest
	}
	if n := b.AlertAction.Notable; n != nil {
		r := strings.NewReplacer("%name%", d.Name, "%description%", d.Description)
		dep.Notable = &Notable{RuleTitle: r.Replace(n.RuleTitle), RuleDescription: r.Replace(n.RuleDescription), Fields: n.NesFields}
		if dep.Notable.RuleTitle == "" {
			dep.Notable.RuleTitle = d.Name
		}
		if dep.Notable.RuleDescription == "" {
			dep.Notable.RuleDescription = d.Description
		}
		if dep.Notable.Fields == nil {
			dep.Notable.Fields = DefaultNotableFields
		}
	}
	dep.Risk = b.AlertAction.RBA != nil && b.AlertAction.RBA.Enabled
	return dep
}

// Runs returns the times in [from, to) at which the cron schedule fires,
// read in loc (nil: UTC). A bad expression is an error quoting it.
func (dep Deployment) Runs(from, to time.Time, loc *time.Location) ([]time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	s, err := cron.ParseStandard(dep.Cron)
	if err != nil {
		return nil, fmt.Errorf("cron_schedule %q: %w", dep.Cron, err)
	}
	var out []time.Time
	// Next returns the first time strictly after its argument, to the
	// second: start one second before from so that from itself counts.
	for t := s.Next(from.In(loc).Add(-time.Second)); !t.IsZero() && t.Before(to); t = s.Next(t) {
		if !t.Before(from) {
			out = append(out, t)
		}
	}
	return out, nil
}
