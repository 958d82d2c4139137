"""The public's window (公众): the risk look-up and citizens' fraud reports."""
