"""Alerts to the station's people: faults found by the watcher, told through apprise.

`facts` reads the database into plain data, `rules` turns it into conditions (pure), `notices`
decides what to tell (pure: once per fault, again at an interval, a recovery notice), `delivery`
sends through apprise with its own log and retries, `watcher` runs it all in its own process
(`broadcaster watch`, a child of `broadcaster run`), and `health` answers `broadcaster status`
and `GET /suc-khoe`.
"""
