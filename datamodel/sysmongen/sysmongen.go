// Package sysmongen writes realistic, synthetic Sysmon events as Splunk
// XmlWinEventLog text (one <Event> per line, single-quoted attributes, as
// Splunk's _raw holds them), for benchmarks and scale tests of the
// datamodel package.
//
// Most events are registry events (EventID 13, then 12 and 14) over the
// usual persistence and configuration keys: Run keys, services, policies,
// file associations, with DWORD, QWORD, string and "Binary Data" details.
// Some events use the schema before Sysmon 13.30 (no User Data element). A
// small deterministic fraction (one event in RMSEvery) writes under
// HKLM\SYSTEM\Remote Manipulator System so that the ESCU RMS detection finds
// rows, and a few events are not registry events (EventID 1, EventID 3 and
// a Security 4624 event) so that skip counting is exercised. The output is
// a pure function of n and seed.
//
// Imports: the standard library only; it must not import datamodel, so the
// generated text exercises the real scanner like any other input.
package sysmongen

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"
)

// RMSEvery is the period of events written under the RMS registry key: the
// event with index i (0-based) is an RMS event when i%RMSEvery ==
// RMSEvery-1.
const RMSEvery = 97

// OtherEvery is the period of non-registry events: index i is one when
// i%OtherEvery == OtherEvery-2 (cycling EID 1, EID 3, Security 4624).
const OtherEvery = 50

// Counts says how many events of each kind Write produced.
type Counts struct {
	Registry, RMS, Process, Network, Security int
}

// tables are the vocabularies events are drawn from.
type tables struct {
	hosts, users, images, sids, keys, valueNames, rmsValues []string
}

// newTables returns the vocabularies; a function so that the package
// holds no mutable global state.
func newTables() tables {
	return tables{
		hosts: []string{
			"win-dc-6764986.attackrange.local", "win-host-623.attackrange.local",
			"ar-win-2.attackrange.local", "DESKTOP-7Q1KF3L", "ws-fin-0042.corp.example.com",
			"srv-sql-01.corp.example.com", "EC2AMAZ-CEMU0P7",
		},

		users: []string{
			"NT AUTHORITY\\SYSTEM", "NT AUTHORITY\\LOCAL SERVICE", "NT AUTHORITY\\NETWORK SERVICE",
			"ATTACKRANGE\\Administrator", "CORP\\j.doe", "CORP\\svc_backup", "DESKTOP-7Q1KF3L\\alice",
		},

		images: []string{
			`C:\Windows\system32\svchost.exe`, `C:\Windows\system32\lsass.exe`, `C:\Windows\regedit.exe`,
			`C:\Windows\System32\reg.exe`, `C:\Windows\explorer.exe`,
			`C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`,
			`C:\Program Files\Google\Chrome\Application\chrome.exe`,
			`C:\Users\Public\Downloads\setup (1).exe`, `C:\Windows\system32\services.exe`,
		},

		sids: []string{
			"S-1-5-21-1854396824-2342670854-3736740652-1000",
			"S-1-5-21-814534664-756003823-1488211838-500",
			"S-1-5-18",
		},

		// keys: registry key paths; %s is replaced by a user SID.
		keys: []string{
			`HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Run`,
			`HKU\%s\Software\Microsoft\Windows\CurrentVersion\Run`,
			`HKU\%s\Software\Microsoft\Windows\CurrentVersion\RunOnce`,
			`HKLM\System\CurrentControlSet\Services\W32Time\SecureTimeLimits`,
			`HKLM\System\CurrentControlSet\Services\bam\State\UserSettings\%s`,
			`HKLM\System\CurrentControlSet\Control\Lsa`,
			`HKLM\SOFTWARE\Policies\Microsoft\Windows Defender\Real-Time Protection`,
			`HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon`,
			`HKU\%s_Classes\exefile\shell\runas\command`,
			`HKLM\System\CurrentControlSet\Services\SharedAccess\Parameters\FirewallPolicy\FirewallRules`,
			`HKU\%s\Software\Microsoft\Windows\CurrentVersion\Explorer\UserAssist\{CEBFF5CD-ACE2-4F4F-9178-9926F41749EA}\Count`,
		},

		valueNames: []string{
			"Start", "SecureTimeHigh", "OneDrive", "Shell", "Userinit", "RunAsPPL",
			"DisableRealtimeMonitoring", "(Default)", "Security Packages", "Updater.exe",
			`{0D807408-8157-49B9-ACFC-0B5C15B1119E}`, "HUQRZCHCY_PBZ",
		},

		rmsValues: []string{"Options", "FUSClientPath", "General", "Security", "Certificates", "InternetId"},
	}
}

// Write writes n events generated from seed to w and reports what it wrote.
func Write(w io.Writer, n int, seed int64) (Counts, error) {
	if n < 0 {
		return Counts{}, fmt.Errorf("sysmongen: negative event count %d", n)
	}
	g := &gen{
		tables: newTables(),
		r:      rand.New(rand.NewPCG(uint64(seed), 0x5379736d6f6e)),
		w:      bufio.NewWriterSize(w, 1<<16),
		t:      time.Date(2024, 9, 30, 14, 0, 0, 0, time.UTC),
		rec:    1000,
	}
	for i := 0; i < n; i++ {
		g.t = g.t.Add(time.Duration(1+g.r.IntN(2500)) * time.Millisecond)
		g.rec++
		switch {
		case i%RMSEvery == RMSEvery-1:
			g.rms()
			g.c.RMS++
			g.c.Registry++
		case i%OtherEvery == OtherEvery-2:
			switch (i / OtherEvery) % 3 {
			case 0:
				g.process()
				g.c.Process++
			case 1:
				g.network()
				g.c.Network++
			default:
				g.security()
				g.c.Security++
			}
		default:
			g.registry()
			g.c.Registry++
		}
		if g.err != nil {
			return g.c, fmt.Errorf("sysmongen: writing event %d: %w", i, g.err)
		}
	}
	if err := g.w.Flush(); err != nil {
		return g.c, fmt.Errorf("sysmongen: %w", err)
	}
	return g.c, nil
}

type gen struct {
	tables
	r   *rand.Rand
	w   *bufio.Writer
	t   time.Time
	rec int
	c   Counts
	err error
}

func (g *gen) pick(v []string) string { return v[g.r.IntN(len(v))] }

func (g *gen) printf(format string, args ...any) {
	if g.err == nil {
		_, g.err = fmt.Fprintf(g.w, format, args...)
	}
}

func (g *gen) guid() string {
	return fmt.Sprintf("{%08X-%04X-%04X-%04X-%012X}", g.r.Uint32(), g.r.IntN(1<<16), g.r.IntN(1<<16), g.r.IntN(1<<16), g.r.Uint64()&(1<<48-1))
}

// system writes the <Event> start and the <System> element.
func (g *gen) system(provider, guid string, eid, version int, channel, computer, sid string) {
	g.printf("<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='%s' Guid='%s'/><EventID>%d</EventID><Version>%d</Version><Level>4</Level><Task>%d</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime='%s'/><EventRecordID>%d</EventRecordID><Correlation/><Execution ProcessID='%d' ThreadID='%d'/><Channel>%s</Channel><Computer>%s</Computer><Security UserID='%s'/></System>",
		provider, guid, eid, version, eid, g.t.Add(1234567*time.Nanosecond).Format("2006-01-02T15:04:05.0000000Z"), g.rec, 2000+g.r.IntN(2000), 1000+g.r.IntN(5000), channel, computer, sid)
}

const sysmonGUID = "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}"
const sysmonChannel = "Microsoft-Windows-Sysmon/Operational"

func (g *gen) utc() string { return g.t.Format("2006-01-02 15:04:05.000") }

// regEvent writes one registry event.
func (g *gen) regEvent(eid int, eventType, target, details, newName string) {
	host := g.pick(g.hosts)
	g.system("Microsoft-Windows-Sysmon", sysmonGUID, eid, 2, sysmonChannel, host, "S-1-5-18")
	image := g.pick(g.images)
	g.printf("<EventData><Data Name='RuleName'>%s</Data><Data Name='EventType'>%s</Data><Data Name='UtcTime'>%s</Data><Data Name='ProcessGuid'>%s</Data><Data Name='ProcessId'>%d</Data><Data Name='Image'>%s</Data><Data Name='TargetObject'>%s</Data>",
		g.pick([]string{"-", "T1060,RunKey", "", "technique_id=T1112,technique_name=Modify Registry"}), eventType, g.utc(), g.guid(), 4+g.r.IntN(30000), image, target)
	switch eid {
	case 13:
		g.printf("<Data Name='Details'>%s</Data>", details)
	case 14:
		g.printf("<Data Name='NewName'>%s</Data>", newName)
	}
	// About a third of the events come from Sysmon before 13.30: no User.
	if g.r.IntN(3) != 0 {
		g.printf("<Data Name='User'>%s</Data>", g.pick(g.users))
	}
	g.printf("</EventData></Event>\n")
}

func (g *gen) details() string {
	switch g.r.IntN(6) {
	case 0, 1:
		return fmt.Sprintf("DWORD (0x%08x)", g.r.IntN(5))
	case 2:
		return fmt.Sprintf("QWORD (0x%08x-0x%08x)", g.r.Uint32(), g.r.Uint32())
	case 3:
		return "Binary Data"
	case 4:
		return `"` + g.pick(g.images) + `" --background &amp; -s`
	default:
		return g.pick([]string{"(Empty)", "C:\\Windows\\system32\\userinit.exe,", "Kerberos msv1_0 schannel", "v2.26|Action=Allow|Active=TRUE|Dir=In|"})
	}
}

func (g *gen) registry() {
	key := g.pick(g.keys)
	if strings.Contains(key, "%s") {
		key = fmt.Sprintf(key, g.pick(g.sids))
	}
	switch p := g.r.IntN(20); {
	case p < 14:
		g.regEvent(13, "SetValue", key+`\`+g.pick(g.valueNames), g.details(), "")
	case p < 18:
		et := g.pick([]string{"CreateKey", "CreateKey", "DeleteKey", "DeleteValue"})
		g.regEvent(12, et, key, "", "")
	default:
		if g.r.IntN(2) == 0 {
			g.regEvent(14, "RenameKey", key, "", key+"_old")
		} else {
			g.regEvent(14, "RenameValue", key+`\`+g.pick(g.valueNames), "", key+`\Renamed`)
		}
	}
}

func (g *gen) rms() {
	base := `HKLM\SYSTEM\Remote Manipulator System\v4\Server\Parameters`
	if g.r.IntN(4) == 0 {
		g.regEvent(12, "CreateKey", base, "", "")
		return
	}
	g.regEvent(13, "SetValue", base+`\`+g.pick(g.rmsValues), g.pick([]string{"Binary Data", "DWORD (0x00000001)", `C:\Windows\SysWOW64\rutserv.exe`}), "")
}

func (g *gen) process() {
	host := g.pick(g.hosts)
	g.system("Microsoft-Windows-Sysmon", sysmonGUID, 1, 5, sysmonChannel, host, "S-1-5-18")
	image := g.pick(g.images)
	g.printf("<EventData><Data Name='RuleName'>-</Data><Data Name='UtcTime'>%s</Data><Data Name='ProcessGuid'>%s</Data><Data Name='ProcessId'>%d</Data><Data Name='Image'>%s</Data><Data Name='CommandLine'>\"%s\" /c whoami &amp; exit</Data><Data Name='User'>%s</Data><Data Name='IntegrityLevel'>High</Data><Data Name='Hashes'>MD5=%032X</Data><Data Name='ParentImage'>C:\\Windows\\explorer.exe</Data></EventData></Event>\n",
		g.utc(), g.guid(), 100+g.r.IntN(9000), image, image, g.pick(g.users), g.r.Uint64())
}

func (g *gen) network() {
	host := g.pick(g.hosts)
	g.system("Microsoft-Windows-Sysmon", sysmonGUID, 3, 5, sysmonChannel, host, "S-1-5-18")
	g.printf("<EventData><Data Name='RuleName'>-</Data><Data Name='UtcTime'>%s</Data><Data Name='ProcessGuid'>%s</Data><Data Name='ProcessId'>%d</Data><Data Name='Image'>%s</Data><Data Name='Protocol'>tcp</Data><Data Name='DestinationIp'>10.0.%d.%d</Data><Data Name='DestinationPort'>443</Data></EventData></Event>\n",
		g.utc(), g.guid(), 100+g.r.IntN(9000), g.pick(g.images), g.r.IntN(255), g.r.IntN(255))
}

func (g *gen) security() {
	host := g.pick(g.hosts)
	g.printf("<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Security-Auditing' Guid='{54849625-5478-4994-A5BA-3E3B0328C30D}'/><EventID>4624</EventID><Version>2</Version><Level>0</Level><Task>12544</Task><Opcode>0</Opcode><Keywords>0x8020000000000000</Keywords><TimeCreated SystemTime='%s'/><EventRecordID>%d</EventRecordID><Correlation/><Execution ProcessID='640' ThreadID='4012'/><Channel>Security</Channel><Computer>%s</Computer><Security/></System><EventData><Data Name='SubjectUserSid'>S-1-5-18</Data><Data Name='TargetUserName'>%s</Data><Data Name='LogonType'>3</Data></EventData></Event>\n",
		g.t.Format("2006-01-02T15:04:05.0000000Z"), g.rec, host, g.pick(g.users))
}
