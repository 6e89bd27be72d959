// Package datamodel turns Sysmon events, as Splunk's XmlWinEventLog text,
// into the CIM Endpoint datasets (Registry, Processes, Filesystem) stored as
// Apache Arrow record batches, with the field mapping of Splunk's Sysmon
// add-on 4.0 and the CIM 5.x calculations.
package datamodel
