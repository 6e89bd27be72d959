package sqlgen_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"text/template"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/minispl/minispl/datamodel"
	"github.com/minispl/minispl/engine"
	"github.com/minispl/minispl/sqlgen"
	"github.com/minispl/minispl/summaries"
)

// clusterName is the remote_servers cluster of testdata/clickhouse18.
const clusterName = "minispl2"

// TestClickHouse18Cluster runs every ESCU Endpoint detection the compiler
// accepts, in the clickhouse-18 dialect, through a Distributed table of a
// 2-shard ClickHouse 18.16 cluster on loopback, over the Parquet summaries
// of the shared datasets loaded through that table, and compares the rows
// with minispl's as the chdb differential does.
//
// MINISPL_CLICKHOUSE18 names the clickhouse-server binary (.ci/run sets
// it once apt installs the Debian package); without it the test skips.
// The servers are started from testdata/clickhouse18 (each in a folder of
// t.TempDir(), on free loopback ports) and stopped by pid at the end.
func TestClickHouse18Cluster(t *testing.T) {
	bin := clickhouse18Server(t)
	c := loadCorpus(t)
	c.withData(t)
	clickhouse18Differential(t, c, bin)
}

// TestClickHouse18ClusterGenerated is TestClickHouse18Cluster over the
// summaries of a million generated events and the shared datasets
// (withGenerated; SQLGEN_GEN_EVENTS sets the size). It runs only when
// MINISPL_CLICKHOUSE18_GENERATED=1 as well.
func TestClickHouse18ClusterGenerated(t *testing.T) {
	bin := clickhouse18Server(t)
	if os.Getenv("MINISPL_CLICKHOUSE18_GENERATED") != "1" {
		t.Skip("MINISPL_CLICKHOUSE18_GENERATED=1 is not set")
	}
	c := loadCorpus(t)
	c.withGenerated(t)
	clickhouse18Differential(t, c, bin)
}

// clickhouse18Server is the clickhouse-server binary named by
// MINISPL_CLICKHOUSE18; the test skips when it is unset and fails when it
// names no program.
func clickhouse18Server(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("MINISPL_CLICKHOUSE18")
	if bin == "" {
		t.Skip("MINISPL_CLICKHOUSE18 (the clickhouse-server 18.16 binary) is not set")
	}
	p, err := exec.LookPath(bin)
	if err != nil {
		t.Fatalf("MINISPL_CLICKHOUSE18=%s: %v", bin, err)
	}
	return p
}

// clickhouse18Differential starts the cluster, loads c.root's summaries
// and compares every compiled detection and case.
func clickhouse18Differential(t *testing.T, c *corpus, bin string) {
	start := time.Now()
	cl := startCluster(t, bin, 2)
	t.Logf("2 shards up in %v (http ports %d, %d)", time.Since(start).Round(time.Millisecond), cl.shards[0].http, cl.shards[1].http)
	ver, err := cl.shards[0].query("SELECT version()", "TabSeparated")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("ClickHouse %s", strings.TrimSpace(ver))
	out, err := cl.shards[0].query("SELECT shard_num, port, is_local FROM system.clusters WHERE cluster = '"+clusterName+"' ORDER BY shard_num", "TabSeparated")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out, "\n"); n != 2 {
		t.Fatalf("system.clusters lists %d shards of %s, want 2:\n%s", n, clusterName, out)
	}
	start = time.Now()
	cat := datamodel.DefaultCatalog()
	loadSummaries(t, cl, cat, c.root)
	t.Logf("summaries loaded through the Distributed tables in %v", time.Since(start).Round(time.Millisecond))

	start = time.Now()
	tstatsOnly := 0
	for _, q := range c.queries {
		if _, err := sqlgen.Compile(q.Plan, sqlgen.ClickHouse18, sqlgen.Options{}); err == nil && isTstatsOnly(q.Plan) {
			tstatsOnly++
		}
	}
	// Queries go to each shard in turn: either one's Distributed table
	// reads its own rows and the other's.
	compared := differential(t, c, sqlgen.ClickHouse18, func(name, text string) ([]string, [][][]string, error) {
		i, err := strconv.Atoi(name)
		if err != nil {
			return nil, nil, err
		}
		out, err := cl.shards[i%len(cl.shards)].query(text, "JSONCompact")
		if err != nil {
			return nil, nil, err
		}
		return parseJSONCompact(out)
	})
	t.Logf("clickhouse-18 cluster: %d detections compared in %v, %d of the compiled ones tstats-only (no join)", compared, time.Since(start).Round(time.Millisecond), tstatsOnly)
}

// isTstatsOnly reports whether a plan reads one tstats (no join of a
// second one).
func isTstatsOnly(p *engine.Plan) bool {
	for _, s := range p.Steps() {
		if _, ok := s.(*engine.JoinStep); ok {
			return false
		}
	}
	return true
}

// chShard is one running clickhouse-server.
type chShard struct {
	dir             string
	tcp, http, isrv int
	cmd             *exec.Cmd
	done            chan struct{} // closed when the process has exited
	waitErr         error
}

type chCluster struct {
	shards []*chShard
}

// startCluster writes the configs of n shards from testdata/clickhouse18,
// starts the servers, waits until each answers /ping and registers their
// stop (by pid) with t.Cleanup.
func startCluster(t *testing.T, bin string, n int) *chCluster {
	t.Helper()
	tmpl, err := template.ParseFiles(filepath.Join("testdata", "clickhouse18", "config.xml"))
	if err != nil {
		t.Fatal(err)
	}
	users, err := os.ReadFile(filepath.Join("testdata", "clickhouse18", "users.xml"))
	if err != nil {
		t.Fatal(err)
	}
	ports := freePorts(t, 3*n)
	cl := &chCluster{}
	var tcps []int
	root := t.TempDir()
	for i := range n {
		s := &chShard{dir: filepath.Join(root, fmt.Sprintf("ch%d", i+1)), tcp: ports[3*i], http: ports[3*i+1], isrv: ports[3*i+2]}
		cl.shards = append(cl.shards, s)
		tcps = append(tcps, s.tcp)
	}
	for i, s := range cl.shards {
		for _, sub := range []string{"data", "tmp", "user_files", "format_schemas", "log"} {
			if err := os.MkdirAll(filepath.Join(s.dir, sub), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		var b bytes.Buffer
		if err := tmpl.Execute(&b, map[string]any{
			"Dir": s.dir, "TCP": s.tcp, "HTTP": s.http, "Interserver": s.isrv,
			"Shards": tcps, "Shard": fmt.Sprintf("%02d", i+1),
		}); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(s.dir, "config.xml"), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(s.dir, "users.xml"), users, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range cl.shards {
		s.start(t, bin)
	}
	for _, s := range cl.shards {
		if err := s.waitReady(60 * time.Second); err != nil {
			t.Fatalf("shard %s: %v\n%s", s.dir, err, s.logTail())
		}
	}
	return cl
}

// freePorts returns n distinct loopback ports that were free a moment ago.
func freePorts(t *testing.T, n int) []int {
	t.Helper()
	var ls []net.Listener
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		l.Close()
	}
	return ports
}

// start runs the server in the foreground of its own process (no
// --daemon, so the pid is the server's) and registers its stop. The
// server is killed too if the test binary dies (Pdeathsig).
func (s *chShard) start(t *testing.T, bin string) {
	t.Helper()
	out, err := os.Create(filepath.Join(s.dir, "log", "stdout.log"))
	if err != nil {
		t.Fatal(err)
	}
	s.cmd = exec.Command(bin, "--config-file="+filepath.Join(s.dir, "config.xml"))
	s.cmd.Dir = s.dir
	s.cmd.Stdout, s.cmd.Stderr = out, out
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := s.cmd.Start(); err != nil {
		out.Close()
		t.Fatalf("starting %s: %v", bin, err)
	}
	s.done = make(chan struct{})
	go func() {
		s.waitErr = s.cmd.Wait()
		out.Close()
		close(s.done)
	}()
	t.Cleanup(func() {
		if err := s.stop(30 * time.Second); err != nil {
			t.Errorf("stopping clickhouse-server pid %d: %v", s.cmd.Process.Pid, err)
		}
		if c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", s.http), time.Second); err == nil {
			c.Close()
			t.Errorf("clickhouse-server pid %d stopped, yet port %d still listens", s.cmd.Process.Pid, s.http)
		}
	})
}

// stop sends SIGTERM to the server's pid and waits for it to exit,
// killing it after grace.
func (s *chShard) stop(grace time.Duration) error {
	select {
	case <-s.done:
		return nil // already exited (its error was reported by waitReady)
	default:
	}
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	select {
	case <-s.done:
		return nil
	case <-time.After(grace):
	}
	if err := s.cmd.Process.Kill(); err != nil {
		return err
	}
	<-s.done
	return fmt.Errorf("did not exit within %v of SIGTERM; killed", grace)
}

// waitReady polls /ping until the server answers Ok., fails when the
// process exits first or limit passes.
func (s *chShard) waitReady(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	client := http.Client{Timeout: time.Second}
	for {
		resp, err := client.Get(fmt.Sprintf("http://127.0.0.1:%d/ping", s.http))
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && strings.TrimSpace(string(body)) == "Ok." {
				return nil
			}
		}
		select {
		case <-s.done:
			return fmt.Errorf("clickhouse-server exited before it was ready: %v", s.waitErr)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not ready after %v: %v", limit, err)
		}
	}
}

// logTail is the end of the server's error log and stdout, for a failure
// message.
func (s *chShard) logTail() string {
	var b strings.Builder
	for _, f := range []string{"server.err.log", "stdout.log"} {
		data, _ := os.ReadFile(filepath.Join(s.dir, "log", f))
		if len(data) > 3000 {
			data = data[len(data)-3000:]
		}
		fmt.Fprintf(&b, "--- %s:\n%s\n", f, data)
	}
	return b.String()
}

// query runs one statement over HTTP with the result in format (appended
// as FORMAT; "" for a statement without a result), and returns the body.
// wait_end_of_query makes an error in the middle of a result an HTTP
// error, not a truncated 200.
func (s *chShard) query(sql, format string) (string, error) {
	if format != "" {
		sql += "\nFORMAT " + format
	}
	return s.post(url.Values{"wait_end_of_query": {"1"}}, strings.NewReader(sql))
}

// post sends body to the HTTP interface with params and returns the
// answer; a status other than 200 is an error with ClickHouse's message.
func (s *chShard) post(params url.Values, body io.Reader) (string, error) {
	u := fmt.Sprintf("http://127.0.0.1:%d/?%s", s.http, params.Encode())
	resp, err := http.Post(u, "text/plain", body)
	if err != nil {
		return "", fmt.Errorf("clickhouse http %d: %w", s.http, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", fmt.Errorf("clickhouse http %d: %w", s.http, err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("clickhouse: %s", firstLine(string(out)))
	}
	return string(out), nil
}

// loadSummaries creates, on every shard, a MergeTree table per dataset
// (sqlgen.TableName + "_local": _time_ms Int64, every other field
// Nullable(String)) and a Distributed table over them (sqlgen.TableName,
// sharded by cityHash64(_time_ms), so that the groups of a query span
// both shards); reads the Parquet summaries under root and inserts each
// dataset's rows through the Distributed table of shard 1 with
// insert_distributed_sync=1, as TabSeparated (18.16 reads no Parquet);
// then checks the row counts, total and per shard.
func loadSummaries(t *testing.T, cl *chCluster, cat *datamodel.Catalog, root string) {
	t.Helper()
	for _, d := range cat.Datasets() {
		tbl := sqlgen.TableName(d.FullName())
		cols := []string{"`_time_ms` Int64"}
		for _, f := range d.Schema().Fields()[1:] {
			cols = append(cols, chIdent(f.Name)+" Nullable(String)")
		}
		for _, s := range cl.shards {
			for _, stmt := range []string{
				"CREATE TABLE " + chIdent(tbl+"_local") + " (" + strings.Join(cols, ", ") + ") ENGINE = MergeTree() PARTITION BY tuple() ORDER BY `_time_ms`",
				"CREATE TABLE " + chIdent(tbl) + " AS " + chIdent(tbl+"_local") +
					" ENGINE = Distributed(" + clusterName + ", default, " + chIdent(tbl+"_local") + ", cityHash64(`_time_ms`))",
			} {
				if _, err := s.query(stmt, ""); err != nil {
					t.Fatalf("%s: %v", stmt, err)
				}
			}
		}
	}
	sum, err := summaries.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	batches, st, err := sum.Read(context.Background(), cat, summaries.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer summaries.Release(batches)
	byDataset := map[string][]arrow.RecordBatch{}
	rows := map[string]int64{}
	for _, b := range batches {
		byDataset[b.Dataset] = append(byDataset[b.Dataset], b.Record)
		rows[b.Dataset] += b.Record.NumRows()
	}
	t.Logf("summaries %s: %d rows from %d files", root, st.Rows, st.Files)
	for _, d := range cat.Datasets() {
		recs := byDataset[d.FullName()]
		if len(recs) == 0 {
			continue
		}
		tbl := sqlgen.TableName(d.FullName())
		names := []string{"`_time_ms`"}
		for _, f := range d.Schema().Fields()[1:] {
			names = append(names, chIdent(f.Name))
		}
		pr, pw := io.Pipe()
		go func() { pw.CloseWithError(writeTSV(pw, recs)) }()
		params := url.Values{
			"query":                   {"INSERT INTO " + chIdent(tbl) + " (" + strings.Join(names, ", ") + ") FORMAT TabSeparated"},
			"insert_distributed_sync": {"1"},
		}
		if _, err := cl.shards[0].post(params, pr); err != nil {
			pr.CloseWithError(err)
			t.Fatalf("loading %s: %v", tbl, err)
		}
		total, err := countRows(cl.shards[0], tbl)
		if err != nil {
			t.Fatal(err)
		}
		if total != rows[d.FullName()] {
			t.Fatalf("%s: the Distributed table counts %d rows, the summaries hold %d", tbl, total, rows[d.FullName()])
		}
		var per []string
		var sumLocal int64
		empty := false
		for _, s := range cl.shards {
			n, err := countRows(s, tbl+"_local")
			if err != nil {
				t.Fatal(err)
			}
			per = append(per, strconv.FormatInt(n, 10))
			sumLocal += n
			empty = empty || n == 0
		}
		if sumLocal != total {
			t.Fatalf("%s: the shards hold %s rows, %d in all", tbl, strings.Join(per, " + "), total)
		}
		if empty && total >= 100 {
			t.Errorf("%s: a shard holds no rows of %d (%s): the cluster would not be tested", tbl, total, strings.Join(per, " + "))
		}
		t.Logf("%s: %d rows (shards %s)", tbl, total, strings.Join(per, " + "))
	}
}

func countRows(s *chShard, tbl string) (int64, error) {
	out, err := s.query("SELECT count() FROM "+chIdent(tbl), "TabSeparated")
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(strings.TrimSpace(out), 10, 64)
}

// chIdent quotes a ClickHouse identifier.
func chIdent(s string) string { return "`" + strings.ReplaceAll(s, "`", "\\`") + "`" }

// writeTSV writes the rows of recs (a dataset's schema: _time, then
// strings) as ClickHouse TabSeparated: _time as epoch milliseconds, null
// as \N, and in a string \ \t \n \r escaped, every other byte as it is.
func writeTSV(w io.Writer, recs []arrow.RecordBatch) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	for _, r := range recs {
		ts, ok := r.Column(0).(*array.Timestamp)
		if !ok || r.Schema().Field(0).Name != datamodel.FieldTime {
			return fmt.Errorf("column 0 is %s %s, want _time, a timestamp", r.Schema().Field(0).Name, r.Column(0).DataType())
		}
		if u := ts.DataType().(*arrow.TimestampType).Unit; u != arrow.Millisecond {
			return fmt.Errorf("_time in %s, want milliseconds", u)
		}
		strs := make([]func(int) (string, bool), r.NumCols())
		for k := 1; k < int(r.NumCols()); k++ {
			f, err := stringColumn(r.Column(k))
			if err != nil {
				return fmt.Errorf("column %s: %w", r.Schema().Field(k).Name, err)
			}
			strs[k] = f
		}
		for i := 0; i < int(r.NumRows()); i++ {
			if ts.IsNull(i) {
				return fmt.Errorf("row %d: _time is null", i)
			}
			bw.WriteString(strconv.FormatInt(int64(ts.Value(i)), 10))
			for k := 1; k < int(r.NumCols()); k++ {
				bw.WriteByte('\t')
				v, ok := strs[k](i)
				if !ok {
					bw.WriteString(`\N`)
					continue
				}
				tsvEscape(bw, v)
			}
			if err := bw.WriteByte('\n'); err != nil {
				return err
			}
		}
	}
	return bw.Flush()
}

// stringColumn returns the text of row i of a string or dictionary of
// strings column, false when null.
func stringColumn(a arrow.Array) (func(int) (string, bool), error) {
	switch a := a.(type) {
	case *array.String:
		return func(i int) (string, bool) { return a.Value(i), a.IsValid(i) }, nil
	case *array.Dictionary:
		dict, ok := a.Dictionary().(*array.String)
		if !ok {
			return nil, fmt.Errorf("a dictionary of %s, want strings", a.Dictionary().DataType())
		}
		return func(i int) (string, bool) {
			if a.IsNull(i) {
				return "", false
			}
			return dict.Value(a.GetValueIndex(i)), true
		}, nil
	}
	return nil, fmt.Errorf("type %s, want strings", a.DataType())
}

// tsvEscape writes s as a TabSeparated field.
func tsvEscape(w *bufio.Writer, s string) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			w.WriteString(`\\`)
		case '\t':
			w.WriteString(`\t`)
		case '\n':
			w.WriteString(`\n`)
		case '\r':
			w.WriteString(`\r`)
		default:
			w.WriteByte(c)
		}
	}
}
