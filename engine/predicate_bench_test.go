package engine

import (
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/minispl/minispl/datamodel"
)

// processBatches builds n Endpoint.Processes rows in batches of batch rows
// (the store's default size), each batch with its own dictionaries as the
// store cuts them: process_name cycles through distinct names
// proc00000.exe.. (in mixed case), dest through 100 hosts, every other
// column is null.
func processBatches(b *testing.B, ds *datamodel.Dataset, n, batch, distinct int) []arrow.RecordBatch {
	b.Helper()
	mem := memory.NewGoAllocator()
	schema := ds.Schema()
	var out []arrow.RecordBatch
	for start := 0; start < n; start += batch {
		rows := min(batch, n-start)
		cols := make([]arrow.Array, schema.NumFields())
		for i, f := range schema.Fields() {
			switch ty := f.Type.(type) {
			case *arrow.TimestampType:
				tb := array.NewTimestampBuilder(mem, ty)
				for r := 0; r < rows; r++ {
					tb.Append(arrow.Timestamp(base + int64(start+r)))
				}
				cols[i] = tb.NewArray()
				tb.Release()
			case *arrow.DictionaryType:
				db := array.NewDictionaryBuilder(mem, ty).(*array.BinaryDictionaryBuilder)
				for r := 0; r < rows; r++ {
					var err error
					switch f.Name {
					case "process_name":
						k := (start + r) * 7919 % distinct
						name := fmt.Sprintf("proc%05d.exe", k)
						if k%3 == 0 {
							name = strings.ToUpper(name)
						}
						err = db.AppendString(name)
					case "dest":
						err = db.AppendString(fmt.Sprintf("host%03d", (start+r)/7%100))
					default:
						db.AppendNull()
					}
					if err != nil {
						b.Fatal(err)
					}
				}
				cols[i] = db.NewArray()
				db.Release()
			default:
				b.Fatalf("unexpected schema type %s", f.Type)
			}
		}
		out = append(out, array.NewRecordBatch(schema, cols, int64(rows)))
		for _, c := range cols {
			c.Release()
		}
	}
	return out
}

// BenchmarkWhereInList runs a tstats whose WHERE is an ESCU-sized IN list
// (1,400 process names, lower case, half of them present in the data)
// over one million Processes rows with 20,000 distinct process names, in
// 64Ki-row batches, each with its own dictionary. "literal" has no
// wildcard; "mixed" replaces 10 members by globs; "or" spells the literal
// list as a chain of process_name=... OR ....
func BenchmarkWhereInList(b *testing.B) {
	const (
		rows     = 1_000_000
		distinct = 20_000
		items    = 1_400
	)
	cat := datamodel.DefaultCatalog()
	ds, ok := cat.Lookup("Endpoint.Processes")
	if !ok {
		b.Fatal("no Endpoint.Processes")
	}
	store := datamodel.NewStore(cat, datamodel.Options{})
	defer store.Release()
	for _, rb := range processBatches(b, ds, rows, 65536, distinct) {
		store.AddBatch(ds, rb)
		rb.Release()
	}
	eng := New(cat, store, Options{})
	list := func(globs int) []string {
		var vs []string
		for i := 0; i < items; i++ {
			// Every other name is present (k < distinct), the rest absent.
			k := i * 2
			if i%2 == 1 {
				k = distinct + i
			}
			v := fmt.Sprintf("proc%05d.exe", k)
			if i < globs {
				v = fmt.Sprintf("*proc%05d*", k)
			}
			vs = append(vs, `"`+v+`"`)
		}
		return vs
	}
	const head = `| tstats count from datamodel=Endpoint.Processes where `
	const tail = ` by Processes.dest`
	cases := []struct{ name, where string }{
		{"literal", `Processes.process_name IN (` + strings.Join(list(0), ", ") + `)`},
		{"mixed", `Processes.process_name IN (` + strings.Join(list(10), ", ") + `)`},
		{"or", `(Processes.process_name=` + strings.Join(list(0), " OR Processes.process_name=") + `)`},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			benchSearch(b, eng, head+tc.where+tail, 100, rows, "rows/s")
		})
	}
}
