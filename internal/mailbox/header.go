package mailbox

// ParseHeader reads a message's header block (the raw message may follow:
// only the header is read) into a Header, as a header fetch would.
func ParseHeader(uid uint32, raw []byte) Header {
	h := Header{UID: uid, Raw: raw}
	parseHeader(&h)
	return h
}
