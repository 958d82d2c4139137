"""The telecom desk (通信): fraud numbers, block lists with provenance and expiry, records arriving
on the stream, the call screen's inputs, and the alerts it raises for residents talking to flagged
numbers."""
