package spl

import (
	"reflect"
	"slices"
	"strings"
)

// This file is the command registry: one row per command that has a typed
// AST node. The grammar (its Union of alternatives and the names the
// generic command must not take), the parse-error hints of explain.go, the
// REPL's completion and .help, and the docs all read it, so adding a
// command is its grammar struct with its conversion (parse_commands.go),
// its AST type (ast.go), its printer case (printer.go), its row here, and
// its engine file.

// CommandKind tells how a command consumes its input, as minispl runs it.
type CommandKind uint8

// The command kinds.
const (
	// Generating commands make rows from nothing and must start a search or
	// subsearch, after a leading '|'.
	Generating CommandKind = iota + 1
	// Streaming commands turn each input batch into an output batch as it
	// comes (head stops early, dedup remembers what it has seen, append
	// adds its subsearch's rows at the end).
	Streaming
	// Blocking commands read their whole input before their first output
	// row.
	Blocking
)

// String returns "generating", "streaming" or "blocking".
func (k CommandKind) String() string {
	switch k {
	case Generating:
		return "generating"
	case Streaming:
		return "streaming"
	case Blocking:
		return "blocking"
	}
	return "unknown"
}

// CommandInfo describes one command of the registry.
type CommandInfo struct {
	// Name is the command name in lower case, as Command.Name returns it.
	Name string
	Kind CommandKind
	// Help is one line saying what the command does.
	Help string
	// Usage is the syntax minispl accepts, with <placeholders> and
	// [optional parts].
	Usage string
	// Example is a whole search that uses the command last; it parses and
	// prints back as written (a test checks it).
	Example string
	// expect is what explain.go says the command expects after a token it
	// could not parse.
	expect string
	// grammar is the participle alternative that parses the command; two
	// names may share one (stats and eventstats, bin and bucket, mvexpand
	// and makemv).
	grammar cmdNode
	// node is a nil pointer of the command's AST type.
	node Command
}

// registry holds the commands in the order the grammar tries them.
var registry = []CommandInfo{
	{Name: "tstats", Kind: Generating, grammar: &tstatsCmd{}, node: (*Tstats)(nil),
		Help:    "count and aggregate the rows of a datamodel dataset",
		Usage:   "| tstats [options] <agg>... [FROM datamodel=<model>[.<dataset>]] [WHERE <search>] [BY <field>... [span=<span>]]",
		Example: "| tstats count min(_time) AS first FROM datamodel=Endpoint.Registry WHERE Registry.action=created BY Registry.dest",
		expect:  "an aggregate, FROM, WHERE, BY or \"|\""},
	{Name: "rename", Kind: Streaming, grammar: &renameCmd{}, node: (*Rename)(nil),
		Help:    "rename fields; * in both names maps a pattern",
		Usage:   "rename <from> AS <to> [, <from> AS <to>]...",
		Example: "| tstats count FROM datamodel=Endpoint.Registry BY Registry.dest | rename \"Registry.*\" AS *",
		expect:  "a rename clause such as \"Registry.*\" AS *"},
	{Name: "convert", Kind: Streaming, grammar: &convertCmd{}, node: (*Convert)(nil),
		Help:    "convert field values, e.g. epoch times to text with ctime()",
		Usage:   "convert [timeformat=<format>] <func>(<field>) [AS <name>]...",
		Example: "| tstats min(_time) AS first FROM datamodel=Endpoint.Registry | convert timeformat=\"%Y-%m-%d\" ctime(first) AS day",
		expect:  "a conversion such as ctime(field) [AS name]"},
	{Name: "search", Kind: Streaming, grammar: &searchCmd{}, node: (*Search)(nil),
		Help:    "keep the rows that match a search expression",
		Usage:   "search <search expression>",
		Example: "| tstats count FROM datamodel=Endpoint.Registry BY Registry.dest | search Registry.dest=win* AND count>1",
		expect:  "a search term, a comparison such as field=value, or \"|\""},
	{Name: "where", Kind: Streaming, grammar: &whereCmd{}, node: (*Where)(nil),
		Help:    "keep the rows where an eval expression is true",
		Usage:   "where <eval expression>",
		Example: "| tstats count FROM datamodel=Endpoint.Registry BY Registry.dest | where count > 1 AND like('Registry.dest', \"win%\")",
		expect:  "an operator such as AND or >, or \"|\""},
	{Name: "eval", Kind: Streaming, grammar: &evalCmd{}, node: (*Eval)(nil),
		Help:    "compute fields from eval expressions, left to right",
		Usage:   "eval <field>=<expression> [, <field>=<expression>]...",
		Example: "| tstats count FROM datamodel=Endpoint.Registry | eval double=count * 2, label=if(count > 1, \"many\", \"one\")",
		expect:  "an assignment such as field=expression"},
	{Name: "stats", Kind: Blocking, grammar: &statsCmd{}, node: (*Stats)(nil),
		Help:    "aggregate rows, one row per group",
		Usage:   "stats [options] <func>[(<field>|eval(<expr>))] [AS <name>]... [BY <field>...]",
		Example: "| tstats count FROM datamodel=Endpoint.Registry BY Registry.dest Registry.user | stats sum(count) AS total dc(Registry.user) BY Registry.dest",
		expect:  "a function such as count or values(field), BY fields or \"|\""},
	{Name: "eventstats", Kind: Blocking, grammar: &statsCmd{}, node: (*Eventstats)(nil),
		Help:    "add aggregates of each row's group to every row",
		Usage:   "eventstats [options] <func>[(<field>)] [AS <name>]... [BY <field>...]",
		Example: "| tstats count FROM datamodel=Endpoint.Registry BY Registry.dest Registry.user | eventstats sum(count) AS total BY Registry.dest",
		expect:  "a function such as count or values(field), BY fields or \"|\""},
	{Name: "table", Kind: Streaming, grammar: &tableCmd{}, node: (*Table)(nil),
		Help:    "keep the named fields, in that order",
		Usage:   "table <field>...",
		Example: "| tstats count FROM datamodel=Endpoint.Registry BY Registry.dest | table count Registry.*",
		expect:  "a field name"},
	{Name: "fields", Kind: Streaming, grammar: &fieldsCmd{}, node: (*Fields)(nil),
		Help:    "keep (or with -, remove) the named fields",
		Usage:   "fields [+|-] <field>...",
		Example: "| tstats count FROM datamodel=Endpoint.Registry BY Registry.dest | fields - count",
		expect:  "a field name"},
	{Name: "dedup", Kind: Streaming, grammar: &dedupCmd{}, node: (*Dedup)(nil),
		Help:    "keep the first N rows of each combination of field values",
		Usage:   "dedup [<N>] <field>... [keepempty=<bool>] [consecutive=<bool>] [sortby <key>...]",
		Example: "| tstats count FROM datamodel=Endpoint.Registry BY Registry.dest Registry.user | dedup 2 Registry.dest keepempty=true sortby -count",
		expect:  "a field name, an option such as keepempty=true, or sortby"},
	{Name: "sort", Kind: Blocking, grammar: &sortCmd{}, node: (*Sort)(nil),
		Help:    "sort the rows by keys",
		Usage:   "sort [<N>] [+|-]<field>|num(<field>)|str(<field>)... [desc]",
		Example: "| tstats count FROM datamodel=Endpoint.Registry BY Registry.dest | sort 10 -count str(Registry.dest)",
		expect:  "a sort key such as -count or num(field)"},
	{Name: "head", Kind: Streaming, grammar: &headCmd{}, node: (*Head)(nil),
		Help:    "keep the first N rows, or the rows while an expression holds",
		Usage:   "head [<N> | (<expression>)] [limit=<N>] [null=<bool>] [keeplast=<bool>]",
		Example: "| tstats count FROM datamodel=Endpoint.Registry BY Registry.dest | head 5",
		expect:  "a number of results, (expression) or an option such as limit=5"},
	{Name: "fillnull", Kind: Streaming, grammar: &fillnullCmd{}, node: (*Fillnull)(nil),
		Help:    "replace null values (with 0 unless value= is given)",
		Usage:   "fillnull [value=<value>] [<field>...]",
		Example: "| tstats count FROM datamodel=Endpoint.Registry BY Registry.dest | fillnull value=unknown Registry.dest",
		expect:  "value=X or a field name"},
	{Name: "rex", Kind: Streaming, grammar: &rexCmd{}, node: (*Rex)(nil),
		Help:    "extract fields with a regular expression's named groups",
		Usage:   "rex [field=<field>] [max_match=<N>] [mode=sed] \"<regex>\"",
		Example: "| tstats count FROM datamodel=Endpoint.Registry BY Registry.dest | rex field=Registry.dest \"^(?<host>[^.]+)\"",
		expect:  "options such as field=name and a quoted regular expression"},
	{Name: "regex", Kind: Streaming, grammar: &regexCmd{}, node: (*Regex)(nil),
		Help:    "keep the rows whose field matches (or with !=, does not match) a regex",
		Usage:   "regex [<field>=|<field>!=]\"<regex>\"",
		Example: "| tstats count FROM datamodel=Endpoint.Registry BY Registry.dest | regex Registry.dest!=\"^ws-\"",
		expect:  "field=\"regex\", field!=\"regex\" or \"regex\""},
	{Name: "bin", Kind: Streaming, grammar: &binCmd{}, node: (*Bin)(nil),
		Help:    "put numbers or times into buckets",
		Usage:   "bin [span=<span>] [bins=<N>] [minspan=<span>] [start=<n>] [end=<n>] [aligntime=<time>] <field> [AS <name>]",
		Example: "| tstats count FROM datamodel=Endpoint.Registry BY _time | bin span=1h _time AS hour",
		expect:  "options such as span=1h and a field name"},
	{Name: "bucket", Kind: Streaming, grammar: &binCmd{}, node: (*Bin)(nil),
		Help:    "the same as bin",
		Usage:   "bucket [options] <field> [AS <name>]",
		Example: "| tstats count FROM datamodel=Endpoint.Registry BY _time | bucket span=1d _time",
		expect:  "options such as span=1h and a field name"},
	{Name: "mvexpand", Kind: Streaming, grammar: &mvexpandCmd{}, node: (*Mvexpand)(nil),
		Help:    "make one row per value of a multivalue field",
		Usage:   "mvexpand [limit=<N>] <field>",
		Example: "| tstats values(Registry.user) AS users FROM datamodel=Endpoint.Registry BY Registry.dest | mvexpand limit=10 users",
		expect:  "limit=<N> and a field name"},
	{Name: "makemv", Kind: Streaming, grammar: &mvexpandCmd{}, node: (*Makemv)(nil),
		Help:    "split a field into a multivalue",
		Usage:   "makemv [delim=<string> | tokenizer=<regex>] [allowempty=<bool>] [setsv=<bool>] <field>",
		Example: "| tstats count FROM datamodel=Endpoint.Registry BY Registry.registry_path | makemv delim=\"\\\\\" Registry.registry_path",
		expect:  "options such as delim=\",\" and one field name"},
	{Name: "lookup", Kind: Streaming, grammar: &lookupCmd{}, node: (*Lookup)(nil),
		Help:    "add fields from a lookup table, matched on input fields",
		Usage:   "lookup [local=<bool>] [update=<bool>] <table> <field> [AS <local>]... [OUTPUT|OUTPUTNEW <field> [AS <local>]...]",
		Example: "| tstats count FROM datamodel=Endpoint.Processes BY Processes.process_name | lookup tools.csv name AS Processes.process_name OUTPUT category",
		expect:  "a lookup table, input fields and OUTPUT or OUTPUTNEW fields"},
	{Name: "inputlookup", Kind: Generating, grammar: &inputlookupCmd{}, node: (*Inputlookup)(nil),
		Help:    "read the rows of a lookup table",
		Usage:   "| inputlookup [options] <table> [WHERE <search>]",
		Example: "| inputlookup tools.csv WHERE category=remote",
		expect:  "a lookup table name and an optional WHERE clause"},
	{Name: "join", Kind: Blocking, grammar: &joinCmd{}, node: (*Join)(nil),
		Help:    "join the rows with a subsearch's on the named fields",
		Usage:   "join [type=inner|left|outer] [max=<N>] [overwrite=<bool>] <field>... [<subsearch>]",
		Example: "| tstats count FROM datamodel=Endpoint.Registry BY Registry.dest | join type=left Registry.dest [| inputlookup hosts.csv]",
		expect:  "options, fields and a subsearch in [...]"},
	{Name: "append", Kind: Streaming, grammar: &appendCmd{}, node: (*Append)(nil),
		Help:    "add a subsearch's rows after the rows of the search",
		Usage:   "append [options] [<subsearch>]",
		Example: "| tstats count FROM datamodel=Endpoint.Registry | append [| tstats count FROM datamodel=Endpoint.Processes]",
		expect:  "options, fields and a subsearch in [...]"},
	{Name: "makeresults", Kind: Generating, grammar: &makeresultsCmd{}, node: (*Makeresults)(nil),
		Help:    "make N rows with only _time (or, with annotate=true, the default fields)",
		Usage:   "| makeresults [count=<N>] [annotate=<bool>]",
		Example: "| makeresults count=3 annotate=true",
		expect:  "options such as count=3"},
	{Name: "replace", Kind: Streaming, grammar: &replaceCmd{}, node: (*Replace)(nil),
		Help:    "replace whole field values (with * wildcards) in the named fields",
		Usage:   "replace <wc-string> WITH <wc-string> [, <wc-string> WITH <wc-string>]... IN <field>...",
		Example: "| makeresults | eval s=\"%%14674\" | replace \"%%14674\" WITH \"Value Added\", \"*x\" WITH \"y*\" IN s",
		expect:  "<value> WITH <value> pairs, then IN and field names"},
	{Name: "addtotals", Kind: Streaming, grammar: &addtotalsCmd{}, node: (*Addtotals)(nil),
		Help:    "add the sum of the numeric fields of each row as a new field",
		Usage:   "addtotals [fieldname=<field>] [row=<bool>] [<field>...]",
		Example: "| makeresults | eval a=1, b=2 | addtotals fieldname=sum a b",
		expect:  "options such as fieldname=Total or field names"},
	{Name: "transaction", Kind: Blocking, grammar: &transactionCmd{}, node: (*Transaction)(nil),
		Help:    "group rows into transactions by field values, start and end conditions and time",
		Usage:   "transaction [<field>...] [startswith=(<search>)|eval(<expr>)] [endswith=...] [maxspan=<span>] [maxpause=<span>] [maxevents=<N>] [connected=<bool>] [keepevicted=<bool>] [mvlist=<bool>]",
		Example: "| makeresults count=2 | eval user=\"a\" | transaction user startswith=(count=1) endswith=eval(user == \"a\") maxspan=5m",
		expect:  "field names, startswith=(...), endswith=(...) or options such as maxspan=30m"},
	{Name: "appendpipe", Kind: Blocking, grammar: &appendpipeCmd{}, node: (*Appendpipe)(nil),
		Help:    "add the rows a subpipeline makes from the current rows after them",
		Usage:   "appendpipe [run_in_preview=<bool>] [<subpipeline>]",
		Example: "| makeresults count=2 | appendpipe [stats count]",
		expect:  "options and a subpipeline in [...]"},
	{Name: "map", Kind: Blocking, grammar: &mapCmd{}, node: (*Map)(nil),
		Help:    "run a search once per input row, with $field$ replaced by the row's values",
		Usage:   "map search=\"<search with $field$>\" [maxsearches=<N>]",
		Example: "| makeresults count=2 | eval n=2 | map search=\"| makeresults count=$n$\" maxsearches=5",
		expect:  "search=\"...\" and options such as maxsearches=10"},
	{Name: "xmlkv", Kind: Streaming, grammar: &xmlkvCmd{}, node: (*Xmlkv)(nil),
		Help:    "extract the leaf elements of XML text as fields",
		Usage:   "xmlkv [<field>] [maxinputs=<N>]",
		Example: "| makeresults | eval Message=\"<Command>cmd.exe</Command>\" | xmlkv Message",
		expect:  "a field name or maxinputs=N"},
	{Name: "spath", Kind: Streaming, grammar: &spathCmd{}, node: (*Spath)(nil),
		Help:    "extract a path (or every path) of JSON or XML text as fields",
		Usage:   "spath [input=<field>] [output=<field>] [path=<path> | <path>]",
		Example: "| makeresults | eval j=\"{\\\"a\\\": {\\\"b\\\": 1}}\" | spath input=j output=x path=a.b",
		expect:  "options such as input=field, output=field or a path"},
}

// Commands returns the registered commands, sorted by name. Generic
// commands (any other name, parsed as raw text) and macro-call stages are
// not in it.
func Commands() []CommandInfo {
	out := slices.Clone(registry)
	slices.SortFunc(out, func(a, b CommandInfo) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// LookupCommand returns the registered command called name (in any case).
func LookupCommand(name string) (CommandInfo, bool) {
	name = strings.ToLower(name)
	for _, c := range registry {
		if c.Name == name {
			return c, true
		}
	}
	return CommandInfo{}, false
}

// isCommandName reports whether name (in any case) is a registered
// command, which the generic command must leave to its own grammar.
func isCommandName(name string) bool {
	_, ok := LookupCommand(name)
	return ok
}

// grammarAlternatives returns the command alternatives of the grammar:
// each registered command's grammar once, in registry order, the
// macro-call stage (after them: expanded searches have none, and a
// backtick starts no command name), and the generic command last (it
// accepts any other name).
func grammarAlternatives() []cmdNode {
	var alts []cmdNode
	seen := map[reflect.Type]bool{}
	for _, c := range registry {
		if t := reflect.TypeOf(c.grammar); !seen[t] {
			seen[t] = true
			alts = append(alts, c.grammar)
		}
	}
	return append(alts, &macroCmd{}, &genericCmd{})
}
