// Package report writes the findings of a hunt (package hunt) as one
// self-contained HTML page that a person would rather read than a
// terminal: the summary line and the findings by risk, a timeline chart
// (inline SVG: one lane per detection that fired, one mark per result row
// at its time, coloured by risk score; rows that fall on the same place of
// a lane share one mark that counts them), a view per host (which detections
// fired on it, with their rows and risk), a section per detection (its
// description, file:line, ATT&CK ids, deployment, the SPL as written and
// expanded, its result rows, and for a scheduled hunt each run with its
// notable and risk events), and every warning and error naming its
// detection and file:line.
//
// The page loads nothing: the CSS and the SVG are inline, there is no
// script, and no element refers to a URL (no src, href or link except
// in-page #anchors). It is built with html/template, which escapes every
// value taken from detections and events. Rows shown per detection are
// capped (Options.MaxRows) with a count of the rest; the timeline file
// holds them all.
//
// Imports: hunt and the standard library (html/template) only; it must not
// import engine, datamodel or query: it renders a finished hunt.
package report

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/minispl/minispl/hunt"
)

//go:embed report.html.tmpl
var files embed.FS

var page = template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{
	"join": strings.Join,
}).ParseFS(files, "report.html.tmpl"))

// Options configure Write.
type Options struct {
	// Title heads the page; "" means "minispl hunt".
	Title string
	// Generated is the time shown as the page's date (tests pass a fixed
	// one).
	Generated time.Time
	// Evidence describes the events searched (the ingest summary line).
	Evidence string
	// Location is the zone of the times shown (nil: UTC).
	Location *time.Location
	// MaxRows caps the rows shown per detection; 0 means 100.
	MaxRows int
	// Scheduled marks a hunt run with hunt.Schedule; From and To are its
	// range.
	Scheduled bool
	From, To  time.Time
}

// Write writes the page for results.
func Write(w io.Writer, results []hunt.Result, opt Options) error {
	if opt.Location == nil {
		opt.Location = time.UTC
	}
	if opt.MaxRows <= 0 {
		opt.MaxRows = 100
	}
	if opt.Title == "" {
		opt.Title = "minispl hunt"
	}
	if err := page.Execute(w, build(results, opt)); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// view is the template's data.
type view struct {
	Title, Generated, Evidence, Summary string
	Scheduled                           bool
	From, To                            string
	Findings                            []findingView
	Failed                              []problemView
	Reasons                             []hunt.Reason
	Hosts                               []hostView
	Chart                               *chart
	Problems                            []problemView
	Quiet                               int
}

type findingView struct {
	Anchor, Name, ID, Type, Status, Origin, Description string
	Score                                               int
	ScoreClass                                          string
	MITRE, Hosts                                        []string
	Results                                             int
	First, Last                                         string
	SPL, Expanded                                       string
	Fields                                              []string
	Rows                                                [][]string
	More                                                int
	Deployment                                          string
	Runs                                                []runView
	Notables, Risks                                     int
	Warnings                                            []string
}

type runView struct {
	Now, Earliest, Latest string
	Rows                  int
	Notables              []notableView
	Risks                 []riskView
}

type notableView struct {
	Time, Title string
	Fields      []string
}

type riskView struct {
	Time, Object, Type, Message string
	Score                       int
}

type problemView struct {
	Kind, Detection, Anchor, Origin, Text string
}

type hostView struct {
	Host       string
	Detections []hostDetection
	Rows, Risk int
}

type hostDetection struct {
	Anchor, Name string
	Rows, Score  int
}

func build(results []hunt.Result, opt Options) view {
	loc := opt.Location
	tm := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(loc).Format("2006-01-02 15:04:05")
	}
	v := view{Title: opt.Title, Evidence: opt.Evidence, Scheduled: opt.Scheduled}
	if !opt.Generated.IsZero() {
		v.Generated = opt.Generated.In(loc).Format(time.RFC3339)
	}
	if opt.Scheduled {
		v.From, v.To = tm(opt.From), tm(opt.To)
	}
	tot := hunt.Summarize(results)
	v.Summary, v.Reasons = tot.String(), tot.Reasons
	anchors := map[*hunt.Result]string{}
	for i := range results {
		anchors[&results[i]] = "d" + strconv.Itoa(i+1)
	}
	hosts := map[string]*hostView{}
	for _, f := range hunt.Findings(results) {
		r := f.Result
		fv := findingView{Anchor: anchors[r], Name: r.Detection.Name, ID: r.Detection.ID, Type: r.Detection.Type,
			Status: r.Detection.Status, Origin: r.Detection.Origin, Description: r.Detection.Description,
			Score: r.Score, ScoreClass: scoreClass(r.Score), MITRE: r.Risk.MITRE, Hosts: f.Hosts, Results: len(r.Rows),
			First: tm(f.First), Last: tm(f.Last), SPL: r.Detection.Search, Expanded: r.Expanded, Fields: r.Fields,
			Warnings: r.Warnings}
		for k, row := range r.Rows {
			if k == opt.MaxRows {
				fv.More = len(r.Rows) - k
				break
			}
			cells := make([]string, len(row.Values))
			for c, vals := range row.Values {
				cells[c] = strings.Join(vals, "\n")
			}
			fv.Rows = append(fv.Rows, cells)
		}
		if opt.Scheduled {
			dep := r.Deployment
			actions := []string{}
			if dep.Notable != nil {
				actions = append(actions, "notable ("+strings.Join(dep.Notable.Fields, ", ")+")")
			}
			if dep.Risk {
				actions = append(actions, "risk")
			}
			if len(actions) == 0 {
				actions = append(actions, "no alert action")
			}
			fv.Deployment = fmt.Sprintf("cron %s, window %s to %s, %s (%s)", dep.Cron, dep.Earliest, dep.Latest, strings.Join(actions, " and "), dep.From)
			for _, run := range r.Runs {
				fv.Notables += len(run.Notables)
				fv.Risks += len(run.Risks)
				if run.Rows == 0 {
					continue
				}
				rv := runView{Now: tm(run.Now), Earliest: tm(run.Earliest), Latest: tm(run.Latest), Rows: run.Rows}
				for _, n := range run.Notables {
					nv := notableView{Time: tm(n.Time), Title: n.RuleTitle}
					for _, f := range n.Fields {
						nv.Fields = append(nv.Fields, f.Name+"="+strings.Join(f.Values, ","))
					}
					rv.Notables = append(rv.Notables, nv)
				}
				for _, ev := range run.Risks {
					rv.Risks = append(rv.Risks, riskView{Time: tm(ev.Time), Object: ev.Object, Type: ev.ObjectType, Message: ev.Message, Score: ev.Score})
				}
				fv.Runs = append(fv.Runs, rv)
			}
		}
		v.Findings = append(v.Findings, fv)
		// Per host: rows per detection, and the detection's score once
		// per host (the risk a host collects from what fired on it).
		field := r.HostField()
		perHost := map[string]int{}
		for k := range r.Rows {
			for _, h := range r.Value(&r.Rows[k], field) {
				perHost[h]++
			}
		}
		for h, n := range perHost {
			hv := hosts[h]
			if hv == nil {
				hv = &hostView{Host: h}
				hosts[h] = hv
			}
			hv.Detections = append(hv.Detections, hostDetection{Anchor: anchors[r], Name: r.Detection.Name, Rows: n, Score: r.Score})
			hv.Rows += n
			hv.Risk += r.Score
		}
	}
	for _, hv := range hosts {
		v.Hosts = append(v.Hosts, *hv)
	}
	sort.Slice(v.Hosts, func(i, j int) bool {
		if v.Hosts[i].Risk != v.Hosts[j].Risk {
			return v.Hosts[i].Risk > v.Hosts[j].Risk
		}
		return v.Hosts[i].Host < v.Hosts[j].Host
	})
	for i := range results {
		r := &results[i]
		if r.Err != nil {
			v.Failed = append(v.Failed, problemView{Kind: "error", Detection: r.Detection.Name, Anchor: anchors[r], Origin: r.Detection.Origin, Text: r.Err.Error()})
		}
		if r.Err == nil && len(r.Rows) == 0 {
			v.Quiet++
		}
		for _, w := range r.Warnings {
			v.Problems = append(v.Problems, problemView{Kind: "warning", Detection: r.Detection.Name, Anchor: anchors[r], Origin: r.Detection.Origin, Text: w})
		}
	}
	v.Chart = newChart(v.Findings, results, anchors, loc)
	return v
}

// scoreClass buckets a risk score for colour: high (80+), medium (50+),
// low.
func scoreClass(s int) string {
	switch {
	case s >= 80:
		return "high"
	case s >= 50:
		return "medium"
	}
	return "low"
}
