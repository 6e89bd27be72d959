package datamodel

import "testing"

// deriveBenchValues are typical one-line values of the fields the
// hand-coded derivations read (BenchmarkDerive).
var deriveBenchValues = [][]byte{
	[]byte(`HKLM\System\CurrentControlSet\Services\W32Time\SecureTimeLimits\SecureTimeHigh`),
	[]byte(`HKU\S-1-5-21-1004336348-1177238915-682003330-1001\Software\Microsoft\Windows\CurrentVersion\Run\(Default)`),
	[]byte(`C:\Users\Administrator\AppData\Local\Temp\payload.ps1:Zone.Identifier`),
	[]byte(`C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`),
	[]byte(`NT AUTHORITY\SYSTEM`),
}

// BenchmarkDerive measures the string derivations of one event's worth of
// fields (registry key and value name, user, process name, file name) on
// values without line breaks, the common case the line-aware code must
// keep fast: in a one-line XML event (noLF, known from parseEvent) and in
// an event that may hold line breaks (a JSON line), where each derivation
// looks for one.
func BenchmarkDerive(b *testing.B) {
	b.Run("one-line", func(b *testing.B) { benchDerive(b, true) })
	b.Run("unknown", func(b *testing.B) { benchDerive(b, false) })
}

func benchDerive(b *testing.B, noLF bool) {
	e := event{noLF: noLF}
	n := 0
	for _, v := range deriveBenchValues {
		n += len(v)
	}
	b.SetBytes(int64(n))
	b.ReportAllocs()
	for b.Loop() {
		for _, v := range deriveBenchValues {
			e.arena = e.arena[:0]
			registryKeyName13(&e, v)
			registryValueName(&e, v)
			shortUser(&e, v)
			basename(&e, v)
			noADS(&e, afterLastBackslash(&e, v))
		}
	}
}
