"""The operator console: the estate as a static web site, generated from git.

`reconciler console build --out DIR` writes it; `reconciler console serve`
previews it. One module gathers the data (`data`); one module per page or
concept turns it into what a template shows (`estate`, `sites`, `pools`,
`occupiers`, `calls`, `status`, `search`); `build` renders and writes the files.
The site holds personal data (names, e-mails, numbers), never a secret.
"""
