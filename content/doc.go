// Package content reads detections as content, the way people have them:
// a splunk/security_content checkout, a folder of detection YAML files, a
// single YAML file or JSON lines of detections (read by package spl/escu).
// It finds what a checkout ships beside its detections (macros/,
// lookups/, deployments/), selects detections by name or id, type,
// status, tag, MITRE ATT&CK id and data source, and says how Enterprise
// Security deploys each one: its schedule (cron, earliest and latest
// offsets), its notable event and its risk events.
//
// # Checkouts
//
// A checkout is a folder holding detections/ and macros/ (the layout of
// splunk/security_content). A path given to Load that is a checkout, or
// lies inside one's detections/ folder (a detection file, detections/
// itself or a folder below it), brings in the checkout's macros/ folder,
// its lookups/ folder and its deployments/*.yml. A detection named twice
// (the checkout and a file in it) is read once: detections are keyed by
// id, or by file and line when they have no id.
//
// # Deployment (choices on uncertain points)
//
// contentctl 4.x, which builds ESCU 4.42, picks a detection's deployment
// from deployments/ by the detection's type; the shared checkout does not
// ship that folder, and the reference (spl-semantics.md §7.2) gives only
// the schedule of the packaged savedsearches.conf: cron_schedule
// "0 * * * *", dispatch.earliest_time "-70m@m", dispatch.latest_time
// "-10m@m". When neither the detection (a deployment: block) nor the
// checkout (deployments/*.yml whose tags.type is the detection's type)
// says otherwise, Deployment uses that schedule with these alert actions,
// as ESCU's default configurations do:
//   - TTP: a notable event (rule title the detection's name, rule
//     description its description, notable fields user and dest) and risk
//     events;
//   - Anomaly: risk events only;
//   - Correlation: a notable event only;
//   - Hunting and anything else: neither (the search runs, its rows are
//     findings, nothing is written to the notable or risk index).
//
// Risk objects come from the rba: block when there is one (contentctl 5),
// else from tags.observable (contentctl 4.x): an observable with role
// Victim is a risk object scored tags.risk_score, of type "user" when its
// type is User, "system" for Endpoint, Hostname and IP Address, "other"
// otherwise; one with role Attacker is a threat object whose type is its
// observable type in lower case with spaces as underscores ("Process
// Name" is process_name). These mappings follow contentctl's builder
// as remembered, not the reference, which is silent on them.
//
// The cron expressions are parsed by github.com/robfig/cron/v3 (the
// standard five fields, with its descriptors such as @hourly), in the time
// zone given to Runs, as the Splunk scheduler reads cron in the server's.
//
// Imports: spl/escu (the detection files), the cron and YAML libraries only; it must
// not import engine, query or datamodel: it describes content and never
// runs it (packages hunt and ctest do).
package content
