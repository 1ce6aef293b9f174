"""`monitor serve`: the web dashboard, JSON API and Atom feeds: read models of the event log."""
