#!/usr/bin/env bash
# Copy a pull request's estate data from its checkout into this work tree, then remove
# the checkout: the base branch's tool plans the pull request's data and nothing else.
#
# Estate data is a regular YAML file directly in sites/ or occupiers/ with an estate
# file name. A link, an executable or a submodule there is refused (a link could point
# the tool at a credentials file); other files of the pull request are never copied.
# Usage (plan.yml): scripts/pr-estate-data.sh PULL_REQUEST_CHECKOUT
set -euo pipefail
pr=${1:?usage: scripts/pr-estate-data.sh PULL_REQUEST_CHECKOUT}
name_re='^(sites|occupiers)/[a-z0-9][a-z0-9-]{0,63}\.ya?ml$'

listing=$(git -C "$pr" ls-tree -r HEAD -- sites occupiers)
rm -rf sites occupiers
mkdir sites occupiers
status=0
while IFS=$'\t' read -r meta path; do
  [ -n "$meta" ] || continue
  mode=${meta%% *}
  if [ "$mode" != 100644 ]; then
    echo "::error file=$path::not a regular file (mode $mode): estate data must be plain YAML files"
    status=1
    continue
  fi
  case "$path" in
    */*/*) continue ;;                       # below the estate folders: not read by the tool
    *.yaml|*.yml) ;;
    *) continue ;;                           # a README next to the data: not data
  esac
  if ! [[ $path =~ $name_re ]]; then
    echo "::error file=$path::not an estate file name (lower-case letters, digits, '-')"
    status=1
    continue
  fi
  git -C "$pr" cat-file blob "HEAD:$path" > "$path"
done <<< "$listing"
rm -rf "$pr"
exit "$status"
