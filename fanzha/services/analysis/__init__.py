"""The analysis desk (研判): the entity graph, series, mule cards, link charts, suspects and arrests."""
