package report

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/minispl/minispl/content"
	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/hunt"
)

func sampleStore(t *testing.T) *datamodel.Store {
	t.Helper()
	st := datamodel.NewStore(datamodel.DefaultCatalog(), datamodel.Options{})
	f, err := os.Open(filepath.Join("..", "..", "cmd", "minispl", "sample", "sysmon_sample.xml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := st.Ingest(f, "sample"); err != nil {
		t.Fatal(err)
	}
	return st
}

// outline lists the page's structure: sections and articles with their
// ids, headings with their text, tables with their id or class and body
// row count, the chart's lanes and marks, list items, the summary line.
func outline(n *html.Node, depth int, b *strings.Builder) {
	if n.Type == html.ElementNode {
		attr := func(k string) string {
			for _, a := range n.Attr {
				if a.Key == k {
					return a.Val
				}
			}
			return ""
		}
		ind := strings.Repeat("  ", depth)
		switch n.Data {
		case "section", "article", "header":
			fmt.Fprintf(b, "%s%s #%s\n", ind, n.Data, attr("id"))
			depth++
		case "h1", "h2", "h3", "h4":
			fmt.Fprintf(b, "%s%s %s\n", ind, n.Data, text(n))
		case "table":
			name := attr("id")
			if name == "" {
				name = "." + attr("class")
			} else {
				name = "#" + name
			}
			fmt.Fprintf(b, "%stable %s: %d rows\n", ind, name, count(n, "tbody", "tr"))
			return
		case "svg":
			fmt.Fprintf(b, "%ssvg: %d lanes, %d marks, %d ticks\n", ind, count(n, "svg", "rect"), count(n, "svg", "circle"), count(n, "svg", "line"))
			return
		case "li":
			fmt.Fprintf(b, "%sli.%s %s\n", ind, attr("class"), text(n))
			return
		case "p":
			if c := attr("class"); c == "summary" || c == "warning" {
				fmt.Fprintf(b, "%sp.%s %s\n", ind, c, text(n))
			}
			return
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		outline(c, depth, b)
	}
}

func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// count counts the elements named child under the first element named
// parent at or below n.
func count(n *html.Node, parent, child string) int {
	var find func(*html.Node) *html.Node
	find = func(n *html.Node) *html.Node {
		if n.Type == html.ElementNode && n.Data == parent {
			return n
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if f := find(c); f != nil {
				return f
			}
		}
		return nil
	}
	p := find(n)
	if p == nil {
		return 0
	}
	k := 0
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == child {
			k++
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(p)
	return k
}

// external lists attributes that would load or link to something outside
// the page.
func external(n *html.Node, out *[]string) {
	if n.Type == html.ElementNode {
		if n.Data == "link" || n.Data == "script" || n.Data == "img" || n.Data == "iframe" {
			*out = append(*out, "<"+n.Data+">")
		}
		for _, a := range n.Attr {
			switch a.Key {
			case "src", "href", "xlink:href", "action", "srcset":
				if !strings.HasPrefix(a.Val, "#") {
					*out = append(*out, a.Key+"="+a.Val)
				}
			case "style":
				if strings.Contains(a.Val, "url(") {
					*out = append(*out, "style url()")
				}
			}
		}
	}
	if n.Type == html.ElementNode && n.Data == "style" && strings.Contains(text(n), "url(") {
		*out = append(*out, "<style> url()")
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		external(c, out)
	}
}

// TestReportGolden writes the report of the seed scheduled over the
// sample's day, a detection that cannot plan and one whose risk message
// names a field its rows lack, and compares its structure with testdata/seed_report.golden.
func TestReportGolden(t *testing.T) {
	c, err := content.Load(filepath.Join("..", "..", "testdata", "examples", "rms_seed.yml"))
	if err != nil {
		t.Fatal(err)
	}
	ds := append(c.Detections, c.Detections[0], c.Detections[0])
	ds[1].Name, ds[1].ID, ds[1].Search = "Broken <Web>", "b", "| tstats count from datamodel=Web by Web.dest"
	ds[2].Name, ds[2].ID, ds[2].Search = "Holey", "h", "| tstats count from datamodel=Endpoint.Registry where Registry.dest=WS* by Registry.dest | rename Registry.dest as dest"
	ds[2].Tags.Message = "on $dest$ by $nosuch$"
	day := time.Date(2024, 9, 30, 0, 0, 0, 0, time.UTC)
	res := hunt.Schedule(context.Background(), sampleStore(t), ds, day, day.AddDate(0, 0, 1), hunt.Options{Corpus: c})
	var b bytes.Buffer
	err = Write(&b, res, Options{Generated: day.AddDate(0, 0, 1), Evidence: "the bundled sample", Scheduled: true, From: day, To: day.AddDate(0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	if out := os.Getenv("REPORT_OUT"); out != "" {
		_ = os.WriteFile(out, b.Bytes(), 0o644)
	}
	doc, err := html.Parse(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var got strings.Builder
	outline(doc, 0, &got)
	want, err := os.ReadFile(filepath.Join("testdata", "seed_report.golden"))
	if err != nil {
		t.Fatal(err)
	}
	var w strings.Builder
	for _, line := range strings.SplitAfter(string(want), "\n") {
		if !strings.HasPrefix(line, "#") {
			w.WriteString(line)
		}
	}
	if got.String() != w.String() {
		t.Errorf("outline:\n%s\nwant:\n%s", got.String(), w.String())
	}
	var ext []string
	external(doc, &ext)
	if len(ext) > 0 {
		t.Errorf("the page refers outside itself: %v", ext)
	}
	// Values are escaped: the detection named "Broken <Web>" is text.
	if bytes.Contains(b.Bytes(), []byte("Broken <Web>")) || !bytes.Contains(b.Bytes(), []byte("Broken &lt;Web&gt;")) {
		t.Error("a detection name is not escaped")
	}
	if !strings.HasPrefix(b.String(), "<!DOCTYPE html>") {
		t.Error("no doctype")
	}
}
