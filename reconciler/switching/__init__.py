"""The switch contract, neutral between platforms: no client library is imported here.

`state` is what a running-config reader returns (`SwitchState`), `resources` cuts it to
the managed scope for the engine, `view` prints it for `reconciler inspect`, `blocks`
reads config text into a line tree, `vlans` reads and writes VLAN lists, `owner` marks
what the reconciler owns, `scope` says what a target may touch, and `hardware` says what
each switch model accepts.
"""
