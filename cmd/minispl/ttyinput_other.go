//go:build !unix

package main

import (
	"errors"
	"os"
)

// ttyInput is the terminal reader of ttyinput.go, which needs poll(2);
// elsewhere (Windows) liner reads the console itself, without the
// one-line-at-a-time feed: pasted lines run one by one and bracketed
// paste is not turned on.
type ttyInput struct{}

// newTTYInput is not available here; the REPL then lets liner read the
// console.
func newTTYInput(int) (*ttyInput, *os.File, error) {
	return nil, nil, errors.New("terminal reader not available on this system")
}

func (*ttyInput) nextLine()                      {}
func (*ttyInput) peekLine() (string, bool, bool) { return "", false, false }
func (*ttyInput) pause()                         {}
func (*ttyInput) resume()                        {}
func (*ttyInput) close()                         {}
