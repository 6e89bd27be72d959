package datamodel

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/minispl/minispl/datamodel/sysmongen"
)

func TestCatalog(t *testing.T) {
	cat := DefaultCatalog()
	var names []string
	for _, d := range cat.Datasets() {
		names = append(names, d.FullName())
	}
	if want := []string{"Endpoint.Registry", "Endpoint.Processes", "Endpoint.Filesystem", "Network_Traffic.All_Traffic", "Authentication.Authentication", "Change.All_Changes"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("datasets %v, want %v", names, want)
	}
	if _, ok := cat.Lookup("endpoint.registry"); ok {
		t.Error("Lookup must be case-sensitive")
	}
	reg, _ := cat.Lookup("Endpoint.Registry")
	var fill []string
	for _, f := range reg.Fields {
		if f.FillUnknown {
			fill = append(fill, f.Name)
		}
	}
	wantFill := []string{"action", "dest", "registry_path", "registry_key_name", "registry_value_data", "registry_value_name", "registry_value_type", "user"}
	if !reflect.DeepEqual(fill, wantFill) {
		t.Errorf("Registry FillUnknown fields %v, want %v", fill, wantFill)
	}
	for _, spec := range catalogTable() {
		if _, err := compileCalcs(spec); err != nil {
			t.Error(err)
		}
		seen := map[string]bool{}
		for _, f := range spec.fields {
			if seen[f.name] {
				t.Errorf("%s.%s: field %s declared twice", spec.model, spec.name, f.name)
			}
			seen[f.name] = true
		}
	}
}

func TestSchema(t *testing.T) {
	reg, _ := DefaultCatalog().Lookup("Endpoint.Registry")
	sc := reg.Schema()
	if sc.NumFields() != 4+len(reg.Fields) {
		t.Fatalf("%d columns, want %d", sc.NumFields(), 4+len(reg.Fields))
	}
	tf := sc.Field(0)
	ts, ok := tf.Type.(*arrow.TimestampType)
	if tf.Name != "_time" || !ok || ts.Unit != arrow.Millisecond || ts.TimeZone != "UTC" || tf.Nullable {
		t.Errorf("first column %v, want _time timestamp[ms, UTC] not null", tf)
	}
	for i, name := range []string{"host", "source", "sourcetype"} {
		if sc.Field(i+1).Name != name {
			t.Errorf("column %d is %s, want %s", i+1, sc.Field(i+1).Name, name)
		}
	}
	for i := 1; i < sc.NumFields(); i++ {
		dt, ok := sc.Field(i).Type.(*arrow.DictionaryType)
		if !ok || dt.IndexType.ID() != arrow.INT32 || dt.ValueType.ID() != arrow.STRING || !sc.Field(i).Nullable {
			t.Errorf("column %s: %v, want nullable dictionary<int32, utf8>", sc.Field(i).Name, sc.Field(i).Type)
		}
	}
}

// generated returns n generated events.
func generated(t testing.TB, n int) ([]byte, sysmongen.Counts) {
	t.Helper()
	var buf bytes.Buffer
	c, err := sysmongen.Write(&buf, n, 42)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), c
}

// TestBatchBoundaries checks that the batch size changes neither the rows
// nor their order, and that every batch respects it.
func TestBatchBoundaries(t *testing.T) {
	text, counts := generated(t, 2000)
	var want []map[string]string
	for _, size := range []int{0, 1, 3, 1000} {
		s := ingestText(t, string(text), Options{BatchSize: size})
		d, _ := DefaultCatalog().Lookup("Endpoint.Registry")
		limit := size
		if limit == 0 {
			limit = defaultBatchSize
		}
		for _, b := range s.Batches(d) {
			if b.NumRows() > int64(limit) || b.NumRows() == 0 {
				t.Errorf("size %d: batch of %d rows", size, b.NumRows())
			}
			if !b.Schema().Equal(d.Schema()) {
				t.Errorf("size %d: batch schema differs from Dataset.Schema", size)
			}
		}
		got := rows(t, s, "Endpoint.Registry")
		if len(got) != counts.Registry {
			t.Fatalf("size %d: %d rows, want %d", size, len(got), counts.Registry)
		}
		if want == nil {
			want = got
		} else if !reflect.DeepEqual(got, want) {
			t.Errorf("size %d: rows differ from the default batch size", size)
		}
		st := s.Stats()
		checkAccounting(t, st)
		if st.Used["Endpoint.Processes"] != counts.Process {
			t.Errorf("Processes used %d, want %d", st.Used["Endpoint.Processes"], counts.Process)
		}
		if st.Used["Network_Traffic.All_Traffic"] != counts.Network {
			t.Errorf("Network_Traffic used %d, want %d", st.Used["Network_Traffic.All_Traffic"], counts.Network)
		}
		// Every event is kept; the Security 4624 logons (no machine
		// account among the generator's users) are Authentication rows.
		if len(st.Skipped) != 0 || st.Kept != st.Events {
			t.Errorf("skipped %v, kept %d of %d, want every event kept", st.Skipped, st.Kept, st.Events)
		}
		if st.Used["Authentication.Authentication"] != counts.Security {
			t.Errorf("Authentication used %d, want the %d Security 4624", st.Used["Authentication.Authentication"], counts.Security)
		}
		s.Release()
	}
	// Input order is kept: _time grows with the generator's clock.
	for i := 1; i < len(want); i++ {
		if want[i]["_time"] < want[i-1]["_time"] {
			t.Fatalf("row %d out of input order", i)
		}
	}
	rms := 0
	for _, r := range want {
		if strings.Contains(r["registry_path"], `\SYSTEM\Remote Manipulator System`) {
			rms++
		}
	}
	if rms != counts.RMS {
		t.Errorf("%d RMS rows, want %d", rms, counts.RMS)
	}
}

// TestPerBatchDictionary checks that each batch's dictionaries hold only
// that batch's values.
func TestPerBatchDictionary(t *testing.T) {
	a := regEvt(13, "SetValue", `HKLM\SOFTWARE\A`).xml()
	b := regEvt(13, "SetValue", `HKLM\SOFTWARE\B`).xml()
	s := ingestText(t, a+"\n"+b+"\n", Options{BatchSize: 1})
	d, _ := DefaultCatalog().Lookup("Endpoint.Registry")
	bs := s.Batches(d)
	if len(bs) != 2 {
		t.Fatalf("%d batches, want 2", len(bs))
	}
	idx := bs[1].Schema().FieldIndices("registry_path")[0]
	dict := bs[1].Column(idx).(*array.Dictionary).Dictionary()
	if dict.Len() != 1 {
		t.Errorf("second batch dictionary has %d values, want 1", dict.Len())
	}
}

func TestAddBatch(t *testing.T) {
	cat := DefaultCatalog()
	d, _ := cat.Lookup("Endpoint.Registry")
	s := ingestText(t, regEvt(12, "CreateKey", `HKLM\X`).xml(), Options{})
	b := array.NewRecordBuilder(memory.NewGoAllocator(), d.Schema())
	defer b.Release()
	b.Field(0).(*array.TimestampBuilder).Append(0)
	for i := 1; i < len(b.Fields()); i++ {
		b.Field(i).AppendNull()
	}
	rec := b.NewRecordBatch()
	s.AddBatch(d, rec)
	rec.Release()
	// The Store's own catalog is another instance; lookups go by name.
	reg, _ := DefaultCatalog().Lookup("Endpoint.Registry")
	if got := s.Batches(reg); len(got) != 2 || got[1].NumRows() != 1 {
		t.Fatalf("Batches after AddBatch: %d batches", len(got))
	}
	var zero Store
	zero.AddBatch(d, rec)
	if len(zero.Batches(d)) != 1 {
		t.Error("AddBatch on a zero Store lost the batch")
	}
	if err := zero.Ingest(strings.NewReader("<Event>junk</Event>\n"), "z"); err != nil || zero.Stats().Events != 1 {
		t.Errorf("Ingest on a zero Store: %v, %+v", err, zero.Stats())
	}
	s.Release()
}

// sharedDir returns ../shared from the module root, or skips.
func sharedDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "shared")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared data not available: %v", err)
	}
	return dir
}

// TestSharedAttackData ingests every XmlWinEventLog file under
// shared/datasets/attack_data.
func TestSharedAttackData(t *testing.T) {
	root := filepath.Join(sharedDir(t), "datasets", "attack_data")
	n := 0
	err := filepath.WalkDir(root, func(path string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		head := make([]byte, 4096)
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		k, _ := f.Read(head)
		f.Close()
		if !bytes.Contains(head[:k], []byte("<Event")) {
			return nil
		}
		n++
		t.Run(strings.TrimPrefix(path, root), func(t *testing.T) {
			s := NewStore(DefaultCatalog(), Options{BatchSize: 7})
			if err := s.IngestFile(path); err != nil {
				t.Fatal(err)
			}
			st := s.Stats()
			if st.Files != 1 || st.Events == 0 {
				t.Errorf("stats %+v", st)
			}
			checkAccounting(t, st)
			for _, d := range DefaultCatalog().Datasets() {
				total := 0
				for _, b := range s.Batches(d) {
					total += int(b.NumRows())
				}
				if total != st.Used[d.FullName()] {
					t.Errorf("%s: %d rows in batches, Used says %d", d.FullName(), total, st.Used[d.FullName()])
				}
			}
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Skip("no XmlWinEventLog files found")
	}
}

// TestSharedRegistryFile pins the rows of one replayed ESCU test file.
func TestSharedRegistryFile(t *testing.T) {
	path := filepath.Join(sharedDir(t), "datasets", "attack_data", "datasets", "attack_techniques", "T1098", "dsrm_account", "windows-sysmon.log")
	s := NewStore(DefaultCatalog(), Options{})
	if err := s.IngestFile(path); err != nil {
		t.Skipf("file not available: %v", err)
	}
	got := rows(t, s, "Endpoint.Registry")
	if len(got) != 1 {
		t.Fatalf("%d rows, want 1", len(got))
	}
	checkRow(t, got[0], map[string]string{
		"registry_path":       `HKLM\System\CurrentControlSet\Control\Lsa\DSRMAdminLogonBehavior`,
		"registry_key_name":   `HKLM\System\CurrentControlSet\Control\Lsa`,
		"registry_value_name": "DSRMAdminLogonBehavior", "registry_value_data": "0x00000002",
		"registry_value_type": "REG_DWORD", "action": "modified", "user": "unknown",
		"dest": "win-dc-root-42062-811.attackrange.local", "_time": "2022-07-20 07:01:49.126",
	})
}
