package engine

import "strings"

// groupInterner maps a tuple of BY values to a dense group id. A tuple is
// encoded as length-prefixed bytes in a reused buffer, so looking up an
// existing group does not allocate (the map is indexed by string(buf));
// a new group copies its values out of the Arrow buffers they point into.
type groupInterner struct {
	ids  map[string]int32
	keys [][]string // per group: the BY values
	buf  []byte
}

func newGroupInterner() *groupInterner { return &groupInterner{ids: map[string]int32{}} }

// id returns the group of tuple, creating it when new.
func (g *groupInterner) id(tuple []string) int32 {
	g.buf = g.buf[:0]
	for _, s := range tuple {
		n := len(s)
		g.buf = append(g.buf, byte(n), byte(n>>8), byte(n>>16), byte(n>>24))
		g.buf = append(g.buf, s...)
	}
	if id, ok := g.ids[string(g.buf)]; ok {
		return id
	}
	id := int32(len(g.keys))
	k := make([]string, len(tuple))
	for i, s := range tuple {
		k[i] = strings.Clone(s)
	}
	g.keys = append(g.keys, k)
	g.ids[string(g.buf)] = id
	return id
}

// len returns the number of groups.
func (g *groupInterner) len() int { return len(g.keys) }
