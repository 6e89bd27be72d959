package main

import (
	"reflect"
	"testing"
	"time"

	"github.com/minispl/minispl/engine"
)

func TestEngineOptions(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	at := func(h int) time.Time { return time.Date(2024, 9, 30, h, 0, 0, 0, time.UTC) }
	got := engineOptions(sessionOptions{
		BatchSize: 7, Lookups: []string{"a", "b"},
		Time: timeWindow{Now: at(16), Location: tokyo, Earliest: at(14), Latest: at(15)},
	})
	want := engine.Options{BatchSize: 7, Now: at(16), Location: tokyo, Earliest: at(14), Latest: at(15), LookupDirs: []string{"a", "b"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("engineOptions = %+v, want %+v", got, want)
	}
}
