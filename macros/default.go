package macros

import (
	_ "embed"
	"fmt"
)

//go:embed default.conf
var defaultConf string

// Default returns a new library holding minispl's built-in macros, those the
// ESCU seed detection needs: security_content_summariesonly and its three
// *_config macros, security_content_ctime(1) and drop_dm_object_name(1);
// and the source macros of the raw-event detections: sysmon,
// wineventlog_security, powershell, wineventlog_system and
// wineventlog_application, as ESCU defines them. Their Origin is "builtin". Each call returns a fresh library.
func Default() *Library {
	ms, err := parseConf("builtin", []byte(defaultConf))
	if err != nil {
		// default.conf is part of the package and covered by its tests.
		panic(fmt.Sprintf("macros: built-in default.conf is invalid: %v", err))
	}
	l := New()
	for _, m := range ms {
		m.Origin = "builtin"
		l.add(m)
	}
	return l
}
