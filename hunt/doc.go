// Package hunt runs many detections over one store of events and turns
// their rows into findings people act on: which detections fired, on
// which hosts, when, with what risk; one timeline of every result row;
// and, run as Enterprise Security schedules them, the notable and risk
// events each scheduled run would write.
//
// # Running
//
// Run compiles every detection through the front door (package query)
// and executes it over the same datamodel.Store, in parallel (the store
// is read-only once ingested; a query.Env is safe for concurrent
// compilations). A detection that does not compile or run is a Result
// with Err and the Stage it failed at; it never counts as fired. Runs
// compiles each detection once per scheduled run instead, with that run's
// reference time and window (content.Deployment.Runs; the time window is
// resolved when a search is planned, so each run is its own plan).
//
// # Compiling first
//
// Run and Schedule are Compile (CompileSchedule), then Compiled.Run: every
// detection is compiled before any event need be read, so that a front
// end can load the events with only what the compiled detections read
// (Compiled.Queries, whose query.ReadsEvents, query.EventFields and
// query.Datasets say it) and a typo costs no ingest. The union is exact
// in the sense the engine gives those functions (engine.EventFields,
// engine.Datasets): a detection whose results are events with every
// field (a search over raw events followed by no stats, table or fields
// command) or that runs a map needs every event field, and one whose
// plan holds a command the engine cannot account for needs every
// dataset; such a detection widens the load for the whole hunt. A field
// pattern over raw events (`table *`, `fields process*`) does not widen
// it: with or without the narrowing it sees only the fields the search
// names (the planner warns so). A detection that does
// not compile reads nothing: it never runs, and is reported as it
// would be without the narrowing (its Err and Stage). A field or
// dataset the loading left out is an error for a search that reads it,
// never an empty or null result. For a schedule the first run of each
// detection stands for its others, which differ from it only in their
// times.
//
// # Times (choices)
//
// A row's time is its _time when it has one (epoch seconds), else its
// firstTime, else its lastTime; those are read as epoch seconds, ISO 8601,
// ESCU's security_content_ctime format (%Y-%m-%dT%H:%M:%S) or convert's
// default (%m/%d/%Y %H:%M:%S), in the Options' zone. A row without any of
// them has no time (it sorts after the timed rows of the timeline); a row
// of a scheduled run without one takes the run's time. ESCU searches
// render firstTime in whole seconds, so times are to the second.
//
// # Notable and risk events (choices)
//
// Per result row of a scheduled run, a deployment with a notable action
// writes one notable event (the rule title and description, the
// detection's security domain, and the notable fields' values from the
// row), and one with risk enabled writes one risk event per value of each
// risk object field that is not null in the row (a multivalue field gives
// one event per value, as ES's risk action does; a null risk object gives
// none). The risk message has every $field$ replaced by the row's value of
// field (a multivalue field's values joined by ", "); a token naming a
// field the row does not have, or has null, stays as written and the
// detection gets a warning naming it, since a message with a hole is
// what ES would show. Threat objects carry their values from the row.
//
// Imports: content, query (the front door), datamodel, engine, macros,
// render, spl, spl/escu, spl/timemod and internal/english; it must not
// import cmd or hunt/report (the report imports hunt, not the reverse).
package hunt
