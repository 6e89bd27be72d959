package content

import (
	"strings"

	"github.com/minispl/minispl/spl/escu"
)

// Risk is what a detection's risk events carry, from its rba: block or
// its tags (see the package doc).
type Risk struct {
	// Message is the risk message with $field$ tokens.
	Message string
	// Objects are the risk objects, each with its score.
	Objects []escu.RiskObject
	// Threats are the threat objects.
	Threats []escu.ThreatObject
	// MITRE are the ATT&CK ids.
	MITRE []string
}

// RiskOf returns d's risk settings.
func RiskOf(d *escu.Detection) Risk {
	r := Risk{MITRE: d.Tags.MitreAttackID}
	if d.RBA != nil {
		r.Message = d.RBA.Message
		r.Objects = d.RBA.RiskObjects
		r.Threats = d.RBA.ThreatObjects
		return r
	}
	r.Message = d.Tags.Message
	for _, o := range d.Observables {
		switch {
		case hasRole(o, "Victim"):
			r.Objects = append(r.Objects, escu.RiskObject{Field: o.Name, Type: riskObjectType(o.Type), Score: d.Tags.RiskScore})
		case hasRole(o, "Attacker"):
			r.Threats = append(r.Threats, escu.ThreatObject{Field: o.Name, Type: strings.ReplaceAll(strings.ToLower(o.Type), " ", "_")})
		}
	}
	return r
}

// RiskScore is d's score: tags.risk_score, or the highest rba risk
// object score.
func RiskScore(d *escu.Detection) int {
	if d.RBA == nil {
		return d.Tags.RiskScore
	}
	best := 0
	for _, o := range d.RBA.RiskObjects {
		best = max(best, o.Score)
	}
	return best
}

func hasRole(o escu.Observable, role string) bool {
	for _, r := range o.Role {
		if strings.EqualFold(r, role) {
			return true
		}
	}
	return false
}

// riskObjectType maps an observable type to ES's risk object types.
func riskObjectType(t string) string {
	switch strings.ToLower(t) {
	case "user", "user name":
		return "user"
	case "endpoint", "hostname", "ip address":
		return "system"
	}
	return "other"
}
