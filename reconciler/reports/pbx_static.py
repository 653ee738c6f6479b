"""The static part of a PBX server: the files an operator installs once.

Everything else (phones, numbers, occupiers' dialplan, voicemail boxes) is realtime rows
the `asterisk` target writes. The files are per PBX server (`pbx.server`), covering
every site on it; the database settings come from a DSN or a SQLite path given on the
command line (the password is never printed).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ..errors import ConfigError
from ..intent.pbx_dialplan import zone_name
from ..model.estate import Estate
from ..model.site import Site
from .render import render

BACKENDS = {"pgsql": ("pgsql", "res_config_pgsql.so", "res_pgsql.conf"),
            "sqlite3": ("sqlite3", "res_config_sqlite3.so", "res_config_sqlite3.conf")}
FILES = ("extensions.conf", "pjsip.conf", "sorcery.conf", "extconfig.conf", "voicemail.conf",
         "cdr.conf", "modules.conf")


@dataclass(frozen=True)
class Database:
    host: str = "localhost"
    port: int = 5432
    name: str = "asterisk"
    user: str = "asterisk"
    path: str = "/var/lib/asterisk/realtime.sqlite3"

    @staticmethod
    def from_dsn(dsn: str | None) -> Database:
        if not dsn:
            return Database()
        if not dsn.startswith(("postgresql://", "postgres://")):
            return Database(path=dsn)
        u = urlsplit(dsn)
        return Database(u.hostname or "localhost", u.port or 5432,
                        (u.path or "/asterisk").lstrip("/") or "asterisk",
                        u.username or "asterisk")


def server_sites(estate: Estate, site_ids: Iterable[str]) -> tuple[str, list[Site]]:
    """The PBX server of the given sites and every site it serves."""
    servers = set()
    for sid in site_ids:
        site = estate.sites.get(sid)
        if site is None:
            raise ConfigError(f"no site {sid!r} (sites/{sid}.yaml)")
        if site.pbx is None:
            raise ConfigError(f"site {sid} has no pbx: in sites/{sid}.yaml")
        servers.add(site.pbx.server)
    if len(servers) != 1:
        raise ConfigError("the sites are on different PBX servers ("
                          + ", ".join(sorted(servers)) + "): one server at a time")
    server = servers.pop()
    return server, sorted((s for s in estate.sites.values()
                           if s.pbx is not None and s.pbx.server == server),
                          key=lambda s: s.id)


def _site(site: Site) -> dict[str, Any]:
    assert site.pbx is not None
    plan, fmt = site.pbx.plan, site.pbx.number_format
    return {"id": site.id, "name": site.name, "trunk": site.pbx.trunk,
            "emergency": site.pbx.emergency_numbers(), "zone": zone_name(site.id),
            "timezone": site.timezone,
            "emergency_cli": plan.to_carrier(site.emergency_caller_id() or "", fmt)}


def static_files(estate: Estate, site_ids: Iterable[str], backend: str = "pgsql",
                 dsn: str | None = None, bind: str = "0.0.0.0:5060") -> dict[str, str]:
    """File name -> text, for the PBX server of `site_ids`."""
    if backend not in BACKENDS:
        raise ConfigError(f"unknown backend {backend!r}: use " + " or ".join(BACKENDS))
    server, sites = server_sites(estate, site_ids)
    driver, module, conf = BACKENDS[backend]
    trunks: dict[str, dict[str, Any]] = {}
    for s in sites:
        assert s.pbx is not None
        t = trunks.setdefault(s.pbx.trunk, {"name": s.pbx.trunk, "host": None, "sites": []})
        t["sites"].append(s.id)
        if s.pbx.trunk_host and not t["host"]:
            t["host"] = s.pbx.trunk_host
            t["contact"] = s.pbx.trunk_host + (f":{s.pbx.trunk_port}" if s.pbx.trunk_port
                                               else "")
    credential = sites[0].pbx.credentials if sites[0].pbx else ""
    ctx: dict[str, Any] = {
        "server": server, "sites": [_site(s) for s in sites], "trunks": list(trunks.values()),
        "driver": driver, "driver_module": module, "database": "asterisk",
        "db": Database.from_dsn(dsn), "credential": credential, "bind": bind}
    names = (*FILES, conf)
    return {name: render(f"asterisk/static/{name}.j2", **ctx).rstrip("\n") + "\n"
            for name in names}
