package engine

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/spl"
)

func TestWhereEval(t *testing.T) {
	// fixture() by dest: Host2 1, Zed 1, apple 1, host1 3.
	const base = `| tstats count` + from + ` by Registry.dest | rename Registry.dest as dest`
	tests := []struct {
		name, q string
		want    []string
	}{
		{"where is case-sensitive", base + ` | where dest="HOST1"`, []string{"dest | count"}},
		{"search is not", base + ` | search dest="HOST1"`, []string{"dest | count", "host1 | 3"}},
		{"where compares numbers", base + ` | where count > 1`, []string{"dest | count", "host1 | 3"}},
		{"where compares two fields", base + ` | eval c2=count | where c2 = count AND dest != "Zed"`, []string{
			"dest | count | c2", "Host2 | 1 | 1", "apple | 1 | 1", "host1 | 3 | 3"}},
		{"like is case-sensitive", base + ` | where like(dest, "%o%")`, []string{"dest | count", "Host2 | 1", "host1 | 3"}},
		{"match is unanchored", base + ` | where match(dest, "\d")`, []string{"dest | count", "Host2 | 1", "host1 | 3"}},
		{"null drops the row, NOT included", base + ` | where NOT nosuch = "x"`, []string{"dest | count"}},
		{"isnull keeps", base + ` | where isnull(nosuch) AND count < 2`, []string{"dest | count", "Host2 | 1", "Zed | 1", "apple | 1"}},
		{"eval in place, appends, sees earlier", base + ` | eval n=count*2, dest=upper(dest), m=n+1`, []string{
			"dest | count | n | m", "HOST2 | 1 | 2 | 3", "ZED | 1 | 2 | 3", "APPLE | 1 | 2 | 3", "HOST1 | 3 | 6 | 7"}},
		{"failed evaluation erases the field", base + ` | eval count=if(count > 1, count, null()), x=dest + 1`, []string{
			"dest | count | x", "Host2 | <null> | <null>", "Zed | <null> | <null>", "apple | <null> | <null>", "host1 | 3 | <null>"}},
		{"eval of an absent field is null", base + ` | eval y=nosuch`, []string{
			"dest | count | y", "Host2 | 1 | <null>", "Zed | 1 | <null>", "apple | 1 | <null>", "host1 | 3 | <null>"}},
		{"multivalue through eval", base + ` | eval mv=split(dest, "o"), k=mvcount(mv) | where k > 1`, []string{
			"dest | count | mv | k", "Host2 | 1 | H;st2 | 2", "host1 | 3 | h;st1 | 2"}},
		{"case and strings", base + ` | eval kind=case(count > 2, "many", dest LIKE "%e%", "e", true(), "other") | where kind != "other"`, []string{
			"dest | count | kind", "Zed | 1 | e", "apple | 1 | e", "host1 | 3 | many"}},
	}
	for _, tc := range tests {
		for _, shape := range batchShapes {
			t.Run(fmt.Sprintf("%s/%dx%d", tc.name, shape[0], shape[1]), func(t *testing.T) {
				env := newTestEnv(t, fixture(), shape[0], shape[1])
				equalLines(t, tc.q, env.run(t, tc.q), tc.want)
			})
		}
	}
}

func TestWhereEvalPlanErrors(t *testing.T) {
	const base = `| tstats count` + from + ` by Registry.dest`
	tests := []struct {
		q    string
		want string // message and the text under the caret
		at   string
	}{
		{base + ` | eval x=count > 1`, "eval cannot assign the boolean", "count > 1"},
		{base + ` | where count`, "the where expression must be a boolean expression", "count"},
		{base + ` | where match(count, "(?R)")`, "recursion", `"(?R)"`},
		{base + ` | eval x=lenght(count)`, "did you mean len()", "lenght(count)"},
		{base + ` | eval x=tonumber("seven")`, `"seven" is not a number`, `"seven"`},
	}
	for _, tc := range tests {
		env := newTestEnv(t, fixture(), 3, 3)
		_, err := env.eng.Plan(parse(t, tc.q))
		se, ok := err.(*spl.Error)
		if !ok {
			t.Errorf("%s: error %v is not an *spl.Error", tc.q, err)
			continue
		}
		if !strings.Contains(se.Msg, tc.want) {
			t.Errorf("%s: error %q does not contain %q", tc.q, se.Msg, tc.want)
		}
		if got := tc.q[se.Pos.Start:se.Pos.End]; got != tc.at {
			t.Errorf("%s: error at %q, want %q", tc.q, got, tc.at)
		}
	}
}

// BenchmarkEvalWhere runs where like(...) | eval len(...) over 1M distinct
// tstats rows (every generated event has its own registry path).
func BenchmarkEvalWhere(b *testing.B) {
	const rows = 1_000_000
	cat := datamodel.DefaultCatalog()
	ds, _ := cat.Lookup("Endpoint.Registry")
	mem := memory.NewGoAllocator()
	store := datamodel.NewStore(cat, datamodel.Options{})
	defer store.Release()
	recs := make([]row, 0, 4096)
	for i := 0; i < rows; i++ {
		path := fmt.Sprintf(`HKLM\SOFTWARE\Vendor%d\Key%d`, i%97, i)
		if i%3 == 0 {
			path = fmt.Sprintf(`HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Run\Item%d`, i)
		}
		recs = append(recs, row{"_time": base + int64(i), "dest": fmt.Sprintf("host%d", i%50), "registry_path": path, "action": "modified"})
		if len(recs) == cap(recs) || i == rows-1 {
			batch := buildBatch(b, mem, ds, recs)
			store.AddBatch(ds, batch)
			batch.Release()
			recs = recs[:0]
		}
	}
	eng := New(cat, store, Options{})
	q := `| tstats count from datamodel=Endpoint.Registry by Registry.registry_path Registry.dest | rename Registry.* as * | where like(registry_path, "%Run%") | eval n=len(registry_path)`
	benchSearch(b, eng, q, (rows+2)/3, rows, "rows/s")
}

// sliceNode and sliceOp feed prepared batches to an operator under test.
type sliceNode struct {
	names   []string
	batches []arrow.RecordBatch
}

func (*sliceNode) isNode()            {}
func (n *sliceNode) fields() []string { return n.names }
func (n *sliceNode) input() node      { return nil }
func (n *sliceNode) describe() string { return "Slice" }
func (n *sliceNode) newOperator(*execEnv, operator) operator {
	return &sliceOp{batches: n.batches}
}

type sliceOp struct {
	batches []arrow.RecordBatch
	i       int
}

func (o *sliceOp) Open(context.Context) error { return nil }
func (o *sliceOp) Close()                     {}
func (o *sliceOp) Next(context.Context) (arrow.RecordBatch, error) {
	if o.i == len(o.batches) {
		return nil, io.EOF
	}
	b := o.batches[o.i]
	o.i++
	b.Retain()
	return b, nil
}

// BenchmarkWhereEvalOps measures where and eval alone over 1M rows of
// utf8 registry_path and dest columns in batches of 4096 (the shape tstats
// hands them), without the tstats cost of BenchmarkEvalWhere.
func BenchmarkWhereEvalOps(b *testing.B) {
	const rows, batch = 1_000_000, 4096
	mem := memory.NewGoAllocator()
	sch := arrow.NewSchema([]arrow.Field{{Name: "registry_path", Type: arrow.BinaryTypes.String}, {Name: "dest", Type: arrow.BinaryTypes.String}}, nil)
	src := &sliceNode{names: []string{"registry_path", "dest"}}
	bytes := 0
	for i := 0; i < rows; i += batch {
		pb, db := array.NewStringBuilder(mem), array.NewStringBuilder(mem)
		for j := i; j < min(i+batch, rows); j++ {
			path := fmt.Sprintf(`HKLM\SOFTWARE\Vendor%d\Key%d`, j%97, j)
			if j%3 == 0 {
				path = fmt.Sprintf(`HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Run\Item%d`, j)
			}
			pb.Append(path)
			db.Append(fmt.Sprintf("host%d", j%50))
			bytes += len(path)
		}
		p, d := pb.NewArray(), db.NewArray()
		src.batches = append(src.batches, array.NewRecordBatch(sch, []arrow.Array{p, d}, int64(p.Len())))
		p.Release()
		d.Release()
		pb.Release()
		db.Release()
	}
	defer func() {
		for _, r := range src.batches {
			r.Release()
		}
	}()
	eng := New(datamodel.DefaultCatalog(), nil, Options{})
	p := parse(b, `| tstats count from datamodel=Endpoint.Registry | where like(registry_path, "%Run%") | eval n=len(registry_path)`)
	w, err := eng.planWhere(p.Commands[1].(*spl.Where), src)
	if err != nil {
		b.Fatal(err)
	}
	ev, err := eng.planEval(p.Commands[2].(*spl.Eval), w)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(bytes))
	b.ResetTimer()
	for b.Loop() {
		res, err := eng.Execute(b.Context(), &Plan{root: ev})
		if err != nil {
			b.Fatal(err)
		}
		if res.NumRows() != (rows+2)/3 {
			b.Fatalf("%d rows, want %d", res.NumRows(), (rows+2)/3)
		}
		res.Release()
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkEvalInList runs `where process_name IN (...)` with an
// ESCU-sized list of 1,400 quoted names (half of them present) over 1M
// utf8 rows of 20,000 distinct names in batches of 4096, and the same list
// as in(process_name, ...) in eval.
func BenchmarkEvalInList(b *testing.B) {
	const rows, batch, distinct, items = 1_000_000, 4096, 20_000, 1_400
	mem := memory.NewGoAllocator()
	sch := arrow.NewSchema([]arrow.Field{{Name: "process_name", Type: arrow.BinaryTypes.String}}, nil)
	src := &sliceNode{names: []string{"process_name"}}
	bytes := 0
	for i := 0; i < rows; i += batch {
		pb := array.NewStringBuilder(mem)
		for j := i; j < min(i+batch, rows); j++ {
			name := fmt.Sprintf("proc%05d.exe", j%distinct)
			pb.Append(name)
			bytes += len(name)
		}
		p := pb.NewArray()
		src.batches = append(src.batches, array.NewRecordBatch(sch, []arrow.Array{p}, int64(p.Len())))
		p.Release()
		pb.Release()
	}
	defer func() {
		for _, r := range src.batches {
			r.Release()
		}
	}()
	var list []string
	for i := range items {
		k := i * 2 // every other name present, the rest absent
		if i%2 == 1 {
			k = distinct + i
		}
		list = append(list, fmt.Sprintf(`"proc%05d.exe"`, k))
	}
	members := strings.Join(list, ", ")
	// Present names are proc00000, proc00002, ... proc01398: 700 of the
	// 20,000 distinct names, each on rows/distinct rows.
	const want = 700 * rows / distinct
	eng := New(datamodel.DefaultCatalog(), nil, Options{})
	for _, tc := range []struct{ name, where string }{
		{"IN", `process_name IN (` + members + `)`},
		{"in()", `in(process_name, ` + members + `)`},
	} {
		b.Run(tc.name, func(b *testing.B) {
			p := parse(b, `| tstats count from datamodel=Endpoint.Processes | where `+tc.where)
			w, err := eng.planWhere(p.Commands[1].(*spl.Where), src)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(bytes))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				res, err := eng.Execute(b.Context(), &Plan{root: w})
				if err != nil {
					b.Fatal(err)
				}
				if res.NumRows() != want {
					b.Fatalf("%d rows, want %d", res.NumRows(), want)
				}
				res.Release()
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// TestEvalPrecisionPipeline checks the precision rule on the values a
// detection computes: tstats min/max(_time) (float64 epoch seconds with a
// millisecond fraction), _time itself (a timestamp column) and numeric
// field text.
func TestEvalPrecisionPipeline(t *testing.T) {
	env := newTestEnv(t, []row{
		{"_time": int64(1727699298670), "dest": "h1", "registry_value_data": "0.1"},
		{"_time": int64(1727705109547), "dest": "h1", "registry_value_data": "0.2"},
	}, 10, 10)
	tests := []struct {
		q    string
		want []string
	}{
		{`| tstats min(_time) as firstTime max(_time) as lastTime from datamodel=Endpoint.Registry by Registry.dest | eval d=lastTime-firstTime, e=exact(lastTime-firstTime), h=round(d/3600, 2)`, []string{
			"Registry.dest | firstTime | lastTime | d | e | h",
			"h1 | 1727699298.67 | 1727705109.547 | 5810.877 | 5810.8769998550415 | 1.61",
		}},
		{`| tstats values(Registry.registry_value_data) as v from datamodel=Endpoint.Registry | eval s=mvindex(v, 0) + mvindex(v, 1), t=exact(mvindex(v, 0) + mvindex(v, 1))`, []string{
			"v | s | t",
			"0.1;0.2 | 0.3 | 0.30000000000000004",
		}},
		{`| tstats count from datamodel=Endpoint.Registry by _time | eval t=_time+0.1 | table _time t`, []string{
			"_time | t",
			"1727699298.67 | 1727699298.77",
			"1727705109.547 | 1727705109.647",
		}},
	}
	for _, tc := range tests {
		equalLines(t, tc.q, env.run(t, tc.q), tc.want)
	}
}
