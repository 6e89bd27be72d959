package macros_test

import (
	"fmt"

	"github.com/minispl/minispl/macros"
	"github.com/minispl/minispl/spl"
)

func ExampleLibrary_Expand() {
	lib := macros.Default()
	x, err := lib.Expand("| tstats `security_content_summariesonly` count from datamodel=Endpoint.Registry by Registry.dest | `drop_dm_object_name(Registry)` | `my_detection_filter`")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(x.Text)

	_, err = lib.Expand("| tstats count | `security_content_ctime`")
	fmt.Println(err.(*spl.Error).Format())
	// Output:
	// | tstats summariesonly=false allow_old_summaries=true fillnull_value=null count from datamodel=Endpoint.Registry by Registry.dest | rename "Registry.*" as * | search *
	// 1:18: macro 'security_content_ctime' cannot be found (no definition for security_content_ctime with 0 arguments; defined: security_content_ctime(1))
	//   | | tstats count | `security_content_ctime`
	//   |                  ^~~~~~~~~~~~~~~~~~~~~~~~
}

func ExampleExpansion_Relocate() {
	x, err := macros.Default().Expand("| tstats `security_content_summariesonly` count")
	if err != nil {
		fmt.Println(err)
		return
	}
	// Suppose the parser rejects the expanded "allow_old_summaries" option.
	start := len("| tstats summariesonly=false ")
	perr := spl.Errorf(x.Text, spl.Span{Start: start, End: start + len("allow_old_summaries")}, "unknown option")
	fmt.Println(x.Relocate(perr).(*spl.Error).Format())
	// Output:
	// 1:10: unknown option
	//   | | tstats `security_content_summariesonly` count
	//   |          ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
	//   note: in expansion of `security_content_summariesonly`: "summariesonly=false allow_old_summaries=true fillnull_value=null"
}
