"""A rehearsal of the estate's calendar against the lab (`reconciler simulate`).

Walks every day on which something in the estate takes effect, runs each site's
nightly job for that day through the `drift` command, and then checks from the
outside (real RADIUS logins, the switches' own answers, the PBX database Asterisk
reads, Kea's configuration, the Wi-Fi controller's API, the journal) that the
live systems are what the estate says for that day. Expectations come from the
estate files and dates (`expect`), not from the resources the compilers make.
"""
