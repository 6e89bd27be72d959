// Package ctest runs the unit tests of detections as Splunk's contentctl
// test does (escu-content.md §5), offline: for each test of a detection,
// every attack_data URL is mapped to a file of a local checkout of
// splunk/attack_data, those files are read into a store of their own
// (datamodel's IngestPaths; a file it does not read is named in a FAIL's
// reason, and the JUnit case lists each file with its source and
// sourcetype),
// the detection's search runs unchanged over all time (it is compiled
// before the files are read, and the store keeps only the event fields
// and datasets it reads, and no event texts when it reads no raw events
// and begins with "|"; the outcomes are those of a full store,
// TestSharedNarrowed), and the outcome
// is one of:
//
//   - PASS: the search returned rows and, reading them in order as
//     contentctl does (DetectionTestingInfrastructure.py, v4.4.7 and
//     HEAD), a row has every risk object field (the observables with role
//     Victim, or rba.risk_objects) and every threat object field (role
//     Attacker, rba.threat_objects) present and neither null nor the text
//     "null" before any row lacks a risk object field; the rows after that
//     first complete row are not looked at. A test whose threat objects
//     are each non-null in some row, but never all in one row, passes
//     too;
//   - FAIL, with why: no rows (with what the test files gave: events
//     read and the datasets they reached), a risk object field that is
//     null in a row before any complete row (and which row), or a threat
//     object field null in every row;
//   - ERROR: the search did not run (it failed to expand, parse, plan or
//     execute; the error names the stage), or a test file could not be
//     read;
//   - SKIP: the detection is experimental or deprecated (contentctl does
//     not test them), tagged manual_test or its test is of type manual,
//     it has no tests, or a test file is not in the local checkout ("test
//     data missing", naming the file).
//
// A search minispl cannot run yet (raw-event search, a data model it does
// not have) is an ERROR, never a PASS; when the engine learns it, the
// same test starts to pass or fail on its own.
//
// # Choices
//
// URLs map by the part after ".../splunk/attack_data/master/" (the
// media.githubusercontent.com and raw.githubusercontent.com forms ESCU
// uses, and github.com/.../blob/master/ or /raw/master/), with repeated
// slashes collapsed. The test's source and sourcetype are recorded and
// shown, but the store derives both from each event's channel, as the
// Windows and Sysmon add-ons do for these inputs (package datamodel).
// contentctl replays the files with update_timestamp, moving events to
// the present; searching over all time makes that irrelevant, so the
// events keep their recorded times.
//
// Imports: content, query (the front door), datamodel, engine, macros,
// spl/escu and internal/english; it must not import cmd, hunt or render's
// terminal code, so the same tests run from any front end.
package ctest
