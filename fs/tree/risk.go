package tree

// refusing reports whether the API holds requests back because Douyin's
// risk control refuses them (fetch.Client.Refusing: its circuit is open).
// A listing with content then serves it at once instead of waiting for
// the circuit's probe; one without content still asks (and waits as long
// as the operation's timeout allows). An API without the method (tests'
// stand-ins) never refuses.
func (t *Tree) refusing() bool {
	r, ok := t.api.(interface{ Refusing() bool })
	return ok && r.Refusing()
}
