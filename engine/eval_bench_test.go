package engine

import (
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/spl"
)

// BenchmarkEvalArith runs `eval d=lastTime-firstTime, e=d*2+0.5, r=d/3`
// alone over 1M rows in batches of 4096: lastTime is a float64 column (as
// tstats min/max(_time) gives) and firstTime a utf8 column of numeric
// text, so the benchmark covers + - * / on both kinds of numbers.
func BenchmarkEvalArith(b *testing.B) {
	const rows, batch = 1_000_000, 4096
	mem := memory.NewGoAllocator()
	sch := arrow.NewSchema([]arrow.Field{{Name: "lastTime", Type: arrow.PrimitiveTypes.Float64}, {Name: "firstTime", Type: arrow.BinaryTypes.String}}, nil)
	src := &sliceNode{names: []string{"lastTime", "firstTime"}}
	for i := 0; i < rows; i += batch {
		lb, fb := array.NewFloat64Builder(mem), array.NewStringBuilder(mem)
		for j := i; j < min(i+batch, rows); j++ {
			lb.Append(1727705109.547 + float64(j%1000)/1000)
			fb.Append(fmt.Sprintf("1727699298.%d", j%100))
		}
		l, f := lb.NewArray(), fb.NewArray()
		src.batches = append(src.batches, array.NewRecordBatch(sch, []arrow.Array{l, f}, int64(l.Len())))
		l.Release()
		f.Release()
		lb.Release()
		fb.Release()
	}
	defer func() {
		for _, r := range src.batches {
			r.Release()
		}
	}()
	eng := New(datamodel.DefaultCatalog(), nil, Options{})
	p := parse(b, `| tstats count from datamodel=Endpoint.Registry | eval d=lastTime-firstTime, e=d*2+0.5, r=d/3`)
	ev, err := eng.planEval(p.Commands[1].(*spl.Eval), src)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		res, err := eng.Execute(b.Context(), &Plan{root: ev})
		if err != nil {
			b.Fatal(err)
		}
		if res.NumRows() != rows {
			b.Fatalf("%d rows, want %d", res.NumRows(), rows)
		}
		res.Release()
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
