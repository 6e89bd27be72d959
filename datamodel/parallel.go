package datamodel

import (
	"bytes"
	"context"
	"io"
	"os"
	"runtime"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
)

// This file reads one text input (XmlWinEventLog or JSON lines) on every
// core. See doc.go, "Parallel reading".

// Defaults of the parts a text input is cut into.
const (
	// defaultPartSize is the size of a part: big enough that the record
	// batches cut at its end are not small (about 13,000 events of the
	// generated XML), small enough that two per worker fit in memory.
	defaultPartSize = 16 << 20
	// defaultMaxPart is how far a part may grow while no cut is found (an
	// event or line longer than a part); past it the rest of the input is
	// read serially. A part thus stays below maxLineSize, so that no line
	// of a part is handed out in pieces.
	defaultMaxPart = 32 << 20
	// minGrow is the least a part grows by while no cut is found.
	minGrow = 64 << 10
)

// partBuffers recycles the buffers parts are read into, across inputs
// and stores (a folder of files, a benchmark's loop): a fresh buffer of 16
// MiB costs its zeroing and the page faults of memory new to the process,
// paid by the reader that the workers wait for. A buffer is put back once
// its part is merged: nothing refers to it then (the batches and the kept
// event texts are copies).
var partBuffers sync.Pool

// partBuffer returns an empty buffer of at least n bytes' capacity.
func partBuffer(n int) []byte {
	if b, ok := partBuffers.Get().(*[]byte); ok && cap(*b) >= n {
		return (*b)[:0]
	}
	return make([]byte, 0, n)
}

// putPartBuffer hands b back to partBuffers.
func putPartBuffer(b []byte) {
	b = b[:0]
	partBuffers.Put(&b)
}

// tailPartSize returns the size of the next part to cut when left bytes
// of the input remain to be handed out (-1: unknown; the reader knows it
// for a file, an in-memory reader, and at the end of any input) and parts
// are partSize: partSize until the end is near, then about an equal share
// of what is left for each worker, at least a quarter of partSize. Parts cut that way
// shrink towards the end, so that the workers finish together: with parts
// of one size, the worker that takes the last whole part works on alone
// while the others wait (with 2 workers and 16 MiB parts, 120 MB of
// XmlWinEventLog took 1.68 times less wall time than on one core, and
// 1.80 times less with 4 MiB parts). Small parts everywhere are not the
// answer: the record batches end at a part's end, and a search pays for
// each batch's dictionaries (4 MiB parts made the seed search over 1.1M
// rows 70% slower), so only the last parts are small.
func tailPartSize(left int64, partSize, workers int) int {
	if left < 0 || left >= int64(workers*partSize)*2 {
		return partSize
	}
	share := int(left / int64(workers))
	return max(min(share, partSize), partSize/4, 1)
}

// textFrame says which part of an input a scanner reads, and what it
// found there (see ingestXML).
type textFrame struct {
	// first marks the part at the start of the input, last the part at
	// its end; an input read serially is both.
	first, last bool
	// found is set once an event started (the scanner starts from it);
	// text once a line was not blank.
	found, text bool
	// held are the problems before the first event, until an event is
	// found; they are the scanner's starting state too.
	held heldProblems
}

// partProblem is a malformed event of a part read in parallel, its line
// counted from the part's start.
type partProblem struct {
	pos            position
	reason, detail string
}

// part is one piece of a text input, cut just before a line that starts
// an event (XML) or after a line end (JSON lines).
type part struct {
	buf         []byte
	first, last bool
	// err is the read error that ended the input after buf (last only).
	err error
	// tail, when set, is the rest of the input, to read serially: no cut
	// was found in defaultMaxPart bytes. buf is unused then.
	tail io.Reader
	res  chan *partResult
}

// partResult is what a worker made of one part.
type partResult struct {
	fr       textFrame
	lines    int
	st       Stats // Events, Used and Skipped
	problems []partProblem
	batches  [][]arrow.RecordBatch // per plan of the store, in order
	raw      rawLog                // the kept event texts, in order
	err      error
	buf      []byte
}

// ingestText reads the text input in lr (whose head has been sniffed as
// kind, KindXML or KindJSON), of size bytes in all (-1: not known). With one worker it is the scanner itself;
// otherwise the input is cut into parts that workers read into record
// batches of their own, merged in input order: the rows, counts and
// problems are those of the serial read. found and text are as for
// ingestXML; lr.bytes is left counting every byte read.
func (s *storeImpl) ingestText(lr *lineReader, size int64, name string, kind Kind) (found, text bool, err error) {
	workers := s.workerCount()
	if workers <= 1 {
		fr := textFrame{first: true, last: true}
		return s.scan(lr, name, kind, &fr)
	}
	partSize, maxPart := s.partSize, s.maxPart
	if partSize <= 0 {
		partSize = defaultPartSize
	}
	if maxPart <= 0 {
		maxPart = defaultMaxPart
	}
	// An input that fits lr's buffer (and one part) is read to its end
	// there first: a file or reader gives its last bytes without io.EOF,
	// which only the next read returns.
	for lr.err == nil && lr.end < min(len(lr.buf), partSize) {
		lr.fill(false)
	}
	if lr.err != nil {
		// The whole input is in lr's buffer (it is shorter than the
		// buffer): one part, read serially, without copying it into a
		// buffer of partSize (a folder of small files, or a fuzzer,
		// would clear 16 MB for each).
		fr := textFrame{first: true, last: true}
		return s.scan(memLineReader(lr.buf[lr.start:lr.end], lr.err), name, kind, &fr)
	}
	src := &countingReader{r: lr.r}
	head := lr.bytes
	defer func() { lr.bytes = head + src.n }()
	buf := append(partBuffer(partSize+minGrow), lr.buf[lr.start:lr.end]...)
	rerr := lr.err
	if rerr == nil {
		buf, rerr = fill(src, buf, partSize)
	}
	if rerr != nil {
		// The whole input (or all of it before a read error) is one part.
		fr := textFrame{first: true, last: true}
		return s.scan(memLineReader(buf, rerr), name, kind, &fr)
	}

	order := make(chan *part, 2*workers)
	jobs := make(chan *part, 2*workers)
	go func() { // the reader: cuts parts in input order
		defer close(order)
		defer close(jobs)
		first := true
		for {
			left := int64(-1) // the bytes not yet handed out
			switch {
			case rerr != nil: // the rest of the input is in buf
				left = int64(len(buf))
			case size >= 0:
				left = max(size-head-src.n, 0) + int64(len(buf))
			}
			want := tailPartSize(left, partSize, workers)
			cut := cutPoint(kind, buf, want)
			if rerr != nil && (want >= len(buf) || cut <= 0 || cut >= len(buf)) {
				p := &part{buf: buf, first: first, last: true, err: rerr, res: make(chan *partResult, 1)}
				order <- p
				jobs <- p
				return
			}
			if cut <= 0 {
				if len(buf) >= maxPart {
					order <- &part{first: first, tail: io.MultiReader(bytes.NewReader(buf), src)}
					return
				}
				buf, rerr = fill(src, buf, len(buf)+max(partSize, minGrow))
				continue
			}
			next := append(partBuffer(partSize+minGrow), buf[cut:]...)
			p := &part{buf: buf[:cut], first: first, res: make(chan *partResult, 1)}
			order <- p
			jobs <- p
			first = false
			if rerr == nil {
				buf, rerr = fill(src, next, partSize)
			} else {
				buf = next
			}
		}
	}()
	var wg sync.WaitGroup
	defer wg.Wait() // no worker outlives the call
	for w := 0; w < workers; w++ {
		sh := s.newShard()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range jobs {
				p.res <- sh.readPart(p, name, kind)
			}
		}()
	}
	var fr textFrame // the input's state, parts merged so far
	base := 0        // lines in the parts merged so far
	for p := range order {
		if p.tail != nil {
			lr2 := newLineReader(p.tail, readBufferSize)
			lr2.line = base
			fr.first, fr.last = p.first, true
			_, _, err2 := s.scan(lr2, name, kind, &fr)
			if err == nil {
				err = err2
			}
			continue
		}
		r := <-p.res
		s.mergePart(r, name, base, &fr)
		base += r.lines
		if err == nil {
			err = r.err
		}
		putPartBuffer(r.buf)
	}
	return fr.found, fr.text, err
}

// scan runs the scanner of kind over lr.
func (s *storeImpl) scan(lr *lineReader, name string, kind Kind, fr *textFrame) (found, text bool, err error) {
	if kind == KindJSON {
		found, err = s.ingestJSON(lr, name, fr)
		return found, fr.text, err
	}
	return s.ingestXML(lr, name, fr)
}

// readPart reads one part into the worker's shard and hands over what it
// made, leaving the shard empty for the next part.
func (s *storeImpl) readPart(p *part, name string, kind Kind) *partResult {
	lr := memLineReader(p.buf, p.err)
	r := &partResult{fr: textFrame{first: p.first, last: p.last}, buf: p.buf}
	_, _, r.err = s.scan(lr, name, kind, &r.fr)
	s.flush()
	r.lines = lr.line
	r.st, r.problems = s.st, s.partProblems
	r.raw, s.raw = s.raw, rawLog{host: s.raw.host}
	s.st, s.partProblems = Stats{}, nil
	s.initStats()
	r.batches = make([][]arrow.RecordBatch, len(s.plans))
	for i, pl := range s.plans {
		r.batches[i], pl.batches = pl.batches, nil
	}
	return r
}

// mergePart adds what a worker made of a part to the store, its lines
// numbered after the base lines of the parts before it; fr is the input's
// state so far. The held problems of a part that found no event are held
// on for the input, or counted when the input has found an event.
func (s *storeImpl) mergePart(r *partResult, name string, base int, fr *textFrame) {
	fr.text = fr.text || r.fr.text
	if !r.fr.found {
		for _, h := range r.fr.held.first {
			fr.held.add(base+h.line, h.reason, h.detail)
		}
		for reason, n := range r.fr.held.rest {
			if fr.held.rest == nil {
				fr.held.rest = map[string]int{}
			}
			fr.held.rest[reason] += n
		}
		if fr.found {
			fr.held.release(s, name)
		}
	} else if !fr.found {
		fr.found = true
		fr.held.release(s, name)
	}
	s.st.Events += r.st.Events
	s.st.Kept += r.st.Kept
	s.raw.merge(&r.raw)
	for k, n := range r.st.Used {
		s.st.Used[k] += n
	}
	for k, n := range r.st.Skipped {
		s.st.Skipped[k] += n
	}
	for _, p := range r.problems {
		if p.pos.unit == "" {
			p.pos.line += base
		}
		s.problem(p.pos, p.reason, p.detail)
	}
	for i, bs := range r.batches {
		s.plans[i].batches = append(s.plans[i].batches, bs...)
	}
}

// newShard returns a store for one worker of a parallel read: the same
// datasets, derivations and settings as s, builders of its own.
func (s *storeImpl) newShard() *storeImpl {
	sh := &storeImpl{
		mem: s.mem, batchSize: s.batchSize, maxEvent: s.maxEvent, consts: s.consts,
		route: map[int]*datasetPlan{}, winRoute: map[routeKey]*datasetPlan{}, shard: true, filter: s.filter, noEvents: s.noEvents,
	}
	sh.raw.host = s.raw.host
	sh.initStats()
	clone := map[*datasetPlan]*datasetPlan{}
	for _, p := range s.plans {
		q := &datasetPlan{
			ds: p.ds, spec: p.spec, name: p.name, schema: p.schema, derive: p.derive, calcs: p.calcs,
			vals: make([][]byte, len(p.vals)), host: p.host, src: p.src, stv: p.stv, skip: p.skip,
		}
		q.newBuilders(s.mem, len(p.fieldB))
		clone[p] = q
		sh.plans = append(sh.plans, q)
	}
	for id, p := range s.route {
		sh.route[id] = clone[p]
	}
	for k, p := range s.winRoute {
		sh.winRoute[k] = clone[p]
	}
	return sh
}

// cutPoint returns where the text in b may be cut so that the scanner
// reads the two sides as it reads the whole: the first place at or after
// want, else the last one, or -1 when there is none. For XmlWinEventLog
// such a place is the start of a line beginning an event ("<Event" at the
// start of a line): that line starts a new event whatever came before (an
// event still open ends there as malformed, a run of text outside events
// ends), so the part after it starts in the scanner's initial state except
// for found, which the merge carries. For JSON lines it is after a line
// end: every line is an event of its own.
func cutPoint(kind Kind, b []byte, want int) int {
	if kind == KindJSON {
		if want < len(b) {
			if i := bytes.IndexByte(b[want:], '\n'); i >= 0 {
				return want + i + 1
			}
		}
		if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
			return i + 1
		}
		return -1
	}
	mark := []byte("\n<Event")
	for from := want; from < len(b); {
		i := bytes.Index(b[from:], mark)
		if i < 0 {
			break
		}
		if isEventStart(b[from+i+1:]) {
			return from + i + 1
		}
		from += i + 1
	}
	for end := len(b); ; {
		i := bytes.LastIndex(b[:end], mark)
		if i < 0 {
			return -1
		}
		if isEventStart(b[i+1:]) {
			return i + 1
		}
		end = i
	}
}

// fill reads from r onto buf until it holds want bytes or r fails (io.EOF
// at the end).
func fill(r io.Reader, buf []byte, want int) ([]byte, error) {
	if cap(buf) < want {
		buf = append(make([]byte, 0, want), buf...)
	}
	for len(buf) < want {
		n, err := r.Read(buf[len(buf):want])
		buf = buf[:len(buf)+n]
		if err != nil {
			return buf, err
		}
	}
	return buf, nil
}

// memLineReader is a lineReader over text already in memory, followed by
// err (io.EOF at the end of the input).
func memLineReader(text []byte, err error) *lineReader {
	if err == nil {
		err = io.EOF
	}
	return &lineReader{buf: text, end: len(text), err: err, maxLine: maxLineSize}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

// Read implements io.Reader.
func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	return n, err
}

// workerCount is s.workers, or GOMAXPROCS when it is 0.
func (s *storeImpl) workerCount() int {
	if s.workers > 0 {
		return s.workers
	}
	return runtime.GOMAXPROCS(0)
}

// fileJob is one input of ingestInputs.
type fileJob struct {
	in  input
	dup bool // already loaded: skipped, not read
	res chan fileResult
}

// fileResult is what a worker made of one file: a store of its own.
type fileResult struct {
	sub *storeImpl
	err error
}

// ingestInputs reads the inputs found by findInputs in order. With
// several workers and inputs, files are read at once into stores of their
// own (each may read its own parts in parallel too), merged in input
// order: the rows, counts, problems and skipped files are those of reading
// them one by one, and an error stops the ingest after the files before
// it, as it would serially (the files read ahead after it are dropped).
func (s *storeImpl) ingestInputs(ctx context.Context, inputs []input, opt *IngestOptions) error {
	workers := s.workerCount()
	if workers <= 1 || len(inputs) < 2 {
		for _, in := range inputs {
			if err := s.ingestInput(ctx, in, opt); err != nil {
				return err
			}
		}
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if opt.Progress != nil {
		o := *opt
		o.Progress = &lockedProgress{p: opt.Progress}
		opt = &o
	}
	// "Already loaded" is decided in input order, as serially, before any
	// file is read; a file read is remembered when it is merged.
	all := make([]*fileJob, len(inputs))
	for i, in := range inputs {
		all[i] = &fileJob{in: in, dup: s.loaded(in.info) || dupBefore(inputs[:i], in)}
	}
	order := make(chan *fileJob, 2*workers)
	jobs := make(chan *fileJob, 2*workers)
	go func() {
		defer close(order)
		defer close(jobs)
		for _, j := range all {
			if !j.dup && j.in.skip == "" {
				j.res = make(chan fileResult, 1)
				jobs <- j
			}
			select {
			case order <- j:
			case <-ctx.Done():
				return
			}
		}
	}()
	var wg sync.WaitGroup
	defer wg.Wait() // no worker outlives the call
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				sub := s.newFileStore()
				err := sub.readInput(ctx, j.in, opt)
				sub.flush()
				j.res <- fileResult{sub, err}
			}
		}()
	}
	var err error
	for j := range order {
		if err != nil {
			continue // drain: the files after an error are not counted
		}
		if j.in.skip != "" { // not opened (see findInputs)
			s.skipFile(j.in.display, j.in.skip)
			continue
		}
		if j.dup {
			s.skipFile(j.in.display, SkipAlreadyLoaded)
			continue
		}
		r := <-j.res
		if r.sub.opened {
			s.remember(j.in.info)
		}
		s.mergeFile(r.sub)
		if r.err != nil {
			err = r.err
			cancel()
		}
	}
	return err
}

// dupBefore reports whether one of the inputs before in is the same file
// (os.SameFile), so that in is "already loaded" when its turn comes.
func dupBefore(before []input, in input) bool {
	for _, o := range before {
		if o.info.Size() == in.info.Size() && os.SameFile(o.info, in.info) {
			return true
		}
	}
	return false
}

// newFileStore returns a store for one file of ingestInputs: the same
// datasets and settings as s, builders and counts of its own.
func (s *storeImpl) newFileStore() *storeImpl {
	sub := s.newShard()
	sub.shard = false
	sub.workers, sub.partSize, sub.maxPart = s.workers, s.partSize, s.maxPart
	return sub
}

// mergeFile adds what a file store read to s, after what s holds.
func (s *storeImpl) mergeFile(sub *storeImpl) {
	st := &sub.st
	s.st.Files += st.Files
	s.st.Bytes += st.Bytes
	s.st.Events += st.Events
	s.st.Kept += st.Kept
	s.raw.merge(&sub.raw)
	for k, n := range st.FileKinds {
		s.st.FileKinds[k] += n
	}
	for k, n := range st.FilesSkipped {
		s.st.FilesSkipped[k] += n
	}
	for _, f := range st.SkippedFiles {
		if len(s.st.SkippedFiles) < maxSkippedFiles {
			s.st.SkippedFiles = append(s.st.SkippedFiles, f)
		}
	}
	for k, n := range st.Used {
		s.st.Used[k] += n
	}
	for k, n := range st.Skipped {
		s.st.Skipped[k] += n
	}
	for _, p := range st.Problems {
		if len(s.st.Problems) < maxProblems {
			s.st.Problems = append(s.st.Problems, p)
		}
	}
	for i, p := range sub.plans {
		s.plans[i].batches = append(s.plans[i].batches, p.batches...)
	}
}

// lockedProgress calls a Progress from one goroutine at a time.
type lockedProgress struct {
	mu sync.Mutex
	p  Progress
}

// Start implements Progress.
func (l *lockedProgress) Start(total int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.p.Start(total)
}

// Add implements Progress.
func (l *lockedProgress) Add(chunk []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.p.Add(chunk)
}
