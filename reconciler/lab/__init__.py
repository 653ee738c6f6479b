"""Lab emulators that play the devices the reconciler drives.

This package imports nothing from the rest of `reconciler` and uses only the standard
library. The EOS emulator: `reconciler.lab.eos_server` (`EosLab`, `DeviceSpec`, and the
`python -m reconciler.lab.eos_server` entry point), `reconciler.lab.eos_device.EosDevice`
(one switch, usable without HTTP) and `reconciler.lab.faults.Faults` (fault injection).
The server module is not imported here so that `python -m` runs it cleanly.
"""
