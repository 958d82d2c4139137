"""The command desk (指挥): year-over-year statistics, the dashboard's live state of the desks, and
the monthly and yearly reports, all from one computation of the figures."""
