"""Lab emulators that play the devices the reconciler drives.

This package imports nothing from the rest of `reconciler`. The EOS emulator uses only the
standard library: `reconciler.lab.eos_server` (`EosLab`, `DeviceSpec`, and the
`python -m reconciler.lab.eos_server` entry point), `reconciler.lab.eos_device.EosDevice`
(one switch, usable without HTTP) and `reconciler.lab.faults.Faults` (fault injection).
The Cisco IOS emulator speaks SSH through asyncssh: `reconciler.lab.ios_server.IosLab`
(many switches, one port each) and `reconciler.lab.ios_cli.IosDevice` (one switch, no SSH).
The server modules are not imported here so that `python -m` runs them cleanly.
"""
