package value

import "encoding/binary"

// AppendKeyPart appends s to a composite key of several strings, prefixed
// by its length, so that two different tuples never make the same key (a
// separator byte would not do: values may hold any byte, NUL included).
func AppendKeyPart(key []byte, s string) []byte {
	key = binary.AppendUvarint(key, uint64(len(s)))
	return append(key, s...)
}
