"""How much the simulated city does: the volume rates every generator reads.

Ordinary life, per adult (18+) per day, chosen so that a 1,000,000-resident month stays within
the benchmark targets (about 24 M calls, 12 M SMS and 7 M transfers):

- calls: 1.0 (0.88 to the person's own contacts, 0.07 to other residents, 0.05 to numbers outside
  the city); 15 % go unanswered; daytime-heavy hours.
- SMS: 0.5 (0.3 personal between contacts, 0.2 service texts from short codes such as 95588).
- money: 0.3 transfers that produce postings: 0.08 payments between residents, 0.17 purchases at
  merchants (POS / 快捷支付), 0.03 ATM cash, plus a monthly salary (employed) or pension (60+).

Fraud, per city:

- gangs: 3 per 10,000 residents, at least one per fraud type once the city has 2,000 residents.
- victims: 0.2 % of residents per 30 days (a 20,000-resident month gives about 40 cases);
  25 % never report, 20 % of reports arrive without a fraud type.
- fraud numbers reach the city with a few to 60 calls / SMS each per active day, growing with
  the city's size (a real gang dials the whole country; only part of it lands here).
"""
from __future__ import annotations

CALLS_PER_ADULT_DAY = 1.0
CALL_TO_CONTACT = 0.88
CALL_TO_RESIDENT = 0.07  # the rest (0.05) goes to numbers outside the city
CALL_ANSWERED = 0.85

PERSONAL_SMS_PER_ADULT_DAY = 0.3
SERVICE_SMS_PER_ADULT_DAY = 0.2

P2P_PER_ADULT_DAY = 0.08
PURCHASES_PER_ADULT_DAY = 0.17
ATM_PER_ADULT_DAY = 0.03

EMPLOYED_SHARE = 0.72  # of adults 18-59
SECOND_PHONE_SHARE = 0.25
RESIDENTS_PER_MERCHANT = 150
RESIDENTS_PER_CELL = 400

GANGS_PER_RESIDENT = 3 / 10_000
MIN_RESIDENTS_FOR_EVERY_TYPE = 2_000
VICTIMS_PER_RESIDENT_30_DAYS = 0.002
NEVER_REPORT_SHARE = 0.25
UNCLASSIFIED_REPORT_SHARE = 0.2


def fraud_contacts_per_number_day(residents: int) -> float:
    """Calls (or SMS) one active fraud number makes into this city per day."""
    return min(60.0, max(5.0, residents / 1_500))
