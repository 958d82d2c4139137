"""Subjects (主题) the telecom events travel on, and the JetStream stream that keeps them."""
from __future__ import annotations

PREFIX = "fanzha.telecom"
CALLS = f"{PREFIX}.calls"  # one call record (话单) per event
SMS = f"{PREFIX}.sms"  # one SMS record (短信记录) per event
VISITS = f"{PREFIX}.visits"  # one site visit (上网访问记录) per event
STREAM = "FANZHA_TELECOM"  # the JetStream stream holding every subject under PREFIX
STREAM_SUBJECTS = [f"{PREFIX}.>"]
DURABLE = {CALLS: "fanzha-calls", SMS: "fanzha-sms", VISITS: "fanzha-visits"}  # one durable consumer per subject
RECORDS = (CALLS, SMS)  # what the telecom handler consumes
ALL = (CALLS, SMS, VISITS)
