"""The publicity desk (宣传): recording campaigns, events, public SMS, media and consultations,
and the picture of publicity next to the case trends."""
