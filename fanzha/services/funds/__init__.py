"""The funds desk (止付冻结): stop-payment orders raised from reports, the banks' answers, expiry."""
