package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
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
			fmt.Fprintf(b, "%stable %s: %d rows", ind, name, count(n, "tbody", "tr"))
			if name == ".rows" {
				// A finding's result rows: its columns and first row.
				fmt.Fprintf(b, "; columns %s; first row %s", cells(n, "th"), cells(first(n, "tbody", "tr"), "td"))
			}
			b.WriteString("\n")
			return
		case "pre":
			fmt.Fprintf(b, "%spre %s\n", ind, clip(text(n), 90))
			return
		case "details":
			fmt.Fprintf(b, "%sdetails\n", ind)
			depth++
		case "svg":
			fmt.Fprintf(b, "%ssvg: %d lanes, %d marks, %d ticks\n", ind, count(n, "svg", "rect"), count(n, "svg", "circle"), count(n, "svg", "line"))
			return
		case "li":
			fmt.Fprintf(b, "%sli.%s %s\n", ind, attr("class"), text(n))
			return
		case "p":
			if c := attr("class"); c == "summary" || c == "warning" || c == "meta" {
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

// clip cuts s to n bytes, marking the cut with "...".
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// first returns the first element named child under the first element
// named parent at or below n, or nil.
func first(n *html.Node, parent, child string) *html.Node {
	p := find(n, parent)
	if p == nil {
		return nil
	}
	return find(p, child)
}

// find returns the first element named name at or below n, or nil.
func find(n *html.Node, name string) *html.Node {
	if n == nil {
		return nil
	}
	if n.Type == html.ElementNode && n.Data == name {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := find(c, name); f != nil {
			return f
		}
	}
	return nil
}

// cells joins the texts of the elements named cell under n with " | ".
func cells(n *html.Node, cell string) string {
	var out []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == cell {
			out = append(out, text(n))
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	if n != nil {
		walk(n)
	}
	return strings.Join(out, " | ")
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

// external lists what would load or link to something outside the page:
// elements that load (link, script, img, iframe, object, embed, base,
// audio, video, source), a meta refresh, any src, href, action, srcset,
// data, poster or formaction attribute that is not a fragment (#id), and
// CSS url() or @import in a style attribute or element. So an http:,
// https: or protocol-relative // URL cannot appear anywhere it would be
// fetched or followed.
func external(n *html.Node, out *[]string) {
	if n.Type == html.ElementNode {
		switch n.Data {
		case "link", "script", "img", "iframe", "object", "embed", "base", "audio", "video", "source":
			*out = append(*out, "<"+n.Data+">")
		case "meta":
			for _, a := range n.Attr {
				if a.Key == "http-equiv" && strings.EqualFold(a.Val, "refresh") {
					*out = append(*out, "<meta refresh>")
				}
			}
		}
		for _, a := range n.Attr {
			switch a.Key {
			case "src", "href", "xlink:href", "action", "srcset", "data", "poster", "formaction":
				if !strings.HasPrefix(a.Val, "#") {
					*out = append(*out, a.Key+"="+a.Val)
				}
			case "style":
				if css := strings.ToLower(a.Val); strings.Contains(css, "url(") || strings.Contains(css, "@import") {
					*out = append(*out, "style url()")
				}
			}
		}
		if n.Data == "style" {
			if css := strings.ToLower(text(n)); strings.Contains(css, "url(") || strings.Contains(css, "@import") {
				*out = append(*out, "<style> url() or @import")
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		external(c, out)
	}
}

// voidElements have no end tag (the HTML standard's list).
var voidElements = map[string]bool{"area": true, "base": true, "br": true, "col": true, "embed": true,
	"hr": true, "img": true, "input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true}

// wellFormed checks what html.Parse forgives: the page starts with the
// doctype, every element other than a void one (and the SVG elements
// written self-closing) is closed by its own end tag in order, nothing
// is closed that is not open, and the tokenizer meets no error before the
// end. It returns the first problem with its byte offset.
func wellFormed(page []byte) error {
	z := html.NewTokenizer(bytes.NewReader(page))
	var open []string
	off := 0
	sawDoctype := false
	for {
		tt := z.Next()
		raw := len(z.Raw())
		switch tt {
		case html.ErrorToken:
			if err := z.Err(); err != io.EOF {
				return fmt.Errorf("offset %d: %v", off, err)
			}
			if len(open) > 0 {
				return fmt.Errorf("end of page with <%s> still open", strings.Join(open, "> <"))
			}
			if !sawDoctype {
				return errors.New("no doctype")
			}
			return nil
		case html.DoctypeToken:
			if off != 0 {
				return fmt.Errorf("offset %d: doctype not at the start", off)
			}
			sawDoctype = true
		case html.StartTagToken:
			name, _ := z.TagName()
			if !voidElements[string(name)] {
				open = append(open, string(name))
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			if len(open) == 0 || open[len(open)-1] != string(name) {
				return fmt.Errorf("offset %d: </%s> closes %v", off, name, open)
			}
			open = open[:len(open)-1]
		}
		off += raw
	}
}

// TestChecksCanFail shows that the structure and self-containment checks
// catch what they are meant to: each page below is wrong in one way.
func TestChecksCanFail(t *testing.T) {
	head := "<!DOCTYPE html><html><head><title>t</title></head><body>"
	for _, page := range []string{
		head + `<link rel="stylesheet" href="https://cdn.example/x.css"></body></html>`,
		head + `<script src="//cdn.example/x.js"></script></body></html>`,
		head + `<a href="http://example.com/">x</a></body></html>`,
		head + `<p style="background: URL(http://example.com/a.png)">x</p></body></html>`,
		head + `<style>@import "https://example.com/a.css";</style></body></html>`,
		head + `<img src="data:image/png;base64,AA=="></body></html>`,
		head + `<meta http-equiv="refresh" content="0; url=https://example.com/"></body></html>`,
	} {
		doc, err := html.Parse(strings.NewReader(page))
		if err != nil {
			t.Fatal(err)
		}
		var ext []string
		external(doc, &ext)
		if len(ext) == 0 {
			t.Errorf("not caught as external: %s", page)
		}
		if err := wellFormed([]byte(page)); err != nil {
			t.Errorf("well-formed page rejected: %v: %s", err, page)
		}
	}
	for _, page := range []string{
		head + `<table><tr><td>x</table></body></html>`,
		head + `<p>x</div></body></html>`,
		head + `<section><p>x</p></body></html>`,
		"<html><body></body></html>",
		head + `<svg><circle cx="1"></svg></body></html>`,
	} {
		if err := wellFormed([]byte(page)); err == nil {
			t.Errorf("malformed page accepted: %s", page)
		}
	}
	// The outline comparison sees a missing section.
	good := head + `<section id="summary"><h2>Summary</h2></section><section id="timeline"><h2>Timeline</h2><svg></svg></section></body></html>`
	bad := strings.Replace(good, `<section id="timeline"><h2>Timeline</h2><svg></svg></section>`, "", 1)
	var a, b strings.Builder
	for _, x := range []struct {
		page string
		out  *strings.Builder
	}{{good, &a}, {bad, &b}} {
		doc, err := html.Parse(strings.NewReader(x.page))
		if err != nil {
			t.Fatal(err)
		}
		outline(doc, 0, x.out)
	}
	if a.String() == b.String() || !strings.Contains(a.String(), "section #timeline") {
		t.Errorf("outline does not show the timeline section:\n%s", a.String())
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
	if err := wellFormed(b.Bytes()); err != nil {
		t.Errorf("the page is not well-formed HTML: %v", err)
	}
}
