package spl

// TEMPORARY: String methods of the nodes of ast_commands.go until the
// printer covers them (the spl work replaces this file).

func (n *Literal) String() string { return "<literal>" }
func (n *FieldRef) String() string { return "<fieldref>" }
func (n *Call) String() string { return "<call>" }
func (n *Unary) String() string { return "<unary>" }
func (n *Binary) String() string { return "<binary>" }
func (n *InList) String() string { return "<inlist>" }
func (n *Where) String() string { return "<where>" }
func (n *Eval) String() string { return "<eval>" }
func (n *Stats) String() string { return "<stats>" }
func (n *Eventstats) String() string { return "<eventstats>" }
func (n *Table) String() string { return "<table>" }
func (n *Fields) String() string { return "<fields>" }
func (n *Dedup) String() string { return "<dedup>" }
func (n *Sort) String() string { return "<sort>" }
func (n *Head) String() string { return "<head>" }
func (n *Fillnull) String() string { return "<fillnull>" }
func (n *Rex) String() string { return "<rex>" }
func (n *Regex) String() string { return "<regex>" }
func (n *Bin) String() string { return "<bin>" }
func (n *Mvexpand) String() string { return "<mvexpand>" }
func (n *Lookup) String() string { return "<lookup>" }
func (n *Inputlookup) String() string { return "<inputlookup>" }
func (n *Join) String() string { return "<join>" }
func (n *Append) String() string { return "<append>" }
