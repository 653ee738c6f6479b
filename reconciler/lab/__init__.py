"""Lab emulators that play the devices the reconciler drives.

This package imports nothing from the rest of `reconciler` and uses only the standard
library, so it can run as a separate process (`python -m reconciler.lab.eos_server`).
"""

from reconciler.lab.eos_device import EosDevice
from reconciler.lab.eos_server import DeviceSpec, EosLab, load_specs
from reconciler.lab.faults import Faults, FaultSettings

__all__ = ["DeviceSpec", "EosDevice", "EosLab", "FaultSettings", "Faults", "load_specs"]
