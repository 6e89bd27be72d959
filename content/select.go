package content

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/minispl/minispl/spl/escu"
)

// Filter selects detections. Each list that is not empty must be matched
// by one of its entries (entries are alternatives), and every non-empty
// list must match (lists are combined with AND). Matching ignores case;
// '*' in a name, tag or data source entry matches any run of characters.
type Filter struct {
	// Detections are names (globs) or ids.
	Detections []string
	// Types ("TTP", "Anomaly", "Hunting", "Correlation") and Statuses
	// ("production", "experimental", "deprecated").
	Types, Statuses []string
	// ExcludeStatuses drops detections of these statuses (after Statuses).
	ExcludeStatuses []string
	// Tags are "key=value" (a value of that tags: key, e.g.
	// analytic_story=Azorult) or "value" (a value of any tag key).
	Tags []string
	// MITRE are ATT&CK ids; a technique matches its sub-techniques (T1003
	// matches T1003.001).
	MITRE []string
	// DataSources match data_source entries ("Sysmon EventID 13",
	// "Sysmon*").
	DataSources []string
}

// Select returns the detections f matches, in order. A Detections entry
// that matches none of ds is an error wrapping ErrNoMatch that names it.
func Select(ds []escu.Detection, f Filter) ([]escu.Detection, error) {
	used := make([]bool, len(f.Detections))
	var out []escu.Detection
	for i := range ds {
		d := &ds[i]
		if len(f.Detections) > 0 {
			hit := false
			for k, e := range f.Detections {
				if strings.EqualFold(e, d.ID) || globMatch(e, d.Name) {
					used[k], hit = true, true
				}
			}
			if !hit {
				continue
			}
		}
		if f.rest(d) {
			out = append(out, *d)
		}
	}
	for k, u := range used {
		if !u {
			return nil, fmt.Errorf("--detection %q: %w (give a detection's name, a name with * wildcards, or its id)", f.Detections[k], ErrNoMatch)
		}
	}
	return out, nil
}

// rest checks every list but Detections.
func (f *Filter) rest(d *escu.Detection) bool {
	if len(f.Types) > 0 && !anyEqual(f.Types, d.Type) {
		return false
	}
	if len(f.Statuses) > 0 && !anyEqual(f.Statuses, d.Status) {
		return false
	}
	if anyEqual(f.ExcludeStatuses, d.Status) {
		return false
	}
	if len(f.Tags) > 0 && !f.matchTags(d) {
		return false
	}
	if len(f.MITRE) > 0 && !matchMITRE(f.MITRE, d.Tags.MitreAttackID) {
		return false
	}
	if len(f.DataSources) > 0 && !anyGlob(f.DataSources, d.DataSource) {
		return false
	}
	return true
}

func (f *Filter) matchTags(d *escu.Detection) bool {
	for _, e := range f.Tags {
		if k, v, ok := strings.Cut(e, "="); ok {
			if anyGlob([]string{strings.TrimSpace(v)}, d.Tags.All[strings.TrimSpace(k)]) {
				return true
			}
			continue
		}
		for _, vs := range d.Tags.All {
			if anyGlob([]string{e}, vs) {
				return true
			}
		}
	}
	return false
}

func matchMITRE(want, have []string) bool {
	for _, w := range want {
		for _, h := range have {
			if strings.EqualFold(w, h) || len(h) > len(w) && strings.EqualFold(h[:len(w)], w) && h[len(w)] == '.' {
				return true
			}
		}
	}
	return false
}

func anyEqual(list []string, v string) bool {
	for _, e := range list {
		if strings.EqualFold(e, v) {
			return true
		}
	}
	return false
}

func anyGlob(patterns, values []string) bool {
	for _, p := range patterns {
		for _, v := range values {
			if globMatch(p, v) {
				return true
			}
		}
	}
	return false
}

// globMatch matches s against pattern, ignoring case; '*' matches any run
// of characters and nothing else is special (path.Match treats '/', '['
// and '\' specially, which detection names and data sources contain). The
// pattern becomes an anchored regular expression of its quoted parts.
func globMatch(pattern, s string) bool {
	if !strings.Contains(pattern, "*") {
		return strings.EqualFold(pattern, s)
	}
	parts := strings.Split(pattern, "*")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	re, err := regexp.Compile(`(?is)\A` + strings.Join(parts, ".*") + `\z`)
	return err == nil && re.MatchString(s)
}
