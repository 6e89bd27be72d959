package report

import (
	"fmt"
	"time"

	"github.com/minispl/minispl/hunt"
)

// chart is the timeline SVG: a lane per finding, a mark per timed row.
type chart struct {
	Width, Height int
	Lanes         []lane
	Ticks         []tick
	Marks         []mark
	// Untimed counts rows without a time, which the chart cannot place.
	Untimed int
}

type lane struct {
	Y, TextY      int
	Label, Anchor string
	Title         string
}

type tick struct {
	X     string
	Label string
}

type mark struct {
	X, Y  string
	Class string
	// n rows of detection name, the first at time at.
	n        int
	name, at string
}

// Title is the mark's tooltip: "NAME at TIME", or "NAME: N results from
// TIME" for several rows.
func (m mark) Title() string {
	if m.n == 1 {
		return m.name + " at " + m.at
	}
	return fmt.Sprintf("%s: %d results from %s", m.name, m.n, m.at)
}

// Chart geometry, in SVG user units.
const (
	chartWidth = 960
	labelWidth = 300
	laneHeight = 22
	axisHeight = 30
	rightPad   = 20
)

// newChart lays out the findings' rows on one time axis; nil when no row
// has a time.
func newChart(findings []findingView, results []hunt.Result, anchors map[*hunt.Result]string, loc *time.Location) *chart {
	byAnchor := map[string]*hunt.Result{}
	for r, a := range anchors {
		byAnchor[a] = r
	}
	var lo, hi time.Time
	c := &chart{Width: chartWidth}
	for _, f := range findings {
		for _, row := range byAnchor[f.Anchor].Rows {
			if row.Time.IsZero() {
				c.Untimed++
				continue
			}
			if lo.IsZero() || row.Time.Before(lo) {
				lo = row.Time
			}
			if row.Time.After(hi) {
				hi = row.Time
			}
		}
	}
	if lo.IsZero() {
		return nil
	}
	if !hi.After(lo) {
		lo, hi = lo.Add(-time.Minute), hi.Add(time.Minute)
	}
	span := hi.Sub(lo)
	plot := float64(chartWidth - labelWidth - rightPad)
	x := func(t time.Time) float64 { return labelWidth + plot*float64(t.Sub(lo))/float64(span) }
	for i, f := range findings {
		y := axisHeight + i*laneHeight
		label := f.Name
		if len([]rune(label)) > 44 {
			label = string([]rune(label)[:43]) + "…"
		}
		c.Lanes = append(c.Lanes, lane{Y: y, TextY: y + laneHeight/2 + 4, Label: label, Anchor: f.Anchor, Title: f.Name})
		// Rows that fall on one place of the lane (to a tenth of a unit)
		// are one mark saying how many they are, so that a detection
		// with many rows draws at most a few thousand marks.
		at := map[string]int{}
		for _, row := range byAnchor[f.Anchor].Rows {
			if row.Time.IsZero() {
				continue
			}
			px := fmt.Sprintf("%.1f", x(row.Time))
			if k, ok := at[px]; ok {
				c.Marks[k].n++
				continue
			}
			at[px] = len(c.Marks)
			c.Marks = append(c.Marks, mark{X: px, Y: fmt.Sprint(y + laneHeight/2), Class: f.ScoreClass, n: 1,
				name: f.Name, at: row.Time.In(loc).Format("2006-01-02 15:04:05")})
		}
	}
	c.Height = axisHeight + len(findings)*laneHeight + 10
	for k := 0; k <= 4; k++ {
		t := lo.Add(span * time.Duration(k) / 4)
		c.Ticks = append(c.Ticks, tick{X: fmt.Sprintf("%.1f", x(t)), Label: t.In(loc).Format("01-02 15:04:05")})
	}
	return c
}
